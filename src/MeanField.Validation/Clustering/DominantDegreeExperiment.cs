using System.Numerics;
using MeanField.Core;
using MeanField.Particles;
using MeanField.Spectral.Sphere;
using MeanField.Spectral.Steppers;
using MeanField.Spectral.Zonal;

namespace MeanField.Validation.Clustering;

/// <summary>Which solver measures the per-degree growth.</summary>
public enum GrowthSolver
{
    /// <summary>Spherical-harmonic Galerkin on S² (<see cref="SphereSpectralSolver"/>); dimension must be 3.</summary>
    Sphere,

    /// <summary>Zonal Gegenbauer Galerkin on S^{d−1} (<see cref="ZonalSpectralSolver"/>), any d ≥ 3.</summary>
    Zonal,

    /// <summary>N uniform particles on S² (spectral O(N L²) sums); their empirical harmonic coefficients. Dimension 3.</summary>
    Particles,
}

/// <summary>Campaign 2 settings: measure n*(β) for each β of <see cref="Betas"/>.</summary>
public sealed record DominantDegreeParameters
{
    public AttentionKind Attention { get; init; } = AttentionKind.SA;
    public GrowthSolver Solver { get; init; } = GrowthSolver.Sphere;

    /// <summary>Ambient dimension d (S^{d−1}); 3 for Sphere and Particles.</summary>
    public int Dimension { get; init; } = 3;

    public IReadOnlyList<double> Betas { get; init; } = [1, 2, 3, 4, 5, 6, 7, 8, 10, 12, 15, 20];

    /// <summary>
    /// Highest perturbed (and fitted) degree; 0 = automatic, 2 n*(β) + 4 (at least 6), so the measured argmax is taken
    /// over a range that extends well past the predicted peak.
    /// </summary>
    public int Degrees { get; init; }

    /// <summary>
    /// PDE: relative size ε of each perturbed degree at t = 0 (ρ = ρ₀(1 + ε Σ …)). The fitted rates carry a relative error
    /// O(ε e^{GrowthLog}) from the quadratic terms (measured: ∝ ε, ~5e-5 for the non-dominant degrees at ε = 1e-7), so ε is
    /// tiny; rounding (1e-16 of the uniform part) stays far below ε.
    /// </summary>
    public double Amplitude { get; init; } = 1e-9;

    /// <summary>PDE: run until the predicted dominant mode has grown by e^{GrowthLog} (T = GrowthLog/λ_{n*}).</summary>
    public double GrowthLog { get; init; } = 4;

    /// <summary>
    /// Particles: run to this fraction of the linear-phase time log N/(2 λ_{n*}) (MATH §4.2), when the dominant mode has
    /// grown from N^{−1/2} to N^{−(1−f)/2}; nonlinear contamination is of that relative size.
    /// </summary>
    public double ParticleWindow { get; init; } = 0.5;

    /// <summary>Output samples of the amplitudes per run (the fit uses them all).</summary>
    public int Samples { get; init; } = 16;

    /// <summary>Fixed RK4 steps between samples.</summary>
    public int StepsPerSample { get; init; } = 8;

    public int ParticleCount { get; init; } = 20_000;

    /// <summary>Spectral-summation tolerance of the particle interaction (relative to the dense sums).</summary>
    public double InteractionTolerance { get; init; } = 1e-10;

    public ulong Seed { get; init; } = 1;

    /// <summary>Threads for the particle interaction (0 = all cores).</summary>
    public int Threads { get; init; }

    /// <summary>Seconds: small β list, moderate N.</summary>
    public static DominantDegreeParameters Quick(GrowthSolver solver, int dimension) => new()
    {
        Solver = solver,
        Dimension = dimension,
        Betas = solver == GrowthSolver.Particles ? [5] : [2, 5, 10],
        ParticleCount = 4000,
    };

