using System.Numerics;
using MeanField.Core;
using MeanField.IO.Output;
using ScottPlot;

namespace MeanField.Plotting;

/// <summary>
/// Figures of a run file, written as PNG next to it (or into a given directory):
/// circle PDE runs get the density heat map θ × t, the energy, and the largest Fourier modes on a log scale with the
/// predicted linear growth |ρ̂_k(0)| e^{λ_k t} (MATH §4.1, §4.3) overlaid. Colour map: viridis (perceptually uniform).
/// </summary>
public static class RunPlots
{
    public const int Width = 900, Height = 600;

    public static IReadOnlyList<string> Write(string runPath, string? outputDirectory = null)
    {
        using var run = RunFile.Open(runPath);
        string directory = outputDirectory ?? Path.GetDirectoryName(Path.GetFullPath(runPath))!;
        Directory.CreateDirectory(directory);
        string stem = Path.Combine(directory, Path.GetFileNameWithoutExtension(runPath));
        string geometry = run.Attribute("geometry");
        if (run.Attributes.ContainsKey("ensemble_paths"))
            return [.. StochasticPlots.Ensemble(run, stem)];
        var p3 = run.Has("tasks/p3_energy") ? [StochasticPlots.P3Energy(run, stem)] : Array.Empty<string>();
        if (run.Attribute("solver") == "particles")
            return [.. ParticlePlots(run, stem), Energy(run, stem), .. p3];
        var pde = Geometries.TryGetValue(geometry, out var g) && run.Has(g.DensityTask) ? g : null;
        if (run.Attribute("solver_kind") == "both")
        {
            var figures = new List<string> { StochasticPlots.Distances(run, stem) };
            if (run.Has("tasks/density") && run.Has("tasks/particle_angles"))
                figures.AddRange(StochasticPlots.HistogramsOverDensity(run, stem));
            if (pde is not null) figures.AddRange([.. pde.Density(run, stem), .. pde.Spectrum(run, stem)]);
            figures.AddRange([Energy(run, stem), .. p3]);
            return figures;
        }
        if (pde is not null)
            return [.. pde.Density(run, stem), Energy(run, stem), .. pde.Spectrum(run, stem), .. p3];
        throw new OutputException(runPath, $"{runPath}: plots for geometry '{geometry}' with these tasks are not available yet");
    }

    /// <summary>A geometry's figures of a PDE run: its density (drawn when the file has <paramref name="DensityTask"/>) and its spectrum.</summary>
    private sealed record GeometryFigures(string DensityTask, Func<RunFile, string, IEnumerable<string>> Density, Func<RunFile, string, IEnumerable<string>> Spectrum);

    /// <summary>The figures of each geometry, by the file's geometry attribute: a new geometry adds one entry.</summary>
    private static readonly IReadOnlyDictionary<string, GeometryFigures> Geometries = new Dictionary<string, GeometryFigures>
    {
        ["circle"] = new("tasks/density", (run, stem) => [DensityMap(run, stem)], (run, stem) => [Modes(run, stem)]),
        ["sphere"] = new("tasks/sh_coefficients", SphereMaps, (_, _) => []),
        ["zonal"] = new("tasks/relative_density", (run, stem) => [ZonalProfiles(run, stem)], (_, _) => []),
    };

    private static string DensityMap(RunFile run, string stem)
    {
        var t = run.Vector("scales/sim_time");
        var rho = run.Matrix("tasks/density");   // (writes, n)
        var plot = new Plot();
        if (t.Length > 1)
        {
            var heatmap = plot.Add.Heatmap(FlipRows(rho));   // row 0 is drawn at the top; put t = 0 at the bottom
            heatmap.Colormap = new ScottPlot.Colormaps.Viridis();
            double dt = (t[^1] - t[0]) / (t.Length - 1);
            heatmap.Extent = new CoordinateRect(0, 2 * Math.PI, t[0] - dt / 2, t[^1] + dt / 2);
            var bar = plot.Add.ColorBar(heatmap);
            bar.Label = "density ρ (1/rad)";
        }
        else
        {
            var theta = run.Vector("grid/theta");
            plot.Add.Scatter(theta, Row(rho, 0));
        }
        plot.Title($"{run.Attribute("name")}: {Model(run)}" + StatusNote(run));
        plot.XLabel("θ (rad)");
        plot.YLabel(t.Length > 1 ? "simulation time t" : "density ρ (1/rad)");
        return Save(plot, stem + "_density.png");
    }

