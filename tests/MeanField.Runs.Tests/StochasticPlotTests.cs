using MeanField.IO.Output;
using MeanField.Plotting;
using SkiaSharp;
using static MeanField.Runs.Tests.RunTestSupport;

namespace MeanField.Runs.Tests;

/// <summary>Figures of the stochastic run kinds, and the claims their titles and legends may make.</summary>
public class StochasticPlotTests
{
    // P3's grid setting (d = 64, SA β = 1, random ReLU layer σ_U = σ_W = 0.1), small: 16 tokens, 4 paths, 15 layers.
    private const string Sync = """
        name: sync
        geometry: sphere
        dimension: 64
        model:
          attention: sa
          beta: 1.0
          common_noise: {kind: mlp, activation: relu, sigma_u: 0.1, sigma_w: 0.1, sampler: mlp, width: 64}
        initial: {kind: uniform}
        solver: {kind: particles, t_end: 0.5}
        particles: {count: 16, integrator: layer, dt: 0.03333333333333333, interaction: dense, threads: 1}
        output: {interval: 0.1, positions: true}
        seed: 7
        """;

    private static string RunConfig(string dir, string name, string yaml, params string[] overrides)
    {
        string path = Path.Combine(dir, name + ".yaml");
        File.WriteAllText(path, yaml.Replace("name: sync", $"name: {name}"));
        var args = new List<string> { "run", path, "--out", Path.Combine(dir, name), "--quiet" };
        foreach (string o in overrides) { args.Add("--set"); args.Add(o); }
        var (code, _, err) = RunCli([.. args]);
        Assert.That(code, Is.EqualTo(0), err);
        return Path.Combine(dir, name, name + ".h5");
    }

    private static void AssertFigure(string png)
    {
        Assert.That(File.Exists(png), png);
        using var bitmap = SKBitmap.Decode(png);
        var colours = new HashSet<uint>();
        for (int y = 0; y < bitmap.Height; y += 3)
            for (int x = 0; x < bitmap.Width; x += 3) colours.Add((uint)bitmap.GetPixel(x, y));
        Assert.That(colours.Count, Is.GreaterThan(20), png);
    }

    [Test]
    public void EnsembleGetsMeanAndErrorFiguresAndTheP3BoundOfRow38()
    {
        string dir = TempDirectory();
        string file = RunConfig(dir, "ens", Sync, "ensemble.paths=4", "output.positions=false");
        using (var run = RunFile.Open(file))
        {
            var (lambdaPrime, reason) = StochasticPlots.P3Exponent(run);
            // λ̄' = −inf F for ReLU, d = 64, σ = 0.1, β = 1: −0.35087 (MATH §10 row 38).
            Assert.That(lambdaPrime, Is.EqualTo(-0.35087).Within(5e-5), reason);
            Assert.That(StochasticPlots.EnergyIsMonotone(run), Is.False, "no monotonicity claim with noise");
        }
        var (code, stdout, err) = RunCli("plot", file);
        Assert.That(code, Is.EqualTo(0), err);
        foreach (var name in new[] { "p3_energy", "energy", "cosine_mean", "cosine_min" })
        {
            string png = Path.Combine(dir, "ens", $"ens_ensemble_{name}.png");
            Assert.That(stdout, Does.Contain(png));
            AssertFigure(png);
        }
    }

    // Repulsive attention: ε > 0 (MATH §5). No biases: ReLU in d = 64 has λ̄ = 1/64 > 0, the coercivity assumption fails.
    [TestCase("attention scale", "model.attention_scale=-1")]
    [TestCase("coercivity fails", "model.common_noise.sigma_u=0", "model.common_noise.sigma_w=0")]
    public void NoP3BoundWhereTheTheoremDoesNotApply(string reason, params string[] overrides)
    {
        string dir = TempDirectory();
        using var run = RunFile.Open(RunConfig(dir, "no", Sync, overrides));
        var (lambdaPrime, why) = StochasticPlots.P3Exponent(run);
        Assert.That(lambdaPrime, Is.Null);
        Assert.That(why, Does.Contain(reason));
    }

    [Test]
    public void HighDimensionalParticlesGetPairwiseCosinesNotCoordinates()
    {
        string dir = TempDirectory();
        string file = RunConfig(dir, "d64", Sync);
        var (code, stdout, err) = RunCli("plot", file);
        Assert.That(code, Is.EqualTo(0), err);
        AssertFigure(Path.Combine(dir, "d64", "d64_cosines.png"));
        AssertFigure(Path.Combine(dir, "d64", "d64_p3_energy.png"));
        AssertFigure(Path.Combine(dir, "d64", "d64_energy.png"));
        Assert.That(stdout, Does.Not.Contain("_particles_t"), "no coordinate scatter in d = 64");
    }

    [Test]
    public void EnergyIsClaimedMonotoneOnlyForTheDeterministicAttractiveFlow()
    {
        string dir = TempDirectory();
        const string circle = "name: sync\ngeometry: circle\nmodel: {attention: usa, beta: 2.0}\ninitial: {kind: perturbed_uniform, amplitude: 1.0e-2, modes: 4}\nsolver: {resolution: 64, t_end: 0.1}\noutput: {interval: 0.05}\nseed: 1\n";
        using (var plain = RunFile.Open(RunConfig(dir, "plain", circle)))
            Assert.That(StochasticPlots.EnergyIsMonotone(plain), Is.True);
        using (var diffusive = RunFile.Open(RunConfig(dir, "diffusive", circle, "model.diffusion=0.1")))
            Assert.That(StochasticPlots.EnergyIsMonotone(diffusive), Is.False);
        using (var repulsive = RunFile.Open(RunConfig(dir, "repulsive", circle, "model.attention_scale=-1")))
            Assert.That(StochasticPlots.EnergyIsMonotone(repulsive), Is.False);
    }
}
