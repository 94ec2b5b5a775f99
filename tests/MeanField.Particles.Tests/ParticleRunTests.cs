using MeanField.Runs.InitialLaws;
using MeanField.Core;
using MeanField.Runs.Tests;
using System.Numerics;
using MeanField.IO.Config;
using MeanField.Runs;
using PureHDF;

namespace MeanField.Particles.Tests;

public class ParticleRunTests
{
    private const string Circle = """
        name: pc
        geometry: circle
        model:
          attention: usa
          beta: 4.0
        initial:
          kind: uniform
        solver:
          kind: particles
          t_end: 0.05
        particles:
          count: 500
          integrator: rk4
          dt: 0.004
        output:
          interval: 0.02
          position_stride: 2
        seed: 3
        """;

    private const string Sphere = """
        name: ps
        geometry: sphere
        dimension: 3
        model:
          attention: sa
          beta: 3.0
          diffusion: 0.1
        initial:
          kind: uniform
        solver:
          kind: particles
          t_end: 0.04
        particles:
          count: 300
          integrator: heun
          dt: 0.01
        output:
          interval: 0.02
        seed: 5
        """;

    private static string TempDirectory() => RunTestSupport.TempDirectory();

    private static (int Code, string Out, string Err) Cli(params string[] args) => RunTestSupport.RunCli(args);

    private static string Write(string dir, string text, string name = "p.yaml")
    {
        string path = Path.Combine(dir, name);
        File.WriteAllText(path, text);
        return path;
    }

    [Test]
    public void CircleRunWritesPositionsAnglesModesAndInvariants()
    {
        string dir = TempDirectory();
        var (code, stdout, stderr) = Cli("run", Write(dir, Circle), "--out", Path.Combine(dir, "out"), "--quiet");
        Assert.That(code, Is.EqualTo(0), stdout + stderr);
        using var h5 = H5File.OpenRead(Path.Combine(dir, "out", "pc.h5"));
        Assert.That(h5.Dataset("scales/sim_time").Read<double[]>(), Is.EqualTo(new[] { 0, 0.02, 0.04, 0.05 }));
        var positions = h5.Dataset("tasks/positions").Read<double[,,]>();
        Assert.That(new[] { positions.GetLength(0), positions.GetLength(1), positions.GetLength(2) }, Is.EqualTo(new[] { 4, 250, 2 }));
        var angles = h5.Dataset("tasks/angles").Read<double[,]>();
        Assert.That(angles[3, 7], Is.EqualTo(Math.Atan2(positions[3, 7, 1], positions[3, 7, 0]) is var a && a < 0 ? a + 2 * Math.PI : a).Within(1e-15));
        Assert.That(h5.Dataset("grid/particle_index").Read<double[]>()[1], Is.EqualTo(2.0));
        // The PDE's normalisation: mode 0 is 1/2π, |mode k| ≤ 1/2π.
        var modes = h5.Dataset("tasks/empirical_modes").Read<Complex[,]>();
        Assert.That(modes[2, 0].Real, Is.EqualTo(1 / (2 * Math.PI)).Within(1e-15));
        Assert.That(modes[2, 5].Magnitude, Is.LessThanOrEqualTo(1 / (2 * Math.PI)));
        var energy = h5.Dataset("tasks/energy").Read<double[]>();
        for (int i = 1; i < energy.Length; i++) Assert.That(energy[i], Is.GreaterThanOrEqualTo(energy[i - 1]));
        Assert.That(h5.Dataset("tasks/net_flux").Read<double[]>(), Has.All.EqualTo(0).Within(1e-12 * Math.Exp(4)));
        Assert.That(h5.Dataset("tasks/rotation_rate").Read<double[]>(), Has.All.LessThan(1e-12 * Math.Exp(4)));
        // 500 uniform points, ε = 1e-3 (arccos(1 − ε) ≈ 0.045 > mean gap 0.0126): ≈ 500 e^{−0.045·500/2π} ≈ 14 runs.
        Assert.That(h5.Dataset("tasks/cluster_count").Read<double[]>()[0], Is.InRange(5, 30));
        Assert.That(h5.Attribute("particle_count").Read<int>(), Is.EqualTo(500));
        Assert.That(h5.Attribute("interaction").Read<string>(), Is.EqualTo("spectral"), "auto picks spectral for N = 500 on the circle");
        Assert.That(h5.Attribute("spectral_modes").Read<int>(), Is.GreaterThan(10));
        Assert.That(h5.Attribute("solver").Read<string>(), Is.EqualTo("particles"));
        var again = ConfigLoader.LoadText(h5.Dataset("config").Read<string>(), "stored", "x");
        Assert.That(again.Particles, Is.EqualTo(new ParticlesConfig { Count = 500, Dt = 0.004 }));
        Assert.That(again.Output.PositionStride, Is.EqualTo(2));
    }