    /// <summary>
    /// The MATH §10 rows 8–9 β list (1 … 100; Sphere and Zonal) plus β_k·(1 ± 2%) around the first four switching points
    /// (and, for d ≥ 5, where n* stays 1 up to β ≈ 40, also β = 150, 200, 300, 500); particles: β = 3, 5, 10 at N = 10⁵.
    /// </summary>
    public static DominantDegreeParameters Full(GrowthSolver solver, int dimension)
    {
        if (solver == GrowthSolver.Particles)
            return new() { Solver = solver, Dimension = dimension, Betas = [3, 5, 10], ParticleCount = 100_000 };
        double[] table = [1, 2, 3, 4, 5, 6, 7, 8, 10, 12, 15, 20, 25, 30, 40, 50, 60, 80, 100];
        var near = DominantDegreeTheory.SwitchingPoints(4, dimension).SelectMany(b => new[] { 0.98 * b, 1.02 * b });
        double[] large = dimension >= 5 ? [150, 200, 300, 500] : [];
        return new() { Solver = solver, Dimension = dimension, Betas = [.. table.Concat(near).Concat(large).Order()] };
    }
}

/// <summary>A fitted exponential rate of one degree against λ_n (MATH §4.1).</summary>
public sealed record DegreeRate(int Degree, double Measured, double Predicted)
{
    public double RelativeError => Math.Abs(Measured - Predicted) / Math.Abs(Predicted);
}

/// <summary>One β: the measured and predicted dominant degree and all fitted rates.</summary>
/// <param name="PredictedDegree">n* from <see cref="LinearStability.DominantIndex"/>.</param>
/// <param name="MeasuredDegree">argmax of the fitted rates.</param>
/// <param name="RelativeGap">(λ_{n*} − second largest λ)/λ_{n*}: how delicate the comparison is (small near a switching point).</param>
/// <param name="NearestSwitchingPoint">The β_k nearest to β (MATH §4.2).</param>
/// <param name="MaxRelativeRateError">Max over degrees with λ_n ≥ λ_{n*}/10 of |fit − λ_n|/λ_n.</param>
/// <param name="Duration">Time span of the fit.</param>
/// <param name="Rates">Degrees 1..Degrees.</param>
public sealed record DominantDegreeMeasurement(double Beta, int PredictedDegree, int MeasuredDegree, double PredictedRate,
    double MeasuredRate, double RelativeGap, double NearestSwitchingPoint, double MaxRelativeRateError, double Duration,
    IReadOnlyList<DegreeRate> Rates)
{
    public bool DegreeMatches => PredictedDegree == MeasuredDegree;
}

public sealed record DominantDegreeResult(DominantDegreeParameters Parameters, IReadOnlyList<DominantDegreeMeasurement> Measurements)
{
    public bool AllDegreesMatch => Measurements.All(m => m.DegreeMatches);
    public double MaxRelativeRateError => Measurements.Max(m => m.MaxRelativeRateError);
}

/// <summary>
/// Campaign 2 (issue 7): the dominant degree n*(β) of the linear phase on S² and S^{d−1}, measured from the solvers.
/// Each run starts from a small perturbation of the uniform law that contains every degree 1..M, stays in the linear
/// regime, and fits ln |degree-n part| against t by least squares; the argmax of the fitted rates is the measured n*.
/// </summary>
/// <remarks>
/// The degree-n amplitude is √(Σ_m |a_n^m|²) (S², PDE or empirical coefficients) or |c_n| (zonal). Linearised about the
/// uniform law each degree is an eigenspace (rotation invariance), so in the PDE it grows exactly like e^{λ_n t} up to
/// relative O(ε e^{λ t}) nonlinear terms; for particles the initial perturbation is the sampling noise, O(N^{−1/2}).
/// </remarks>
public static class DominantDegreeExperiment
{
    public static DominantDegreeResult Run(DominantDegreeParameters p, CancellationToken cancellation = default)
    {
        Validate(p);
        var list = new List<DominantDegreeMeasurement>();
        foreach (double beta in p.Betas)
        {
            cancellation.ThrowIfCancellationRequested();
            list.Add(Measure(p, beta, cancellation));
        }
        return new DominantDegreeResult(p, list);
    }

