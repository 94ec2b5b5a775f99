using MeanField.Core.Noise;
using MeanField.IO.Output;
using ScottPlot;

namespace MeanField.Plotting;

/// <summary>
/// Figures of the stochastic and coupled run kinds: ensemble means ± standard error (with P3's bound on the mean P3
/// energy where the theorem applies), the `both` comparison of SPDE and particles, pairwise cosines of particles in
/// d ≥ 4, and the P3 energy of a single noisy run.
/// </summary>
internal static class StochasticPlots
{
    private static double Number(RunFile run, string name, double fallback) =>
        run.Attributes.TryGetValue(name, out var v) ? Convert.ToDouble(v, System.Globalization.CultureInfo.InvariantCulture) : fallback;

    private static bool Noisy(RunFile run) =>
        run.Attributes.ContainsKey("noise_kind") || run.Attribute("noise_sampler") is { Length: > 0 } s && s != "none";

    /// <summary>
    /// True when E_β is known to be non-decreasing (MATH §3.2): the deterministic identity-case flow with attractive
    /// attention, no idiosyncratic or common noise. Read from the root attributes every run writes.
    /// </summary>
    public static bool EnergyIsMonotone(RunFile run) =>
        !Noisy(run) && Number(run, "diffusion", 0) == 0 && Number(run, "attention_scale", 1) == 1
        && run.Attribute("kernel") is "" or "identity";

    /// <summary>
    /// P3's synchronisation bound E𝓔_β(μ_t) ≤ e^{(ε+λ̄')t} E𝓔_β(μ_0) (MATH §5) with ε = 0: random-MLP common noise in
    /// d ≥ 4 with λ̄ &lt; 0 (the coercivity assumption), identity-case attention scaled by 1 or 0, no idiosyncratic
    /// noise. Returns λ̄'(β), or null with the reason where the theorem does not apply.
    /// </summary>
    public static (double? LambdaPrime, string Reason) P3Exponent(RunFile run)
    {
        if (!Noisy(run)) return (null, "no common noise");
        if (run.Attribute("noise_kind") != "mlp" || run.Attribute("noise_activation") is not { Length: > 0 } activation)
            return (null, "the noise is not a random MLP layer");
        int d = (int)Number(run, "dimension", 2);
        if (d < 4) return (null, $"d = {d} ≤ 3 (λ̄ < 0 needs d > 3)");
        if (run.Attribute("kernel") is not ("" or "identity")) return (null, "general Q, K, V (ε unknown)");
        double scale = Number(run, "attention_scale", 1);
        if (scale is not (0 or 1)) return (null, $"attention scale {scale} (ε > 0)");
        if (Number(run, "diffusion", 0) != 0) return (null, "idiosyncratic noise D > 0");
        var kernel = new MlpNoiseKernel(MlpActivations.Parse(activation), d, Number(run, "noise_sigma_u", 0), Number(run, "noise_sigma_w", 0));
        if (!(kernel.CoercivityExponent < 0)) return (null, $"λ̄ = {kernel.CoercivityExponent:G3} ≥ 0 (coercivity fails)");
        return (kernel.AttentionCoercivityExponent(Number(run, "beta", 1)).Value, "");
    }