    [Test]
    public void SphereRunWithNoiseIsReproducibleAndThreadCountIndependent()
    {
        string dir = TempDirectory();
        string config = Write(dir, Sphere);
        double[,,] Positions(string sub, params string[] extra)
        {
            var (code, stdout, stderr) = Cli(["run", config, "--quiet", "--out", Path.Combine(dir, sub), .. extra]);
            Assert.That(code, Is.EqualTo(0), stdout + stderr);
            using var h5 = H5File.OpenRead(Path.Combine(dir, sub, "ps.h5"));
            Assert.Throws<Exception>(() => h5.Dataset("tasks/angles"), "no angles for d = 3");
            Assert.That(h5.Attribute("dimension").Read<int>(), Is.EqualTo(3));
            return h5.Dataset("tasks/positions").Read<double[,,]>();
        }
        var one = Positions("a", "--set", "particles.threads=1");
        var two = Positions("b", "--set", "particles.threads=2");
        var otherSeed = Positions("c", "--set", "seed=6");
        Assert.That(two, Is.EqualTo(one));
        Assert.That(otherSeed, Is.Not.EqualTo(one));
        for (int i = 0; i < 300; i++)
            Assert.That(one[2, i, 0] * one[2, i, 0] + one[2, i, 1] * one[2, i, 1] + one[2, i, 2] * one[2, i, 2], Is.EqualTo(1).Within(1e-15));
    }

    [Test]
    public void SphereRunWithSpectralSummationWritesEmpiricalHarmonicMoments()
    {
        string dir = TempDirectory();
        string text = Sphere.Replace("  diffusion: 0.1\n", "").Replace("integrator: heun", "integrator: rk4\n  interaction: spectral")
            .Replace("  interval: 0.02\n", "  interval: 0.02\n  harmonic_degree: 5\n");
        var (code, stdout, stderr) = Cli("run", Write(dir, text), "--quiet", "--out", Path.Combine(dir, "out"));
        Assert.That(code, Is.EqualTo(0), stdout + stderr);
        using var h5 = H5File.OpenRead(Path.Combine(dir, "out", "ps.h5"));
        Assert.That(h5.Attribute("interaction").Read<string>(), Is.EqualTo("spectral"));
        Assert.That(h5.Attribute("spectral_modes").Read<int>(), Is.EqualTo(SphereSpectralInteraction.DegreeFor(3.0, 1e-12, 300)));
        Assert.That(h5.Attribute("harmonic_degree").Read<int>(), Is.EqualTo(5));
        var coefficients = h5.Dataset("tasks/empirical_sh_coefficients").Read<Complex[,]>();
        Assert.That(coefficients.GetLength(1), Is.EqualTo(21));
        var positions = h5.Dataset("tasks/positions").Read<double[,,]>();
        var last = new double[300 * 3];
        for (int i = 0; i < 300; i++)
        for (int c = 0; c < 3; c++) last[3 * i + c] = positions[2, i, c];
        var expected = SphericalHarmonics.EmpiricalCoefficients(last, 5);
        for (int k = 0; k < 21; k++) Assert.That((coefficients[2, k] - expected[k]).Magnitude, Is.LessThan(1e-15));
        Assert.That(coefficients[0, 0].Real, Is.EqualTo(1 / Math.Sqrt(4 * Math.PI)).Within(1e-15));
        // a_1^0 = √(3/4π) · mean of x₂ (first moment in the PDE's normalisation).
        double meanZ = 0;
        for (int i = 0; i < 300; i++) meanZ += positions[2, i, 2] / 300;
        Assert.That(coefficients[2, 1].Real, Is.EqualTo(Math.Sqrt(3 / (4 * Math.PI)) * meanZ).Within(1e-14));
        var energy = h5.Dataset("tasks/energy").Read<double[]>();
        for (int i = 1; i < energy.Length; i++) Assert.That(energy[i], Is.GreaterThanOrEqualTo(energy[i - 1]));
        var again = ConfigLoader.LoadText(h5.Dataset("config").Read<string>(), "stored", "x");
        Assert.That(again.Output.HarmonicDegree, Is.EqualTo(5));
    }

