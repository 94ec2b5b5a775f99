using MeanField.Core;
using MeanField.Spectral.Steppers;
using MeanField.Spectral.Zonal;

namespace MeanField.Validation.NoisyTransition;

/// <summary>How a growth rate is measured from the zonal PDE solver.</summary>
public sealed record NoisyRateMeasurementOptions
{
    /// <summary>L, the highest Gegenbauer degree retained (the linear regime only excites degree 1 at first order).</summary>
    public int MaxDegree { get; init; } = 6;

    /// <summary>ε: the initial relative density is 1 + ε P_1^{(d)}(t); small enough that O(ε²) feedback is negligible.</summary>
    public double Amplitude { get; init; } = 1e-6;

    /// <summary>Length of the solve, in units of 1/λ_1 with λ_1 = (d−1)ρ_0Λ_1/β the undamped n = 1 rate.</summary>
    public double Duration { get; init; } = 2;

    /// <summary>Number of equal intervals at whose ends log|c_1| is sampled for the least-squares slope.</summary>
    public int Samples { get; init; } = 16;

    /// <summary>RK4 step times the largest undamped rate over degrees 1..L (diffusion is integrated exactly); the relative rate
    /// error of RK4 is about StepFraction⁴/120 (1.3e−9 at 0.02).</summary>
    public double StepFraction { get; init; } = 0.02;

    /// <summary>Relative tolerance on the diffusion D at which the threshold search stops.</summary>
    public double RelativeTolerance { get; init; } = 1e-10;
}

/// <summary>One measured n = 1 growth rate of (FP) with USA attention.</summary>
/// <param name="Dimension">d.</param>
/// <param name="Beta">β.</param>
/// <param name="Coupling">MR's K.</param>
/// <param name="Diffusion">D = 1/(2K), the solver's diffusion (generator D·Δ_S).</param>
/// <param name="MeasuredRate">Least-squares slope of log|c_1(t)| from the PDE (physical time of the solver).</param>
/// <param name="PredictedRate">(d−1)(ρ_0Λ_1/β − 1/(2K)) (MATH §7).</param>
public sealed record NoisyRateSample(int Dimension, double Beta, double Coupling, double Diffusion, double MeasuredRate, double PredictedRate);

/// <summary>The K at which the measured n = 1 rate changes sign, against K_#(β).</summary>
/// <param name="Dimension">d.</param>
/// <param name="Beta">β.</param>
/// <param name="CriticalBeta">β_*^{(d)} (β ≤ β_*: continuous transition at K_#; β &gt; β_*: discontinuous, K_c &lt; K_#).</param>
/// <param name="KSharp">K_#^{(d)}(β), closed form.</param>
/// <param name="MeasuredKSharp">Root of the measured rate.</param>
/// <param name="RelativeError">|MeasuredKSharp − KSharp|/KSharp.</param>
/// <param name="Solves">PDE solves used.</param>
/// <param name="Evaluations">Every (K, rate) evaluated, in order.</param>
public sealed record NoisyThresholdResult(int Dimension, double Beta, double CriticalBeta, double KSharp, double MeasuredKSharp,
    double RelativeError, int Solves, IReadOnlyList<NoisyRateSample> Evaluations);

/// <summary>
/// Measures the n = 1 stability threshold of the noisy USA mean-field PDE (FP) from the zonal Gegenbauer solver
/// (MATH §7 "Solver checks", §9.3): a short linear-regime solve from 1 + εP_1 gives the growth rate as the slope of
/// log|c_1(t)|, and the threshold is the K where that measured rate changes sign (bracketing, then Illinois regula
/// falsi on the rate as a function of D = 1/(2K)). Nothing of the closed form enters the measurement: the attention
/// drift is the solver's Galerkin quadrature, only the step size and duration are scaled by rates.
/// </summary>
public sealed class NoisyThresholdMeasurement(NoisyRateMeasurementOptions options)
{
    public NoisyThresholdMeasurement() : this(new NoisyRateMeasurementOptions()) { }

    public NoisyRateMeasurementOptions Options { get; } = Validate(options);

    /// <summary>The measured n = 1 rate at coupling K (D = 1/(2K)).</summary>
    public NoisyRateSample MeasureRate(int dimension, double beta, double coupling)
        => MeasureAtDiffusion(dimension, beta, MunRosenzweigTheory.DiffusionForCoupling(coupling));

    /// <summary>The measured n = 1 rate at each coupling.</summary>
    public IReadOnlyList<NoisyRateSample> MeasureRates(int dimension, double beta, IEnumerable<double> couplings)
        => [.. couplings.Select(k => MeasureRate(dimension, beta, k))];

