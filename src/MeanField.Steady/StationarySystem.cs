namespace MeanField.Steady;

/// <summary>
/// The stationary equations in reduced unknowns y = (u_free, c): the free state entries (mass and layout zeros held at the
/// reference values) and one drift speed c_j per rotation that moves the reference state,
///   R_u = N(u) − D Λ u + Σ_j c_j G_j u = 0,      R_c,j = ⟨t_j, u − u_ref⟩ = 0   (phase conditions),
/// where t_j = G_j u_ref are orthonormalised rotation directions at the reference. The c_j make the bordered Jacobian
/// regular at a non-uniform state (the rotated copies are no longer a null space) and are 0 at a true stationary state.
/// Rotations that leave u_ref invariant are dropped (none at the uniform state, one fewer for an axisymmetric S² state).
/// </summary>
internal sealed class StationarySystem
{
    /// <summary>A rotation direction is kept only above this fraction of the largest one (after orthogonalisation).</summary>
    private const double DropRotation = 1e-7;

    private readonly ISteadyGeometry _geometry;
    private readonly int[] _free;
    private readonly double[] _base;
    private readonly double[][] _generatorWeights;   // per kept direction j: weights over the geometry's rotations
    private readonly double[][] _phase;              // t_j on the free entries, orthonormal
    private readonly double[] _u, _v, _a, _b, _lapU;
    private readonly double _jvpScale;

    public StationarySystem(ISteadyGeometry geometry, ReadOnlySpan<double> reference, bool phaseConditions = true)
    {
        _geometry = geometry;
        int n = geometry.Length;
        var isFixed = new bool[n];
        foreach (int i in geometry.FixedEntries) isFixed[i] = true;
        _free = Enumerable.Range(0, n).Where(i => !isFixed[i]).ToArray();
        _base = reference.ToArray();
        _u = new double[n];
        _v = new double[n];
        _a = new double[n];
        _b = new double[n];
        _lapU = new double[n];
        (_generatorWeights, _phase) = phaseConditions ? RotationDirections(geometry, reference, _free) : ([], []);
        _jvpScale = geometry.IsQuadratic ? 1.0 : 1e-5;
        var lap = geometry.Laplacian;
        double smallest = double.PositiveInfinity;
        foreach (int i in _free) if (lap[i] > 0) smallest = Math.Min(smallest, lap[i]);
        SmallestLaplacian = double.IsFinite(smallest) ? smallest : 1;
    }

    public ISteadyGeometry Geometry => _geometry;
    public int FreeCount => _free.Length;
    public int PhaseCount => _phase.Length;
    public int Dimension => _free.Length + _phase.Length;
    public ReadOnlySpan<int> Free => _free;

    /// <summary>The smallest non-zero −Δ eigenvalue among the free entries: D times it is the slowest diffusive rate.</summary>
    public double SmallestLaplacian { get; }

    /// <summary>The phase-condition directions t_j on the free entries (orthonormal).</summary>
    public IReadOnlyList<double[]> PhaseDirections => _phase;

    /// <summary>Orthonormal rotation directions G_j u at u, on the free entries (the neutral modes of the Jacobian there).</summary>
    public static double[][] OrbitDirections(ISteadyGeometry geometry, ReadOnlySpan<double> u, ReadOnlySpan<int> free)
        => RotationDirections(geometry, u, free).Phase;

    private static (double[][] Weights, double[][] Phase) RotationDirections(ISteadyGeometry geometry, ReadOnlySpan<double> u, ReadOnlySpan<int> free)
    {
        int s = geometry.SymmetryCount;
        if (s == 0) return ([], []);
        var uniform = geometry.Uniform(u);
        double departure = 0, size = 0;
        for (int i = 0; i < u.Length; i++)
        {
            departure += (u[i] - uniform[i]) * (u[i] - uniform[i]);
            size += u[i] * u[i];
        }
        if (departure <= 1e-24 * size) return ([], []);
        var full = new double[u.Length];
        var vectors = new List<double[]>();
        var weights = new List<double[]>();
        double largest = 0;
        var raw = new double[s][];
        for (int a = 0; a < s; a++)
        {
            geometry.ApplySymmetry(a, u, full);
            raw[a] = new double[free.Length];
            for (int i = 0; i < free.Length; i++) raw[a][i] = full[free[i]];
            largest = Math.Max(largest, Gmres.Norm(raw[a]));
        }
        for (int a = 0; a < s; a++)
        {
            var t = (double[])raw[a].Clone();
            var w = new double[s];
            w[a] = 1;
            for (int pass = 0; pass < 2; pass++)
                for (int j = 0; j < vectors.Count; j++)
                {
                    double d = Gmres.Dot(t, vectors[j]);
                    for (int i = 0; i < t.Length; i++) t[i] -= d * vectors[j][i];
                    for (int b = 0; b < s; b++) w[b] -= d * weights[j][b];
                }
            double norm = Gmres.Norm(t);
            if (norm <= DropRotation * largest) continue;
            for (int i = 0; i < t.Length; i++) t[i] /= norm;
            for (int b = 0; b < s; b++) w[b] /= norm;
            vectors.Add(t);
            weights.Add(w);
        }
        return ([.. weights], [.. vectors]);
    }

    /// <summary>y from a full state: its free entries, drift speeds 0.</summary>
    public double[] Reduce(ReadOnlySpan<double> u)
    {
        var y = new double[Dimension];
        for (int i = 0; i < _free.Length; i++) y[i] = u[_free[i]];
        return y;
    }