    [Test]
    public void FromFileStartsFromTheLastWriteOfAnEarlierRun()
    {
        string dir = TempDirectory();
        Assert.That(Cli("run", Write(dir, Sphere), "--quiet", "--out", Path.Combine(dir, "first")).Code, Is.EqualTo(0));
        string resumed = Sphere.Replace("kind: uniform", "kind: from_file\n  file: first/ps.h5").Replace("  count: 300\n", "");
        var (code, stdout, stderr) = Cli("run", Write(dir, resumed, "q.yaml"), "--quiet", "--out", Path.Combine(dir, "second"));
        Assert.That(code, Is.EqualTo(0), stdout + stderr);
        using var a = H5File.OpenRead(Path.Combine(dir, "first", "ps.h5"));
        using var b = H5File.OpenRead(Path.Combine(dir, "second", "ps.h5"));
        var last = a.Dataset("tasks/positions").Read<double[,,]>();
        var start = b.Dataset("tasks/positions").Read<double[,,]>();
        for (int i = 0; i < 300; i++)
        for (int c = 0; c < 3; c++) Assert.That(start[0, i, c], Is.EqualTo(last[2, i, c]).Within(1e-15));
        Assert.That(b.Attribute("particle_count").Read<int>(), Is.EqualTo(300));
    }

    [Test]
    public void ResumeOfANoisyParticleRunIsBitIdentical()
    {
        // Heun with idiosyncratic noise: the noise of step k is keyed by (seed, k, particle), so a run continued from its
        // last write (positions, step count) must reproduce the uninterrupted run bit for bit.
        string dir = TempDirectory();
        string noisy = Circle.Replace("integrator: rk4", "integrator: heun").Replace("beta: 4.0", "beta: 4.0\n  diffusion: 0.05")
            .Replace("position_stride: 2", "position_stride: 1");
        string config = Write(dir, noisy);
        Assert.That(Cli("run", config, "--quiet", "--out", Path.Combine(dir, "whole")).Code, Is.EqualTo(0));
        Assert.That(Cli("run", config, "--quiet", "--out", Path.Combine(dir, "split"), "--set", "solver.t_end=0.02").Code, Is.EqualTo(0));
        var (code, _, stderr) = Cli("run", config, "--quiet", "--out", Path.Combine(dir, "split"), "--resume");
        Assert.That(code, Is.EqualTo(0), stderr);
        using var a = H5File.OpenRead(Path.Combine(dir, "whole", "pc.h5"));
        using var b = H5File.OpenRead(Path.Combine(dir, "split", "pc.h5"));
        Assert.That(b.Dataset("tasks/positions").Read<double[,,]>(), Is.EqualTo(a.Dataset("tasks/positions").Read<double[,,]>()));
        Assert.That(b.Dataset("scales/iteration").Read<long[]>(), Is.EqualTo(a.Dataset("scales/iteration").Read<long[]>()));
        Assert.That(b.Dataset("tasks/energy").Read<double[]>(), Is.EqualTo(a.Dataset("tasks/energy").Read<double[]>()));
    }

    [Test]
    public void ResumeNeedsTheFullPositions()
    {
        string dir = TempDirectory();
        var (code, _, stderr) = Cli("run", Write(dir, Circle), "--quiet", "--resume", "--out", Path.Combine(dir, "out"));   // Circle writes every 2nd particle
        Assert.That(code, Is.EqualTo(ExitCodes.ConfigError));
        Assert.That(stderr, Does.Contain("--resume").And.Contain("output.position_stride: 1"));
    }

    [Test]
    public void ParticlesSampleThePdeInitialLaw()
    {
        // initial.kind fourier: ρ = (1/2π)(1 + 2 Re(c₃ e^{3iθ})) with c₃ = 0.3 − 0.2i, so ρ̂₃ = c₃/2π. The empirical mode of
        // N = 10⁵ i.i.d. samples has standard deviation ≈ (1/2π)/√N per component.
        const int n = 100_000;
        string text = "geometry: circle\ninitial:\n  kind: fourier\n  coefficients:\n    - [3, 0.3, -0.2]\nsolver:\n  kind: particles\nparticles:\n  count: 100000\nseed: 4\n";
        var config = ConfigLoader.LoadText(text, "t.yaml", "t");
        var x = InitialLawMapping.ParticlePositions(config, "t.yaml");
        var modes = ParticleDiagnostics.EmpiricalModes(x, 5);
        double sd = 1 / (2 * Math.PI) / Math.Sqrt(n);
        Assert.That(modes[3].Real, Is.EqualTo(0.3 / (2 * Math.PI)).Within(4 * sd));
        Assert.That(modes[3].Imaginary, Is.EqualTo(-0.2 / (2 * Math.PI)).Within(4 * sd));
        Assert.That(modes[1].Magnitude, Is.LessThan(4 * sd));

        var vonMises = ConfigLoader.LoadText("geometry: circle\ninitial:\n  kind: von_mises\n  components:\n    - {weight: 1, mean: 1.0, kappa: 4}\nsolver:\n  kind: particles\nparticles:\n  count: 100000\n", "v.yaml", "v");
        var m = ParticleDiagnostics.EmpiricalModes(InitialLawMapping.ParticlePositions(vonMises, "v.yaml"), 3);
        // ρ̂_k = (I_k(κ)/I_0(κ)) e^{−ikμ}/2π.
        double ratio = MeanField.Core.Bessel.ScaledI(1, 4) / MeanField.Core.Bessel.ScaledI(0, 4);
        Assert.That((m[1] * 2 * Math.PI - Complex.FromPolarCoordinates(ratio, -1.0)).Magnitude, Is.LessThan(6.0 / Math.Sqrt(n)));
    }

