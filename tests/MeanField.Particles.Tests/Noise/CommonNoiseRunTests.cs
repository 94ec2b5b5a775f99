using MeanField.Runs.Tests;
using MeanField.Core.Noise;
using MeanField.Runs;
using PureHDF;

namespace MeanField.Particles.Tests.Noise;

public class CommonNoiseRunTests
{
    private const string Circle = """
        name: cn
        geometry: circle
        model:
          attention: usa
          beta: 2.0
          attention_scale: 0
          common_noise:
            kind: fields
            amplitudes: [[0, 0.5, 0], [2, 0.1, 0.2]]
        initial:
          kind: uniform
        solver:
          kind: particles
          t_end: 0.2
        particles:
          count: 40
          integrator: heun
          dt: 0.01
        output:
          interval: 0.05
        seed: 21
        """;

    private static string TempDirectory() => RunTestSupport.TempDirectory();

    private static (int Code, string Out, string Err) Cli(params string[] args) => RunTestSupport.RunCli(args);

    private static string Write(string dir, string text)
    {
        string path = Path.Combine(dir, "p.yaml");
        File.WriteAllText(path, text);
        return path;
    }

    [Test]
    public void NoiseIncrementsAreThePathsIncrementsSummedBetweenWrites()
    {
        // Components 0 (rotation), 1, 2 (mode 1: absent), 3, 4 (mode 2): 5 in all. With attention off, a rotation a₀ = 0.5 and
        // the mode-2 field, the written increments must be CommonNoisePath(seed, 5, dt) summed between writes.
        string dir = TempDirectory();
        var (code, stdout, stderr) = Cli("run", Write(dir, Circle), "--quiet", "--out", dir);
        Assert.That(code, Is.EqualTo(0), stdout + stderr);
        using var h5 = H5File.OpenRead(Path.Combine(dir, "cn.h5"));
        var increments = h5.Dataset("tasks/noise_increments").Read<double[,]>();
        var iteration = h5.Dataset("scales/iteration").Read<long[]>();
        Assert.That(increments.GetLength(0), Is.EqualTo(5));
        Assert.That(increments.GetLength(1), Is.EqualTo(5));
        Assert.That(iteration, Is.EqualTo(new long[] { 0, 5, 10, 15, 20 }));
        Assert.That(h5.Attribute("noise_sampler").Read<string>(), Is.EqualTo("harmonic"));
        var path = new CommonNoisePath(21, 5, 0.01);
        var expected = new double[5];
        for (int w = 0; w < 5; w++)
        {
            if (w == 0) Array.Clear(expected);
            else path.Increments(iteration[w - 1], (int)(iteration[w] - iteration[w - 1]), expected);
            for (int j = 0; j < 5; j++) Assert.That(increments[w, j], Is.EqualTo(expected[j]).Within(1e-15), $"write {w}, component {j}");
        }
        var p3 = h5.Dataset("tasks/p3_energy").Read<double[]>();
        var mean = h5.Dataset("tasks/cosine_mean").Read<double[]>();
        Assert.That(p3.All(e => e >= 0 && double.IsFinite(e)));
        Assert.That(mean.All(c => c is > -1 and < 1));
    }

    [Test]
    public void RotationNoiseTurnsTheWholeRunByTheWrittenIncrements()
    {
        // Only the rotation component: every particle's angle moves by exactly 0.5 × the sum of the written dB₀.
        string dir = TempDirectory();
        var (code, stdout, stderr) = Cli("run", Write(dir, Circle.Replace("[[0, 0.5, 0], [2, 0.1, 0.2]]", "[[0, 0.5, 0]]")), "--quiet", "--out", dir);
        Assert.That(code, Is.EqualTo(0), stdout + stderr);
        using var h5 = H5File.OpenRead(Path.Combine(dir, "cn.h5"));
        var increments = h5.Dataset("tasks/noise_increments").Read<double[,]>();
        var positions = h5.Dataset("tasks/positions").Read<double[,,]>();
        double angle = 0;
        for (int w = 1; w < 5; w++)
        {
            angle += 0.5 * increments[w, 0];
            var (sin, cos) = Math.SinCos(angle);
            for (int i = 0; i < 40; i++)
            {
                Assert.That(positions[w, i, 0], Is.EqualTo(cos * positions[0, i, 0] - sin * positions[0, i, 1]).Within(1e-13));
                Assert.That(positions[w, i, 1], Is.EqualTo(sin * positions[0, i, 0] + cos * positions[0, i, 1]).Within(1e-13));
            }
        }
        var p3 = h5.Dataset("tasks/p3_energy").Read<double[]>();
        for (int w = 1; w < 5; w++) Assert.That(p3[w], Is.EqualTo(p3[0]).Within(1e-13), "a rigid rotation keeps 𝓔_β");
    }