    /// <summary>The full state of y (fixed entries from the reference).</summary>
    public double[] Expand(ReadOnlySpan<double> y)
    {
        var u = (double[])_base.Clone();
        for (int i = 0; i < _free.Length; i++) u[_free[i]] = y[i];
        return u;
    }

    private void ExpandInto(ReadOnlySpan<double> y, Span<double> u)
    {
        _base.CopyTo(u);
        for (int i = 0; i < _free.Length; i++) u[_free[i]] = y[i];
    }

    /// <summary>R(y; D) into r (length Dimension).</summary>
    public void Residual(ReadOnlySpan<double> y, double diffusion, Span<double> r)
    {
        ExpandInto(y, _u);
        _geometry.Transport(_u, _a);
        var lap = _geometry.Laplacian;
        for (int i = 0; i < _free.Length; i++)
        {
            int f = _free[i];
            r[i] = _a[f] - diffusion * lap[f] * _u[f];
        }
        AddRotations(y, _u, r);
        for (int j = 0; j < _phase.Length; j++)
        {
            double s = 0;
            for (int i = 0; i < _free.Length; i++) s += _phase[j][i] * (y[i] - _base[_free[i]]);
            r[_free.Length + j] = s;
        }
    }

    /// <summary>The PDE right-hand side N(u) − DΛu on the free entries (no drift terms): the residual a user is told.</summary>
    public double RightHandSideNorm(ReadOnlySpan<double> u, double diffusion)
    {
        _geometry.Transport(u, _a);
        var lap = _geometry.Laplacian;
        double s = 0;
        foreach (int f in _free)
        {
            double x = _a[f] - diffusion * lap[f] * u[f];
            s += x * x;
        }
        return Math.Sqrt(s);
    }

    // r_u += Σ_j c_j G_j u with c = y[free..], G_j = Σ_a W_ja T_a.
    private void AddRotations(ReadOnlySpan<double> c, ReadOnlySpan<double> u, Span<double> r)
    {
        for (int j = 0; j < _phase.Length; j++)
        {
            double cj = c[_free.Length + j];
            if (cj == 0) continue;
            var w = _generatorWeights[j];
            for (int a = 0; a < w.Length; a++)
            {
                if (w[a] == 0) continue;
                _geometry.ApplySymmetry(a, u, _b);
                for (int i = 0; i < _free.Length; i++) r[i] += cj * w[a] * _b[_free[i]];
            }
        }
    }

    /// <summary>
    /// J v, the Jacobian of R at y applied to v: N'(u) by central differences (exact for quadratic N: the step is then the
    /// size of u), the diffusion and rotations exactly.
    /// </summary>
    public void Jacobian(ReadOnlySpan<double> y, double diffusion, ReadOnlySpan<double> v, Span<double> jv, bool withDrift = true)
    {
        ExpandInto(y, _u);
        _v.AsSpan().Clear();
        double vNorm = 0, uNorm = 0;
        for (int i = 0; i < _free.Length; i++)
        {
            _v[_free[i]] = v[i];
            vNorm += v[i] * v[i];
        }
        for (int i = 0; i < _u.Length; i++) uNorm += _u[i] * _u[i];
        vNorm = Math.Sqrt(vNorm);
        uNorm = Math.Sqrt(uNorm);
        int nf = _free.Length;
        if (vNorm > 0)
        {
            double h = _jvpScale * Math.Max(uNorm, 1e-300) / vNorm;
            for (int i = 0; i < _u.Length; i++) _lapU[i] = _u[i] + h * _v[i];
            _geometry.Transport(_lapU, _a);
            for (int i = 0; i < _u.Length; i++) _lapU[i] = _u[i] - h * _v[i];
            _geometry.Transport(_lapU, _b);
            var lap = _geometry.Laplacian;
            for (int i = 0; i < nf; i++)
            {
                int f = _free[i];
                jv[i] = (_a[f] - _b[f]) / (2 * h) - diffusion * lap[f] * _v[f];
            }
        }
        else jv[..nf].Clear();
        if (!withDrift) return;
        // Σ_j c_j G_j v + Σ_j v_c,j G_j u
        AddRotations(y, _v, jv);
        for (int j = 0; j < _phase.Length; j++)
        {
            double vc = v[nf + j];
            if (vc == 0) continue;
            var w = _generatorWeights[j];
            for (int a = 0; a < w.Length; a++)
            {
                if (w[a] == 0) continue;
                _geometry.ApplySymmetry(a, _u, _b);
                for (int i = 0; i < nf; i++) jv[i] += vc * w[a] * _b[_free[i]];
            }
        }
        for (int j = 0; j < _phase.Length; j++) jv[nf + j] = Gmres.Dot(_phase[j], v[..nf]);
    }

    /// <summary>∂R/∂D = −Λ u on the free entries, 0 on the phase rows.</summary>
    public void DiffusionDerivative(ReadOnlySpan<double> y, Span<double> r)
    {
        var lap = _geometry.Laplacian;
        for (int i = 0; i < _free.Length; i++) r[i] = -lap[_free[i]] * y[i];
        r[_free.Length..Dimension].Clear();
    }

    /// <summary>Right preconditioner: 1/(D(Λ_i + Λ_min)) on the free entries (the diffusive part of J up to sign), 1 on the drifts.</summary>
    public double[] InversePreconditioner(double diffusion, int extra = 0)
    {
        var p = new double[Dimension + extra];
        var lap = _geometry.Laplacian;
        for (int i = 0; i < _free.Length; i++) p[i] = 1 / (diffusion * (lap[_free[i]] + SmallestLaplacian));
        for (int i = _free.Length; i < p.Length; i++) p[i] = 1;
        return p;
    }
}
