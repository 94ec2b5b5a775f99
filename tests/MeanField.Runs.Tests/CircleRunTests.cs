using MeanField.Core;
using System.Numerics;
using MeanField.IO.Config;
using PureHDF;
using static MeanField.Runs.Tests.RunTestSupport;

namespace MeanField.Runs.Tests;

public class CircleRunTests
{
    private const string Small = """
        name: small
        geometry: circle
        model:
          attention: usa
          beta: 3.0
        initial:
          kind: perturbed_uniform
          amplitude: 1.0e-2
          modes: 6
        solver:
          resolution: 64
          t_end: 0.05
        output:
          interval: 0.01
        seed: 3
        """;

    private static string WriteConfig(string dir, string text, string name = "small.yaml")
    {
        string path = Path.Combine(dir, name);
        File.WriteAllText(path, text);
        return path;
    }

    [Test]
    public void RunWritesASelfDescribingFile()
    {
        string dir = TempDirectory();
        string config = WriteConfig(dir, Small);
        string outDir = Path.Combine(dir, "out");
        var (code, stdout, stderr) = RunCli("run", config, "--out", outDir);
        Assert.That(code, Is.EqualTo(0), stderr);
        Assert.That(stdout, Does.Contain("done"));
        string file = Path.Combine(outDir, "small.h5");
        Assert.That(File.Exists(file), stdout + stderr);
        Assert.That(Directory.GetFiles(outDir), Has.Length.EqualTo(1), "no temporary files are left behind");

        using var h5 = H5File.OpenRead(file);
        var times = h5.Dataset("scales/sim_time").Read<double[]>();
        Assert.That(times, Is.EqualTo(new[] { 0, 0.01, 0.02, 0.03, 0.04, 0.05 }));   // exact multiples of the interval
        var density = h5.Dataset("tasks/density").Read<double[,]>();
        Assert.That(density.GetLength(0), Is.EqualTo(6));
        Assert.That(density.GetLength(1), Is.EqualTo(64));
        var theta = h5.Dataset("grid/theta").Read<double[]>();
        Assert.That(theta[1], Is.EqualTo(2 * Math.PI / 64));
        var mass = h5.Dataset("tasks/mass").Read<double[]>();
        Assert.That(mass, Has.All.EqualTo(1.0).Within(1e-12));
        var energy = h5.Dataset("tasks/energy").Read<double[]>();
        for (int i = 1; i < energy.Length; i++) Assert.That(energy[i], Is.GreaterThanOrEqualTo(energy[i - 1]));
        Assert.That(h5.Attribute("beta").Read<double>(), Is.EqualTo(3.0));
        Assert.That(h5.Attribute("seed").Read<long>(), Is.EqualTo(3));
        Assert.That(h5.Attribute("geometry").Read<string>(), Is.EqualTo("circle"));
        Assert.That(h5.Attribute("format").Read<string>(), Is.EqualTo("MeanField"));

        // The stored config is the resolved config: reading it back reproduces the run's settings.
        string yaml = h5.Dataset("config").Read<string>();
        var again = ConfigLoader.LoadText(yaml, "stored", "x");
        Assert.That(again.Model, Is.EqualTo(new ModelConfig { Attention = Core.AttentionKind.USA, Beta = 3.0 }));
        Assert.That(again.Output.Directory, Is.EqualTo(outDir));
        Assert.That(again.Seed, Is.EqualTo(3UL));
    }

    [Test]
    public void SameSeedGivesTheSameRunAndAnotherSeedDoesNot()
    {
        string dir = TempDirectory();
        string config = WriteConfig(dir, Small);
        double[,] Density(string sub, params string[] extra)
        {
            var (code, _, err) = RunCli(["run", config, "--quiet", "--out", Path.Combine(dir, sub), .. extra]);
            Assert.That(code, Is.EqualTo(0), err);
            using var h5 = H5File.OpenRead(Path.Combine(dir, sub, "small.h5"));
            return h5.Dataset("tasks/density").Read<double[,]>();
        }
        var a = Density("a");
        var b = Density("b");
        var c = Density("c", "--set", "seed=4");
        Assert.That(b, Is.EqualTo(a));
        Assert.That(c, Is.Not.EqualTo(a));
    }

