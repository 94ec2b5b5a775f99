using System.Numerics;

namespace MeanField.Steady;

/// <summary>Pseudo-arclength continuation settings. Steps are in the scaled arclength ds² = ‖du‖²/‖u_0‖² + dp²/|to − from|².</summary>
public sealed record ContinuationOptions
{
    public ContinuationParameter Parameter { get; init; } = ContinuationParameter.Diffusion;
    public double InitialStep { get; init; } = 0.02;
    public double MinStep { get; init; } = 1e-7;
    public double MaxStep { get; init; } = 0.05;
    /// <summary>Points per branch at most.</summary>
    public int MaxPoints { get; init; } = 400;
    /// <summary>At most this many bifurcations of the first branch are followed onto their new branch (0: none).</summary>
    public int MaxBranchSwitches { get; init; } = 1;
    /// <summary>First step onto a bifurcated branch along the critical eigenvector, in the scaled arclength.</summary>
    public double BranchOffset { get; init; } = 2e-3;
    /// <summary>Corrector Newton steps at most before the step is halved.</summary>
    public int MaxCorrectorIterations { get; init; } = 12;
    public NewtonOptions Newton { get; init; } = new();

    internal void Validate()
    {
        Newton.Validate();
        if (!(MinStep > 0 && MinStep <= InitialStep && InitialStep <= MaxStep))
            throw new ArgumentOutOfRangeException(nameof(InitialStep), InitialStep, $"steps must satisfy 0 < min_step ({MinStep}) ≤ initial ({InitialStep}) ≤ max_step ({MaxStep}).");
        if (MaxPoints < 2) throw new ArgumentOutOfRangeException(nameof(MaxPoints), MaxPoints, "at least 2 points per branch.");
        if (MaxBranchSwitches < 0) throw new ArgumentOutOfRangeException(nameof(MaxBranchSwitches), MaxBranchSwitches, "must be ≥ 0.");
        if (!(BranchOffset > 0)) throw new ArgumentOutOfRangeException(nameof(BranchOffset), BranchOffset, "must be > 0.");
    }
}

/// <summary>One point of a branch.</summary>
/// <param name="Parameter">p (D or K).</param>
/// <param name="Diffusion">D(p).</param>
/// <param name="State">The stationary state.</param>
/// <param name="Spectrum">Leading Jacobian eigenvalues there.</param>
/// <param name="AmplitudeDegree">The first degree n ≥ 1 with A_n &gt; 1e−9 (0: uniform).</param>
/// <param name="Amplitude">A_n of that degree (<see cref="ISteadyGeometry.HarmonicAmplitude"/>), 0 for the uniform state.</param>
/// <param name="Distance">‖ρ − ρ_uniform‖_{L²(σ)}.</param>
/// <param name="Residual">‖N(u) − DΛu‖₂.</param>
/// <param name="TangentParameter">dp/ds of the (scaled) tangent: its sign change marks a fold.</param>
public sealed record BranchPoint(double Parameter, double Diffusion, double[] State, JacobianSpectrum Spectrum, int AmplitudeDegree,
    double Amplitude, double Distance, double Residual, double TangentParameter)
{
    public bool Stable => Spectrum.Stable;
}

/// <summary>Bifurcation direction relative to the side on which the critical mode is unstable.</summary>
public enum BifurcationDirection
{
    /// <summary>Not followed, or the first step did not move the parameter measurably.</summary>
    Unknown,
    /// <summary>The new branch lies where the old state is unstable (continuous transition).</summary>
    Supercritical,
    /// <summary>The new branch bends back to where the old state is still stable (first-order transition, a fold follows).</summary>
    Subcritical,
}

/// <summary>A simple eigenvalue crossing on a branch (no fold in the same interval).</summary>
/// <param name="Parameter">p at the crossing.</param>
/// <param name="Branch">Index of the branch it lies on.</param>
/// <param name="FromUniform">Whether that branch is the uniform state there.</param>
/// <param name="Degree">Harmonic degree carrying most of the critical eigenvector.</param>
/// <param name="Direction">Super-/subcritical, from the first point of the switched branch.</param>
/// <param name="SwitchedBranch">Index of the branch followed from here, or null.</param>
public sealed record Bifurcation(double Parameter, int Branch, bool FromUniform, int Degree, BifurcationDirection Direction, int? SwitchedBranch);

