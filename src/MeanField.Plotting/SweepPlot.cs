using System.Globalization;
using PureHDF;
using ScottPlot;

namespace MeanField.Plotting;

/// <summary>
/// Figures of a gathered sweep (`meanfield sweep`'s sweep.h5, root attribute format = "MeanFieldSweep"): each summary task
/// at the final write against the swept keys. One swept key: a line per seed and the mean over seeds ± its standard error
/// (dashed, drawn where two or more seeds completed). Two swept keys: a heat map of the mean over seeds. Only completed
/// points are drawn. Other sweeps (no numeric swept key, or more than two) are refused as bad input.
/// </summary>
public static class SweepPlot
{
    public const string Format = "MeanFieldSweep";

    private static readonly string[] FixedColumns = ["point", "seed", "status", "exit_code", "wall_time_s"];

    public static bool IsSweepFile(string path)
    {
        try
        {
            using var file = H5File.OpenRead(path);
            return file.AttributeExists("format") && file.Attribute("format").Read<string>() == Format;
        }
        catch (Exception e) when (e is not OutOfMemoryException) { return false; }
    }

    /// <summary>Writes SWEEP_TASK.png per summary task; returns the paths. Throws InvalidDataException for a sweep it cannot draw.</summary>
    public static IReadOnlyList<string> Write(string path, string? outputDirectory = null)
    {
        using var file = H5File.OpenRead(path);
        string name = file.Attribute("name").Read<string>();
        var table = file.Group("table");
        var keys = table.Children().OfType<IH5Dataset>().Select(d => d.Name).Where(n => !FixedColumns.Contains(n)).ToList();
        if (keys.Count is 0 or > 2)
            throw new InvalidDataException($"{path}: plot draws sweeps over one or two swept keys; this one has {keys.Count} ({string.Join(", ", keys)})");
        var values = new List<double[]>();
        foreach (string key in keys)
        {
            try { values.Add(table.Dataset(key).Read<double[]>()); }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                throw new InvalidDataException($"{path}: swept key {key} is not numeric; plot draws numeric keys", e);
            }
        }
        var seeds = table.Dataset("seed").Read<ulong[]>();
        var status = table.Dataset("status").Read<string[]>();
        var summary = file.Group("summary");
        var tasks = summary.Children().OfType<IH5Dataset>().Select(d => d.Name).ToList();
        if (tasks.Count == 0) throw new InvalidDataException($"{path}: the sweep has no summary tasks to draw");
        string directory = outputDirectory ?? Path.GetDirectoryName(Path.GetFullPath(path))!;
        Directory.CreateDirectory(directory);
        var written = new List<string>();
        foreach (string task in tasks)
        {
            var y = summary.Dataset(task).Read<double[]>();
            var rows = Enumerable.Range(0, y.Length).Where(i => status[i] == "completed" && double.IsFinite(y[i])).ToArray();
            if (rows.Length == 0) throw new InvalidDataException($"{path}: no completed point has a value of {task} (see the status column of sweep.csv)");
            var plot = keys.Count == 1 ? Lines(name, task, keys[0], values[0], seeds, y, rows) : HeatMap(name, task, keys, values, y, rows);
            written.Add(RunPlots.Save(plot, Path.Combine(directory, $"{name}_{task}.png")));
        }
        return written;
    }

    private static Plot Lines(string name, string task, string key, double[] x, ulong[] seeds, double[] y, int[] rows)
    {
        var plot = new Plot();
        var palette = new ScottPlot.Palettes.Category10();
        var bySeed = rows.GroupBy(i => seeds[i]).OrderBy(g => g.Key).ToList();
        int colour = 0;
        foreach (var g in bySeed)
        {
            var points = g.OrderBy(i => x[i]).ToArray();
            var line = plot.Add.Scatter(points.Select(i => x[i]).ToArray(), points.Select(i => y[i]).ToArray());
            line.Color = palette.GetColor(colour++ % 10).WithAlpha(0.6);
            line.LineWidth = 1;
            line.MarkerSize = 4;
            line.LegendText = bySeed.Count <= 8 ? $"seed {g.Key}" : "";
        }
        var byX = rows.GroupBy(i => x[i]).OrderBy(g => g.Key).Where(g => g.Count() >= 2).ToArray();
        if (byX.Length > 0)
        {
            var xs = byX.Select(g => g.Key).ToArray();
            var mean = byX.Select(g => g.Average(i => y[i])).ToArray();
            var se = byX.Select((g, k) => Math.Sqrt(g.Sum(i => (y[i] - mean[k]) * (y[i] - mean[k])) / (g.Count() - 1) / g.Count())).ToArray();
            var m = plot.Add.Scatter(xs, mean);
            m.Color = Colors.Black;
            m.LineWidth = 2.5f;
            m.MarkerSize = 6;
            m.LegendText = "mean over seeds";
            foreach (int sign in new[] { -1, 1 })
            {
                var band = plot.Add.Scatter(xs, mean.Select((v, k) => v + sign * se[k]).ToArray());
                band.Color = Colors.Black;
                band.LineWidth = 1;
                band.MarkerSize = 0;
                band.LinePattern = LinePattern.Dashed;
                band.LegendText = sign > 0 ? "mean ± standard error" : "";
            }
        }
        plot.Title($"{name}: {task} (final write)");
        plot.XLabel(key);
        plot.YLabel(task);
        plot.ShowLegend(Alignment.UpperRight);
        return plot;
    }

    private static Plot HeatMap(string name, string task, IReadOnlyList<string> keys, IReadOnlyList<double[]> values, double[] y, int[] rows)
    {
        var xs = rows.Select(i => values[0][i]).Distinct().Order().ToArray();
        var ys = rows.Select(i => values[1][i]).Distinct().Order().ToArray();
        // Row 0 of a heat map is drawn at the top: the largest value of the second key goes first.
        var map = new double[ys.Length, xs.Length];
        for (int r = 0; r < ys.Length; r++)
        for (int c = 0; c < xs.Length; c++)
        {
            var cell = rows.Where(i => values[0][i] == xs[c] && values[1][i] == ys[ys.Length - 1 - r]).Select(i => y[i]).ToArray();
            map[r, c] = cell.Length > 0 ? cell.Average() : double.NaN;
        }
        var plot = new Plot();
        var heatmap = plot.Add.Heatmap(map);
        heatmap.Colormap = new ScottPlot.Colormaps.Viridis();
        // Cells centred at integer positions, labelled with the swept values (which need not be evenly spaced). ScottPlot
        // spreads the cell centres over the extent (measured: a 2×3 map over [−0.5, 1.5]×[−0.5, 2.5] drew cells 2 wide).
        heatmap.Extent = new CoordinateRect(0, Math.Max(xs.Length - 1, 1e-9), 0, Math.Max(ys.Length - 1, 1e-9));
        plot.Add.ColorBar(heatmap).Label = $"{task}, mean over seeds";
        plot.Axes.Bottom.SetTicks(Enumerable.Range(0, xs.Length).Select(i => (double)i).ToArray(), xs.Select(Text).ToArray());
        plot.Axes.Left.SetTicks(Enumerable.Range(0, ys.Length).Select(i => (double)i).ToArray(), ys.Select(Text).ToArray());
        plot.Title($"{name}: {task} (final write)");
        plot.XLabel(keys[0]);
        plot.YLabel(keys[1]);
        return plot;
    }

    private static string Text(double v) => v.ToString("G6", CultureInfo.InvariantCulture);
}