    [TestCase("  beta: 3.0", "  beta: 3.0\n  gamma: 1", "unknown key 'model.gamma'")]
    [TestCase("beta: 3.0", "beta: abc", "model.beta")]
    [TestCase("beta: 3.0", "beta: -3.0", "model.beta")]
    public void ConfigErrorsExitWithCodeTwoAndWriteNothing(string from, string to, string expected)
    {
        string dir = TempDirectory();
        string config = WriteConfig(dir, Small.Replace(from, to));
        string outDir = Path.Combine(dir, "out");
        var (code, _, stderr) = RunCli("run", config, "--out", outDir);
        Assert.That(code, Is.EqualTo(ExitCodes.ConfigError));
        Assert.That(stderr, Does.Contain(expected).And.Contain("small.yaml:"));
        Assert.That(Directory.Exists(outDir), Is.False);
    }

    [Test]
    public void MissingConfigFileExitsWithCodeTwo()
    {
        var (code, _, stderr) = RunCli("run", "/nonexistent/config.yaml");
        Assert.That(code, Is.EqualTo(ExitCodes.ConfigError));
        Assert.That(stderr, Does.Contain("not found"));
    }

    [Test]
    public void UnknownCommandLineOptionExitsWithCodeTwo()
    {
        var (code, _, _) = RunCli("run", "x.yaml", "--frobnicate");
        Assert.That(code, Is.EqualTo(ExitCodes.ConfigError));
    }

    [Test]
    public void UnderresolvedRunStopsLoudlyAndLeavesAValidFile()
    {
        // USA β = 5 collapses into 3 clusters: 64 points cannot follow it to t = 0.6.
        string dir = TempDirectory();
        string config = WriteConfig(dir, Small.Replace("beta: 3.0", "beta: 5.0").Replace("t_end: 0.05", "t_end: 0.6")
            .Replace("amplitude: 1.0e-2", "amplitude: 1.0e-3"));
        string outDir = Path.Combine(dir, "out");
        var (code, _, stderr) = RunCli("run", config, "--out", outDir, "--quiet");
        Assert.That(code, Is.EqualTo(ExitCodes.Underresolved), stderr);
        Assert.That(stderr, Does.Contain("under-resolved at t = ").And.Contain("increase solver.resolution to at least 128"));
        using var h5 = H5File.OpenRead(Path.Combine(outDir, "small.h5"));
        var times = h5.Dataset("scales/sim_time").Read<double[]>();
        Assert.That(times.Length, Is.GreaterThan(1).And.LessThan(61));
        var tail = h5.Dataset("tasks/spectral_tail").Read<double[]>();
        Assert.That(tail, Has.All.LessThanOrEqualTo(1e-6), "nothing beyond the resolution limit was written");

        var (warnCode, _, warnErr) = RunCli("run", config, "--out", Path.Combine(dir, "warn"), "--quiet", "--set", "solver.on_underresolved=warn");
        Assert.That(warnCode, Is.EqualTo(0), warnErr);
        Assert.That(warnErr, Does.Contain("warning: solution under-resolved"));
    }

    [Test]
    public void InterruptedRunKeepsItsWritesAndExitsWith130()
    {
        string dir = TempDirectory();
        var config = ConfigLoader.LoadText(Small, "small.yaml", "small", outDirectory: Path.Combine(dir, "out"));
        using var cancel = new CancellationTokenSource();
        int writes = 0;
        // Cancel from the progress stream once the run is under way (as Ctrl-C would, from another thread).
        var output = new CallbackWriter(() => { if (++writes == 3) cancel.Cancel(); });
        var result = SpectralRun.Execute(config with { Solver = config.Solver with { Stepper = StepperKind.Rk4, Dt = 1e-4 } },
            new RunOptions { Output = output, Error = TextWriter.Null, Cancellation = cancel.Token });
        Assert.That(result.ExitCode, Is.EqualTo(ExitCodes.Interrupted));
        using var h5 = H5File.OpenRead(Path.Combine(dir, "out", "small.h5"));
        var times = h5.Dataset("scales/sim_time").Read<double[]>();
        Assert.That(times.Length, Is.GreaterThanOrEqualTo(1).And.LessThan(6));
        Assert.That(times.Length, Is.EqualTo(result.Writes));
    }

    private sealed class CallbackWriter(Action onLine) : StringWriter
    {
        public override void WriteLine(string? value) { base.WriteLine(value); onLine(); }
    }

