using MeanField.Runs.InitialLaws;
using MeanField.Core;
using MeanField.Core.Random;
using MeanField.IO.Config;
using MeanField.Runs;
using PureHDF;

namespace MeanField.Particles.Tests;

/// <summary>
/// Particles on S^{d−1} (d ≥ 3) sample geometry zonal's laws about the pole e = e_d. The statistical checks use fixed seeds
/// and N = 20000 i.i.d. samples; each compares a sample mean with its exact value within 5 standard errors, the SE being
/// the sample standard deviation / √N (a chance failure at 5 SE has probability ≈ 6·10⁻⁷ per comparison).
/// </summary>
public class ZonalSamplingTests
{
    private const int N = 20_000;

    private static double Mean(double[] v) => v.Average();

    private static double StandardError(double[] v)
    {
        double m = Mean(v), s = 0;
        foreach (double x in v) s += (x - m) * (x - m);
        return Math.Sqrt(s / (v.Length - 1) / v.Length);
    }

    private static double[] Heights(double[] x, int d) => Enumerable.Range(0, x.Length / d).Select(i => x[i * d + d - 1]).ToArray();

    /// <summary>E[t] = A_d(|κ|) sign(κ), A_d(κ) = I_{d/2}(κ)/I_{d/2−1}(κ), for x ~ vMF(e_d, κ) on S^{d−1}.</summary>
    private static double MeanResultantLength(int d, double kappa) =>
        Math.Sign(kappa) * Math.Exp(Bessel.LogRatio(0.5 * d, 0.5 * d - 1, Math.Abs(kappa)));

    [TestCase(3, 2.0)]
    [TestCase(3, 20.0)]
    [TestCase(3, -5.0)]
    [TestCase(8, 2.0)]
    [TestCase(8, 20.0)]
    [TestCase(8, -5.0)]
    [TestCase(64, 2.0)]
    [TestCase(64, 20.0)]
    [TestCase(64, -5.0)]
    public void VonMisesFisherHasTheExactMeanAndAnIsotropicTangentialPart(int d, double kappa)
    {
        var x = ZonalSampling.VonMisesFisherMixture([new ZonalVonMisesLaw(1, kappa)], N, d, seed: 11);
        for (int i = 0; i < N; i++)
        {
            double norm2 = 0;
            for (int a = 0; a < d; a++) norm2 += x[i * d + a] * x[i * d + a];
            Assert.That(norm2, Is.EqualTo(1).Within(1e-14), $"|x_{i}|²");
        }
        var t = Heights(x, d);
        Assert.That(Mean(t), Is.EqualTo(MeanResultantLength(d, kappa)).Within(5 * StandardError(t)), "E[t]");

        // E[x_a x_b | t] = δ_ab (1−t²)/(d−1) on e^⊥, so y_ab = x_a x_b − δ_ab (1−t²)/(d−1) has mean 0 for every a ≤ b < d.
        int m = d - 1;
        var sum = new double[m * m];
        var sumSquares = new double[m * m];
        for (int i = 0; i < N; i++)
        {
            double diagonal = (1 - t[i] * t[i]) / m;
            for (int a = 0; a < m; a++)
            {
                double xa = x[i * d + a];
                for (int b = a; b < m; b++)
                {
                    double y = xa * x[i * d + b] - (a == b ? diagonal : 0);
                    sum[a * m + b] += y;
                    sumSquares[a * m + b] += y * y;
                }
            }
        }
        int worstA = -1, worstB = -1;
        double worst = 0;
        for (int a = 0; a < m; a++)
        for (int b = a; b < m; b++)
        {
            double mean = sum[a * m + b] / N;
            double se = Math.Sqrt((sumSquares[a * m + b] / N - mean * mean) / (N - 1));
            double z = Math.Abs(mean) / se;
            if (z > worst) (worst, worstA, worstB) = (z, a, b);
        }
        Assert.That(worst, Is.LessThan(5), $"E[x x^T] on e^⊥ deviates from (1 − t²)/(d−1) I at ({worstA}, {worstB})");
    }

    [Test]
    public void MixturesChooseTheirComponentByWeight()
    {
        const int d = 5;
        var x = ZonalSampling.VonMisesFisherMixture([new ZonalVonMisesLaw(0.3, 10), new ZonalVonMisesLaw(0.7, -4)], N, d, seed: 2);
        var t = Heights(x, d);
        double expected = 0.3 * MeanResultantLength(d, 10) + 0.7 * MeanResultantLength(d, -4);
        Assert.That(Mean(t), Is.EqualTo(expected).Within(5 * StandardError(t)));
        Assert.That(t.Count(v => v > 0) / (double)N, Is.InRange(0.25, 0.35), "about 30% near +e (κ = 10 puts almost all its mass at t > 0)");
    }

