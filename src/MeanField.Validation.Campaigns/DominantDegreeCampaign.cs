using MeanField.Core;
using MeanField.IO.Config;
using MeanField.Validation.Clustering;
using static MeanField.Validation.Campaigns.CampaignLabels;

namespace MeanField.Validation.Campaigns;

/// <summary>
/// Campaign 2 (kind dominant-degree): the dominant degree n*(β) of the linear phase on S² and on S^{d−1} (zonal),
/// MATH §4.1–4.2 and §10 rows 8–11. For each part (sphere: spherical-harmonic Galerkin on S²; zonal: Gegenbauer Galerkin
/// for each listed d; particles: N uniform points on S²) <see cref="DominantDegreeExperiment"/> fits the growth rate of
/// every degree from a small perturbation and takes the argmax, against n* = argmax λ_n and λ_n of LinearStability; the
/// measured n* are also compared with MATH's tables (rows 8–9), and the switching points β_k with rows 10–11.
/// </summary>
internal sealed class DominantDegreeCampaign : ICampaign
{
    public string Kind => "dominant-degree";

    // MATH §10 rows 8–9: n*(β) on S² (d = 3) and d = 4 for this β list.
    private static readonly double[] MathBetas = [1, 2, 3, 4, 5, 6, 7, 8, 10, 12, 15, 20, 25, 30, 40, 50, 60, 80, 100];

    private static readonly Dictionary<int, int[]> MathDominant = new()
    {
        [3] = [1, 2, 2, 2, 3, 3, 3, 4, 4, 4, 5, 6, 7, 7, 8, 10, 10, 12, 14],
        [4] = [1, 1, 2, 2, 2, 3, 3, 3, 4, 4, 5, 5, 6, 7, 8, 9, 10, 12, 13],
    };

    public CampaignResult Run(YamlMappingReader p, CampaignContext context)
    {
        var attention = p.Attention("attention", "sa");
        var common = new DominantDegreeParameters
        {
            Attention = attention,
            Amplitude = p.Double("amplitude", 1e-9, x => x > 0 && x < 1e-2, "must be in (0, 0.01)"),
            GrowthLog = p.Double("growth_log", 4, x => x > 0 && x <= 20, "must be in (0, 20]"),
            Samples = p.Int("samples", 16, x => x >= 2 && x <= 10_000, "must be between 2 and 10000"),
            StepsPerSample = p.Int("steps_per_sample", 8, x => x >= 1 && x <= 10_000, "must be between 1 and 10000"),
            Seed = p.ULong("seed", 1),
        };
        int switchingCount = p.Int("switching_points", 5, x => x >= 1 && x <= 50, "must be between 1 and 50");
        var parts = new List<(string Name, DominantDegreeParameters Parameters)>();
        var sphere = p.Mapping("sphere");
        if (sphere.Bool("enabled", true))
            parts.Add(("sphere", common with { Solver = GrowthSolver.Sphere, Dimension = 3, Betas = Betas(sphere, GrowthSolver.Sphere, 3) }));
        sphere.Finish();
        var zonal = p.Mapping("zonal");
        bool zonalEnabled = zonal.Bool("enabled", true);
        var zonalDimensions = zonal.Ints("dimensions", [4, 64], x => x >= 3 && x <= 1024, "must be between 3 and 1024");
        double[]? zonalBetas = zonal.Has("betas") ? zonal.Doubles("betas", [], MeanFieldModel.IsValidBeta, MeanFieldModel.BetaRule) : null;
        zonal.Finish();
        if (zonalEnabled)
            foreach (int d in zonalDimensions)
                parts.Add(($"zonal_d{d}", common with { Solver = GrowthSolver.Zonal, Dimension = d, Betas = zonalBetas ?? DominantDegreeParameters.Full(GrowthSolver.Zonal, d).Betas }));
        var particles = p.Mapping("particles");
        if (particles.Bool("enabled", true))
            parts.Add(("particles", common with
            {
                Solver = GrowthSolver.Particles, Dimension = 3,
                Betas = Betas(particles, GrowthSolver.Particles, 3),
                ParticleCount = particles.Int("count", 100_000, x => x >= 100 && x <= 10_000_000, "must be between 100 and 10000000"),
                ParticleWindow = particles.Double("window", 0.5, x => x > 0 && x < 1, "must be in (0, 1): fraction of the linear-phase time log N/(2λ_n*)"),
                InteractionTolerance = particles.Double("interaction_tolerance", 1e-10, x => x > 0 && x < 1e-3, "must be in (0, 1e-3)"),
            }));
        particles.Finish();
        p.Finish();

        var result = new CampaignResult();
        foreach (var (name, parameters) in parts)
        {
            var watch = System.Diagnostics.Stopwatch.StartNew();
            var r = DominantDegreeExperiment.Run(parameters);
            Report(name, r, result);
            context.Log.WriteLine($"  dominant-degree {name}: {r.Measurements.Count(m => !m.DegreeMatches)} mismatches of n* over {r.Measurements.Count} β, max rate error {r.MaxRelativeRateError:E2} ({watch.Elapsed.TotalSeconds:F1} s)");
        }

        var switching = new List<double[]>();
        foreach (int d in new[] { 2, 3 })
        {
            var points = DominantDegreeTheory.SwitchingPoints(switchingCount, d);
            for (int k = 1; k <= points.Length; k++)
            {
                result.Metric($"switching_d{d}_k{k}", points[k - 1], "", $"β_{k} for d = {d}: n* jumps from {k} to {k + 1} (MATH §10 row {(d == 2 ? 10 : 11)})");
                switching.Add([d, k, points[k - 1]]);
            }
        }
        result.Table("switching_points", "β_k where n* jumps from k to k + 1 (root of λ_k = λ_{k+1}, bisection), d = 2 and 3",
            ("d", Column(switching, 0)), ("k", Column(switching, 1)), ("beta_k", Column(switching, 2)));
        result.Notes.Add($"Each run starts from a perturbation of the uniform law containing every degree 1..M (M = 2n* + 4, at least 6; PDE: relative size {common.Amplitude:G2} per degree, run until the predicted dominant mode grew by e^{Label(common.GrowthLog)}; particles: N i.i.d. uniform points, whose sampling noise is the perturbation, run to a fraction of the linear-phase time log N/(2λ_n*)), samples the degree-n amplitude √(Σ_m |a_n^m|²) (S²) or |c_n| (zonal) {common.Samples} times, and fits ln amplitude against t by least squares; the measured n* is the argmax of the fitted rates. The rate error is taken over degrees with λ_n ≥ λ_n*/10 (slower degrees are buried under the fast ones' nonlinear feedback). Near a switching point n* is delicate (relative gap in the tables); the β list includes β_k(1 ± 2%) for the first four switching points.");
        return result;
    }

