using MeanField.IO.Output;
using MeanField.Plotting;
using PureHDF;
using ScottPlot;
using SkiaSharp;
using static MeanField.Runs.Tests.RunTestSupport;

namespace MeanField.Runs.Tests;

/// <summary>
/// Figures that cannot mislead: a run that did not complete says so on the terminal and in every title; a sphere map
/// labelled t shows the density written at t, decoded pixel by pixel through the viridis colour map and compared with
/// the density read independently (PureHDF) at every write of the file.
/// </summary>
public class PlotHonestyTests
{
    private const string Circle = """
        name: partial
        geometry: circle
        model: {attention: usa, beta: 2.0}
        initial: {kind: perturbed_uniform, amplitude: 1.0e-2, modes: 6}
        solver: {resolution: 64, t_end: 0.3}
        output: {interval: 0.02}
        seed: 3
        """;

    [Test]
    public void PlotOfARunThatDidNotComplete_SaysSoOnTheTerminalAndInTheTitles()
    {
        string dir = TempDirectory();
        var config = MeanField.IO.Config.ConfigLoader.LoadText(Circle, "partial.yaml", "partial", [$"output.directory={dir}"]);
        using var cancel = new CancellationTokenSource();
        int lines = 0;
        var output = new CallbackWriter(() => { if (++lines == 3) cancel.Cancel(); });
        var result = RunLauncher.Execute(config, new RunOptions { Output = output, Error = TextWriter.Null, Cancellation = cancel.Token });
        Assert.That(result.ExitCode, Is.EqualTo(ExitCodes.Interrupted));
        string file = Path.Combine(dir, "partial.h5");

        var (code, _, err) = RunCli("plot", file);
        Assert.That(code, Is.EqualTo(0), err);
        Assert.That(err, Does.Contain("warning: ").And.Contain("the run did not complete (run_status: interrupted (exit 130 at t = "));
        using (var run = RunFile.Open(file))
            Assert.That(RunPlots.StatusNote(run), Does.Match(@"^ \[NOT COMPLETED: interrupted \(exit 130 at t = [0-9.]+\)\]$"));

        // A completed run: no warning, no note.
        var whole = config with { Output = config.Output with { Directory = Path.Combine(dir, "whole") } };
        Assert.That(RunLauncher.Execute(whole, new RunOptions { Output = TextWriter.Null, Error = TextWriter.Null }).ExitCode, Is.EqualTo(0));
        (code, _, err) = RunCli("plot", Path.Combine(dir, "whole", "partial.h5"));
        Assert.That(code, Is.EqualTo(0), err);
        Assert.That(err, Does.Not.Contain("did not complete"));
        using (var run = RunFile.Open(Path.Combine(dir, "whole", "partial.h5")))
            Assert.That(RunPlots.StatusNote(run), Is.Empty);
    }

    private sealed class CallbackWriter(Action onLine) : StringWriter
    {
        public override void WriteLine(string? value) { base.WriteLine(value); onLine(); }
    }