    /// <summary>
    /// Ensemble files: every scalar diagnostic with a standard error, as the mean over paths ± one standard error
    /// (band) with the individual paths faint behind it; the P3 energy on a log scale with the bound of MATH §5.
    /// </summary>
    internal static IEnumerable<string> Ensemble(RunFile run, string stem)
    {
        var t = run.Vector("scales/sim_time");
        int paths = Convert.ToInt32(run.Attributes["ensemble_paths"]);
        foreach (var task in run.TaskDatasets().Where(d => d.Shape.Length == 1 && d.Type == "float64"))
        {
            string name = RunFile.TaskName(task);
            if (!run.Has($"tasks/{name}_stderr")) continue;
            var mean = run.Vector($"tasks/{name}");
            var se = run.Vector($"tasks/{name}_stderr");
            bool log = name == "p3_energy" && mean.All(v => v > 0);
            double[] Y(IEnumerable<double> v) => log ? v.Select(x => Math.Log10(Math.Max(x, 1e-300))).ToArray() : v.ToArray();
            var plot = new Plot();
            if (run.Has($"tasks/{name}_paths"))
            {
                var each = run.Matrix($"tasks/{name}_paths");   // (writes, P)
                for (int p = 0; p < Math.Min(each.GetLength(1), 32); p++)
                {
                    var line = plot.Add.Scatter(t, Y(Enumerable.Range(0, t.Length).Select(w => each[w, p])));
                    line.Color = Colors.Gray.WithAlpha(0.25);
                    line.MarkerSize = 0;
                    if (p == 0) line.LegendText = $"each path ({Math.Min(each.GetLength(1), 32)} shown)";
                }
            }
            double floor = log ? mean.Where(v => v > 0).Min() / 10 : double.NegativeInfinity;
            var band = plot.Add.FillY(t, Y(mean.Zip(se, (m, s) => Math.Max(m - s, floor))), Y(mean.Zip(se, (m, s) => m + s)));
            band.FillColor = Colors.C0.WithAlpha(0.3);
            band.LineColor = Colors.Transparent;
            band.LegendText = "± 1 standard error";
            var meanLine = plot.Add.Scatter(t, Y(mean));
            meanLine.Color = Colors.C0;
            meanLine.LineWidth = 2;
            meanLine.MarkerSize = 3;
            meanLine.LegendText = $"mean over {paths} paths";
            string title = $"{run.Attribute("name")}: {name}, mean ± SE over {paths} noise paths";
            if (name == "p3_energy")
            {
                var (lambdaPrime, reason) = P3Exponent(run);
                if (lambdaPrime is double l)
                {
                    var bound = plot.Add.Scatter(t, Y(t.Select(x => Math.Exp(l * x) * mean[0])));
                    bound.Color = Colors.C3;
                    bound.LinePattern = LinePattern.Dashed;
                    bound.MarkerSize = 0;
                    bound.LegendText = $"P3 bound e^(λ̄' t) × (mean at t = 0), λ̄' = {l:G4} (MATH §5)";
                }
                else
                {
                    // Say why there is no bound, in the legend (titles stay short).
                    var none = plot.Add.Scatter(new[] { t[0] }, Y([mean[0]]));
                    none.MarkerSize = 0;
                    none.LegendText = $"no P3 bound: {reason}";
                }
            }
            if (log) LogTicks(plot);
            plot.ShowLegend(log ? Alignment.LowerLeft : Alignment.LowerRight);
            plot.Title(title + RunPlots.StatusNote(run));
            plot.XLabel("simulation time t");
            plot.YLabel(log ? $"{name} (log scale)" : name);
            yield return RunPlots.Save(plot, $"{stem}_ensemble_{name}.png");
        }
    }

    /// <summary>`both` files: W1 (circle) and L² distances between the SPDE density and the particles per write.</summary>
    internal static string Distances(RunFile run, string stem)
    {
        var t = run.Vector("scales/sim_time");
        var plot = new Plot();
        var w1 = run.Vector("tasks/pde_particle_w1");
        if (w1.Any(double.IsFinite))
        {
            var line = plot.Add.Scatter(t, w1);
            line.LegendText = "W1(μ^N_t, μ_t) (rad)";
        }
        var l2 = plot.Add.Scatter(t, run.Vector("tasks/pde_particle_l2"));
        l2.LegendText = "L² distance of the projections on low modes";
        plot.ShowLegend(Alignment.UpperLeft);
        plot.Title($"{run.Attribute("name")}: SPDE vs {run.Attribute("particle_particle_count")} particles on one noise path" + RunPlots.StatusNote(run));
        plot.XLabel("simulation time t");
        plot.YLabel("distance");
        return RunPlots.Save(plot, stem + "_distances.png");
    }

