using MeanField.IO.Config;
using PureHDF;
using static MeanField.Runs.Tests.RunTestSupport;

namespace MeanField.Runs.Tests;

public class ResumeTests
{
    private const string Config = """
        name: resumable
        geometry: circle
        model: {attention: usa, beta: 3.0, diffusion: 0.02}
        initial: {kind: perturbed_uniform, amplitude: 1.0e-2, modes: 8}
        solver: {resolution: 64, t_end: 0.3}
        output: {interval: 0.02}
        seed: 11
        """;

    /// <summary>Run to completion, or interrupt after the given number of progress lines (10% each).</summary>
    private static RunResult Run(RunConfig config, bool resume = false, int interruptAfterLines = 0)
    {
        using var cancel = new CancellationTokenSource();
        int lines = 0;
        var output = new LineCounter(() => { if (interruptAfterLines > 0 && ++lines == interruptAfterLines) cancel.Cancel(); });
        return SpectralRun.Execute(config, new RunOptions { Output = output, Error = TextWriter.Null, Cancellation = cancel.Token, Resume = resume });
    }

    private sealed class LineCounter(Action onLine) : StringWriter
    {
        public override void WriteLine(string? value) { base.WriteLine(value); onLine(); }
    }

    private static Dictionary<string, object> Contents(string directory)
    {
        // Every dataset of every file, except the wall-clock time (the only thing allowed to differ).
        var result = new Dictionary<string, object>();
        foreach (var file in Directory.GetFiles(directory, "*.h5").Order())
        {
            using var h5 = H5File.OpenRead(file);
            string stem = Path.GetFileName(file);
            foreach (var scale in new[] { "sim_time", "timestep" }) result[$"{stem}/{scale}"] = h5.Dataset($"scales/{scale}").Read<double[]>();
            result[$"{stem}/iteration"] = h5.Dataset("scales/iteration").Read<long[]>();
            result[$"{stem}/write_number"] = h5.Dataset("scales/write_number").Read<int[]>();
            foreach (var task in new[] { "density", "state", "stepper_state" }) result[$"{stem}/{task}"] = h5.Dataset($"tasks/{task}").Read<double[,]>();
            foreach (var task in new[] { "energy", "mass", "spectral_tail", "min_density", "net_flux" }) result[$"{stem}/{task}"] = h5.Dataset($"tasks/{task}").Read<double[]>();
            result[$"{stem}/fourier_modes"] = h5.Dataset("tasks/fourier_modes").Read<System.Numerics.Complex[,]>();
        }
        return result;
    }

    [TestCase("dopri5", 1000)]
    [TestCase("rk4", 1000)]
    [TestCase("dopri5", 4)]   // sets of 4 writes: the interrupted set is replayed, earlier sets are kept
    public void ResumedRunIsBitIdenticalToAnUninterruptedOne(string stepper, int maxWrites)
    {
        string dir = TempDirectory();
        var baseConfig = ConfigLoader.LoadText(Config, "resumable.yaml", "resumable", [$"solver.stepper={stepper}", "solver.dt=2e-3", $"output.max_writes={maxWrites}"]);
        var whole = baseConfig with { Output = baseConfig.Output with { Directory = Path.Combine(dir, "whole") } };
        var split = baseConfig with { Output = baseConfig.Output with { Directory = Path.Combine(dir, "split") } };
        Assert.That(Run(whole).ExitCode, Is.EqualTo(0));

        var first = Run(split, interruptAfterLines: 5);
        Assert.That(first.ExitCode, Is.EqualTo(ExitCodes.Interrupted));
        Assert.That(first.Writes, Is.GreaterThan(1).And.LessThan(16));
        var second = Run(split, resume: true);
        Assert.That(second.ExitCode, Is.EqualTo(0), second.Message);

        var expected = Contents(whole.Output.Directory);
        var actual = Contents(split.Output.Directory);
        Assert.That(actual.Keys, Is.EquivalentTo(expected.Keys));
        foreach (var (key, value) in expected) Assert.That(actual[key], Is.EqualTo(value), key);
    }

    private const string NoiseConfig = """
        name: resumable-noise
        geometry: circle
        model:
          attention: usa
          beta: 1.0
          diffusion: 0.1
          common_noise: {kind: mlp, activation: relu, sigma_u: 0.1, sigma_w: 0.1, modes: 4}
        initial: {kind: perturbed_uniform, amplitude: 1.0e-2, modes: 8}
        solver: {resolution: 256, dt: 1.0e-3, t_end: 0.3}
        output: {interval: 0.02}
        seed: 11
        """;

    [TestCase("heun", 1000)]
    [TestCase("euler_maruyama", 4)]
    public void ResumedStochasticRunIsBitIdenticalIncludingTheNoiseIncrements(string stepper, int maxWrites)
    {
        // The step index keys the Brownian increments, so a resumed SPDE run draws exactly the same path.
        string dir = TempDirectory();
        var baseConfig = ConfigLoader.LoadText(NoiseConfig, "resumable-noise.yaml", "resumable-noise", [$"solver.stepper={stepper}", $"output.max_writes={maxWrites}"]);
        var whole = baseConfig with { Output = baseConfig.Output with { Directory = Path.Combine(dir, "whole") } };
        var split = baseConfig with { Output = baseConfig.Output with { Directory = Path.Combine(dir, "split") } };
        Assert.That(Run(whole).ExitCode, Is.EqualTo(0));
        var first = Run(split, interruptAfterLines: 5);
        Assert.That(first.ExitCode, Is.EqualTo(ExitCodes.Interrupted));
        Assert.That(first.Writes, Is.GreaterThan(1).And.LessThan(16));
        var second = Run(split, resume: true);
        Assert.That(second.ExitCode, Is.EqualTo(0), second.Message);

        var expected = Contents(whole.Output.Directory);
        var actual = Contents(split.Output.Directory);
        foreach (var file in Directory.GetFiles(whole.Output.Directory, "*.h5"))
        {
            string stem = Path.GetFileName(file);
            using var a = H5File.OpenRead(file);
            using var b = H5File.OpenRead(Path.Combine(split.Output.Directory, stem));
            Assert.That(b.Dataset("tasks/noise_increments").Read<double[,]>(), Is.EqualTo(a.Dataset("tasks/noise_increments").Read<double[,]>()), stem);
            Assert.That(b.Dataset("tasks/p3_energy").Read<double[]>(), Is.EqualTo(a.Dataset("tasks/p3_energy").Read<double[]>()), stem);
        }
        Assert.That(actual.Keys, Is.EquivalentTo(expected.Keys));
        foreach (var (key, value) in expected) Assert.That(actual[key], Is.EqualTo(value), key);
    }