    [TestCase("particles:\n  count: 10\n  colour: red\n", "unknown key 'particles.colour'")]
    [TestCase("particles:\n  count: 0\n", "particles.count")]
    [TestCase("geometry: sphere\ndimension: 3\ninitial:\n  kind: equiangular\nparticles:\n  count: 4\n", "equiangular needs particles.count ≤ dimension")]
    [TestCase("geometry: sphere\ndimension: 4\ninitial:\n  kind: uniform\nparticles:\n  interaction: spectral\n", "spectral summation is implemented for the identity case")]
    [TestCase("geometry: sphere\ndimension: 3\ninitial:\n  kind: fourier\n", "it is a law on the circle and dimension is 3")]
    [TestCase("model:\n  diffusion: 0.1\nparticles:\n  integrator: rk4\n", "rk4 is deterministic")]
    [TestCase("initial:\n  kind: from_file\n  file: nowhere.h5\n", "initial.file")]
    [TestCase("model:\n  query: [[1, 0], [0]]\n", "model.query[1]")]
    public void BadParticleConfigsExitWithCode2(string body, string expected)
    {
        string dir = TempDirectory();
        string text = (body.Contains("geometry:") ? "" : "geometry: circle\n") + (body.Contains("solver:") ? body : body + "solver:\n  kind: particles\n");
        if (!text.Contains("initial:")) text += "initial:\n  kind: uniform\n";
        var (code, _, stderr) = Cli("run", Write(dir, text), "--out", Path.Combine(dir, "out"));
        Assert.That(code, Is.EqualTo(ExitCodes.ConfigError), stderr);
        Assert.That(stderr, Does.Contain(expected));
        Assert.That(stderr, Does.Match(@"p\.yaml:\d+:\d+"), "the message names file:line:column");
        Assert.That(Directory.Exists(Path.Combine(dir, "out")), Is.False, "nothing is written");
    }

    [Test]
    public void SphereNeedsTheParticleSolverAndMatricesTooWithAClearMessage()
    {
        string dir = TempDirectory();
        var (code, _, stderr) = Cli("run", Write(dir, "geometry: sphere\ndimension: 4\n"));
        Assert.That(code, Is.EqualTo(ExitCodes.ConfigError));
        Assert.That(stderr, Does.Contain("must be 3 for geometry sphere with solver.kind spectral").And.Contain("solver.kind particles"));
        (code, _, stderr) = Cli("run", Write(dir, "geometry: circle\nmodel:\n  value: [[0, 1], [1, 0]]\n"));
        Assert.That(code, Is.EqualTo(ExitCodes.ConfigError));
        Assert.That(stderr, Does.Contain("model.value").And.Contain("solver.kind: particles"));
    }

    [Test]
    public void MatricesRoundTripThroughTheStoredConfig()
    {
        const string text = "geometry: sphere\ndimension: 2\nmodel:\n  beta: 1.5\n  query: [[1, 0.5], [0, 1]]\n  value: [[0, -1], [1, 0]]\ninitial:\n  kind: uniform\nsolver:\n  kind: particles\n";
        var c = ConfigLoader.LoadText(text, "m.yaml", "m");
        Assert.That(c.Model.Query, Is.EqualTo(new[] { 1, 0.5, 0, 1 }));
        Assert.That(c.Model.Key, Is.Null);
        var again = ConfigLoader.LoadText(ConfigYaml.Write(c), "stored", "m");
        Assert.That(again.Model.Query, Is.EqualTo(c.Model.Query));
        Assert.That(again.Model.Value, Is.EqualTo(c.Model.Value));
        Assert.That(again.Model.Beta, Is.EqualTo(1.5));
    }
}