    /// <summary>The zonal density relative to uniform, ρ(t)|S^{d−1}| against t = ⟨x, e⟩, at up to six times.</summary>
    private static string ZonalProfiles(RunFile run, string stem)
    {
        var times = run.Vector("scales/sim_time");
        var allNodes = run.Vector("grid/t");
        var weights = run.Vector("grid/weights");
        var relative = run.Matrix("tasks/relative_density");
        // At large d the weight (1−t²)^{(d−3)/2} makes nodes near ±1 carry no mass; their values are extrapolation
        // of the polynomial and are not shown (the same 1e-16 relative cut as the solver's min-density diagnostic).
        double cut = 1e-16 * weights.Max();
        var significant = Enumerable.Range(0, allNodes.Length).Where(j => weights[j] >= cut).ToArray();
        var nodes = significant.Select(j => allNodes[j]).ToArray();
        var plot = new Plot();
        var colormap = new ScottPlot.Colormaps.Viridis();
        int count = Math.Min(6, times.Length);
        for (int i = 0; i < count; i++)
        {
            int w = count == 1 ? 0 : (int)Math.Round((double)i * (times.Length - 1) / (count - 1));
            var line = plot.Add.Scatter(nodes, significant.Select(j => relative[w, j]).ToArray());
            line.Color = colormap.GetColor(count == 1 ? 0 : 0.9 * i / (count - 1));
            line.MarkerSize = 0;
            line.LegendText = $"t = {times[w]:G4}";
        }
        plot.ShowLegend(Alignment.UpperLeft);
        plot.Title($"{run.Attribute("name")}: zonal density on S^{{{long.Parse(run.Attribute("dimension")) - 1}}}, {Model(run)}" + StatusNote(run));
        plot.XLabel($"t = ⟨x, e⟩ (nodes carrying mass: |t| ≤ {nodes.Max(Math.Abs):G3})");
        plot.YLabel("density relative to uniform, ρ |S^(d−1)|");
        return Save(plot, stem + "_zonal_density.png");
    }

    /// <summary>Equirectangular maps of the density on S² (longitude × latitude) at the first, middle and last write.</summary>
    private static IEnumerable<string> SphereMaps(RunFile run, string stem)
    {
        var times = run.Vector("scales/sim_time");
        var colatitude = run.Vector("grid/colatitude");
        var longitude = run.Vector("grid/longitude");
        int nlat = colatitude.Length, nlon = longitude.Length;
        var density = run.Cube("tasks/density");   // (writes, nlat, nlon)
        var writes = new[] { 0, (times.Length - 1) / 2, times.Length - 1 }.Distinct().ToArray();
        // One colour scale for all snapshots, so they compare.
        double max = writes.Max(w => Enumerable.Range(0, nlat * nlon).Max(j => density[w, j / nlon, j % nlon]));
        double min = writes.Min(w => Enumerable.Range(0, nlat * nlon).Min(j => density[w, j / nlon, j % nlon]));
        foreach (int w in writes)
        {
            // Row 0 of a heat map is drawn at the top: colatitude increases from the north pole, as stored.
            var map = new double[nlat, nlon];
            for (int i = 0; i < nlat; i++)
                for (int k = 0; k < nlon; k++) map[i, k] = density[w, i, k];
            var plot = new Plot();
            var heatmap = plot.Add.Heatmap(map);
            heatmap.Colormap = new ScottPlot.Colormaps.Viridis();
            heatmap.ManualRange = new ScottPlot.Range(min, max);
            heatmap.Extent = new CoordinateRect(0, 360, -90, 90);
            plot.Add.ColorBar(heatmap).Label = "density ρ (1/sr)";
            plot.Title($"{run.Attribute("name")}: {Model(run)}, t = {times[w]:G4}" + StatusNote(run));
            plot.XLabel("longitude φ (degrees)");
            plot.YLabel("latitude 90° − θ (degrees)");
            yield return Save(plot, $"{stem}_density_t{times[w]:0.####}.png");
        }
    }