    /// <summary>The coupling where the measured n = 1 rate crosses zero, and K_#(β) for comparison.</summary>
    public NoisyThresholdResult FindThreshold(int dimension, double beta)
    {
        var evaluations = new List<NoisyRateSample>();
        double Rate(double diffusion)
        {
            var s = MeasureAtDiffusion(dimension, beta, diffusion);
            evaluations.Add(s);
            return s.MeasuredRate;
        }

        // Bracket in D: small D (weak noise) is unstable. Start at the β → 0 threshold D = 1/d and move by factors of 2.
        double lo = 1.0 / dimension, rLo = Rate(lo);
        double hi = lo, rHi = rLo;
        if (rLo > 0) { while (rHi > 0) { lo = hi; rLo = rHi; hi *= 2; rHi = Rate(hi); } }
        else { while (rLo <= 0) { hi = lo; rHi = rLo; lo /= 2; rLo = Rate(lo); } }

        // Illinois regula falsi: the rate is very nearly affine in D, so this converges in a few solves.
        int side = 0;
        double root = 0.5 * (lo + hi);
        for (int iter = 0; iter < 60 && hi - lo > Options.RelativeTolerance * hi; iter++)
        {
            root = (lo * rHi - hi * rLo) / (rHi - rLo);
            if (!(root > lo && root < hi)) root = 0.5 * (lo + hi);
            double r = Rate(root);
            if (r == 0) { lo = hi = root; break; }
            if (r > 0)
            {
                lo = root; rLo = r;
                if (side == 1) rHi *= 0.5;
                side = 1;
            }
            else
            {
                hi = root; rHi = r;
                if (side == -1) rLo *= 0.5;
                side = -1;
            }
            // Regula falsi can stall one end; stop once the step no longer moves the estimate.
            if (Math.Abs(r) <= 1e-13 * Math.Abs(evaluations[0].MeasuredRate)) { lo = hi = root; break; }
        }
        double measured = MunRosenzweigTheory.CouplingForDiffusion(lo == hi ? lo : root);
        double kSharp = MunRosenzweigTheory.KSharp(beta, dimension);
        return new NoisyThresholdResult(dimension, beta, MunRosenzweigTheory.CriticalBeta(dimension), kSharp, measured,
            Math.Abs(measured - kSharp) / kSharp, evaluations.Count, evaluations);
    }

    private NoisyRateSample MeasureAtDiffusion(int dimension, double beta, double diffusion)
    {
        if (dimension < 2) throw new ArgumentOutOfRangeException(nameof(dimension), dimension, "the dimension d must be ≥ 2.");
        if (!MeanFieldModel.IsValidBeta(beta)) throw new ArgumentOutOfRangeException(nameof(beta), beta, $"β {MeanFieldModel.BetaRule}.");
        int l = Options.MaxDegree;
        // Scales (not results): the undamped degree-1 rate sets the duration, the fastest undamped rate the step.
        double rate1 = LinearStability.GrowthRate(AttentionKind.USA, 1, beta, dimension);
        double rateMax = Enumerable.Range(1, l).Max(n => LinearStability.GrowthRate(AttentionKind.USA, n, beta, dimension));
        double interval = Options.Duration / rate1 / Options.Samples;
        int stepsPerInterval = Math.Max(1, (int)Math.Ceiling(interval * rateMax / Options.StepFraction));
        var initial = ZonalInitialLaws.Perturbed(dimension, l, [(1, Options.Amplitude)]);
        var solver = new ZonalSpectralSolver(AttentionKind.USA, beta, diffusion, dimension, l, initial,
            new StepperOptions(StepperKind.Rk4, interval / stepsPerInterval, 0), logTimeScale: 0);
        var times = new double[Options.Samples + 1];
        var logs = new double[Options.Samples + 1];
        logs[0] = Math.Log(Math.Abs(solver.Coefficient(1)));
        for (int i = 1; i <= Options.Samples; i++)
        {
            times[i] = i * interval;
            solver.AdvanceTo(times[i]);
            logs[i] = Math.Log(Math.Abs(solver.Coefficient(1)));
        }
        double measured = LeastSquaresSlope(times, logs);
        double coupling = MunRosenzweigTheory.CouplingForDiffusion(diffusion);
        return new NoisyRateSample(dimension, beta, coupling, diffusion, measured, MunRosenzweigTheory.GrowthRate(dimension, beta, coupling));
    }

    private static double LeastSquaresSlope(ReadOnlySpan<double> x, ReadOnlySpan<double> y)
    {
        double xm = 0, ym = 0;
        for (int i = 0; i < x.Length; i++) { xm += x[i]; ym += y[i]; }
        xm /= x.Length;
        ym /= x.Length;
        double sxy = 0, sxx = 0;
        for (int i = 0; i < x.Length; i++) { sxy += (x[i] - xm) * (y[i] - ym); sxx += (x[i] - xm) * (x[i] - xm); }
        return sxy / sxx;
    }

    private static NoisyRateMeasurementOptions Validate(NoisyRateMeasurementOptions o)
    {
        if (o.MaxDegree < 2) throw new ArgumentOutOfRangeException(nameof(o.MaxDegree), o.MaxDegree, "MaxDegree must be ≥ 2.");
        if (!(o.Amplitude > 0 && o.Amplitude < 0.1)) throw new ArgumentOutOfRangeException(nameof(o.Amplitude), o.Amplitude, "Amplitude must lie in (0, 0.1).");
        if (!(o.Duration > 0) || !double.IsFinite(o.Duration)) throw new ArgumentOutOfRangeException(nameof(o.Duration), o.Duration, "Duration must be positive.");
        if (o.Samples < 2) throw new ArgumentOutOfRangeException(nameof(o.Samples), o.Samples, "Samples must be ≥ 2.");
        if (!(o.StepFraction > 0 && o.StepFraction <= 1)) throw new ArgumentOutOfRangeException(nameof(o.StepFraction), o.StepFraction, "StepFraction must lie in (0, 1].");
        if (!(o.RelativeTolerance > 0)) throw new ArgumentOutOfRangeException(nameof(o.RelativeTolerance), o.RelativeTolerance, "RelativeTolerance must be positive.");
        return o;
    }
}
