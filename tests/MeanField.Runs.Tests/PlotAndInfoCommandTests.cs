using PureHDF;
using SkiaSharp;
using static MeanField.Runs.Tests.RunTestSupport;

namespace MeanField.Runs.Tests;

public class PlotAndInfoCommandTests
{
    private const string Small = """
        name: small
        geometry: circle
        model: {attention: usa, beta: 2.0}
        initial: {kind: perturbed_uniform, amplitude: 1.0e-2, modes: 6}
        solver: {resolution: 64, t_end: 0.3}
        output: {interval: 0.02}
        seed: 3
        """;

    private static string SmallRun(string dir)
    {
        string config = Path.Combine(dir, "small.yaml");
        File.WriteAllText(config, Small);
        var (code, _, err) = RunCli("run", config, "--out", dir, "--quiet");
        Assert.That(code, Is.EqualTo(0), err);
        return Path.Combine(dir, "small.h5");
    }

    [Test]
    public void PlotWritesNonTrivialPngsNextToTheRun()
    {
        string dir = TempDirectory();
        string run = SmallRun(dir);
        var (code, stdout, stderr) = RunCli("plot", run);
        Assert.That(code, Is.EqualTo(0), stderr);
        foreach (var suffix in new[] { "density", "energy", "modes" })
        {
            string png = Path.Combine(dir, $"small_{suffix}.png");
            Assert.That(stdout, Does.Contain(png));
            using var bitmap = SKBitmap.Decode(png);
            Assert.That(bitmap, Is.Not.Null, png);
            Assert.That((bitmap.Width, bitmap.Height), Is.EqualTo((900, 600)));
            // A blank or single-colour image would have a handful of colours; a real figure has many.
            var colours = new HashSet<uint>();
            for (int y = 0; y < bitmap.Height; y += 3)
                for (int x = 0; x < bitmap.Width; x += 3) colours.Add((uint)bitmap.GetPixel(x, y));
            Assert.That(colours.Count, Is.GreaterThan(20), png);
        }
    }

    [Test]
    public void OutputPlotsMakesTheRunWriteItsFigures()
    {
        string dir = TempDirectory();
        string config = Path.Combine(dir, "small.yaml");
        File.WriteAllText(config, Small);
        var (code, _, stderr) = RunCli("run", config, "--out", dir, "--quiet", "--set", "output.plots=true");
        Assert.That(code, Is.EqualTo(0), stderr);
        foreach (var suffix in new[] { "density", "energy", "modes" })
            Assert.That(File.Exists(Path.Combine(dir, $"small_{suffix}.png")), suffix);
    }

    [Test]
    public void PlotOfAMissingFileFailsClearly()
    {
        var (code, _, stderr) = RunCli("plot", "/nonexistent/run.h5");
        Assert.That(code, Is.EqualTo(ExitCodes.ConfigError));
        Assert.That(stderr, Does.Contain("/nonexistent/run.h5").And.Contain("no such file"));
    }

    [Test]
    public void Plot_exit_codes_are_the_documented_ones()
    {
        string dir = TempDirectory();
        string junk = Path.Combine(dir, "junk.h5");
        File.WriteAllText(junk, "not hdf5");
        var (code, _, stderr) = RunCli("plot", junk);
        Assert.That(code, Is.EqualTo(ExitCodes.ConfigError), stderr);   // bad input: 2
        Assert.That(stderr, Does.Contain("junk.h5").And.Contain("not a MeanField HDF5 run file"));
        string run = SmallRun(dir);
        // --out below a regular file cannot be created, even by root: an output error, 5.
        (code, _, stderr) = RunCli("plot", run, "--out", Path.Combine(junk, "figures"));
        Assert.That(code, Is.EqualTo(ExitCodes.OutputError), stderr);
        Assert.That(stderr, Does.Contain("--out"));
    }

    [Test]
    public void InfoShowsProvenanceLayoutTimesAndFinalDiagnostics()
    {
        string dir = TempDirectory();
        string run = SmallRun(dir);
        var (code, stdout, stderr) = RunCli("info", run, "--config");
        Assert.That(code, Is.EqualTo(0), stderr);
        Assert.That(stdout, Does.Contain("seed: 3"));
        Assert.That(stdout, Does.Contain("software_version: "));
        Assert.That(stdout, Does.Contain("/tasks/density").And.Contain("(16, 64)"));
        Assert.That(stdout, Does.Contain("times: 16 writes"));
        Assert.That(stdout, Does.Contain("t = 0 .. 0.3"));
        Assert.That(stdout, Does.Match(@"mass: 1(\.0*)?\s"));
        Assert.That(stdout, Does.Contain("beta: 2"));   // from the stored config
    }