    /// <summary>`both` on the circle: the particles' angle histogram over the SPDE density at the first, middle and last write.</summary>
    internal static IEnumerable<string> HistogramsOverDensity(RunFile run, string stem)
    {
        var t = run.Vector("scales/sim_time");
        var theta = run.Vector("grid/theta");
        var density = run.Matrix("tasks/density");
        var angles = run.Matrix("tasks/particle_angles");
        int n = angles.GetLength(1), bins = Math.Clamp((int)Math.Sqrt(n), 16, 128);
        foreach (int w in new[] { 0, (t.Length - 1) / 2, t.Length - 1 }.Distinct())
        {
            var counts = new double[bins + 1];
            for (int j = 0; j < n; j++)
            {
                double a = angles[w, j] % (2 * Math.PI);
                if (a < 0) a += 2 * Math.PI;
                counts[Math.Min(bins - 1, (int)(a / (2 * Math.PI) * bins))] += bins / (2 * Math.PI * n);
            }
            counts[bins] = counts[bins - 1];   // the step line's last edge
            var plot = new Plot();
            var histogram = plot.Add.Scatter(Enumerable.Range(0, bins + 1).Select(b => 2 * Math.PI * b / bins).ToArray(), counts);
            histogram.ConnectStyle = ConnectStyle.StepHorizontal;
            histogram.MarkerSize = 0;
            histogram.Color = Colors.C1;
            histogram.LegendText = $"{n} particles, histogram ({bins} bins)";
            var pde = plot.Add.Scatter(theta, Enumerable.Range(0, theta.Length).Select(j => density[w, j]).ToArray());
            pde.MarkerSize = 0;
            pde.LineWidth = 2;
            pde.Color = Colors.C0;
            pde.LegendText = "SPDE density ρ";
            plot.ShowLegend(Alignment.UpperRight);
            plot.Title($"{run.Attribute("name")}: particles over the SPDE density, t = {t[w]:G4} (same noise path)" + RunPlots.StatusNote(run));
            plot.XLabel("θ (rad)");
            plot.YLabel("density (1/rad)");
            yield return RunPlots.Save(plot, $"{stem}_histogram_t{t[w]:0.####}.png");
        }
    }

    /// <summary>
    /// Particles in d ≥ 4: the distribution of pairwise cosines ⟨x_i, x_j⟩ (i &lt; j, the first 1000 written particles)
    /// over time, as a heat map. Coordinates say nothing in high dimension; cosines show synchronisation (mass at 1).
    /// </summary>
    internal static string PairwiseCosines(RunFile run, string stem)
    {
        var t = run.Vector("scales/sim_time");
        var x = run.Cube("tasks/positions");   // (writes, N, d)
        int writes = x.GetLength(0), n = Math.Min(x.GetLength(1), 1000), d = x.GetLength(2), bins = 100;
        var map = new double[writes, bins];
        double pairs = n * (n - 1) / 2.0;
        for (int w = 0; w < writes; w++)
            for (int i = 0; i < n; i++)
                for (int j = i + 1; j < n; j++)
                {
                    double c = 0;
                    for (int k = 0; k < d; k++) c += x[w, i, k] * x[w, j, k];
                    int b = Math.Clamp((int)((c + 1) / 2 * bins), 0, bins - 1);
                    map[writes - 1 - w, b] += bins / (2 * pairs);   // density in c: integrates to 1 over [−1, 1]
                }
        var plot = new Plot();
        var heatmap = plot.Add.Heatmap(map);
        heatmap.Colormap = new ScottPlot.Colormaps.Viridis();
        double dt = writes > 1 ? (t[^1] - t[0]) / (writes - 1) : 1;
        heatmap.Extent = new CoordinateRect(-1, 1, t[0] - dt / 2, t[^1] + dt / 2);
        plot.Add.ColorBar(heatmap).Label = $"density of pairwise cosines ({bins} bins)";
        plot.Title($"{run.Attribute("name")}: pairwise cosines of {n} of {x.GetLength(1)} tokens on S^{d - 1}" + RunPlots.StatusNote(run));
        plot.XLabel("⟨x_i, x_j⟩, i < j");
        plot.YLabel("simulation time t");
        return RunPlots.Save(plot, stem + "_cosines.png");
    }

    /// <summary>The P3 energy 𝓔_β = ½∬(e^β − e^{β⟨x,y⟩}) of a single run (log scale when positive throughout).</summary>
    internal static string P3Energy(RunFile run, string stem, string task = "p3_energy")
    {
        var t = run.Vector("scales/sim_time");
        var e = run.Vector($"tasks/{task}");
        bool log = e.All(v => v > 0);
        var plot = new Plot();
        var line = plot.Add.Scatter(t, log ? e.Select(Math.Log10).ToArray() : e);
        line.LegendText = "P3 energy ½∬(e^β − e^{β⟨x,y⟩}) dμ dμ, one noise path";
        if (log) LogTicks(plot);
        plot.ShowLegend(Alignment.UpperRight);
        plot.Title($"{run.Attribute("name")}: P3 energy on one noise path" + RunPlots.StatusNote(run));
        plot.XLabel("simulation time t");
        plot.YLabel(log ? "P3 energy (log scale)" : "P3 energy");
        return RunPlots.Save(plot, $"{stem}_{task}.png");
    }

    private static void LogTicks(Plot plot) =>
        plot.Axes.Left.TickGenerator = new ScottPlot.TickGenerators.NumericAutomatic
        {
            IntegerTicksOnly = true,
            LabelFormatter = y => $"1e{y:0}",
        };
}
