using System.Numerics;
using MeanField.Core.Random;
using MeanField.IO.Config;
using MeanField.Particles;
using MeanField.Runs.InitialLaws;
using NUnit.Framework;

namespace MeanField.Particles.Tests;

/// <summary>
/// The initial laws against closed forms computed independently of the law code: Fourier coefficients of the circle
/// von Mises density by trapezoidal quadrature (exact to round-off for a smooth periodic integrand), the mean height
/// E⟨x, e⟩ of vMF samples on S^{d−1} by quadrature of the t-marginal, and the documented perturbed_uniform draw.
/// </summary>
public class InitialLawTests
{
    [TestCase(0.0, 0.0)]
    [TestCase(3.0, 1.2)]
    [TestCase(40.0, -2.0)]
    public void CircleVonMisesCoefficientsMatchQuadrature(double kappa, double mean)
    {
        var law = new VonMisesMixtureLaw([new VonMisesComponent(1, mean, kappa)], 1);
        var c = law.CircleCoefficients(12);
        const int grid = 4096;
        // ρ = e^{κ cos(θ−μ)}/Z, with Z itself by quadrature (no Bessel function).
        double z = 0;
        for (int j = 0; j < grid; j++) z += Math.Exp(kappa * (Math.Cos(2 * Math.PI * j / grid - mean) - 1));
        z *= 2 * Math.PI / grid;
        for (int k = 0; k <= 12; k++)
        {
            Complex sum = 0;
            for (int j = 0; j < grid; j++)
            {
                double theta = 2 * Math.PI * j / grid;
                sum += Math.Exp(kappa * (Math.Cos(theta - mean) - 1)) / z * Complex.FromPolarCoordinates(1, -k * theta);
            }
            var exact = sum / grid;   // (1/2π)∫ρ e^{−ikθ}dθ
            Assert.That((c.Length > k ? c[k] : Complex.Zero) - exact, Has.Property("Magnitude").LessThan(1e-14), $"f̂_{k}");
        }
    }

    /// <summary>E[t] for vMF(e, κ) on S^{d−1}: ∫ t e^{κt}(1−t²)^{(d−3)/2} dt / ∫ e^{κt}(1−t²)^{(d−3)/2} dt (substituting t = cos θ).</summary>
    [TestCase(2, 2.0)]
    [TestCase(3, 5.0)]
    [TestCase(8, 4.0)]
    public void VonMisesSamplesHaveTheClosedFormMeanHeight(int d, double kappa)
    {
        const int n = 20000;
        var law = new VonMisesMixtureLaw([new VonMisesComponent(1, 0, kappa) { Direction = d == 3 ? [0, 0, 1] : null }], 11);
        var x = law.Sample(n, d, "t.yaml");
        // The pole: e_1 at mean angle 0 on the circle, e_d otherwise.
        int pole = d == 2 ? 0 : d - 1;
        var t = Enumerable.Range(0, n).Select(i => x[i * d + pole]).ToArray();
        const int grid = 20000;
        double num = 0, den = 0;
        for (int j = 0; j < grid; j++)
        {
            double theta = Math.PI * (j + 0.5) / grid, ct = Math.Cos(theta);
            double w = Math.Exp(kappa * (ct - 1)) * Math.Pow(Math.Sin(theta), d - 2);
            num += ct * w;
            den += w;
        }
        double exact = num / den, m = t.Average();
        double se = Math.Sqrt(t.Select(v => (v - m) * (v - m)).Sum() / (n - 1) / n);
        Assert.That(m, Is.EqualTo(exact).Within(5 * se));
        for (int i = 0; i < n; i++)
        {
            double norm2 = 0;
            for (int a = 0; a < d; a++) norm2 += x[i * d + a] * x[i * d + a];
            Assert.That(norm2, Is.EqualTo(1).Within(1e-14));
        }
    }

    [Test]
    public void PerturbedUniformCircleCoefficientsAreTheDocumentedDraw()
    {
        var c = new PerturbedUniformLaw(0.1, 5, 9).CircleCoefficients(20);
        Assert.That(c.Length, Is.EqualTo(6));
        Assert.That(c[0].Real, Is.EqualTo(1 / (2 * Math.PI)));
        var rng = new RandomStream(9, RandomStreams.InitialCondition);
        for (int k = 1; k <= 5; k++)
        {
            double a = rng.NextDouble(), phase = 2 * Math.PI * rng.NextDouble();
            var expected = 0.05 * a / (2 * Math.PI) * new Complex(Math.Cos(phase), Math.Sin(phase));
            Assert.That((c[k] - expected).Magnitude, Is.LessThan(1e-17), $"k = {k}");
        }
    }

    [Test]
    public void EveryInitialKindMapsToALawOfThatKind()
    {
        foreach (var kind in Enum.GetValues<InitialKind>())
            Assert.That(InitialLawMapping.FromConfig(new InitialConfig { Kind = kind }, 1).Kind, Is.EqualTo(kind));
    }

    [Test]
    public void ALawOutsideItsBasisIsAConfigErrorNamingTheAllowedKinds()
    {
        var e = Assert.Throws<ConfigException>(() => new HarmonicsLaw([], 1).CircleCoefficients(4));
        Assert.That(e!.Message, Does.Contain("harmonics").And.Contain("fourier"));
        e = Assert.Throws<ConfigException>(() => new EquiangularLaw(0, 1).ZonalCoefficients(5, 4));
        Assert.That(e!.Message, Does.Contain("gegenbauer"));
    }
}
