using MeanField.Core;
using MeanField.Runs.InitialLaws;
using MeanField.Core.Noise;
using MeanField.IO.Config;
using MeanField.Spectral.Sphere;
using MeanField.Spectral.Steppers;
using PureHDF;

namespace MeanField.Runs.Tests;

/// <summary>geometry sphere with model.common_noise: the SPDE run, its noise output, replay and resume.</summary>
public class SphereCommonNoiseRunTests
{
    private const string Config = """
        name: sphere-noise
        geometry: sphere
        dimension: 3
        model:
          attention: usa
          beta: 2.0
          common_noise: {kind: mlp, activation: relu, sigma_u: 0.1, sigma_w: 0.1, modes: 2}
        initial: {kind: perturbed_uniform, amplitude: 0.1, modes: 3}
        solver: {resolution: 10, stepper: heun, dt: 0.005, t_end: 0.1, tail_tolerance: 0.1}
        output: {interval: 0.025}
        seed: 5
        """;

    private static RunConfig Load(string text, string directory, params string[] sets) =>
        ConfigLoader.LoadText(text, "noise.yaml", "sphere-noise", sets, outDirectory: directory);

    [TestCase("heun")]
    [TestCase("euler_maruyama")]
    [TestCase("midpoint_splitting")]
    [TestCase("gauss_splitting")]
    public void ResumedNoiseRunIsBitIdenticalAndItsIncrementsReplayThePath(string stepper)
    {
        string dir = RunTestSupport.TempDirectory();
        var whole = Load(Config, Path.Combine(dir, "whole"), $"solver.stepper={stepper}");
        var split = Load(Config, Path.Combine(dir, "split"), $"solver.stepper={stepper}");
        Assert.That(SpectralRun.Execute(whole, new RunOptions { Quiet = true }).ExitCode, Is.EqualTo(0));
        Assert.That(SpectralRun.Execute(split with { Solver = split.Solver with { TEnd = 0.05 } }, new RunOptions { Quiet = true }).ExitCode, Is.EqualTo(0));
        Assert.That(SpectralRun.Execute(split, new RunOptions { Quiet = true, Resume = true }).ExitCode, Is.EqualTo(0));
        using var a = H5File.OpenRead(Path.Combine(dir, "whole", "sphere-noise.h5"));
        using var b = H5File.OpenRead(Path.Combine(dir, "split", "sphere-noise.h5"));
        foreach (string task in new[] { "state", "noise_increments", "degree_spectrum" })
            Assert.That(b.Dataset($"tasks/{task}").Read<double[,]>(), Is.EqualTo(a.Dataset($"tasks/{task}").Read<double[,]>()), task);
        Assert.That(b.Dataset("tasks/p3_energy").Read<double[]>(), Is.EqualTo(a.Dataset("tasks/p3_energy").Read<double[]>()));

        // The increments are the path of (seed, components, dt): their running sum is B(t) at every write, write 0 is 0.
        var increments = a.Dataset("tasks/noise_increments").Read<double[,]>();
        var iteration = a.Dataset("scales/iteration").Read<long[]>();
        int components = increments.GetLength(1);
        Assert.That(components, Is.EqualTo(3 * 3 * 3));   // 3 (L+1)², L = 2
        var path = new CommonNoisePath(5, components, 0.005);
        var expected = new double[components];
        var sum = new double[components];
        for (int w = 0; w < increments.GetLength(0); w++)
        {
            for (int j = 0; j < components; j++) sum[j] += increments[w, j];
            if (w == 0) Assert.That(sum, Is.All.EqualTo(0));
            else
            {
                path.Increments(0, (int)iteration[w], expected);
                Assert.That(sum, Is.EqualTo(expected).Within(1e-12), $"B at write {w}");
            }
        }

        // Replaying the path with the library solver reproduces the run.
        var field = SphereRunField.NoiseField(whole.Model.CommonNoise!, 10, "noise.yaml");
        var model = new MeanField.Core.MeanFieldModel(MeanField.Core.AttentionKind.USA, 2.0);
        using var replay = new SphereSpectralSolver(model, 10, InitialLawMapping.FromConfig(whole.Initial, 5).SphereCoefficients(10), field, new StochasticOptions(whole.Solver.Stepper, 0.005, 5));
        replay.AdvanceTo(0.1);
        var state = a.Dataset("tasks/state").Read<double[,]>();
        for (int i = 0; i < replay.State.Length; i++) Assert.That(replay.State[i], Is.EqualTo(state[state.GetLength(0) - 1, i]), $"state[{i}]");
    }