    [Test]
    public void Info_final_diagnostics_are_those_of_the_last_write()
    {
        string dir = TempDirectory();
        string run = SmallRun(dir);
        var (code, stdout, stderr) = RunCli("info", run);
        Assert.That(code, Is.EqualTo(0), stderr);
        // Read independently of info: the last row of each scalar task, and the one before it (which must not be shown).
        using var h5 = H5File.OpenRead(run);
        var inv = System.Globalization.CultureInfo.InvariantCulture;
        foreach (string task in new[] { "min_density", "energy", "spectral_tail" })
        {
            var values = h5.Dataset($"tasks/{task}").Read<double[]>();
            Assert.That(values[^1], Is.Not.EqualTo(values[^2]), task);
            Assert.That(stdout, Does.Contain($"  {task}: {values[^1].ToString("G10", inv)}\n").Or.Contain($"  {task}: {values[^1].ToString("G10", inv)}\r\n"), task);
        }
        var t = h5.Dataset("scales/sim_time").Read<double[]>();
        Assert.That(stdout, Does.Contain($"t = 0 .. {t[^1].ToString("G6", inv)}"));
    }

    [Test]
    public void The_density_heat_map_puts_late_times_at_the_top()
    {
        // SA at β = 4 from a mode-1 perturbation: nearly uniform at t = 0, one cluster at θ = 0 by t = 8.
        string dir = TempDirectory();
        string config = Path.Combine(dir, "peak.yaml");
        File.WriteAllText(config, """
            name: peak
            geometry: circle
            model: {attention: sa, beta: 4.0}
            initial: {kind: fourier, coefficients: [[1, 0.05, 0.0]]}
            solver: {resolution: 128, t_end: 8}
            output: {interval: 0.5}
            """);
        var (code, _, err) = RunCli("run", config, "--out", dir, "--quiet");
        Assert.That(code, Is.EqualTo(0), err);
        (code, _, err) = RunCli("plot", Path.Combine(dir, "peak.h5"));
        Assert.That(code, Is.EqualTo(0), err);
        using var bitmap = SKBitmap.Decode(Path.Combine(dir, "peak_density.png"));
        // Brightness varies along θ where the density is clustered (late) and hardly where it is uniform (early).
        double Spread(double heightFraction)
        {
            int y = (int)(heightFraction * bitmap.Height);
            var row = Enumerable.Range((int)(0.12 * bitmap.Width), (int)(0.68 * bitmap.Width))
                .Select(x => bitmap.GetPixel(x, y)).Select(c => 0.299 * c.Red + 0.587 * c.Green + 0.114 * c.Blue).ToArray();
            double mean = row.Average();
            return Math.Sqrt(row.Average(v => (v - mean) * (v - mean)));
        }
        double top = Spread(0.2), bottom = Spread(0.8);
        Assert.That(top, Is.GreaterThan(3 * bottom), $"spread of brightness along theta: top {top:F1}, bottom {bottom:F1}");
    }

    [Test]
    public void InfoRejectsAFileThatIsNotARun()
    {
        string dir = TempDirectory();
        string path = Path.Combine(dir, "junk.h5");
        File.WriteAllText(path, "not hdf5");
        var (code, _, stderr) = RunCli("info", path);
        Assert.That(code, Is.Not.EqualTo(0));
        Assert.That(stderr, Does.Contain("junk.h5"));
    }
}

public class ParticlePlotTests
{
    [TestCase("geometry: circle\ndimension: 2", new[] { "angle_histogram", "trajectories", "energy" })]
    [TestCase("geometry: sphere\ndimension: 3", new[] { "particles_t0", "particles_t0.2", "energy" })]
    public void ParticleRunsGetTheirFigures(string geometry, string[] suffixes)
    {
        string dir = TempDirectory();
        string config = Path.Combine(dir, "p.yaml");
        File.WriteAllText(config, $"name: p\n{geometry}\nmodel: {{attention: usa, beta: 4.0}}\ninitial: {{kind: uniform}}\n" +
                                  "solver: {kind: particles, t_end: 0.2}\nparticles: {count: 300, dt: 0.01}\noutput: {interval: 0.02}\nseed: 1\n");
        var (code, _, stderr) = RunCli("run", config, "--out", dir, "--quiet");
        Assert.That(code, Is.EqualTo(0), stderr);
        var (plotCode, stdout, plotErr) = RunCli("plot", Path.Combine(dir, "p.h5"));
        Assert.That(plotCode, Is.EqualTo(0), plotErr);
        foreach (var suffix in suffixes)
        {
            string png = Path.Combine(dir, $"p_{suffix}.png");
            Assert.That(stdout, Does.Contain(png));
            using var bitmap = SKBitmap.Decode(png);
            var colours = new HashSet<uint>();
            for (int y = 0; y < bitmap.Height; y += 3)
                for (int x = 0; x < bitmap.Width; x += 3) colours.Add((uint)bitmap.GetPixel(x, y));
            Assert.That(colours.Count, Is.GreaterThan(20), png);
        }
    }
}