    private static IReadOnlyList<double> Betas(YamlMappingReader r, GrowthSolver solver, int d) =>
        r.Has("betas")
            ? r.Doubles("betas", [], MeanFieldModel.IsValidBeta, MeanFieldModel.BetaRule)
            : DominantDegreeParameters.Full(solver, d).Betas;

    private static void Report(string name, DominantDegreeResult r, CampaignResult result)
    {
        int d = r.Parameters.Dimension;
        var ms = r.Measurements;
        string where = r.Parameters.Solver switch
        {
            GrowthSolver.Sphere => "S² spherical-harmonic Galerkin",
            GrowthSolver.Zonal => $"zonal Gegenbauer Galerkin on S^{d - 1}",
            _ => $"{r.Parameters.ParticleCount} particles on S²",
        };
        result.Metric($"{name}_degree_mismatches", ms.Count(m => !m.DegreeMatches), "", $"{where}, {r.Parameters.Attention}: number of β (of {ms.Count}) where the measured n* differs from argmax λ_n");
        result.Metric($"{name}_max_rel_rate_error", r.MaxRelativeRateError, "", $"{where}: max over β and degrees with λ_n ≥ λ_n*/10 of |fitted rate − λ_n|/λ_n");
        result.Metric($"{name}_max_rel_dominant_rate_error", ms.Max(m => Math.Abs(m.MeasuredRate - m.PredictedRate) / m.PredictedRate), "",
            $"{where}: max over β of |fitted rate of the measured n* − λ_n*|/λ_n* (the dominant mode, least affected by noise and nonlinear feedback)");
        if (MathDominant.TryGetValue(d, out var table) && r.Parameters.Solver != GrowthSolver.Particles)
        {
            var compared = ms.Select(m => (m, i: Array.IndexOf(MathBetas, m.Beta))).Where(x => x.i >= 0).ToArray();
            result.Metric($"{name}_math_table_mismatches", compared.Count(x => x.m.MeasuredDegree != table[x.i]), "",
                $"{where}: number of β (of {compared.Length} in MATH §10 row {(d == 3 ? 8 : 9)}) where the measured n* differs from MATH's value");
        }
        result.Table(name, $"{where}, {r.Parameters.Attention}: predicted and measured n* per β, their rates, the worst per-degree rate error, relative gap to the next rate, nearest switching point, fit duration",
            ("beta", ms.Select(m => m.Beta).ToArray()), ("n_predicted", ms.Select(m => (double)m.PredictedDegree).ToArray()),
            ("n_measured", ms.Select(m => (double)m.MeasuredDegree).ToArray()), ("rate_predicted", ms.Select(m => m.PredictedRate).ToArray()),
            ("rate_measured", ms.Select(m => m.MeasuredRate).ToArray()), ("max_rel_rate_error", ms.Select(m => m.MaxRelativeRateError).ToArray()),
            ("relative_gap", ms.Select(m => m.RelativeGap).ToArray()), ("nearest_switching_point", ms.Select(m => m.NearestSwitchingPoint).ToArray()),
            ("duration", ms.Select(m => m.Duration).ToArray()));

        var betas = ms.Select(m => m.Beta).ToArray();
        result.Figures.Add(new FigureRequest($"nstar_{name}", $"{where}: dominant degree n*(β)", "β", "n*",
        [
            new FigureSeries("argmax λ_n (MATH §4.2)", betas, ms.Select(m => (double)m.PredictedDegree).ToArray(), SeriesStyle.Line),
            new FigureSeries("measured (argmax of fitted rates)", betas, ms.Select(m => (double)m.MeasuredDegree).ToArray(), SeriesStyle.Markers),
        ], LogX: true));
        // Rates per degree at up to three β (smallest, middle, largest).
        var shown = new[] { ms[0], ms[ms.Count / 2], ms[^1] }.Distinct().ToArray();
        var series = new List<FigureSeries>();
        foreach (var m in shown)
        {
            var degrees = m.Rates.Select(x => (double)x.Degree).ToArray();
            series.Add(new FigureSeries($"β = {Label(m.Beta)}: λ_n / λ_n*", degrees, m.Rates.Select(x => x.Predicted / m.PredictedRate).ToArray(), SeriesStyle.Line));
            series.Add(new FigureSeries($"β = {Label(m.Beta)}: fitted / λ_n*", degrees, m.Rates.Select(x => x.Measured / m.PredictedRate).ToArray(), SeriesStyle.Markers));
        }
        result.Figures.Add(new FigureRequest($"rates_{name}", $"{where}: growth rate per degree, measured vs λ_n (scaled by λ_n*)", "degree n", "rate / λ_n*", series));
    }
}