    /// <summary>
    /// Particle runs: on the circle, the histogram of angles over time (θ × t, like the PDE's density map) and the
    /// trajectories of up to 200 particles; on S² a longitude–latitude scatter at the first and last write; in d ≥ 4
    /// the distribution of pairwise cosines over time (coordinates of S^{d−1} say nothing). These need the written
    /// angles or positions (output.positions: true).
    /// </summary>
    private static IEnumerable<string> ParticlePlots(RunFile run, string stem)
    {
        var times = run.Vector("scales/sim_time");
        if (run.Has("tasks/angles"))
        {
            var angles = run.Matrix("tasks/angles");   // (writes, N)
            int writes = angles.GetLength(0), n = angles.GetLength(1), bins = 128;
            var histogram = new double[writes, bins];
            for (int w = 0; w < writes; w++)
                for (int j = 0; j < n; j++)
                    histogram[writes - 1 - w, Math.Min(bins - 1, (int)(angles[w, j] / (2 * Math.PI) * bins))] += bins / (2 * Math.PI * n);
            var map = new Plot();
            var heatmap = map.Add.Heatmap(histogram);
            heatmap.Colormap = new ScottPlot.Colormaps.Viridis();
            double dt = times.Length > 1 ? (times[^1] - times[0]) / (times.Length - 1) : 1;
            heatmap.Extent = new CoordinateRect(0, 2 * Math.PI, times[0] - dt / 2, times[^1] + dt / 2);
            map.Add.ColorBar(heatmap).Label = "empirical density (1/rad), 128 bins";
            map.Title($"{run.Attribute("name")}: {run.Attribute("particle_count")} particles, {Model(run)}" + StatusNote(run));
            map.XLabel("θ (rad)");
            map.YLabel("simulation time t");
            yield return Save(map, stem + "_angle_histogram.png");

            var trajectories = new Plot();
            int shown = Math.Min(n, 200), step = Math.Max(1, n / shown);
            for (int j = 0; j < n; j += step)
            {
                var dots = trajectories.Add.ScatterPoints(Enumerable.Range(0, writes).Select(w => angles[w, j]).ToArray(), times);
                dots.MarkerSize = 2;
                dots.Color = new ScottPlot.Colormaps.Viridis().GetColor((double)j / n);
            }
            trajectories.Title($"{run.Attribute("name")}: trajectories of {Math.Min(shown, (n + step - 1) / step)} particles" + StatusNote(run));
            trajectories.XLabel("θ (rad)");
            trajectories.YLabel("simulation time t");
            yield return Save(trajectories, stem + "_trajectories.png");
        }
        else if (run.Has("tasks/positions") && long.Parse(run.Attribute("dimension")) >= 4)
        {
            yield return StochasticPlots.PairwiseCosines(run, stem);
        }
        else if (run.Has("tasks/positions"))
        {
            var positions = run.Cube("tasks/positions");   // (writes, N, d)
            int writes = positions.GetLength(0), n = positions.GetLength(1), d = positions.GetLength(2);
            foreach (int w in new[] { 0, writes - 1 }.Distinct())
            {
                var plot = new Plot();
                double[] xs = new double[n], ys = new double[n];
                for (int j = 0; j < n; j++)
                {
                    xs[j] = (Math.Atan2(positions[w, j, 1], positions[w, j, 0]) * 180 / Math.PI + 360) % 360;
                    ys[j] = Math.Asin(Math.Clamp(positions[w, j, 2], -1, 1)) * 180 / Math.PI;
                }
                var dots = plot.Add.ScatterPoints(xs, ys);
                dots.MarkerSize = 3;
                plot.Title($"{run.Attribute("name")}: {n} particles, t = {times[w]:G4}" + StatusNote(run));
                plot.XLabel("longitude (degrees)");
                plot.YLabel("latitude (degrees)");
                plot.Axes.SetLimits(0, 360, -90, 90);
                yield return Save(plot, $"{stem}_particles_t{times[w]:0.####}.png");
            }
        }
    }

    private static string Energy(RunFile run, string stem)
    {
        var t = run.Vector("scales/sim_time");
        var plot = new Plot();
        var line = plot.Add.Scatter(t, run.Vector("tasks/energy"));
        line.LegendText = "E_β = (1/2β) ∬ e^{β⟨x,y⟩} dμ dμ";
        plot.ShowLegend(Alignment.LowerRight);
        // Claim monotonicity only where it holds (MATH §3.2): not with noise, repulsion or general Q, K, V.
        bool monotone = StochasticPlots.EnergyIsMonotone(run);
        plot.Title($"{run.Attribute("name")}: energy E_β{(monotone ? " (non-decreasing: gradient flow, MATH §3.2)" : "")}" + StatusNote(run));
        plot.XLabel("simulation time t");
        plot.YLabel("energy E_β");
        return Save(plot, stem + "_energy.png");
    }