/// <summary>A fold (turning point in p) on a branch.</summary>
public sealed record Fold(double Parameter, int Branch, double Amplitude, double Distance);

/// <summary>A followed branch and why it ended.</summary>
public sealed record Branch(int Index, int? FromBifurcation, IReadOnlyList<BranchPoint> Points, string Ended);

public sealed record ContinuationResult(ContinuationParameter Parameter, double From, double To, IReadOnlyList<Branch> Branches,
    IReadOnlyList<Bifurcation> Bifurcations, IReadOnlyList<Fold> Folds);

/// <summary>
/// Pseudo-arclength continuation of stationary states in D or K = 1/(2D): tangent predictor, bordered Newton–Krylov
/// corrector (the phase conditions refer to the predicted state), step control by corrector iterations. After each
/// step, a sign change of dp/ds is a fold and a change in the number of unstable eigenvalues (without a fold) is a
/// bifurcation; both are located by Illinois regula falsi in the arclength. At a bifurcation of the first branch the
/// critical eigenvector starts a new branch (branch switching at a simple bifurcation; on S¹ and S² the rotated copies
/// of the eigenvector are removed by the phase conditions).
/// </summary>
public sealed class PseudoArclengthContinuation
{
    private readonly ISteadyGeometry _geometry;
    private readonly ContinuationOptions _o;
    private double _stateScale, _parameterScale, _from, _to;

    public PseudoArclengthContinuation(ISteadyGeometry geometry, ContinuationOptions? options = null)
    {
        _geometry = geometry;
        _o = options ?? new ContinuationOptions();
        _o.Validate();
    }

    private sealed record Point(double[] U, double P, double[] TangentU, double TangentP, JacobianSpectrum Spectrum, double Residual);

    /// <summary>Follows the branch through the stationary state nearest <paramref name="start"/> at p = from towards p = to.</summary>
    public ContinuationResult Run(ReadOnlySpan<double> start, double from, double to)
    {
        if (!(from != to) || !double.IsFinite(from) || !double.IsFinite(to))
            throw new ArgumentOutOfRangeException(nameof(to), to, "from and to must be finite and different.");
        CheckParameter(from, nameof(from));
        CheckParameter(to, nameof(to));
        _from = from;
        _to = to;
        _parameterScale = Math.Abs(to - from);
        _stateScale = Gmres.Norm(start);
        var branches = new List<Branch>();
        var bifurcations = new List<Bifurcation>();
        var folds = new List<Fold>();

        var first = SteadyStateSolver.Solve(_geometry, start, _o.Parameter.Diffusion(from), _o.Newton, spectrum: false);
        if (!first.Converged)
            throw new InvalidOperationException($"Newton did not converge at the start ({_o.Parameter.Key()} = {from}): residual {first.Residual:E3}.");
        var startTangent = new double[FreeCount];
        var p0 = Tangent(first.State, from, startTangent, Math.Sign(to - from) * _parameterScale);
        var startPoint = MakePoint(first.State, from, p0.TangentU, p0.TangentP);
        var crossings = new List<(Point Point, Point Before, Point After, int Index)>();
        branches.Add(Follow(0, null, startPoint, _o.InitialStep, bifurcations, folds, crossings));

        int switched = 0;
        foreach (var (at, before, after, index) in crossings.ToList())
        {
            if (switched >= _o.MaxBranchSwitches) break;
            var b = bifurcations[index];
            var spectrum = at.Spectrum;
            int k = Math.Max(before.Spectrum.UnstableCount, after.Spectrum.UnstableCount);
            var phi = CriticalVector(spectrum, k);
            if (phi is null) continue;
            // Normalise: unit in the scaled norm, largest entry positive (±φ are mirror images for the uniform state).
            int big = 0;
            for (int i = 1; i < phi.Length; i++) if (Math.Abs(phi[i]) > Math.Abs(phi[big])) big = i;
            double sign = phi[big] >= 0 ? 1 : -1;
            var tangent = phi.Select(x => sign * x * _stateScale).ToArray();
            var seed = new Point(at.U, at.P, tangent, 0, at.Spectrum, at.Residual);
            int branchIndex = branches.Count;
            Point? firstNew = null;
            for (double ds = _o.BranchOffset; ds <= 64 * _o.BranchOffset && firstNew is null; ds *= 2)
                firstNew = Step(seed, ds, out _);
            if (firstNew is null) continue;
            double unstableSide = before.Spectrum.UnstableCount > after.Spectrum.UnstableCount ? before.P : after.P;
            double move = firstNew.P - at.P;
            var direction = Math.Abs(move) <= 1e-10 * _parameterScale ? BifurcationDirection.Unknown
                : Math.Sign(move) == Math.Sign(unstableSide - at.P) ? BifurcationDirection.Supercritical : BifurcationDirection.Subcritical;
            bifurcations[index] = b with { Direction = direction, SwitchedBranch = branchIndex };
            branches.Add(Follow(branchIndex, index, firstNew, _o.InitialStep, bifurcations, folds, null, at));
            switched++;
        }
        return new ContinuationResult(_o.Parameter, from, to, branches, bifurcations, folds);
    }