    public static DominantDegreeMeasurement Measure(DominantDegreeParameters p, double beta, CancellationToken cancellation = default)
    {
        Validate(p);
        int d = p.Dimension;
        int nStar = LinearStability.DominantIndex(p.Attention, beta, d);
        int degrees = p.Degrees > 0 ? p.Degrees : Math.Max(6, 2 * nStar + 4);
        double topRate = LinearStability.GrowthRate(p.Attention, nStar, beta, d);
        double duration = p.Solver == GrowthSolver.Particles
            ? p.ParticleWindow * Math.Log(p.ParticleCount) / (2 * topRate)
            : p.GrowthLog / topRate;
        var times = new double[p.Samples + 1];
        var logAmplitude = new double[degrees + 1][];
        for (int n = 1; n <= degrees; n++) logAmplitude[n] = new double[p.Samples + 1];
        void Record(int sample, double time, double[] amplitudes)
        {
            times[sample] = time;
            for (int n = 1; n <= degrees; n++) logAmplitude[n][sample] = Math.Log(amplitudes[n]);
        }

        switch (p.Solver)
        {
            case GrowthSolver.Sphere: RunSphere(p, beta, degrees, duration, Record, cancellation); break;
            case GrowthSolver.Zonal: RunZonal(p, beta, degrees, duration, Record, cancellation); break;
            default: RunParticles(p, beta, degrees, duration, Record, cancellation); break;
        }

        var rates = new DegreeRate[degrees];
        for (int n = 1; n <= degrees; n++)
            rates[n - 1] = new DegreeRate(n, LeastSquaresSlope(times, logAmplitude[n]), LinearStability.GrowthRate(p.Attention, n, beta, d));
        var measured = rates.MaxBy(r => r.Measured)!;
        double second = rates.Where(r => r.Degree != nStar).Max(r => r.Predicted);
        double maxError = rates.Where(r => r.Predicted >= topRate / 10).Max(r => r.RelativeError);
        return new DominantDegreeMeasurement(beta, nStar, measured.Degree, topRate, measured.Measured, (topRate - second) / topRate,
            DominantDegreeTheory.NearestSwitchingPoint(beta, d), maxError, duration, rates);
    }

    /// <summary>Ordinary least-squares slope of y against x.</summary>
    public static double LeastSquaresSlope(ReadOnlySpan<double> x, ReadOnlySpan<double> y)
    {
        double xm = 0, ym = 0;
        for (int i = 0; i < x.Length; i++) { xm += x[i]; ym += y[i]; }
        xm /= x.Length;
        ym /= x.Length;
        double sxx = 0, sxy = 0;
        for (int i = 0; i < x.Length; i++) { sxx += (x[i] - xm) * (x[i] - xm); sxy += (x[i] - xm) * (y[i] - ym); }
        return sxy / sxx;
    }

    private static void RunSphere(DominantDegreeParameters p, double beta, int degrees, double duration,
        Action<int, double, double[]> record, CancellationToken cancellation)
    {
        var initial = SphereInitialLaws.PerturbedUniform(degrees, degrees, p.Amplitude, p.Seed);
        var stepper = new StepperOptions(StepperKind.Rk4, duration / (p.Samples * p.StepsPerSample), 0);
        using var solver = new SphereSpectralSolver(new MeanFieldModel(p.Attention, beta), degrees, initial, stepper);
        for (int s = 0; s <= p.Samples; s++)
        {
            if (s > 0 && solver.AdvanceTo(duration * s / p.Samples, cancellation: cancellation) == AdvanceOutcome.Cancelled)
                cancellation.ThrowIfCancellationRequested();
            record(s, solver.Time, SphereSpectralSolver.DegreeSpectrum(solver.Basis, solver.State).Select(Math.Sqrt).ToArray());
        }
    }

