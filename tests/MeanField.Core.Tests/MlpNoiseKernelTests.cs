using MeanField.Core.Noise;

namespace MeanField.Core.Tests;

public class MlpNoiseKernelTests
{
    // Table 1 of P3 (MATH §5): activation, d, σ = σ_U = σ_W, κ(1), κ'(1), λ₁, λ̄ — to the printed digits.
    [TestCase("relu", 5, 0.0, 0.100, 0.100, -0.100, 0.200)]
    [TestCase("relu", 5, 0.1, 0.115, 0.100, -0.130, 0.170)]
    [TestCase("relu", 64, 0.0, 7.81e-3, 7.81e-3, -7.81e-3, 1.56e-2)]
    [TestCase("relu", 64, 0.1, 2.28e-2, 7.81e-3, -0.480, -0.899)]
    [TestCase("relu", 128, 0.1, 1.89e-2, 3.91e-3, -0.956, -1.87)]
    [TestCase("sigmoid", 5, 0.0, 0.261, 1.14e-2, -0.511, -0.477)]
    [TestCase("sigmoid", 64, 0.0, 0.251, 9.69e-4, -7.88, -15.2)]
    [TestCase("tanh", 5, 0.0, 0.147, 0.151, -0.144, 0.309)]
    [TestCase("tanh", 64, 0.1, 3.44e-2, 1.49e-2, -0.629, -1.16)]
    [TestCase("silu", 5, 0.0, 5.65e-2, 5.84e-2, -5.45e-2, 0.121)]
    [TestCase("silu", 128, 0.1, 1.45e-2, 1.99e-3, -0.797, -1.56)]
    public void ReproducesTable1OfP3(string activation, int d, double sigma, double kappa, double kappaPrime, double lambda1, double lambdaBar)
    {
        var k = new MlpNoiseKernel(MlpActivations.Parse(activation), d, sigma, sigma);
        Assert.That(k.Kappa(1), Is.EqualTo(kappa).Within(PrintedHalfUnit(kappa)), "κ(1)");
        Assert.That(k.KappaPrime(1), Is.EqualTo(kappaPrime).Within(PrintedHalfUnit(kappaPrime)), "κ'(1)");
        Assert.That(k.TopLyapunovExponent, Is.EqualTo(lambda1).Within(PrintedHalfUnit(lambda1)), "λ₁");
        Assert.That(k.CoercivityExponent, Is.EqualTo(lambdaBar).Within(PrintedHalfUnit(lambdaBar)), "λ̄");
    }

    /// <summary>Half a unit in the last of the three printed significant digits (plus rounding slack).</summary>
    private static double PrintedHalfUnit(double printed)
    {
        double exponent = Math.Floor(Math.Log10(Math.Abs(printed)));
        return 0.5 * Math.Pow(10, exponent - 2) * 1.0001 + 1e-12;
    }

    [TestCase(5, 0.0)]
    [TestCase(64, 0.1)]
    [TestCase(128, 0.3)]
    public void ReluExponentsMatchTheClosedFormsOfRow35(int d, double sigma)
    {
        var k = new MlpNoiseKernel(MlpActivation.Relu, d, sigma, sigma);
        double s2 = sigma * sigma;
        Assert.That(k.TopLyapunovExponent, Is.EqualTo(-1.0 / (2 * d) - (s2 + 2 * s2) * (d - 1) / 4).Within(1e-14));
        Assert.That(k.CoercivityExponent, Is.EqualTo(1.0 / d - (s2 + 2 * s2) * (d - 3) / 2).Within(1e-14));
    }

    [Test]
    public void AttentionCoercivityOfRow38()
    {
        // ReLU, d = 64, σ = 0.1, β = 1: λ̄' = −0.35087 with the infimum at u = −1 (MATH §5, §10 row 38).
        var (value, minimiser) = new MlpNoiseKernel(MlpActivation.Relu, 64, 0.1, 0.1).AttentionCoercivityExponent(1.0);
        Assert.That(value, Is.EqualTo(-0.35087).Within(5e-6));
        Assert.That(minimiser, Is.EqualTo(-1.0));
        Assert.That(new MlpNoiseKernel(MlpActivation.Relu, 128, 0.1, 0.1).AttentionCoercivityExponent(1.0).Value, Is.EqualTo(-0.642).Within(5e-4));
        Assert.That(new MlpNoiseKernel(MlpActivation.Sigmoid, 5, 0, 0).AttentionCoercivityExponent(1.0).Value, Is.EqualTo(-0.313).Within(5e-4));
    }

    [TestCase(-1.0)]
    [TestCase(-0.3)]
    [TestCase(0.5)]
    [TestCase(0.999)]
    public void QuadratureMatchesClosedForms(double u)
    {
        const int d = 8;
        const double su = 0.3, sw = 0.2;
        double a = 1.0 / d + su * su, c = u / d + su * su;
        // Identity: κ(u) = Cov + σ_W²; κ' = 1/d.
        var identity = new MlpNoiseKernel(MlpActivation.Identity, d, su, sw);
        Assert.That(identity.Kappa(u), Is.EqualTo(c + sw * sw).Within(1e-14));
        Assert.That(identity.KappaPrime(u), Is.EqualTo(1.0 / d).Within(1e-14));
        // erf (Williams 1997): E[erf(V₁)erf(V₂)] = (2/π) arcsin(2c/(1+2a)); E[erf'(V₁)erf'(V₂)] = (4/π)/√((1+2a)² − 4c²).
        var erf = new MlpNoiseKernel(MlpActivation.Erf, d, su, sw);
        Assert.That(erf.Kappa(u), Is.EqualTo(2 / Math.PI * Math.Asin(2 * c / (1 + 2 * a)) + sw * sw).Within(1e-13));
        Assert.That(erf.KappaPrime(u), Is.EqualTo(4 / Math.PI / Math.Sqrt((1 + 2 * a) * (1 + 2 * a) - 4 * c * c) / d).Within(1e-13));
    }

    [Test]
    public void KappaPrimeIsTheDerivativeOfKappa()
    {
        foreach (var activation in Enum.GetValues<MlpActivation>())
        {
            var k = new MlpNoiseKernel(activation, 16, 0.2, 0.1);
            foreach (double u in new[] { -0.8, -0.2, 0.3, 0.7 })
            {
                double h = 1e-4, numeric = (k.Kappa(u + h) - k.Kappa(u - h)) / (2 * h);
                Assert.That(k.KappaPrime(u), Is.EqualTo(numeric).Within(1e-7 + 1e-5 * Math.Abs(numeric)), $"{activation} at u = {u}");
            }
        }
    }
}