    private void CheckParameter(double p, string name)
    {
        if (!(p > 0)) throw new ArgumentOutOfRangeException(name, p, $"{_o.Parameter.Key()} must be > 0 (stationary states need D > 0).");
    }

    private int FreeCount => _geometry.Length - _geometry.FixedEntries.Count;

    private static double[]? CriticalVector(JacobianSpectrum spectrum, int k)
    {
        // The eigenvalue nearest 0 among the k-th largest and its neighbours (multiplets cross together).
        int best = -1;
        for (int i = Math.Max(0, k - 4); i < Math.Min(spectrum.Eigenvalues.Length, k + 3); i++)
            if (spectrum.Vectors[i] is not null && (best < 0 || Math.Abs(spectrum.Eigenvalues[i].Real) < Math.Abs(spectrum.Eigenvalues[best].Real)))
                best = i;
        return best < 0 ? null : spectrum.Vectors[best];
    }

    private Branch Follow(int index, int? fromBifurcation, Point start, double ds, List<Bifurcation> bifurcations, List<Fold> folds,
        List<(Point, Point, Point, int)>? crossings, Point? origin = null)
    {
        var points = new List<Point>();
        if (origin is not null) points.Add(origin);
        points.Add(start);
        string ended = "max_points";
        double lo = Math.Min(_from, _to), hi = Math.Max(_from, _to);
        while (points.Count < _o.MaxPoints)
        {
            var prev = points[^1];
            Point? next = null;
            int iterations = 0;
            while (next is null && ds >= _o.MinStep)
            {
                next = Step(prev, ds, out iterations);
                if (next is null) ds *= 0.5;
            }
            if (next is null) { ended = "step_below_minimum"; break; }

            bool fold = prev.TangentP != 0 && next.TangentP != 0 && Math.Sign(prev.TangentP) != Math.Sign(next.TangentP);
            if (fold)
            {
                var at = Locate(prev, ds, s => StepWithTangent(prev, s)?.TangentP);
                if (at is not null)
                {
                    folds.Add(new Fold(at.P, index, Amplitude(at.U).Value, _geometry.DistanceFromUniform(at.U)));
                    points.Add(at);   // the located point belongs to the branch (the diagram changes style there)
                }
            }
            else if (prev.Spectrum.UnstableCount != next.Spectrum.UnstableCount)
            {
                int k = Math.Max(prev.Spectrum.UnstableCount, next.Spectrum.UnstableCount);
                var at = Locate(prev, ds, s => StepWithTangent(prev, s)?.Spectrum.RealPart(k));
                if (at is not null)
                {
                    bool uniform = Amplitude(at.U).Degree == 0;
                    var phi = CriticalVector(at.Spectrum, k);
                    bifurcations.Add(new Bifurcation(at.P, index, uniform, phi is null ? 0 : DominantDegree(phi), BifurcationDirection.Unknown, null));
                    crossings?.Add((at, prev, next, bifurcations.Count - 1));
                    points.Add(at);
                }
            }
            points.Add(next);
            if (next.P < lo || next.P > hi) { ended = "parameter_bound"; break; }
            if (iterations <= 3) ds = Math.Min(_o.MaxStep, 1.5 * ds);
            else if (iterations > 6) ds *= 0.7;
        }
        var result = points.Select(p =>
        {
            var (degree, amplitude) = Amplitude(p.U);
            return new BranchPoint(p.P, _o.Parameter.Diffusion(p.P), p.U, p.Spectrum, degree, amplitude, _geometry.DistanceFromUniform(p.U), p.Residual, p.TangentP / _parameterScale);
        }).ToList();
        return new Branch(index, fromBifurcation, result, ended);
    }