    [Test]
    public void UnwritableOutputDirectoryExitsWithCodeFive()
    {
        string dir = TempDirectory();
        string config = WriteConfig(dir, Small);
        string blocker = Path.Combine(dir, "not-a-directory");
        File.WriteAllText(blocker, "");
        var (code, _, stderr) = RunCli("run", config, "--out", Path.Combine(blocker, "out"), "--quiet");
        Assert.That(code, Is.EqualTo(ExitCodes.OutputError));
        Assert.That(stderr, Does.Contain("output error").And.Contain("not-a-directory"));
    }

    [Test]
    public void LongRunsAreSplitIntoSets()
    {
        string dir = TempDirectory();
        string config = WriteConfig(dir, Small + "\n" + "");
        string outDir = Path.Combine(dir, "out");
        var (code, _, stderr) = RunCli("run", config, "--out", outDir, "--quiet", "--set", "output.max_writes=4");
        Assert.That(code, Is.EqualTo(0), stderr);
        Assert.That(Directory.GetFiles(outDir).Select(Path.GetFileName).Order(), Is.EqualTo(new[] { "small_s1.h5", "small_s2.h5" }));
        using var second = H5File.OpenRead(Path.Combine(outDir, "small_s2.h5"));
        Assert.That(second.Dataset("scales/sim_time").Read<double[]>(), Is.EqualTo(new[] { 0.04, 0.05 }));
    }

    [Test]
    public void ShippedConfigsAreValid()
    {
        var files = Directory.GetFiles(Path.Combine(RepositoryRoot(), "configs"), "*.yaml");
        Assert.That(files, Is.Not.Empty);
        foreach (var file in files) Assert.DoesNotThrow(() => ConfigLoader.LoadFile(file), file);
    }

    [Test]
    public void ShippedConfigsRunToTheEndResolved()
    {
        // Each config's header promises a resolved run: a config that outgrows its grid would exit with code 3.
        string dir = TempDirectory();
        var configs = Path.Combine(RepositoryRoot(), "configs");
        foreach (var file in new[] { "circle-*.yaml", "zonal-*.yaml", "sphere-*.yaml" }.SelectMany(pattern => Directory.GetFiles(configs, pattern)))
        {
            var (code, _, stderr) = RunCli("run", file, "--out", Path.Combine(dir, Path.GetFileNameWithoutExtension(file)), "--quiet");
            Assert.That(code, Is.EqualTo(0), $"{Path.GetFileName(file)}: {stderr}");
        }
    }

    [Test]
    public void MetastableConfigFormsThreeClustersAtThePredictedCentres()
    {
        // MATH §10 rows 7 and 14: USA β = 5 → k* = 3 clusters at θ_j = (2πj + arg c_3(0))/3, c_k = ∫ e^{ikθ} ρ.
        string dir = TempDirectory();
        string config = Path.Combine(RepositoryRoot(), "configs", "circle-metastable.yaml");
        var (code, _, stderr) = RunCli("run", config, "--out", dir, "--quiet");
        Assert.That(code, Is.EqualTo(0), stderr);
        using var h5 = H5File.OpenRead(Path.Combine(dir, "circle-metastable.h5"));
        var density = h5.Dataset("tasks/density").Read<double[,]>();
        var modes = h5.Dataset("tasks/fourier_modes").Read<Complex[,]>();
        int last = density.GetLength(0) - 1, n = density.GetLength(1);
        double mean = 1 / (2 * Math.PI);
        var peaks = new List<double>();
        for (int j = 0; j < n; j++)
        {
            double f = density[last, j];
            if (f > 3 * mean && f >= density[last, (j + n - 1) % n] && f > density[last, (j + 1) % n]) peaks.Add(2 * Math.PI * j / n);
        }
        Assert.That(peaks, Has.Count.EqualTo(3), string.Join(", ", peaks));
        double phase = Complex.Conjugate(modes[0, 3]).Phase;   // arg c_3(0), c_3 = 2π conj(f̂_3)
        foreach (double p in peaks)
        {
            double nearest = Enumerable.Range(0, 3).Select(j => Distance(p, (2 * Math.PI * j + phase) / 3)).Min();
            Assert.That(nearest, Is.LessThan(0.35), $"peak at {p}");
        }
    }

    private static double Distance(double a, double b)
    {
        double d = Math.Abs(a - b) % (2 * Math.PI);
        return Math.Min(d, 2 * Math.PI - d);
    }
}