    [Test]
    public void UniformHeightIsTheUniformLawsMarginal()
    {
        // For x uniform on S^{d−1}: E t = 0, E t² = 1/d, E t⁴ = 3/(d(d+2)).
        foreach (int d in new[] { 3, 8, 64 })
        {
            var rng = new RandomStream(9, 100);
            var t = new double[N];
            for (int i = 0; i < N; i++)
            {
                var (ti, si) = ZonalSampling.UniformHeight(d, rng);
                Assert.That(ti * ti + si * si, Is.EqualTo(1).Within(1e-14));
                t[i] = ti;
            }
            var t2 = t.Select(v => v * v).ToArray();
            var t4 = t.Select(v => v * v * v * v).ToArray();
            Assert.That(Mean(t), Is.EqualTo(0).Within(5 * StandardError(t)), $"d = {d}");
            Assert.That(Mean(t2), Is.EqualTo(1.0 / d).Within(5 * StandardError(t2)), $"d = {d}");
            Assert.That(Mean(t4), Is.EqualTo(3.0 / (d * (d + 2.0))).Within(5 * StandardError(t4)), $"d = {d}");
        }
    }

    private static string ParticleConfig(int d, string initial, int count = N, ulong seed = 7) =>
        $"geometry: sphere\ndimension: {d}\nsolver:\n  kind: particles\nparticles:\n  count: {count}\nseed: {seed}\ninitial:\n{initial}";

    /// <summary>
    /// For ρ = (1/|S^{d−1}|)(1 + Σ c_m P_m) the Gegenbauer moments are E[P_n(t)] = Σ_m c_m ∫ P_n P_m dσ̄ = c_n/N_{n,d}
    /// (orthogonality, and ∫ P_n² dσ̄ = 1/N_{n,d} by the addition theorem); n = 0 gives 1.
    /// </summary>
    [TestCase(3, "  kind: gegenbauer\n  coefficients: [[1, 0.5], [2, 0.3], [3, -0.2]]\n")]
    [TestCase(8, "  kind: perturbed_uniform\n  amplitude: 0.3\n  modes: 4\n")]
    [TestCase(64, "  kind: gegenbauer\n  coefficients: [[1, 0.5], [2, 20]]\n")]
    public void GegenbauerMomentsMatchTheLaw(int d, string initial)
    {
        var config = ConfigLoader.LoadText(ParticleConfig(d, initial), "z.yaml", "z");
        var x = InitialLawMapping.ParticlePositions(config, "z.yaml");
        Assert.That(x.Length, Is.EqualTo(N * d));
        var terms = ZonalTerms(InitialLawMapping.FromConfig(config.Initial, config.Seed));
        Assert.That(ZonalSampling.MinimumRelativeDensity(terms, d, out _), Is.GreaterThanOrEqualTo(0), "the test law is a density");
        int top = terms.Max(c => c.Degree) + 2;
        var t = Heights(x, d);
        var p = new double[top + 1];
        var moments = new double[top + 1][];
        for (int n = 0; n <= top; n++) moments[n] = new double[N];
        for (int i = 0; i < N; i++)
        {
            Gegenbauer.Evaluate(d, t[i], p);
            for (int n = 0; n <= top; n++) moments[n][i] = p[n];
        }
        for (int n = 1; n <= top; n++)
        {
            double c = terms.Where(m => m.Degree == n).Sum(m => m.Coefficient);
            double exact = c / SphereGeometry.HarmonicDimension(n, d);
            Assert.That(Mean(moments[n]), Is.EqualTo(exact).Within(5 * StandardError(moments[n])), $"E[P_{n}(t)], d = {d}");
        }
        // The law is zonal about e_d: the tangential coordinates have mean 0.
        var first = Enumerable.Range(0, N).Select(i => x[i * d]).ToArray();
        Assert.That(Mean(first), Is.EqualTo(0).Within(5 * StandardError(first)));
    }