    private (int Degree, double Value) Amplitude(double[] u)
    {
        for (int n = 1; n <= _geometry.MaxDegree; n++)
        {
            double a = _geometry.HarmonicAmplitude(u, n);
            if (a > 1e-9) return (n, a);
        }
        return (0, 0);
    }

    private int DominantDegree(double[] phi)
    {
        var degree = _geometry.Degree;
        var free = Enumerable.Range(0, _geometry.Length).Except(_geometry.FixedEntries).ToArray();
        var power = new double[_geometry.MaxDegree + 1];
        for (int i = 0; i < free.Length; i++) power[degree[free[i]]] += phi[i] * phi[i];
        return Array.IndexOf(power, power.Max());
    }

    /// <summary>Illinois regula falsi for g(s) = 0 on (0, ds), g(0) and g(ds) of opposite signs; returns the corrected point.</summary>
    private Point? Locate(Point prev, double ds, Func<double, double?> g)
    {
        double a = 0, b = ds;
        double? ga0 = g(a), gb0 = g(b);
        if (ga0 is not { } ga || gb0 is not { } gb || Math.Sign(ga) == Math.Sign(gb)) return StepWithTangent(prev, ds);
        int side = 0;
        double s = b;
        for (int it = 0; it < 60 && b - a > 1e-13 * ds; it++)
        {
            s = (a * gb - b * ga) / (gb - ga);
            if (!(s > a && s < b)) s = 0.5 * (a + b);
            if (g(s) is not { } gs) return null;
            if (gs == 0) break;
            if (Math.Sign(gs) == Math.Sign(ga)) { a = s; ga = gs; if (side == -1) gb *= 0.5; side = -1; }
            else { b = s; gb = gs; if (side == 1) ga *= 0.5; side = 1; }
            if (Math.Abs(gs) <= 1e-14 * Math.Max(Math.Abs(ga0.Value), Math.Abs(gb0.Value))) break;
        }
        return StepWithTangent(prev, s);
    }

    private Point? StepWithTangent(Point prev, double ds) => ds == 0 ? prev : Step(prev, ds, out _);

    private double Dot(ReadOnlySpan<double> au, double ap, ReadOnlySpan<double> bu, double bp)
        => Gmres.Dot(au, bu) / (_stateScale * _stateScale) + ap * bp / (_parameterScale * _parameterScale);

