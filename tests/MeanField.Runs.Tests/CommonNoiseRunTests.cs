using MeanField.Core.Noise;
using MeanField.IO.Config;
using PureHDF;
using static MeanField.Runs.Tests.RunTestSupport;

namespace MeanField.Runs.Tests;

public class CommonNoiseRunTests
{
    private static RunConfig Load(string yaml, params string[] sets) =>
        ConfigLoader.LoadText(yaml, "noise.yaml", "noise", sets, outDirectory: TempDirectory());

    private const string Rotation = """
        geometry: circle
        model:
          attention: usa
          beta: 1.0
          diffusion: 0.1
          common_noise: {kind: fields, amplitudes: [[0, 0.5, 0]]}
        initial: {kind: von_mises, components: [{weight: 1.0, mean: 1.0, kappa: 2.0}]}
        solver: {resolution: 64, dt: 1.0e-3, t_end: 0.2}
        output: {interval: 0.05}
        seed: 3
        """;

    [Test]
    public void WrittenIncrementsReplayThePath()
    {
        // The increments between writes are those of CommonNoisePath(seed, components, dt, path 0); with pure rotation
        // noise their sum σ·ΣΔB₀ is the rotation of the first moment relative to the noiseless run.
        var config = Load(Rotation);
        var result = SpectralRun.Execute(config, new RunOptions { Output = TextWriter.Null, Error = TextWriter.Null });
        Assert.That(result.ExitCode, Is.EqualTo(0), result.Message);
        using var h5 = H5File.OpenRead(Path.Combine(config.Output.Directory, "noise.h5"));
        var increments = h5.Dataset("tasks/noise_increments").Read<double[,]>();
        Assert.That(increments.GetLength(0), Is.EqualTo(5));
        Assert.That(increments[0, 0], Is.EqualTo(0));
        var path = new CommonNoisePath(3, 1, 1e-3);
        var expected = new double[1];
        for (int w = 1; w < 5; w++)
        {
            path.Increments((w - 1) * 50, 50, expected);
            Assert.That(increments[w, 0], Is.EqualTo(expected[0]).Within(1e-15), $"write {w}");
        }
        Assert.That((double)h5.Attribute("noise_kappa_trunc").Read<double>(), Is.EqualTo(0.25).Within(1e-15));
        Assert.That(h5.Dataset("grid/noise_amplitude_cos").Read<double[]>(), Is.EqualTo(new[] { 0.5 }));
        var p3 = h5.Dataset("tasks/p3_energy").Read<double[]>();
        var energy = h5.Dataset("tasks/energy").Read<double[]>();
        for (int w = 0; w < 5; w++) Assert.That(p3[w], Is.EqualTo(0.5 * Math.Exp(1.0) - 1.0 * energy[w]).Within(1e-12));
    }

    [TestCase("gauss_splitting")]
    [TestCase("midpoint_splitting")]
    public void ResumedCircleRunWithTheImplicitSplittingIsBitIdentical(string stepper)
    {
        const string yaml = """
            geometry: circle
            model:
              attention: usa
              beta: 1.0
              diffusion: 0.05
              common_noise: {kind: fields, amplitudes: [[0, 0.3, 0], [1, 0.5, 0.2], [2, 0.1, 0.1]]}
            initial: {kind: von_mises, components: [{weight: 1.0, mean: 1.0, kappa: 2.0}]}
            solver: {resolution: 64, dt: 1.0e-3, t_end: 0.2, tail_tolerance: 0.1}
            output: {interval: 0.05}
            seed: 3
            """;
        var whole = Load(yaml, $"solver.stepper={stepper}");
        var split = Load(yaml, $"solver.stepper={stepper}");
        var quiet = new RunOptions { Output = TextWriter.Null, Error = TextWriter.Null };
        var first = SpectralRun.Execute(whole, quiet);
        Assert.That(first.ExitCode, Is.EqualTo(0), first.Message);
        Assert.That(SpectralRun.Execute(split with { Solver = split.Solver with { TEnd = 0.1 } }, quiet).ExitCode, Is.EqualTo(0));
        Assert.That(SpectralRun.Execute(split, quiet with { Resume = true }).ExitCode, Is.EqualTo(0));
        using var a = H5File.OpenRead(Path.Combine(whole.Output.Directory, "noise.h5"));
        using var b = H5File.OpenRead(Path.Combine(split.Output.Directory, "noise.h5"));
        Assert.That((string)a.Attribute("stepper").Read<string>(), Is.EqualTo(stepper));
        foreach (string task in new[] { "state", "noise_increments", "density" })
            Assert.That(b.Dataset($"tasks/{task}").Read<double[,]>(), Is.EqualTo(a.Dataset($"tasks/{task}").Read<double[,]>()), task);
    }

    [Test]
    public void OutputTimesMustBeWholeStepsAndNoiseModesMustBeResolved()
    {
        var e = Assert.Throws<ConfigException>(() => SpectralRun.CreateField(Load(Rotation, "output.interval=0.0125", "solver.dt=1e-2"), "noise.yaml").Dispose());
        Assert.That(e!.Message, Does.Contain("output.interval"));
        var modes = Assert.Throws<ConfigException>(() => SpectralRun.CreateField(Load(Rotation, "model.common_noise.kind=mlp", "model.common_noise.modes=30"), "noise.yaml").Dispose());
        Assert.That(modes!.Message, Does.Contain("model.common_noise"));
    }
}