    [TestCase("circle")]
    [TestCase("mlp")]
    public void ResumeWithCommonNoiseIsBitIdentical(string variant)
    {
        string text = variant == "circle"
            ? Circle.Replace("attention_scale: 0", "attention_scale: 1\n  diffusion: 0.02")
            : """
              name: cn
              geometry: sphere
              dimension: 5
              model:
                attention: sa
                beta: 1.0
                common_noise:
                  kind: mlp
                  activation: gelu
                  sigma_u: 0.1
                  sigma_w: 0.1
                  width: 32
              initial:
                kind: uniform
              solver:
                kind: particles
                t_end: 0.2
              particles:
                count: 30
                integrator: layer
                dt: 0.01
              output:
                interval: 0.05
              seed: 8
              """;
        string dir = TempDirectory();
        string config = Write(dir, text);
        Assert.That(Cli("run", config, "--quiet", "--out", Path.Combine(dir, "whole")).Code, Is.EqualTo(0));
        Assert.That(Cli("run", config, "--quiet", "--out", Path.Combine(dir, "split"), "--set", "solver.t_end=0.1").Code, Is.EqualTo(0));
        var (code, _, stderr) = Cli("run", config, "--quiet", "--out", Path.Combine(dir, "split"), "--resume");
        Assert.That(code, Is.EqualTo(0), stderr);
        using var a = H5File.OpenRead(Path.Combine(dir, "whole", "cn.h5"));
        using var b = H5File.OpenRead(Path.Combine(dir, "split", "cn.h5"));
        Assert.That(b.Dataset("tasks/positions").Read<double[,,]>(), Is.EqualTo(a.Dataset("tasks/positions").Read<double[,,]>()));
        Assert.That(b.Dataset("tasks/p3_energy").Read<double[]>(), Is.EqualTo(a.Dataset("tasks/p3_energy").Read<double[]>()));
        if (variant == "circle")
            Assert.That(b.Dataset("tasks/noise_increments").Read<double[,]>(), Is.EqualTo(a.Dataset("tasks/noise_increments").Read<double[,]>()));
        var first = a.Dataset("tasks/positions").Read<double[,,]>();
        Assert.That(first[4, 0, 0], Is.Not.EqualTo(first[0, 0, 0]), "the particles moved");
    }

    [Test]
    public void TheD64ConfigRunsAndSynchronises()
    {
        string dir = TempDirectory();
        string config = Path.Combine(TestContext.CurrentContext.TestDirectory, "../../../../../configs/particles-common-noise-d64.yaml");
        var (code, stdout, stderr) = Cli("run", config, "--quiet", "--out", dir, "--set", "solver.t_end=1", "--set", "model.common_noise.width=128");
        Assert.That(code, Is.EqualTo(0), stdout + stderr);
        using var h5 = H5File.OpenRead(Path.Combine(dir, "particles-common-noise-d64.h5"));
        Assert.That(h5.Attribute("noise_sampler").Read<string>(), Is.EqualTo("mlp"));
        Assert.That(h5.Dataset("scales/iteration").Read<long[]>()[^1], Is.EqualTo(30), "L = 150 layers over T = 5: 30 layers at t = 1");
        var p3 = h5.Dataset("tasks/p3_energy").Read<double[]>();
        var mean = h5.Dataset("tasks/cosine_mean").Read<double[]>();
        var min = h5.Dataset("tasks/cosine_min").Read<double[]>();
        Assert.That(p3[^1], Is.LessThan(p3[0]), "attention and noise both synchronise");
        Assert.That(mean[^1], Is.GreaterThan(mean[0]));
        Assert.That(min.Zip(mean, (a, b) => a <= b).All(x => x));
        Assert.Throws<Exception>(() => h5.Dataset("tasks/noise_increments"), "the MLP sampler has no shared path to write");
    }

    [Test]
    public void OutputIntervalMustBeWholeSteps()
    {
        string dir = TempDirectory();
        var (code, _, stderr) = Cli("run", Write(dir, Circle.Replace("dt: 0.01", "dt: 0.015")), "--quiet", "--out", dir);
        Assert.That(code, Is.EqualTo(ExitCodes.ConfigError), stderr);
        Assert.That(stderr, Does.Contain("particles.dt").And.Contain("whole multiples"));
    }
}