    /// <summary>Predictor ds along the tangent of prev, bordered Newton corrector, spectrum and tangent at the new point.</summary>
    private Point? Step(Point prev, double ds, out int iterations)
    {
        iterations = 0;
        var free = FreeIndices();
        var predicted = (double[])prev.U.Clone();
        for (int i = 0; i < free.Length; i++) predicted[free[i]] += ds * prev.TangentU[i];
        double pPred = prev.P + ds * prev.TangentP;
        if (!(pPred > 0)) return null;
        var system = new StationarySystem(_geometry, predicted);
        int n = system.Dimension, nf = system.FreeCount;
        var y = system.Reduce(predicted);
        double p = pPred;
        var prevFree = free.Select(i => prev.U[i]).ToArray();
        var r = new double[n + 1];
        var rTrial = new double[n];
        var dRdD = new double[n];
        var delta = new double[n + 1];
        double Constraint(ReadOnlySpan<double> yy, double pp)
        {
            var du = new double[nf];
            for (int i = 0; i < nf; i++) du[i] = yy[i] - prevFree[i];
            return Dot(prev.TangentU, prev.TangentP, du, pp - prev.P) - ds;
        }
        for (; iterations <= _o.MaxCorrectorIterations; iterations++)
        {
            double diffusion = _o.Parameter.Diffusion(p);
            if (!(diffusion > 0) || !double.IsFinite(diffusion)) return null;
            system.Residual(y, diffusion, r.AsSpan(0, n));
            double norm = Gmres.Norm(r.AsSpan(0, n));
            double scale = diffusion * system.SmallestLaplacian * Gmres.Norm(system.Expand(y));
            r[n] = Constraint(y, p);
            if (!double.IsFinite(norm)) return null;
            if (norm <= _o.Newton.Tolerance * scale && Math.Abs(r[n]) <= 1e-12)
            {
                var u = system.Expand(y);
                var spectrum = SpectrumSolver.Compute(_geometry, u, diffusion, _o.Newton.EigenvalueCount, _o.Newton.Spectrum);
                var t = Tangent(u, p, prev.TangentU, prev.TangentP);
                return new Point(u, p, t.TangentU, t.TangentP, spectrum, system.RightHandSideNorm(u, diffusion));
            }
            if (iterations == _o.MaxCorrectorIterations) return null;
            double dD = _o.Parameter.DiffusionDerivative(p);
            system.DiffusionDerivative(y, dRdD);
            var yCopy = (double[])y.Clone();
            var precond = system.InversePreconditioner(diffusion, extra: 1);
            precond[n] = 1;
            var rhs = Array.ConvertAll(r, x => -x);
            var outcome = Gmres.Solve((v, jv) =>
            {
                system.Jacobian(yCopy, diffusion, v[..n], jv[..n]);
                for (int i = 0; i < n; i++) jv[i] += v[n] * dD * dRdD[i];
                jv[n] = Dot(prev.TangentU, prev.TangentP, v[..nf], v[n]);
            }, rhs, delta, precond, _o.Newton.LinearTolerance, _o.Newton.Restart, 20 * n + 50);
            for (int i = 0; i < n; i++) y[i] += delta[i];
            p += delta[n];
            if (!(p > 0)) return null;
        }
        return null;
    }

    private int[] FreeIndices() => Enumerable.Range(0, _geometry.Length).Except(_geometry.FixedEntries).ToArray();

    /// <summary>The tangent at (u, p): solves [R_y R_p; τ_prevᵀ] z = [0; 1] and normalises z in the scaled norm (orientation follows τ_prev).</summary>
    private (double[] TangentU, double TangentP) Tangent(double[] u, double p, ReadOnlySpan<double> prevU, double prevP)
    {
        var system = new StationarySystem(_geometry, u);
        int n = system.Dimension, nf = system.FreeCount;
        var y = system.Reduce(u);
        double diffusion = _o.Parameter.Diffusion(p), dD = _o.Parameter.DiffusionDerivative(p);
        var dRdD = new double[n];
        system.DiffusionDerivative(y, dRdD);
        var rhs = new double[n + 1];
        rhs[n] = 1;
        var z = new double[n + 1];
        var precond = system.InversePreconditioner(diffusion, extra: 1);
        precond[n] = 1;
        var prevUArr = prevU.ToArray();
        Gmres.Solve((v, jv) =>
        {
            system.Jacobian(y, diffusion, v[..n], jv[..n]);
            for (int i = 0; i < n; i++) jv[i] += v[n] * dD * dRdD[i];
            jv[n] = Dot(prevUArr, prevP, v[..nf], v[n]);
        }, rhs, z, precond, _o.Newton.LinearTolerance, _o.Newton.Restart, 20 * n + 50);
        var tu = z[..nf];
        double tp = z[n];
        double norm = Math.Sqrt(Dot(tu, tp, tu, tp));
        for (int i = 0; i < nf; i++) tu[i] /= norm;
        return (tu, tp / norm);
    }

    private Point MakePoint(double[] u, double p, double[] tangentU, double tangentP)
    {
        double diffusion = _o.Parameter.Diffusion(p);
        var spectrum = SpectrumSolver.Compute(_geometry, u, diffusion, _o.Newton.EigenvalueCount, _o.Newton.Spectrum);
        var system = new StationarySystem(_geometry, u, phaseConditions: false);
        return new Point(u, p, tangentU, tangentP, spectrum, system.RightHandSideNorm(u, diffusion));
    }
}
