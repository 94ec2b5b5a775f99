namespace MeanField.Spectral.Steppers;

/// <summary>
/// The implicit noise step u_new = D(A)⁻¹ N(A) u of a <see cref="NoiseStepRule"/> for any <see cref="ICommonNoiseOperator"/>
/// (the S² Galerkin transport), matrix-free with A x from <see cref="ICommonNoiseOperator.AddNoise"/>:
/// <list type="bullet">
/// <item>midpoint (D = I − ½A): GMRES on (I − ½A) x = (I + ½A) u from x₀ = u;</item>
/// <item>a conjugate pair (D = (I − cA)(I − c̄A), Gauss–Legendre): by partial fractions x = 2 Re[γ (I − cA)⁻¹ r],
/// r = N(A) u, γ = c/(c − c̄) = ½ − iα/(2β) for c = α + iβ, so x = p + (α/β) q with (I − cA)(p + iq) = r solved by GMRES
/// as the real system [I − αA, βA; −βA, I − αA] [p; q] = [r; 0].</item>
/// </list>
/// The spectrum of I − cA lies near the line 1 − c·iℝ, so GMRES converges for any step, with more iterations as
/// ρ(A) ~ L·|G ΔB| grows (no stability limit, only cost). Every Krylov vector lies in the range of A, which has no
/// degree-0 part, so the mass of u is kept (exactly for midpoint, to one rounding of p + (α/β)q otherwise).
/// </summary>
internal sealed class KrylovNoiseStepSolver : INoiseStepSolver
{
    private readonly ICommonNoiseOperator _noise;
    private readonly NoiseStepRule _rule;
    private readonly Gmres _gmres;
    private readonly double[] _r, _ax, _x, _b;
    private readonly int _length;
    private double[] _increments = [];
    private readonly LinearOperator _operator;

    public KrylovNoiseStepSolver(ICommonNoiseOperator noise, int length, NoiseStepRule rule, double tolerance = 1e-13, int maxIterations = 4000)
    {
        _noise = noise;
        _rule = rule;
        _length = length;
        Tolerance = tolerance;
        MaxIterations = maxIterations;
        int size = rule.RealShift ? length : 2 * length;
        _gmres = new Gmres(size);
        _r = new double[length];
        _ax = new double[length];
        _x = new double[size];
        _b = new double[size];
        _operator = rule.RealShift ? ApplyReal : ApplyPair;
    }

    public double Tolerance { get; }
    public int MaxIterations { get; }

    /// <summary>GMRES iterations of the last solve (each one or two applications of A).</summary>
    public int LastIterations => _gmres.LastIterations;

    public void Solve(ReadOnlySpan<double> u, ReadOnlySpan<double> increments, Span<double> result)
    {
        int n = _length;
        if (_increments.Length != increments.Length) _increments = new double[increments.Length];
        increments.CopyTo(_increments);
        // r = N(A) u by Horner.
        var numerator = _rule.Numerator;
        for (int i = 0; i < n; i++) _r[i] = numerator[^1] * u[i];
        for (int p = numerator.Count - 2; p >= 0; p--)
        {
            Apply(_r, _ax);
            for (int i = 0; i < n; i++) _r[i] = _ax[i] + numerator[p] * u[i];
        }
        Array.Clear(_b);
        _r.CopyTo(_b, 0);
        Array.Clear(_x);
        _r.CopyTo(_x, 0);
        _gmres.Solve(_operator, _b, _x, Tolerance, MaxIterations);
        if (_rule.RealShift)
        {
            _x.AsSpan(0, n).CopyTo(result);
            return;
        }
        var c = _rule.Shifts[0];
        double ratio = c.Real / c.Imaginary;
        for (int i = 0; i < n; i++) result[i] = _x[i] + ratio * _x[n + i];
    }

    /// <summary>y = (I − cA) x, c real.</summary>
    private void ApplyReal(ReadOnlySpan<double> x, Span<double> y)
    {
        double c = _rule.Shifts[0].Real;
        Apply(x, y);
        for (int i = 0; i < x.Length; i++) y[i] = x[i] - c * y[i];
    }

    /// <summary>[p; q] ↦ [p − αAp + βAq; q − αAq − βAp].</summary>
    private void ApplyPair(ReadOnlySpan<double> x, Span<double> y)
    {
        int n = _length;
        double alpha = _rule.Shifts[0].Real, beta = _rule.Shifts[0].Imaginary;
        var p = x[..n];
        var q = x[n..];
        var ap = y[..n];
        var aq = y[n..];
        Apply(p, ap);
        Apply(q, aq);
        for (int i = 0; i < n; i++)
        {
            double a = ap[i], b = aq[i];
            ap[i] = p[i] - alpha * a + beta * b;
            aq[i] = q[i] - alpha * b - beta * a;
        }
    }

    private void Apply(ReadOnlySpan<double> x, Span<double> ax)
    {
        ax.Clear();
        _noise.AddNoise(x, _increments, ax);
    }
}
