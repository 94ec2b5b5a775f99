using System.Globalization;
using MeanField.IO.Config;
using MeanField.Runs;
using static MeanField.Validation.Campaigns.CampaignLabels;

namespace MeanField.Validation.Campaigns;

/// <summary>
/// Campaign 9 (kind phase-diagram): the clustering phase diagram of Geshkovski–Letrouit–Polyanskiy–Rigollet ("A
/// mathematical perspective on transformers", the rotf code): for each d and β, R independent systems of n tokens i.i.d.
/// uniform on S^{d−1} under SA, Euler steps with renormalisation (integrator layer), one run with particles.replicas: R
/// per (d, β) (<see cref="ReplicaDynamics"/>, the same code as `meanfield run`). Measured at every output time: the
/// probability that a system is one cluster (connected components of ⟨x_i, x_j⟩ &gt; 1 − ε, ε = 1e−3) and the rotf
/// code's density (the fraction of pairs with ⟨x_i, x_j⟩ &gt; 1 − ε), each with its standard error over systems.
/// </summary>
internal sealed class PhaseDiagramCampaign : ICampaign
{
    public string Kind => "phase-diagram";

    public CampaignResult Run(YamlMappingReader p, CampaignContext context)
    {
        var dimensions = p.Ints("dimensions", [2, 3], x => x >= 2 && x <= 64, "must be between 2 and 64");
        int count = p.Int("count", 32, x => x >= 2 && x <= 4096, "must be between 2 and 4096");
        int replicas = p.Int("replicas", 2048, x => x >= 2 && x <= 1_000_000, "must be between 2 and 1000000");
        var betas = p.Doubles("betas", [1, 2, 4, 8], x => x > 0 && x <= 100, "must be in (0, 100]");
        double tEnd = p.Double("t_end", 30, x => x > 0 && x <= 1e4, "must be in (0, 1e4]");
        double dt = p.Double("dt", 0.1, x => x > 0 && x <= 1, "must be in (0, 1]");
        double interval = p.Double("interval", 0.5, x => x > 0 && x <= 1e4, "must be in (0, 1e4]");
        double epsilon = p.Double("epsilon", 1e-3, x => x > 0 && x < 2, "must be in (0, 2)");
        var plotTimes = p.Doubles("plot_times", [2, 5, 10, 30], x => x >= 0, "must be ≥ 0");
        long seed = p.Int("seed", 1, x => x >= 0, "must be ≥ 0");
        p.Finish();
        if (betas.Zip(betas.Skip(1)).Any(b => !(b.Second > b.First)))
            throw new ConfigException("phase-diagram: betas must increase");

        var result = new CampaignResult();
        var rows = new List<double[]>();
        foreach (int d in dimensions)
        {
            var probability = new List<double[]>();   // per β: P(one cluster) at each time
            var probabilitySe = new List<double[]>();
            double[] times = [];
            foreach (double beta in betas)
            {
                var (t, oneCluster, oneClusterSe, density, densitySe, clusters) = RunPoint(d, count, replicas, beta, tEnd, dt, interval, epsilon, (ulong)seed);
                times = t;
                probability.Add(oneCluster);
                probabilitySe.Add(oneClusterSe);
                for (int k = 0; k < t.Length; k++) rows.Add([d, beta, t[k], oneCluster[k], oneClusterSe[k], density[k], densitySe[k], clusters[k]]);
                context.Log.WriteLine($"  phase-diagram: d = {d}, β = {Label(beta)}: P(one cluster at T) = {oneCluster[^1]:F4} ± {oneClusterSe[^1]:F4}, density {density[^1]:F4}");
            }

            string tag = $"d{d}";
            int last = times.Length - 1;
            result.Metric($"one_cluster_smallest_beta_{tag}", probability[0][last], "",
                $"P(one cluster at t = {Label(tEnd)}) at the smallest β = {Label(betas[0])}, d = {d}: below the metastable regime every system has collapsed", probabilitySe[0][last]);
            result.Metric($"one_cluster_largest_beta_{tag}", probability[^1][last], "",
                $"P(one cluster at t = {Label(tEnd)}) at the largest β = {Label(betas[^1])}, d = {d}", probabilitySe[^1][last]);
            // Larger β clusters later: P(one cluster at t) does not increase with β, at any t, beyond statistical noise.
            int violations = 0;
            for (int b = 0; b + 1 < betas.Length; b++)
            for (int k = 0; k < times.Length; k++)
            {
                double rise = probability[b + 1][k] - probability[b][k];
                double se = Math.Sqrt(probabilitySe[b][k] * probabilitySe[b][k] + probabilitySe[b + 1][k] * probabilitySe[b + 1][k]);
                if (rise > 4 * se + 0.5 / replicas) violations++;
            }
            result.Metric($"monotonicity_violations_{tag}", violations, "",
                $"(adjacent β pair, t) with P(one cluster) larger at the larger β by more than 4 combined standard errors, d = {d}");
            var halfTimes = betas.Select((_, b) => HalfTime(times, probability[b])).ToArray();
            int orderViolations = Enumerable.Range(0, betas.Length - 1).Count(b => halfTimes[b + 1] < halfTimes[b]);
            result.Metric($"half_time_order_violations_{tag}", orderViolations, "",
                $"adjacent β pairs where the larger β reaches P(one cluster) ≥ 1/2 earlier (never within t_end counts as +∞), d = {d}");
            result.Metric($"beta_half_at_t_end_{tag}", CrossingBeta(betas, probability.Select(pb => pb[last]).ToArray()), "",
                $"β where P(one cluster at t = {Label(tEnd)}) crosses 1/2 (linear interpolation between grid β; NaN if it does not), d = {d}");

            var series = plotTimes.Select(pt => Array.FindIndex(times, t => Math.Abs(t - pt) < 1e-9 * Math.Max(1, pt))).Where(k => k >= 0)
                .Select(k => new FigureSeries($"t = {Label(times[k])}", betas, probability.Select(pb => pb[k]).ToArray(), SeriesStyle.LineAndMarkers)).ToList();
            result.Figures.Add(new FigureRequest($"one_cluster_probability_{tag}", $"SA on S^{d - 1}, n = {count}, {replicas} systems: P(one cluster)", "β", "P(one cluster)", series,
                Caption: $"Fraction of the {replicas} systems whose tokens form one cluster (⟨x_i, x_j⟩ > 1 − {Label(epsilon)} chains) at the listed times; its standard error is at most 1/(2√R) = {0.5 / Math.Sqrt(replicas):F3}."));
            result.Figures.Add(new FigureRequest($"half_time_{tag}", $"SA on S^{d - 1}: the time by which half of the systems are one cluster", "β", "t",
                [new FigureSeries("t with P(one cluster) = 1/2", betas, halfTimes.Select(h => double.IsPositiveInfinity(h) ? double.NaN : h).ToArray(), SeriesStyle.LineAndMarkers)],
                Caption: $"The boundary of the phase diagram (β, t) ↦ P(one cluster); β where half of the systems are not one cluster by t = {Label(tEnd)} are left out."));
        }
        result.Table("phase_diagram", "per (d, β, t): P(one cluster) and its standard error over systems, the rotf density (fraction of pairs with ⟨x_i, x_j⟩ > 1 − ε, mean over systems) and its standard error, the mean cluster count",
            ("d", Column(rows, 0)), ("beta", Column(rows, 1)), ("t", Column(rows, 2)), ("one_cluster_probability", Column(rows, 3)), ("one_cluster_se", Column(rows, 4)),
            ("close_pair_fraction", Column(rows, 5)), ("close_pair_fraction_se", Column(rows, 6)), ("cluster_count_mean", Column(rows, 7)));
        result.Notes.Add($"Each (d, β) is one run with `particles.replicas: {replicas}` ({replicas} systems of n = {count} tokens, i.i.d. uniform, replica r seeded SplitMix64(SplitMix64({seed}) ⊕ r)): SA, `integrator: layer` (x ← N(x + h P_x v), the rotf code's step N(x + h v) projected), h = {Label(dt)}, up to t = {Label(tEnd)}, written every {Label(interval)}; float64 (the rotf code runs float32). One cluster: the graph ⟨x_i, x_j⟩ > 1 − {Label(epsilon)} is connected. The rotf code's figure is its density (fraction of close pairs, here `close_pair_fraction`) on a 90-value β grid from 0.1 to 9 with 200 times; the comparison here is qualitative: a fast-collapse region at small β and a clustering time that grows with β (metastability), which the metrics check.");
        return result;
    }

