using MeanField.Runs.InitialLaws;
using MeanField.Core;
using System.Numerics;
using MeanField.IO.Config;
using MeanField.Runs;

namespace MeanField.Particles.Tests;

/// <summary>
/// Particles on S² (dimension 3) sample the S² PDE's initial laws: the empirical moments (1/N) Σ_j conj(Y_l^m(x_j)) of
/// N i.i.d. samples (fixed seeds) match the PDE's a_l^m = InitialLaw.SphereCoefficients(…) within 5 standard errors
/// (sample standard deviation / √N, real and imaginary parts separately; a chance failure has probability ≈ 6·10⁻⁷ each).
/// </summary>
public class SphereSamplingTests
{
    private const int N = 40_000, L = 4;

    private static string ParticleText(string initial, ulong seed) =>
        // solver.resolution bounds the degrees of an expanded law; a von Mises mixture has none, so it takes no resolution.
        $"geometry: sphere\ndimension: 3\nsolver:\n  kind: particles\n{(initial.Contains("von_mises") ? "" : "  resolution: 32\n")}particles:\n  count: {N}\nseed: {seed}\ninitial:\n{initial}";

    private static string SpectralText(string initial, ulong seed) =>
        $"geometry: sphere\ndimension: 3\nsolver:\n  kind: spectral\n  resolution: 16\nseed: {seed}\ninitial:\n{initial}";

    private const string Mixture = "  kind: von_mises\n  components:\n    - {weight: 0.6, direction: [1, 0, 0], kappa: 6}\n    - {weight: 0.4, direction: [0, -1, 1], kappa: 3}\n";
    private const string Harmonics = "  kind: harmonics\n  coefficients: [[1, 0, 0.06, 0], [2, 1, 0.02, -0.03]]\n";
    private const string Perturbed = "  kind: perturbed_uniform\n  amplitude: 0.3\n  modes: 2\n";

    [TestCase(Mixture, 3UL)]
    [TestCase(Harmonics, 5UL)]
    [TestCase(Perturbed, 7UL)]
    public void EmpiricalHarmonicMomentsMatchThePdeCoefficients(string initial, ulong seed)
    {
        var particles = ConfigLoader.LoadText(ParticleText(initial, seed), "p.yaml", "p");
        var spectral = ConfigLoader.LoadText(SpectralText(initial, seed), "s.yaml", "s");
        Assert.That(particles.Initial.Components.Select(c => c.Direction), Is.EqualTo(spectral.Initial.Components.Select(c => c.Direction)));
        Assert.That(particles.Initial.Harmonics, Is.EqualTo(spectral.Initial.Harmonics));
        var x = InitialLawMapping.ParticlePositions(particles, "p.yaml");
        Assert.That(x.Length, Is.EqualTo(3 * N));
        for (int i = 0; i < N; i++)
            Assert.That(Math.Sqrt(x[3 * i] * x[3 * i] + x[3 * i + 1] * x[3 * i + 1] + x[3 * i + 2] * x[3 * i + 2]), Is.EqualTo(1).Within(1e-12));

        int lmax = spectral.Solver.Resolution;
        var pde = InitialLawMapping.FromConfig(spectral).SphereCoefficients(lmax);
        var h = new SphericalHarmonics(L);
        var y = new Complex[h.Count];
        var re = new double[h.Count][];
        var im = new double[h.Count][];
        for (int k = 0; k < h.Count; k++) (re[k], im[k]) = (new double[N], new double[N]);
        for (int i = 0; i < N; i++)
        {
            h.Evaluate(x.AsSpan(3 * i, 3), y);
            for (int k = 0; k < h.Count; k++) (re[k][i], im[k][i]) = (y[k].Real, -y[k].Imaginary);   // conj(Y)
        }
        double largest = 0;
        for (int l = 1; l <= L; l++)
            for (int m = 0; m <= l; m++)
            {
                var exact = pde[SphericalHarmonics.Index(lmax, l, m)];
                int k = h.Index(l, m);
                largest = Math.Max(largest, exact.Magnitude);
                Assert.That(re[k].Average(), Is.EqualTo(exact.Real).Within(5 * StandardError(re[k])), $"Re a_{l}^{m}");
                Assert.That(im[k].Average(), Is.EqualTo(exact.Imaginary).Within(5 * StandardError(im[k])), $"Im a_{l}^{m}");
            }
        // The law is far from uniform at this N (else the comparison could not fail): some a_l^m exceeds 10 bound-SEs.
        Assert.That(largest, Is.GreaterThan(10 * Math.Sqrt(3 / (4 * Math.PI)) / Math.Sqrt(N)));
    }

    [Test]
    public void SamplesAreReproducibleAndSeedDependent()
    {
        var a = InitialLawMapping.ParticlePositions(ConfigLoader.LoadText(ParticleText(Harmonics, 1), "p.yaml", "p"), "p.yaml");
        var b = InitialLawMapping.ParticlePositions(ConfigLoader.LoadText(ParticleText(Harmonics, 1), "p.yaml", "p"), "p.yaml");
        var c = InitialLawMapping.ParticlePositions(ConfigLoader.LoadText(ParticleText(Harmonics, 2), "p.yaml", "p"), "p.yaml");
        Assert.That(a, Is.EqualTo(b));
        Assert.That(a, Is.Not.EqualTo(c));
    }

    [Test]
    public void DensityBoundDominatesTheDensity()
    {
        var a = InitialLawMapping.FromConfig(ConfigLoader.LoadText(ParticleText(Harmonics, 1), "p.yaml", "p").Initial, 1).SphereCoefficients(2);
        double bound = SphereSampling.DensityBound(a, 2);
        double min = SphereSampling.MinimumDensity(a, 2, out _, out _);
        Assert.That(min, Is.GreaterThan(0));
        var rng = new MeanField.Core.Random.RandomStream(4, 9);
        var p = new double[3];
        for (int i = 0; i < 2000; i++)
        {
            rng.NextGaussians(p);
            Assert.That(Math.Abs(SphereSampling.DensityAt(a, 2, p)), Is.LessThanOrEqualTo(bound));
        }
    }

    [TestCase("  kind: perturbed_uniform\n  amplitude: 50\n  modes: 4\n", "initial.amplitude")]
    [TestCase("  kind: harmonics\n  coefficients: [[1, 0, 2, 0]]\n", "initial.coefficients")]
    [TestCase("  kind: von_mises\n  components: [{weight: 1, mean: 0, kappa: 3}]\n", "mean")]
    [TestCase("  kind: von_mises\n  components: [{weight: 1, direction: [0, 0, 1], kappa: -3}]\n", "kappa")]
    public void BadSphereParticleLawsAreConfigErrors(string initial, string expected)
    {
        var e = Assert.Throws<ConfigException>(() =>
            InitialLawMapping.ParticlePositions(ConfigLoader.LoadText(ParticleText(initial, 1), "p.yaml", "p"), "p.yaml"));
        Assert.That(e!.Message, Does.Contain(expected));
    }

    private static double StandardError(double[] v)
    {
        double m = v.Average(), s = 0;
        foreach (double x in v) s += (x - m) * (x - m);
        return Math.Sqrt(s / (v.Length - 1) / v.Length) + 1e-300;
    }
}
