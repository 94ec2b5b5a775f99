using MeanField.Core;
using MeanField.IO.Config;
using MeanField.Validation.NoisyTransition;
using static MeanField.Validation.Campaigns.CampaignLabels;

namespace MeanField.Validation.Campaigns;

/// <summary>
/// Campaign 6 (kind noisy-transition): the Mun–Rosenzweig noisy-transformer transition, MATH §7 and §10 rows 31–34.
/// β_*^{(d)} (root of I_{d/2+1}/I_{d/2} = 1/d), and the n = 1 stability threshold K_#(β) measured from the noisy USA
/// zonal PDE as the coupling where the fitted growth rate of the degree-1 coefficient changes sign
/// (<see cref="NoisyThresholdMeasurement"/>, diffusion D = 1/(2K)), against the closed form β^{d/2}/(2^{d/2}Γ(d/2)I_{d/2}(β));
/// the measured rates at K/K_# ∈ rate_at against (d−1)(ρ_0Λ_1/β − 1/(2K)).
/// </summary>
internal sealed class NoisyTransitionCampaign : ICampaign
{
    public string Kind => "noisy-transition";

    // MATH §7 tables: β_*^{(d)} and K_#^{(d)}(β_*) for d = 2, 3, 4 (10 digits), and K_#^{(d)}(β) for β = 0.5, 1, 2, 5, 10 (6 digits).
    private static readonly Dictionary<int, (double BetaStar, double KAtBetaStar)> MathCritical = new()
    {
        [2] = (2.4469183113, 0.5101354797), [3] = (1.8161545254, 1.0939627109), [4] = (1.5752571501, 1.6346518898),
    };

    private static readonly double[] MathTableBetas = [0.5, 1, 2, 5, 10];

    private static readonly Dictionary<int, double[]> MathKSharp = new()
    {
        [2] = [0.969389, 0.884707, 0.628679, 0.102730, 0.0018720],
        [3] = [1.463095, 1.359141, 1.026291, 0.210547, 0.0050444],
        [4] = [1.958870, 1.841652, 1.451487, 0.357028, 0.0109576],
    };

