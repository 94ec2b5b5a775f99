using MeanField.Core;
using MeanField.Core.Random;
using MeanField.Particles;

namespace MeanField.Validation.ModerateInteraction;

/// <summary>Campaign 3(i) settings: SA on the circle with Q = K = I, V = −I, particles from a wrapped Gaussian.</summary>
public sealed record HeatPhaseParameters
{
    public double Beta { get; init; } = 50;

    /// <summary>Standard deviation σ₀ of the initial wrapped Gaussian (its mean is angle 0).</summary>
    public double InitialSigma { get; init; } = 0.3;

    public int ParticleCount { get; init; } = 40_000;
    public double Duration { get; init; } = 2;
    public double TimeStep { get; init; } = 0.01;

    /// <summary>Output samples in (0, Duration] besides t = 0 (equally spaced).</summary>
    public int Samples { get; init; } = 8;

    /// <summary>Spectral-summation tolerance (the spectral circle sums handle V = −I by a sign).</summary>
    public double InteractionTolerance { get; init; } = 1e-10;

    public ulong Seed { get; init; } = 1;
    public int Threads { get; init; }

    /// <summary>Seconds: N = 4000, t ≤ 0.5.</summary>
    public static HeatPhaseParameters Quick() => new() { ParticleCount = 4000, Duration = 0.5, Samples = 4 };

    /// <summary>MATH §6 / row 23: N = 4·10⁴, t ≤ 2.</summary>
    public static HeatPhaseParameters Full() => new();
}

/// <summary>One output time.</summary>
/// <param name="Variance">s² = −2 ln R, R = |(1/N) Σ e^{iθ_j}| (the wrapped-normal variance: exact for a wrapped Gaussian, whose
/// R = e^{−s²/2}; this is the variance of the Gaussian closure).</param>
/// <param name="AngularVariance">(1/N) Σ (θ_j − θ̄)² with θ_j − θ̄ wrapped into (−π, π], θ̄ the circular mean.</param>
/// <param name="ClosurePrediction">s² solving β s² + ln s² = β s₀² + ln s₀² + 2t with s₀² the measured initial Variance (MATH §6, row 23).</param>
/// <param name="HeatPrediction">The leading heat law s₀² + 2t/β (diffusivity 1/β).</param>
public sealed record HeatPhaseSample(double Time, double Variance, double AngularVariance, double ClosurePrediction, double HeatPrediction)
{
    /// <summary>(measured growth of s²)/(closure's growth); 1 when the closure law holds.</summary>
    public double ClosureGrowthRatio(double initialVariance) => (Variance - initialVariance) / (ClosurePrediction - initialVariance);
}

/// <param name="NominalClosurePrediction">The closure law at the final time from the nominal s₀² = σ₀² (MATH quotes 0.1587 at t = 2).</param>
public sealed record HeatPhaseResult(HeatPhaseParameters Parameters, IReadOnlyList<HeatPhaseSample> Samples, double NominalClosurePrediction)
{
    public HeatPhaseSample Final => Samples[^1];
    public double InitialVariance => Samples[0].Variance;

    /// <summary>|s²(T) − closure|/closure at the final time.</summary>
    public double FinalRelativeError => Math.Abs(Final.Variance - Final.ClosurePrediction) / Final.ClosurePrediction;

    public double FinalClosureGrowthRatio => Final.ClosureGrowthRatio(InitialVariance);
}

/// <summary>
/// Campaign 3(i), P2's forward heat phase (MATH §6): with V = −I the SA flow spreads a concentrated cluster like a heat
/// flow of diffusivity 1/β. For a Gaussian of variance s² the Euclidean approximation of the kernel e^{β cos φ} ≈ e^β e^{−βφ²/2}
/// gives G∗f ∝ N(0, s² + 1/β), so the drift −β⁻¹∂ log(G∗f) = θ/(β s² + 1) is linear and keeps the law Gaussian with
/// ds²/dt = 2 s²/(β s² + 1), i.e. β s² + ln s² = β s₀² + ln s₀² + 2t (the closure law); the heat law s₀² + 2t/β is its
/// leading order, off by the relative O(1/(β s²)) correction.
/// </summary>
public static class HeatPhaseExperiment
{
    public static HeatPhaseResult Run(HeatPhaseParameters p, CancellationToken cancellation = default)
    {
        Validate(p);
        int n = p.ParticleCount;
        var minusIdentity = new double[] { -1, 0, 0, -1 };
        var model = new ParticleModel(AttentionKind.SA, 2, p.Beta, value: minusIdentity);
        var interaction = ParticleInteractions.Create(model, n, "spectral", p.InteractionTolerance, p.Threads);
        var stepper = new ParticleStepper(model, interaction, ParticleIntegrator.Rk4, n, p.Seed, p.Threads);
        var x = WrappedGaussian(n, p.InitialSigma, p.Seed);

        int stepsPerSample = Math.Max(1, (int)Math.Ceiling(p.Duration / p.Samples / p.TimeStep));
        double h = p.Duration / p.Samples / stepsPerSample;
        double s0 = CircularVariance(x);
        var samples = new List<HeatPhaseSample>();
        for (int s = 0; s <= p.Samples; s++)
        {
            if (s > 0)
                for (int k = 0; k < stepsPerSample; k++)
                {
                    cancellation.ThrowIfCancellationRequested();
                    stepper.Step(x, h);
                }
            double t = p.Duration * s / p.Samples;
            samples.Add(new HeatPhaseSample(t, CircularVariance(x), AngularVariance(x), ClosureVariance(p.Beta, s0, t), s0 + 2 * t / p.Beta));
        }
        double sigma2 = p.InitialSigma * p.InitialSigma;
        return new HeatPhaseResult(p, samples, ClosureVariance(p.Beta, sigma2, p.Duration));
    }

