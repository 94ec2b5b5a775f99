using MeanField.Core;
using MeanField.IO.Config;
using PureHDF;
using static MeanField.Runs.Tests.RunTestSupport;

namespace MeanField.Runs.Tests;

public class ZonalRunTests
{
    private const string Config = """
        name: zonal-small
        geometry: zonal
        dimension: 4
        model: {attention: usa, beta: 3.0}
        initial: {kind: perturbed_uniform, amplitude: 1.0e-2, modes: 4}
        solver: {resolution: 24, t_end: 0.6}
        output: {interval: 0.05}
        seed: 2
        """;

    [Test]
    public void ZonalRunWritesTheDocumentedLayout()
    {
        string dir = TempDirectory();
        string path = Path.Combine(dir, "zonal.yaml");
        File.WriteAllText(path, Config);
        var (code, _, stderr) = RunCli("run", path, "--out", dir, "--quiet");
        Assert.That(code, Is.EqualTo(0), stderr);
        using var h5 = H5File.OpenRead(Path.Combine(dir, "zonal-small.h5"));
        var t = h5.Dataset("grid/t").Read<double[]>();
        var w = h5.Dataset("grid/weights").Read<double[]>();
        Assert.That(t, Has.Length.EqualTo(3 * 24 / 2 + 1));
        Assert.That(w.Sum(), Is.EqualTo(1.0).Within(1e-14));
        var density = h5.Dataset("tasks/density").Read<double[,]>();
        var relative = h5.Dataset("tasks/relative_density").Read<double[,]>();
        double area = SphereGeometry.SurfaceArea(4);
        // Independent mass check: ∫ρ dσ = |S^{d−1}| Σ_j w_j ρ(t_j) with the normalised Gegenbauer weights.
        for (int i = 0; i < density.GetLength(0); i++)
        {
            double mass = 0;
            for (int j = 0; j < t.Length; j++)
            {
                mass += w[j] * density[i, j] * area;
                Assert.That(relative[i, j], Is.EqualTo(density[i, j] * area).Within(1e-12 * Math.Abs(relative[i, j])));
            }
            Assert.That(mass, Is.EqualTo(1.0).Within(1e-12), $"write {i}");
        }
        var energy = h5.Dataset("tasks/energy").Read<double[]>();
        for (int i = 1; i < energy.Length; i++) Assert.That(energy[i], Is.GreaterThanOrEqualTo(energy[i - 1] * (1 - 1e-13)));
        Assert.That(h5.Dataset("tasks/gegenbauer_coefficients").Read<double[,]>().GetLength(1), Is.EqualTo(25));
        Assert.That(h5.Attribute("geometry").Read<string>(), Is.EqualTo("zonal"));
        Assert.That(h5.Attribute("dimension").Read<int>(), Is.EqualTo(4));

        var (plotCode, stdout, plotErr) = RunCli("plot", Path.Combine(dir, "zonal-small.h5"));
        Assert.That(plotCode, Is.EqualTo(0), plotErr);
        foreach (var png in new[] { "zonal-small_zonal_density.png", "zonal-small_energy.png" })
        {
            using var bitmap = SkiaSharp.SKBitmap.Decode(Path.Combine(dir, png));
            Assert.That(bitmap.Width, Is.EqualTo(900));
            var colours = new HashSet<uint>();
            for (int y = 0; y < bitmap.Height; y += 3)
                for (int x = 0; x < bitmap.Width; x += 3) colours.Add((uint)bitmap.GetPixel(x, y));
            Assert.That(colours.Count, Is.GreaterThan(20), png);
        }
    }

    [Test]
    public void ZonalRunResumesBitIdentically()
    {
        string dir = TempDirectory();
        var config = ConfigLoader.LoadText(Config, "zonal.yaml", "zonal-small");
        var whole = config with { Output = config.Output with { Directory = Path.Combine(dir, "whole") } };
        var split = config with { Output = config.Output with { Directory = Path.Combine(dir, "split") } };
        Assert.That(SpectralRun.Execute(whole, new RunOptions { Quiet = true }).ExitCode, Is.EqualTo(0));
        var partial = split with { Solver = split.Solver with { TEnd = 0.3 } };
        Assert.That(SpectralRun.Execute(partial, new RunOptions { Quiet = true }).ExitCode, Is.EqualTo(0));
        Assert.That(SpectralRun.Execute(split, new RunOptions { Quiet = true, Resume = true }).ExitCode, Is.EqualTo(0));
        using var a = H5File.OpenRead(Path.Combine(dir, "whole", "zonal-small.h5"));
        using var b = H5File.OpenRead(Path.Combine(dir, "split", "zonal-small.h5"));
        foreach (var task in new[] { "density", "state", "relative_density" })
            Assert.That(b.Dataset($"tasks/{task}").Read<double[,]>(), Is.EqualTo(a.Dataset($"tasks/{task}").Read<double[,]>()), task);
        Assert.That(b.Dataset("scales/sim_time").Read<double[]>(), Is.EqualTo(a.Dataset("scales/sim_time").Read<double[]>()));
    }

    [TestCase("dimension: 4", "dimension: 1", "dimension")]
    [TestCase("modes: 4", "modes: 30", "initial.modes")]
    [TestCase("resolution: 24", "resolution: 1", "solver.resolution")]
    public void ZonalConfigErrorsNameTheKey(string from, string to, string key)
    {
        var e = Assert.Throws<ConfigException>(() => ConfigLoader.LoadText(Config.Replace(from, to), "zonal.yaml", "x"));
        Assert.That(e!.Message, Does.Contain(key).And.Contain("zonal.yaml:"));
    }

    [Test]
    public void ZonalVonMisesMeanMustBeThePole()
    {
        string text = Config.Replace("initial: {kind: perturbed_uniform, amplitude: 1.0e-2, modes: 4}",
            "initial: {kind: von_mises, components: [{weight: 1, mean: 0.5, kappa: 2}]}");
        var e = Assert.Throws<ConfigException>(() => ConfigLoader.LoadText(text, "zonal.yaml", "x"));
        Assert.That(e!.Message, Does.Contain("initial.components[0].mean").And.Contain("axisymmetric"));
    }

    [Test]
    public void FourierKindIsRejectedForZonalAndGegenbauerForCircle()
    {
        Assert.That(Assert.Throws<ConfigException>(() => ConfigLoader.LoadText(Config.Replace("kind: perturbed_uniform", "kind: fourier"), "z.yaml", "x"))!.Message,
            Does.Contain("initial.kind"));
        Assert.That(Assert.Throws<ConfigException>(() => ConfigLoader.LoadText("geometry: circle\ninitial: {kind: gegenbauer}", "c.yaml", "x"))!.Message,
            Does.Contain("initial.kind"));
    }
}