    [Test]
    public void ZonalPdeAndParticlesUseTheSameRandomCoefficients()
    {
        const int d = 8, modes = 6;
        const string initial = "  kind: perturbed_uniform\n  amplitude: 0.05\n  modes: 6\n";
        var zonal = ConfigLoader.LoadText($"geometry: zonal\ndimension: {d}\nsolver:\n  resolution: 64\nseed: 7\ninitial:\n{initial}", "a.yaml", "a");
        var particles = ConfigLoader.LoadText(ParticleConfig(d, initial), "b.yaml", "b");
        var pde = InitialLawMapping.FromConfig(zonal).ZonalCoefficients(d, zonal.Solver.Resolution);
        var eps = ZonalTerms(InitialLawMapping.FromConfig(particles.Initial, particles.Seed));
        Assert.That(eps.Select(e => e.Degree), Is.EqualTo(Enumerable.Range(1, modes)));
        // PDE state: orthonormal c_n = ε_n/√N_{n,d}; nothing above the perturbed modes.
        var fromParticles = new double[pde.Length];
        fromParticles[0] = 1;
        foreach (var (n, e) in eps) fromParticles[n] = e / Math.Sqrt(SphereGeometry.HarmonicDimension(n, d));
        for (int n = 0; n < pde.Length; n++)
            Assert.That(fromParticles[n], Is.EqualTo(pde[n]).Within(1e-14 * Math.Abs(pde[n]) + 1e-300), $"c_{n}");
        // ... and they are the documented draw: ε_n = A(2U_n − 1), U_n in order from (seed, InitialCondition).
        var rng = new RandomStream(7, RandomStreams.InitialCondition);
        foreach (var (_, e) in eps) Assert.That(e, Is.EqualTo(0.05 * (2 * rng.NextDouble() - 1)).Within(1e-17));
        Assert.That(eps.Select(e => e.Coefficient).Distinct().Count(), Is.EqualTo(modes));
        var otherSeed = ZonalTerms(InitialLawMapping.FromConfig(particles.Initial, 8));
        Assert.That(otherSeed.Select(e => e.Coefficient), Is.Not.EqualTo(eps.Select(e => e.Coefficient)));
    }

    // The relative-density terms (n, ε_n) a zonal particle law samples.
    private static (int Degree, double Coefficient)[] ZonalTerms(InitialLaw law) => law switch
    {
        PerturbedUniformLaw p => p.ZonalModes(),
        GegenbauerLaw g => g.Terms(),
        _ => throw new ArgumentException($"'{law.Kind}' is not given by Gegenbauer coefficients."),
    };

    private static string TempDirectory()
    {
        string dir = Path.Combine(Path.GetTempPath(), "meanfield-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dir);
        return dir;
    }

    private static (int Code, string Err) Run(string dir, string text)
    {
        string path = Path.Combine(dir, "z.yaml");
        File.WriteAllText(path, text);
        var output = new StringWriter();
        var error = new StringWriter();
        int code = MeanField.Cli.MeanFieldCommand.Run(["run", path, "--quiet", "--out", Path.Combine(dir, "out")], output, error);
        return (code, output + error.ToString());
    }

    [Test]
    public void VonMisesInDimensionEightRunsThroughTheCli()
    {
        string dir = TempDirectory();
        const string text = "name: zv\ngeometry: sphere\ndimension: 8\nmodel:\n  beta: 1.0\ninitial:\n  kind: von_mises\n  components: [{weight: 1, mean: 0, kappa: 3}]\n"
                            + "solver:\n  kind: particles\n  t_end: 0.02\nparticles:\n  count: 2000\n  dt: 0.01\noutput:\n  interval: 0.01\nseed: 1\n";
        var (code, messages) = Run(dir, text);
        Assert.That(code, Is.EqualTo(0), messages);
        using var h5 = H5File.OpenRead(Path.Combine(dir, "out", "zv.h5"));
        var positions = h5.Dataset("tasks/positions").Read<double[,,]>();
        Assert.That(positions.GetLength(1), Is.EqualTo(2000));
        Assert.That(positions.GetLength(2), Is.EqualTo(8));
        var t = Enumerable.Range(0, 2000).Select(i => positions[0, i, 7]).ToArray();
        Assert.That(Mean(t), Is.EqualTo(MeanResultantLength(8, 3)).Within(5 * StandardError(t)), "the pole is the last axis");
    }

    [TestCase("  kind: perturbed_uniform\n  amplitude: 50\n  modes: 4\n", "initial.amplitude")]
    [TestCase("  kind: gegenbauer\n  coefficients: [[1, 2]]\n", "initial.coefficients")]
    [TestCase("  kind: von_mises\n  components: [{weight: 1, mean: 1, kappa: 3}]\n", "initial.components[0].mean")]
    [TestCase("  kind: fourier\n", "it is a law on the circle and dimension is 8")]
    public void BadZonalParticleLawsExitWithCode2(string initial, string expected)
    {
        string dir = TempDirectory();
        var (code, messages) = Run(dir, ParticleConfig(8, initial, count: 100));
        Assert.That(code, Is.EqualTo(ExitCodes.ConfigError), messages);
        Assert.That(messages, Does.Contain(expected));
        Assert.That(Directory.Exists(Path.Combine(dir, "out")), Is.False, "nothing is written");
    }

    [Test]
    public void GegenbauerIsNotACircleLaw()
    {
        string dir = TempDirectory();
        var (code, messages) = Run(dir, ParticleConfig(2, "  kind: gegenbauer\n", count: 10));
        Assert.That(code, Is.EqualTo(ExitCodes.ConfigError), messages);
        Assert.That(messages, Does.Contain("it is a zonal law").And.Contain("dimension is 2"));
    }
}