    private static (double[] Times, double[] OneCluster, double[] OneClusterSe, double[] Density, double[] DensitySe, double[] Clusters) RunPoint(
        int d, int count, int replicas, double beta, double tEnd, double dt, double interval, double epsilon, ulong seed)
    {
        var inv = CultureInfo.InvariantCulture;
        string yaml = $$"""
            geometry: {{(d == 2 ? "circle" : "sphere")}}
            dimension: {{d}}
            seed: {{seed}}
            model: {attention: sa, beta: {{beta.ToString("R", inv)}}}
            initial: {kind: uniform}
            solver: {kind: particles, t_end: {{tEnd.ToString("R", inv)}}}
            particles: {count: {{count}}, integrator: layer, dt: {{dt.ToString("R", inv)}}, interaction: dense, replicas: {{replicas}}}
            output: {interval: {{interval.ToString("R", inv)}}, positions: false, cluster_epsilon: {{epsilon.ToString("R", inv)}}}
            """;
        var config = ConfigLoader.LoadText(yaml, "phase-diagram point", "phase-diagram", outDirectory: Path.GetTempPath());
        using var dynamics = new ReplicaDynamics(config, new RunOptions { Quiet = true, ConfigPath = "phase-diagram point" });
        var outputTimes = Simulation.OutputTimes(tEnd, interval);
        var clusterTask = dynamics.Tasks.Single(t => t.Name == "cluster_count");
        var densityTask = dynamics.Tasks.Single(t => t.Name == "cosine_close_fraction");
        int n = outputTimes.Count;
        var (one, oneSe, density, densitySe, clusters) = (new double[n], new double[n], new double[n], new double[n], new double[n]);
        for (int k = 0; k < n; k++)
        {
            if (k > 0) dynamics.AdvanceTo(outputTimes[k], () => true, CancellationToken.None);
            dynamics.PrepareWrite();
            var c = clusterTask.Evaluate().Real!;
            var f = densityTask.Evaluate().Real!;
            double p = c.Count(x => x == 1) / (double)replicas;
            (one[k], oneSe[k]) = (p, Math.Sqrt(p * (1 - p) / replicas));
            (density[k], densitySe[k]) = (ReplicaDynamics.Mean(f), ReplicaDynamics.StandardError(f));
            clusters[k] = ReplicaDynamics.Mean(c);
        }
        return (outputTimes.ToArray(), one, oneSe, density, densitySe, clusters);
    }

    /// <summary>The first time with P ≥ 1/2, or +∞.</summary>
    private static double HalfTime(double[] times, double[] probability)
    {
        for (int k = 0; k < times.Length; k++)
            if (probability[k] >= 0.5) return times[k];
        return double.PositiveInfinity;
    }

    /// <summary>The first β where P falls to 1/2 or below, interpolated linearly; NaN if it never does or starts there.</summary>
    private static double CrossingBeta(double[] betas, double[] p)
    {
        for (int b = 0; b + 1 < betas.Length; b++)
            if (p[b] > 0.5 && p[b + 1] <= 0.5) return betas[b] + (betas[b + 1] - betas[b]) * (p[b] - 0.5) / (p[b] - p[b + 1]);
        return double.NaN;
    }
}
