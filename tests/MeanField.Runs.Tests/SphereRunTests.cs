using MeanField.IO.Config;
using PureHDF;
using static MeanField.Runs.Tests.RunTestSupport;

namespace MeanField.Runs.Tests;

public class SphereRunTests
{
    private const string Config = """
        name: sphere-small
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
        """;

    [Test]
    public void SphereRunWritesTheDocumentedLayoutAndPlots()
    {
        string dir = TempDirectory();
        string path = Path.Combine(dir, "sphere.yaml");
        File.WriteAllText(path, Config);
        var (code, _, stderr) = RunCli("run", path, "--out", dir, "--quiet");
        Assert.That(code, Is.EqualTo(0), stderr);
        using (var h5 = H5File.OpenRead(Path.Combine(dir, "sphere-small.h5")))
        {
            var colatitude = h5.Dataset("grid/colatitude").Read<double[]>();
            var longitude = h5.Dataset("grid/longitude").Read<double[]>();
            var w = h5.Dataset("grid/weights").Read<double[]>();
            var density = h5.Dataset("tasks/density").Read<double[,,]>();
            Assert.That(density.GetLength(0), Is.EqualTo(5));
            Assert.That((density.GetLength(1), density.GetLength(2)), Is.EqualTo((colatitude.Length, longitude.Length)));
            // Independent mass check with the documented area weights w_i 2π/nlon.
            for (int s = 0; s < 5; s++)
            {
                double mass = 0;
                for (int i = 0; i < colatitude.Length; i++)
                    for (int k = 0; k < longitude.Length; k++) mass += w[i] * 2 * Math.PI / longitude.Length * density[s, i, k];
                Assert.That(mass, Is.EqualTo(1.0).Within(1e-12), $"write {s}");
            }
            var coefficients = h5.Dataset("tasks/sh_coefficients").Read<System.Numerics.Complex[,]>();
            Assert.That(coefficients.GetLength(1), Is.EqualTo(25 * 26 / 2));
            Assert.That(coefficients[0, 0].Real, Is.EqualTo(1 / Math.Sqrt(4 * Math.PI)).Within(1e-15));   // a_0^0 = mass/√(4π)
            var energy = h5.Dataset("tasks/energy").Read<double[]>();
            for (int i = 1; i < energy.Length; i++) Assert.That(energy[i], Is.GreaterThan(energy[i - 1]));
        }
        var (plotCode, stdout, plotErr) = RunCli("plot", Path.Combine(dir, "sphere-small.h5"));
        Assert.That(plotCode, Is.EqualTo(0), plotErr);
        Assert.That(stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries), Has.Length.EqualTo(4));   // 3 maps + energy
    }

    [Test]
    public void SphereRunResumesBitIdentically()
    {
        string dir = TempDirectory();
        var config = ConfigLoader.LoadText(Config, "sphere.yaml", "sphere-small");
        var whole = config with { Output = config.Output with { Directory = Path.Combine(dir, "whole") } };
        var split = config with { Output = config.Output with { Directory = Path.Combine(dir, "split") } };
        Assert.That(SpectralRun.Execute(whole, new RunOptions { Quiet = true }).ExitCode, Is.EqualTo(0));
        Assert.That(SpectralRun.Execute(split with { Solver = split.Solver with { TEnd = 0.05 } }, new RunOptions { Quiet = true }).ExitCode, Is.EqualTo(0));
        Assert.That(SpectralRun.Execute(split, new RunOptions { Quiet = true, Resume = true }).ExitCode, Is.EqualTo(0));
        using var a = H5File.OpenRead(Path.Combine(dir, "whole", "sphere-small.h5"));
        using var b = H5File.OpenRead(Path.Combine(dir, "split", "sphere-small.h5"));
        Assert.That(b.Dataset("tasks/state").Read<double[,]>(), Is.EqualTo(a.Dataset("tasks/state").Read<double[,]>()));
        Assert.That(b.Dataset("tasks/density").Read<double[,,]>(), Is.EqualTo(a.Dataset("tasks/density").Read<double[,,]>()));
    }

    [TestCase("dimension: 3", "dimension: 4", "dimension")]
    [TestCase("direction: [0, 0, 1]", "direction: [0, 0]", "direction")]
    [TestCase("direction: [0, 0, 1]", "direction: [0, 0, 0]", "zero vector")]
    [TestCase("resolution: 24", "resolution: 2000", "solver.resolution")]
    public void SphereConfigErrorsNameTheKey(string from, string to, string expected)
    {
        var e = Assert.Throws<ConfigException>(() => ConfigLoader.LoadText(Config.Replace(from, to), "sphere.yaml", "x"));
        Assert.That(e!.Message, Does.Contain(expected).And.Contain("sphere.yaml:"));
    }

    [Test]
    public void HarmonicsCoefficientsAreChecked()
    {
        string text = Config.Replace("""
            kind: von_mises
              components:
                - {weight: 0.7, direction: [0, 0, 1], kappa: 2}
                - {weight: 0.3, direction: [1, 0, 0], kappa: 3}
            """, """
            kind: harmonics
              coefficients:
                - [2, 3, 0.01, 0]
            """);
        var e = Assert.Throws<ConfigException>(() => ConfigLoader.LoadText(text, "sphere.yaml", "x"));
        Assert.That(e!.Message, Does.Contain("initial.coefficients[0]").And.Contain("m must be between 0 and l = 2"));
    }
}