    [Test]
    public void ResumeCanExtendTEnd()
    {
        string dir = TempDirectory();
        var config = ConfigLoader.LoadText(Config, "resumable.yaml", "resumable", outDirectory: dir);
        Assert.That(Run(config).ExitCode, Is.EqualTo(0));
        var longer = Run(config with { Solver = config.Solver with { TEnd = 0.4 } }, resume: true);
        Assert.That(longer.ExitCode, Is.EqualTo(0), longer.Message);
        using var h5 = H5File.OpenRead(Path.Combine(dir, "resumable.h5"));
        Assert.That(h5.Dataset("scales/sim_time").Read<double[]>()[^1], Is.EqualTo(0.4));
        Assert.That(h5.Dataset("scales/write_number").Read<int[]>(), Is.EqualTo(Enumerable.Range(1, 21).ToArray()));
    }

    [Test]
    public void ResumeRefusesAChangedConfigOrMissingOutput()
    {
        string dir = TempDirectory();
        string path = Path.Combine(dir, "resumable.yaml");
        File.WriteAllText(path, Config);
        var (missing, _, missingErr) = RunCli("run", path, "--out", Path.Combine(dir, "out"), "--resume", "--quiet");
        Assert.That(missing, Is.EqualTo(ExitCodes.ConfigError));
        Assert.That(missingErr, Does.Contain("no output of run 'resumable'"));
        Assert.That(RunCli("run", path, "--out", Path.Combine(dir, "out"), "--quiet").Code, Is.EqualTo(0));
        var (changed, _, changedErr) = RunCli("run", path, "--out", Path.Combine(dir, "out"), "--resume", "--quiet", "--set", "model.beta=4");
        Assert.That(changed, Is.EqualTo(ExitCodes.ConfigError));
        Assert.That(changedErr, Does.Contain("beta"));
    }

    // Every physics key of a noisy run, changed on --resume, is refused by name (the stored /config is parsed and
    // compared key by key, not line by line).
    [TestCase("model.attention_scale=-1", "model.attention_scale")]
    [TestCase("model.common_noise.sigma_u=2", "model.common_noise.sigma_u")]
    [TestCase("model.common_noise.sigma_w=0.5", "model.common_noise.sigma_w")]
    [TestCase("model.common_noise.activation=tanh", "model.common_noise.activation")]
    [TestCase("model.common_noise.modes=3", "model.common_noise.modes")]
    [TestCase("model.common_noise={kind: fields, amplitudes: [[1, 0.1, 0]]}", "model.common_noise.kind")]
    [TestCase("solver.stepper=euler_maruyama", "solver.stepper")]
    [TestCase("solver.dt=5.0e-4", "solver.dt")]
    [TestCase("seed=12", "seed")]
    [TestCase("ensemble.paths=2", "ensemble.paths")]
    [TestCase("output.interval=0.04", "output.interval")]
    public void Resume_refuses_every_changed_physics_key_by_name(string change, string key)
    {
        string dir = TempDirectory();
        string path = Path.Combine(dir, "resumable-noise.yaml");
        File.WriteAllText(path, NoiseConfig);
        string outDir = Path.Combine(dir, "out");
        Assert.That(RunCli("run", path, "--out", outDir, "--quiet", "--set", "solver.t_end=0.04").Code, Is.EqualTo(0));
        var (code, _, err) = RunCli("run", path, "--out", outDir, "--resume", "--quiet", "--set", "solver.t_end=0.08", "--set", change);
        Assert.That(code, Is.EqualTo(ExitCodes.ConfigError), err);
        Assert.That(err, Does.Contain(key));
    }

    [Test]
    public void Resume_with_only_t_end_raised_continues_bit_identically()
    {
        string dir = TempDirectory();
        var config = ConfigLoader.LoadText(NoiseConfig, "resumable-noise.yaml", "resumable-noise");
        var whole = config with { Output = config.Output with { Directory = Path.Combine(dir, "whole") } };
        var extended = config with { Solver = config.Solver with { TEnd = 0.1 }, Output = config.Output with { Directory = Path.Combine(dir, "extended") } };
        Assert.That(Run(whole).ExitCode, Is.EqualTo(0));
        Assert.That(Run(extended).ExitCode, Is.EqualTo(0));
        var longer = Run(extended with { Solver = extended.Solver with { TEnd = config.Solver.TEnd } }, resume: true);
        Assert.That(longer.ExitCode, Is.EqualTo(0), longer.Message);
        var expected = Contents(whole.Output.Directory);
        var actual = Contents(extended.Output.Directory);
        Assert.That(actual.Keys, Is.EquivalentTo(expected.Keys));
        foreach (var (key, value) in expected) Assert.That(actual[key], Is.EqualTo(value), key);
    }
}