    [Test]
    public void SphereMapAtTimeT_ShowsTheDensityWrittenAtT()
    {
        // Two von Mises bumps on S² merging under USA: the density changes visibly from write to write.
        string dir = TempDirectory();
        string config = Path.Combine(dir, "maps.yaml");
        File.WriteAllText(config, """
            name: maps
            geometry: sphere
            dimension: 3
            model: {attention: usa, beta: 2.0}
            initial:
              kind: von_mises
              components:
                - {weight: 0.7, direction: [0, 0, 1], kappa: 2}
                - {weight: 0.3, direction: [1, 0, 0], kappa: 3}
            solver: {resolution: 24, t_end: 0.1, tolerance: 1.0e-10}
            output: {interval: 0.025}
            """);
        var (code, _, err) = RunCli("run", config, "--out", dir, "--quiet");
        Assert.That(code, Is.EqualTo(0), err);
        (code, _, err) = RunCli("plot", Path.Combine(dir, "maps.h5"));
        Assert.That(code, Is.EqualTo(0), err);

        double[] times;
        double[,,] density;
        using (var h5 = H5File.OpenRead(Path.Combine(dir, "maps.h5")))
        {
            times = h5.Dataset("scales/sim_time").Read<double[]>();
            density = h5.Dataset("tasks/density").Read<double[,,]>();
        }
        int writes = times.Length, nlat = density.GetLength(1), nlon = density.GetLength(2);
        var maps = Directory.GetFiles(dir, "maps_density_t*.png");
        Assert.That(maps, Has.Length.EqualTo(3), "maps at the first, middle and last write");
        // The maps share one colour scale: the range over the three mapped writes.
        int[] mapped = [0, (writes - 1) / 2, writes - 1];
        double lo = mapped.Min(w => Enumerable.Range(0, nlat * nlon).Min(j => density[w, j / nlon, j % nlon]));
        double hi = mapped.Max(w => Enumerable.Range(0, nlat * nlon).Max(j => density[w, j / nlon, j % nlon]));
        var viridis = new ScottPlot.Colormaps.Viridis();
        var palette = Enumerable.Range(0, 256).Select(i => viridis.GetColor(i / 255.0)).ToArray();

        foreach (var png in maps)
        {
            string label = Path.GetFileNameWithoutExtension(png)["maps_density_t".Length..];
            int labelled = Array.FindIndex(times, t => t.ToString("0.####", System.Globalization.CultureInfo.InvariantCulture) == label);
            Assert.That(labelled, Is.GreaterThanOrEqualTo(0), $"{png}: its time {label} is a write time");
            using var bitmap = SKBitmap.Decode(png);
            var (x0, x1, y0, y1) = HeatmapBox(bitmap, palette);
            // Decode the centre pixel of every grid cell back to a density through the colour map.
            var decoded = new double[nlat, nlon];
            for (int i = 0; i < nlat; i++)
                for (int k = 0; k < nlon; k++)
                {
                    int x = x0 + (int)((k + 0.5) * (x1 - x0 + 1) / nlon), y = y0 + (int)((i + 0.5) * (y1 - y0 + 1) / nlat);
                    decoded[i, k] = lo + (hi - lo) * Nearest(palette, bitmap.GetPixel(x, y)) / 255.0;
                }
            double Error(int w)
            {
                double worst = 0;
                for (int i = 0; i < nlat; i++)
                    for (int k = 0; k < nlon; k++) worst = Math.Max(worst, Math.Abs(decoded[i, k] - density[w, i, k]));
                return worst / (hi - lo);
            }
            var errors = Enumerable.Range(0, writes).Select(Error).ToArray();
            TestContext.Out.WriteLine($"{Path.GetFileName(png)}: relative colour error against each write {string.Join(", ", errors.Select(e => e.ToString("F3")))}");
            Assert.That(errors[labelled], Is.LessThan(0.02), $"{png} shows the density at t = {times[labelled]} to colour resolution");
            Assert.That(Array.IndexOf(errors, errors.Min()), Is.EqualTo(labelled), $"{png}: no other write matches better");
        }
    }

    /// <summary>The pixel box of the heat map: the widest run of colour-map pixels along the middle row, and its column's run.</summary>
    private static (int X0, int X1, int Y0, int Y1) HeatmapBox(SKBitmap bitmap, ScottPlot.Color[] palette)
    {
        bool InMap(int x, int y) => Distance(palette[Nearest(palette, bitmap.GetPixel(x, y))], bitmap.GetPixel(x, y)) < 30;
        (int, int) LongestRun(int length, Func<int, bool> inside)
        {
            int bestStart = 0, bestLength = 0, start = -1;
            for (int i = 0; i <= length; i++)
            {
                bool inRun = i < length && inside(i);
                if (inRun && start < 0) start = i;
                if (!inRun && start >= 0) { if (i - start > bestLength) (bestStart, bestLength) = (start, i - start); start = -1; }
            }
            return (bestStart, bestStart + bestLength - 1);
        }
        int midY = bitmap.Height / 2;
        var (x0, x1) = LongestRun(bitmap.Width, x => InMap(x, midY));
        var (y0, y1) = LongestRun(bitmap.Height, y => InMap((x0 + x1) / 2, y));
        Assert.That(x1 - x0, Is.GreaterThan(bitmap.Width / 3), "found the heat map");
        return (x0, x1, y0, y1);
    }

    private static int Nearest(ScottPlot.Color[] palette, SKColor c)
    {
        int best = 0;
        double bestDistance = double.MaxValue;
        for (int i = 0; i < palette.Length; i++)
        {
            double d = Distance(palette[i], c);
            if (d < bestDistance) (best, bestDistance) = (i, d);
        }
        return best;
    }

    private static double Distance(ScottPlot.Color p, SKColor c) =>
        Math.Sqrt(Math.Pow(p.R - c.Red, 2) + Math.Pow(p.G - c.Green, 2) + Math.Pow(p.B - c.Blue, 2));
}