    public CampaignResult Run(YamlMappingReader p, CampaignContext context)
    {
        var dimensions = p.Ints("dimensions", [2, 3, 4], x => x >= 2 && x <= 128, "must be between 2 and 128");
        var betas = p.Doubles("betas", MathTableBetas, x => x > 0 && x <= 50, "must be in (0, 50]");
        var rateAt = p.Doubles("rate_at", [0.5, 0.9, 1.1, 2], x => x > 0 && x <= 100, "must be in (0, 100]: K/K_#");
        var options = new NoisyRateMeasurementOptions
        {
            MaxDegree = p.Int("max_degree", 6, x => x >= 2 && x <= 64, "must be between 2 and 64"),
            Amplitude = p.Double("amplitude", 1e-6, x => x > 0 && x < 1e-2, "must be in (0, 0.01)"),
            Duration = p.Double("duration", 2, x => x > 0 && x <= 50, "must be in (0, 50] (units of 1/λ_1)"),
            Samples = p.Int("samples", 16, x => x >= 2 && x <= 10_000, "must be between 2 and 10000"),
            StepFraction = p.Double("step_fraction", 0.02, x => x > 0 && x <= 0.5, "must be in (0, 0.5]"),
            RelativeTolerance = p.Double("relative_tolerance", 1e-10, x => x > 0 && x < 1e-3, "must be in (0, 1e-3)"),
        };
        var sweep = p.Mapping("sweep");
        double sweepBeta = sweep.Double("beta", 1, x => x > 0 && x <= 50, "must be in (0, 50]");
        var sweepRatios = sweep.Doubles("k_over_k_sharp", [0.5, 0.6, 0.7, 0.8, 0.9, 1, 1.1, 1.25, 1.5, 1.75, 2], x => x > 0 && x <= 100, "must be in (0, 100]");
        sweep.Finish();
        p.Finish();
        var measure = new NoisyThresholdMeasurement(options);
        var result = new CampaignResult();

        // β_* and K_#(β_*) against MATH §7 (10 digits).
        double worstKTable = 0;
        foreach (int d in dimensions)
        {
            double betaStar = MunRosenzweigTheory.CriticalBeta(d);
            result.Metric($"beta_star_d{d}", betaStar, "", $"β_*^({d}): root of I_{{d/2+1}}(β)/I_{{d/2}}(β) = 1/d (MATH §7, row 31)");
            result.Metric($"k_sharp_at_beta_star_d{d}", MunRosenzweigTheory.KSharp(betaStar, d), "", $"K_#^({d})(β_*) (MATH §7 table)");
            if (MathCritical.TryGetValue(d, out var m))
            {
                result.Metric($"beta_star_error_d{d}", Math.Abs(betaStar - m.BetaStar), "", $"|β_*^({d}) − {m.BetaStar}| (MATH §7; 10 digits)");
                worstKTable = Math.Max(worstKTable, Math.Abs(MunRosenzweigTheory.KSharp(betaStar, d) - m.KAtBetaStar));
            }
            if (MathKSharp.TryGetValue(d, out var row))
                for (int i = 0; i < MathTableBetas.Length; i++)
                    worstKTable = Math.Max(worstKTable, Math.Abs(MunRosenzweigTheory.KSharp(MathTableBetas[i], d) - row[i]));
        }
        result.Metric("k_sharp_closed_vs_math_max_abs", worstKTable, "", "max |closed-form K_#^(d)(β) − MATH §7's tables| (K_#(β_*) column: 10 decimals; β = 0.5…10 table: 6–7 decimals), d ∈ {2, 3, 4}");

        // The threshold measured from the PDE, and the rates at K/K_# ∈ rate_at.
        var rows = new List<double[]>();
        var rateRows = new List<double[]>();
        double worstThreshold = 0, worstRate = 0;
        int solves = 0;
        foreach (int d in dimensions)
        foreach (double beta in betas)
        {
            var r = measure.FindThreshold(d, beta);
            solves += r.Solves;
            worstThreshold = Math.Max(worstThreshold, r.RelativeError);
            rows.Add([d, beta, r.CriticalBeta, beta <= r.CriticalBeta ? 1 : 0, r.KSharp, r.MeasuredKSharp, r.RelativeError, r.Solves]);
            foreach (var s in measure.MeasureRates(d, beta, rateAt.Select(x => x * r.KSharp)))
            {
                double scale = UndampedRate(d, beta);
                double error = Math.Abs(s.MeasuredRate - s.PredictedRate) / scale;
                worstRate = Math.Max(worstRate, error);
                rateRows.Add([d, beta, s.Coupling / r.KSharp, s.Coupling, s.MeasuredRate, s.PredictedRate, error]);
            }
        }
        context.Log.WriteLine($"  noisy-transition: {rows.Count} thresholds ({solves} PDE solves), max relative error {worstThreshold:E2}");
        result.Metric("k_sharp_measured_max_rel_error", worstThreshold, "", $"max over d ∈ {{{string.Join(", ", dimensions)}}}, β ∈ {{{string.Join(", ", betas.Select(Label))}}} of |K measured − K_#|/K_#, K measured = sign change of the PDE's n = 1 rate");
        result.Metric("rate_max_scaled_error", worstRate, "", $"max over d, β and K/K_# ∈ {{{string.Join(", ", rateAt.Select(Label))}}} of |measured − (d−1)(ρ_0Λ_1/β − 1/(2K))| / ((d−1)ρ_0Λ_1/β)");
        result.Table("thresholds", "n = 1 threshold of the noisy USA PDE per (d, β): β_*, continuous (1: β ≤ β_*) or first-order (0), closed-form K_#, measured K, relative error, PDE solves",
            ("d", Column(rows, 0)), ("beta", Column(rows, 1)), ("beta_star", Column(rows, 2)), ("continuous", Column(rows, 3)),
            ("k_sharp", Column(rows, 4)), ("k_measured", Column(rows, 5)), ("relative_error", Column(rows, 6)), ("solves", Column(rows, 7)));
        result.Table("rates", "measured n = 1 rate (solver time) against (d−1)(ρ_0Λ_1/β − 1/(2K)); scaled_error = |difference| / ((d−1)ρ_0Λ_1/β)",
            ("d", Column(rateRows, 0)), ("beta", Column(rateRows, 1)), ("k_over_k_sharp", Column(rateRows, 2)), ("k", Column(rateRows, 3)),
            ("measured", Column(rateRows, 4)), ("predicted", Column(rateRows, 5)), ("scaled_error", Column(rateRows, 6)));

        // Figure: the measured rate against K/K_# at one β, crossing 0 at 1 for every d.
        var series = new List<FigureSeries>();
        var fine = Enumerable.Range(0, 61).Select(i => sweepRatios.Min() + (sweepRatios.Max() - sweepRatios.Min()) * i / 60).ToArray();
        foreach (int d in dimensions)
        {
            double kSharp = MunRosenzweigTheory.KSharp(sweepBeta, d), scale = UndampedRate(d, sweepBeta);
            var measured = measure.MeasureRates(d, sweepBeta, sweepRatios.Select(x => x * kSharp));
            series.Add(new FigureSeries($"d = {d}, PDE", sweepRatios, measured.Select(s => s.MeasuredRate / scale).ToArray(), SeriesStyle.Markers));
            series.Add(new FigureSeries($"d = {d}, (d−1)(ρ0Λ1/β − 1/(2K))", fine,
                fine.Select(x => MunRosenzweigTheory.GrowthRate(d, sweepBeta, x * kSharp) / scale).ToArray(), SeriesStyle.Dashed));
        }
        series.Add(new FigureSeries("0", [fine[0], fine[^1]], [0, 0]));
        result.Figures.Add(new FigureRequest("rate_vs_k", $"Noisy USA, β = {Label(sweepBeta)}: n = 1 growth rate vs K/K_#(β)",
            "K / K_#(β)", "rate / ((d−1)ρ0Λ1/β)", series,
            Caption: "Rates scaled by the undamped rate, so every d follows 1 − K_#/K and crosses 0 at K = K_#."));

        result.Notes.Add($"For each (d, β) the zonal Gegenbauer solver (L = {options.MaxDegree}, RK4 with step {Label(options.StepFraction)}/λ_max, diffusion D = 1/(2K) exact) starts from 1 + ε P_1 (ε = {options.Amplitude:G2}) and the n = 1 rate is the least-squares slope of log|c_1| over {Label(options.Duration)}/λ_1 ({options.Samples} intervals). The threshold is the coupling where that measured rate changes sign (bracketing in D, then Illinois regula falsi to relative {options.RelativeTolerance:G2}); no closed form enters the measurement. MR's K_#(β) = κ_{{R,1}}(β)/2 (MATH §7 convention); rates are in the solver's time (MR's time: multiply by K).");
        return result;
    }

    /// <summary>(d−1)ρ_0Λ_1/β, the n = 1 rate without noise: the scale of the rate errors.</summary>
    private static double UndampedRate(int d, double beta) => LinearStability.GrowthRate(AttentionKind.USA, 1, beta, d);
}