    /// <summary>
    /// The s² &gt; 0 with β s² + ln s² = β s₀² + ln s₀² + 2t (bisection in u = ln s², where the left side β e^u + u increases).
    /// </summary>
    public static double ClosureVariance(double beta, double initialVariance, double time)
    {
        if (!(initialVariance > 0)) throw new ArgumentOutOfRangeException(nameof(initialVariance), initialVariance, "s₀² must be > 0.");
        double c = beta * initialVariance + Math.Log(initialVariance) + 2 * time;
        double F(double u) => beta * Math.Exp(u) + u - c;
        double lo = Math.Min(Math.Log(initialVariance), c) - 1, hi = Math.Log(initialVariance) + 1;
        while (F(lo) > 0) lo -= 10;
        while (F(hi) < 0) hi += 1;
        for (int i = 0; i < 200 && hi - lo > 1e-15; i++)
        {
            double mid = 0.5 * (lo + hi);
            if (F(mid) < 0) lo = mid; else hi = mid;
        }
        return Math.Exp(0.5 * (lo + hi));
    }

    /// <summary>θ_i = σ Z_i wrapped, Z_i = Gaussian number i of the Philox stream (seed, InitialCondition); rows (cos θ, sin θ).</summary>
    public static double[] WrappedGaussian(int count, double sigma, ulong seed)
    {
        var x = new double[2 * count];
        for (int i = 0; i < count; i++)
        {
            double theta = sigma * RandomStream.GaussianAt(seed, RandomStreams.InitialCondition, (ulong)i);
            (x[2 * i + 1], x[2 * i]) = Math.SinCos(theta);
        }
        return x;
    }

    /// <summary>−2 ln |(1/N) Σ x_j| for unit vectors x_j in the plane (row-major N×2).</summary>
    public static double CircularVariance(ReadOnlySpan<double> x)
    {
        var (c, s) = MeanVector(x);
        return -2 * Math.Log(Math.Sqrt(c * c + s * s));
    }

    /// <summary>Mean squared wrapped deviation from the circular mean direction.</summary>
    public static double AngularVariance(ReadOnlySpan<double> x)
    {
        var (c, s) = MeanVector(x);
        double mean = Math.Atan2(s, c), sum = 0;
        int n = x.Length / 2;
        for (int j = 0; j < n; j++)
        {
            double d = Math.IEEERemainder(Math.Atan2(x[2 * j + 1], x[2 * j]) - mean, 2 * Math.PI);
            sum += d * d;
        }
        return sum / n;
    }

    private static (double Cos, double Sin) MeanVector(ReadOnlySpan<double> x)
    {
        int n = x.Length / 2;
        double c = 0, s = 0;
        for (int j = 0; j < n; j++) { c += x[2 * j]; s += x[2 * j + 1]; }
        return (c / n, s / n);
    }

    private static void Validate(HeatPhaseParameters p)
    {
        if (!MeanFieldModel.IsValidBeta(p.Beta)) throw new ArgumentException($"beta {p.Beta} {MeanFieldModel.BetaRule}.");
        if (!(p.InitialSigma > 0 && p.InitialSigma < 1.5)) throw new ArgumentException($"initial sigma {p.InitialSigma} must lie in (0, 1.5) (a cluster, not a near-uniform law).");
        if (p.ParticleCount < 100) throw new ArgumentException("particle count must be ≥ 100.");
        if (!(p.Duration > 0) || !(p.TimeStep > 0) || p.Samples < 1) throw new ArgumentException("duration and time step must be > 0 and samples ≥ 1.");
    }
}