    private static void RunZonal(DominantDegreeParameters p, double beta, int degrees, double duration,
        Action<int, double, double[]> record, CancellationToken cancellation)
    {
        // Every degree 1..M at relative size ε at the pole, with alternating signs so the sum stays O(ε) everywhere.
        var initial = ZonalInitialLaws.Perturbed(p.Dimension, degrees,
            Enumerable.Range(1, degrees).Select(n => (n, n % 2 == 0 ? p.Amplitude : -p.Amplitude)));
        // logTimeScale 0: the solver's time is physical time (the automatic rescaling only matters for USA at β ≳ 300).
        var solver = new ZonalSpectralSolver(p.Attention, beta, 0, p.Dimension, degrees, initial,
            new StepperOptions(StepperKind.Rk4, duration / (p.Samples * p.StepsPerSample), 0), logTimeScale: 0);
        var amplitudes = new double[degrees + 1];
        for (int s = 0; s <= p.Samples; s++)
        {
            if (s > 0 && solver.AdvanceTo(duration * s / p.Samples, cancellation: cancellation) == AdvanceOutcome.Cancelled)
                cancellation.ThrowIfCancellationRequested();
            for (int n = 0; n <= degrees; n++) amplitudes[n] = Math.Abs(solver.Coefficient(n));
            record(s, solver.Time, amplitudes);
        }
    }

    private static void RunParticles(DominantDegreeParameters p, double beta, int degrees, double duration,
        Action<int, double, double[]> record, CancellationToken cancellation)
    {
        int count = p.ParticleCount;
        var model = new ParticleModel(p.Attention, 3, beta);
        var interaction = ParticleInteractions.Create(model, count, "spectral", p.InteractionTolerance, p.Threads);
        var stepper = new ParticleStepper(model, interaction, ParticleIntegrator.Rk4, count, p.Seed, p.Threads);
        var x = ParticleSampling.Uniform(count, 3, p.Seed);
        double h = duration / (p.Samples * p.StepsPerSample);
        for (int s = 0; s <= p.Samples; s++)
        {
            if (s > 0)
                for (int k = 0; k < p.StepsPerSample; k++)
                {
                    cancellation.ThrowIfCancellationRequested();
                    stepper.Step(x, h);
                }
            record(s, s * p.StepsPerSample * h, DegreeAmplitudes(SphericalHarmonics.EmpiricalCoefficients(x, degrees), degrees));
        }
    }

    /// <summary>√(Σ_{m=−n}^{n} |a_n^m|²) from the m ≥ 0 layout of <see cref="SphericalHarmonics"/> (|a_n^{−m}| = |a_n^m|).</summary>
    private static double[] DegreeAmplitudes(Complex[] coefficients, int lmax)
    {
        var a = new double[lmax + 1];
        for (int n = 0; n <= lmax; n++)
        {
            double s = 0;
            for (int m = 0; m <= n; m++)
            {
                double q = coefficients[SphericalHarmonics.Index(lmax, n, m)].Magnitude;
                s += (m == 0 ? 1 : 2) * q * q;
            }
            a[n] = Math.Sqrt(s);
        }
        return a;
    }

    private static void Validate(DominantDegreeParameters p)
    {
        if (p.Solver != GrowthSolver.Zonal && p.Dimension != 3)
            throw new ArgumentException($"solver {p.Solver} works on S² (dimension 3), not dimension {p.Dimension}.");
        if (p.Dimension < 3) throw new ArgumentException("dimension must be ≥ 3 (the circle is campaign 1).");
        if (p.Betas.Count == 0 || !p.Betas.All(MeanFieldModel.IsValidBeta))
            throw new ArgumentException($"betas must be non-empty and each {MeanFieldModel.BetaRule}.");
        if (p.Samples < 2 || p.StepsPerSample < 1) throw new ArgumentException("samples must be ≥ 2 and steps per sample ≥ 1.");
        if (!(p.Amplitude > 0 && p.Amplitude < 1e-2)) throw new ArgumentException($"amplitude {p.Amplitude} must lie in (0, 0.01) to stay linear.");
        if (!(p.GrowthLog > 0) || !(p.ParticleWindow > 0 && p.ParticleWindow < 1))
            throw new ArgumentException("growth log must be > 0 and the particle window in (0, 1).");
        if (p.Solver == GrowthSolver.Particles && p.ParticleCount < 100) throw new ArgumentException("particle count must be ≥ 100.");
    }
}