    private static string Modes(RunFile run, string stem)
    {
        var t = run.Vector("scales/sim_time");
        var modes = run.ComplexMatrix("tasks/fourier_modes");   // (writes, 33)
        int count = modes.GetLength(1), last = t.Length - 1;
        var attention = run.Attribute("attention") == "sa" ? AttentionKind.SA : AttentionKind.USA;
        double beta = (double)run.Attributes["beta"], diffusion = (double)run.Attributes["diffusion"];
        // The six largest modes at the end (k ≥ 1), shown as log10 |ρ̂_k|.
        var shown = Enumerable.Range(1, count - 1).Where(k => modes[last, k].Magnitude > 0)
            .OrderByDescending(k => modes[last, k].Magnitude).Take(6).Order().ToArray();
        var plot = new Plot();
        var palette = new ScottPlot.Palettes.Category10();
        double floor = double.PositiveInfinity, top = double.NegativeInfinity;
        for (int i = 0; i < shown.Length; i++)
        {
            int k = shown[i];
            var color = palette.GetColor(i);
            var amplitude = Enumerable.Range(0, t.Length).Select(w => Math.Log10(Math.Max(modes[w, k].Magnitude, 1e-300))).ToArray();
            var line = plot.Add.Scatter(t, amplitude);
            line.Color = color;
            line.LegendText = $"k = {k}";
            double rate = LinearStability.GrowthRate(attention, k, beta, 2, diffusion);
            double start = modes[0, k].Magnitude;
            if (start > 0 && double.IsFinite(rate))
            {
                var predicted = t.Select(x => Math.Log10(start) + rate * x / Math.Log(10)).ToArray();
                var guide = plot.Add.Scatter(t, predicted);
                guide.Color = color;
                guide.LinePattern = LinePattern.Dashed;
                guide.MarkerSize = 0;
                floor = Math.Min(floor, amplitude.Min());
                top = Math.Max(top, amplitude.Max());
            }
        }
        if (double.IsFinite(floor)) plot.Axes.SetLimitsY(floor - 0.5, top + 0.5);
        plot.Axes.Left.TickGenerator = new ScottPlot.TickGenerators.NumericAutomatic
        {
            IntegerTicksOnly = true,
            LabelFormatter = y => $"1e{y:0}",
        };
        plot.ShowLegend(Alignment.LowerRight);
        plot.Title($"Fourier modes |ρ̂_k| (solid) and linear theory |ρ̂_k(0)| e^(λ_k t) (dashed)" + StatusNote(run));
        plot.XLabel("simulation time t");
        plot.YLabel("|ρ̂_k| (log scale)");
        return Save(plot, stem + "_modes.png");
    }

    /// <summary>
    /// "" for a completed run (or a file older than run_status); otherwise a title suffix saying the run did not complete
    /// and how it ended, e.g. " [interrupted (exit 130 at t = 0.24)]", so a figure of a partial run cannot pass for a whole one.
    /// </summary>
    public static string StatusNote(RunFile run)
    {
        if (!run.Attributes.TryGetValue("run_status", out var value) || value is not string status || status == "completed") return "";
        string kind = status.Split(':', 2)[0].Split(' ', 2)[0];
        int paren = status.LastIndexOf(" (exit ", StringComparison.Ordinal);
        string how = kind == "running" ? "running or killed: incomplete" : paren >= 0 ? kind + status[paren..] : kind;
        return $" [NOT COMPLETED: {how}]";
    }

    private static string Model(RunFile run) =>
        $"{run.Attribute("attention").ToUpperInvariant()}, β = {run.Attribute("beta")}, D = {run.Attribute("diffusion")}";

    private static double[,] FlipRows(double[,] data)
    {
        int rows = data.GetLength(0), cols = data.GetLength(1);
        var flipped = new double[rows, cols];
        for (int r = 0; r < rows; r++)
            for (int c = 0; c < cols; c++) flipped[rows - 1 - r, c] = data[r, c];
        return flipped;
    }

    private static double[] Row(double[,] data, int row) =>
        Enumerable.Range(0, data.GetLength(1)).Select(c => data[row, c]).ToArray();

    internal static string Save(Plot plot, string path)
    {
        try
        {
            plot.SavePng(path, Width, Height);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new OutputException(path, $"{path}: cannot write the figure: {e.Message}", e);
        }
        return path;
    }
}