    [Test]
    public void NoiseAttributesAndP3EnergyAreConsistent()
    {
        string dir = RunTestSupport.TempDirectory();
        string text = Config.Replace("{kind: mlp, activation: relu, sigma_u: 0.1, sigma_w: 0.1, modes: 2}", "{kind: fields, amplitudes: [[0, 0.2], [2, 0.3]]}");
        var config = Load(text, dir);
        Assert.That(SpectralRun.Execute(config, new RunOptions { Quiet = true }).ExitCode, Is.EqualTo(0));
        using var h5 = H5File.OpenRead(Path.Combine(dir, "sphere-noise.h5"));
        Assert.That(h5.Dataset("grid/noise_degree_variances").Read<double[]>(), Is.EqualTo(new[] { 0.2, 0, 0.3 }));
        Assert.That((double)h5.Attribute("noise_kappa_trunc").Read<double>(), Is.EqualTo((0.2 + 5 * 0.3) / (4 * Math.PI)).Within(1e-15));
        Assert.That(h5.Attribute("noise_kind").Read<string>(), Is.EqualTo("fields"));
        Assert.That(h5.Attribute("noise_form").Read<string>(), Is.EqualTo("stratonovich"));
        var energy = h5.Dataset("tasks/energy").Read<double[]>();
        var p3 = h5.Dataset("tasks/p3_energy").Read<double[]>();
        var mass = h5.Dataset("tasks/mass").Read<double[]>();
        for (int w = 0; w < energy.Length; w++)
        {
            Assert.That(p3[w], Is.EqualTo(0.5 * Math.Exp(2.0) - 2.0 * energy[w]).Within(1e-12), $"write {w}");
            Assert.That(mass[w], Is.EqualTo(1).Within(1e-12));
        }
    }

    [Test]
    public void NoisePathOfTheRunOptionsSelectsThePath()
    {
        // An ensemble runs path p with RunOptions.NoisePath = p: the increments are CommonNoisePath(seed, C, dt, p)'s.
        string dir = RunTestSupport.TempDirectory();
        var config = Load(Config, dir, "solver.t_end=0.025");
        Assert.That(SpectralRun.Execute(config, new RunOptions { Quiet = true, NoisePath = 2 }).ExitCode, Is.EqualTo(0));
        using var h5 = H5File.OpenRead(Path.Combine(dir, "sphere-noise.h5"));
        Assert.That((int)h5.Attribute("noise_path").Read<int>(), Is.EqualTo(2));
        var increments = h5.Dataset("tasks/noise_increments").Read<double[,]>();
        int components = increments.GetLength(1);
        var expected = new double[components];
        new CommonNoisePath(5, components, 0.005, path: 2).Increments(0, 5, expected);
        for (int j = 0; j < components; j++) Assert.That(increments[1, j], Is.EqualTo(expected[j]).Within(1e-12), $"component {j}");
    }

    [Test]
    public void SolverKindBothRunsTheSpdeAndTheParticlesOnOnePath()
    {
        // CoupledRun fails the run unless the SPDE's /tasks/noise_increments equal the harmonic sampler's bit for bit.
        string dir = RunTestSupport.TempDirectory();
        var config = Load(Config, dir, "solver.kind=both", "particles.count=50", "output.positions=true", "solver.t_end=0.05");
        var result = RunLauncher.Execute(config, new RunOptions { Quiet = true });
        Assert.That(result.ExitCode, Is.EqualTo(0), result.Message);
        using var h5 = H5File.OpenRead(Path.Combine(dir, "sphere-noise.h5"));
        Assert.That(h5.Dataset("tasks/noise_increments").Read<double[,]>().GetLength(1), Is.EqualTo(27));
        Assert.That(h5.Dataset("tasks/p3_energy").Read<double[]>(), Has.Length.EqualTo(3));
        Assert.That(h5.Dataset("tasks/particle_p3_energy").Read<double[]>(), Has.Length.EqualTo(3));
    }

    [TestCase("modes: 2}", "modes: 10}", "model.common_noise.modes")]
    [TestCase("interval: 0.025", "interval: 0.0237", "output.interval")]
    [TestCase("t_end: 0.1,", "t_end: 0.1001,", "solver.t_end")]
    public void NoiseRunConfigErrorsNameTheKey(string from, string to, string key)
    {
        var config = Load(Config.Replace(from, to), RunTestSupport.TempDirectory());
        var e = Assert.Throws<ConfigException>(() => SpectralRun.CreateField(config, "noise.yaml").Dispose());
        Assert.That(e!.Message, Does.Contain(key).And.Contain("noise.yaml"));
    }
}
