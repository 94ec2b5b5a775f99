using MathNet.Numerics.Integration;
using MeanField.Core;

namespace MeanField.Core.Tests;

[TestFixture]
public class FunkHeckeTests
{
    // MATH §10 row 1: d=2, β=3, Λ_n = 2π I_n(β) for n = 0, 1, 2, 5 (10 significant digits).
    [TestCase(0, 30.66692426, 5e-9)]
    [TestCase(1, 24.83975766, 5e-9)]
    [TestCase(2, 14.10708582, 5e-9)]
    [TestCase(5, 0.5730672004, 5e-11)]
    public void Row1CircleEigenvalues(int n, double expected, double halfUlpOfPrint)
        => Assert.That(FunkHecke.Eigenvalue(n, 3.0, 2), Is.EqualTo(expected).Within(halfUlpOfPrint));

    // MATH §10 row 2: d=3, β=10, Λ_n = 4π i_n(β).
    [TestCase(0, 13839.6366, 5e-5)]
    [TestCase(1, 12455.67299, 5e-6)]
    [TestCase(2, 10102.9347, 5e-5)]
    [TestCase(5, 2976.213972, 5e-7)]
    public void Row2SphereEigenvalues(int n, double expected, double halfUlpOfPrint)
        => Assert.That(FunkHecke.Eigenvalue(n, 10.0, 3), Is.EqualTo(expected).Within(halfUlpOfPrint));

    [Test]
    public void CircleEigenvaluesAreTwoPiBesselI()
    {
        // Λ_n = ∫_0^{2π} e^{β cos θ} cos(nθ) dθ; the trapezoidal rule is exponentially accurate for periodic integrands.
        foreach (double beta in new[] { 0.5, 3.0, 10.0, 40.0 })
        {
            for (int n = 0; n <= 12; n++)
            {
                const int m = 512;
                double sum = 0, sumAbs = 0;
                for (int j = 0; j < m; j++)
                {
                    double th = 2 * Math.PI * j / m;
                    double f = Math.Exp(beta * Math.Cos(th)) * Math.Cos(n * th);
                    sum += f;
                    sumAbs += Math.Abs(f);
                }
                double quad = 2 * Math.PI / m * sum;
                double scale = 2 * Math.PI / m * sumAbs;
                Assert.That(FunkHecke.Eigenvalue(n, beta, 2), Is.EqualTo(quad).Within(1e-14 * scale), $"n={n}, β={beta}");
                Assert.That(FunkHecke.Eigenvalue(n, beta, 2),
                    Rel.To(2 * Math.PI * MathNet.Numerics.SpecialFunctions.BesselI(n, beta), 1e-13));
            }
        }
    }

    [Test]
    public void MatchesFunkHeckeQuadrature([Values(3, 4, 5)] int d, [Values(0.5, 3.0, 10.0)] double beta)
    {
        // Λ_n = |S^{d−2}| ∫_{−1}^{1} e^{βt} P_n^{(d)}(t) (1−t²)^{(d−3)/2} dt; with t = cos φ this is
        // |S^{d−2}| ∫_0^π e^{β cos φ} P_n^{(d)}(cos φ) sin^{d−2} φ dφ (smooth, so Gauss–Legendre converges fast).
        double sphereBelow = d switch { 3 => 2 * Math.PI, 4 => 4 * Math.PI, 5 => 2 * Math.PI * Math.PI, _ => throw new ArgumentException() };
        for (int n = 0; n <= 6; n++)
        {
            double Integrand(double phi) => Math.Exp(beta * Math.Cos(phi)) * Gegenbauer(n, d, Math.Cos(phi)) * Math.Pow(Math.Sin(phi), d - 2);
            double quad = sphereBelow * GaussLegendreRule.Integrate(Integrand, 0, Math.PI, 128);
            double scale = sphereBelow * GaussLegendreRule.Integrate(p => Math.Abs(Integrand(p)), 0, Math.PI, 128);
            Assert.That(FunkHecke.Eigenvalue(n, beta, d), Is.EqualTo(quad).Within(1e-13 * scale), $"n={n}");
        }
    }

    [Test]
    public void Dimension3ClosedForms()
    {
        // Λ_n = 4π i_n(β): i_0 = sinh β/β, i_1 = (β cosh β − sinh β)/β², i_2 = ((β²+3) sinh β − 3β cosh β)/β³.
        foreach (double b in new[] { 0.7, 2.0, 5.0, 10.0, 30.0, 300.0 })
        {
            for (int n = 0; n < 3; n++)
            {
                var (iS, cond) = BesselTests.ScaledSphericalI(n, b);
                Assert.That(FunkHecke.LogEigenvalue(n, b, 3), Is.EqualTo(Math.Log(4 * Math.PI * iS) + b).Within(1e-15 * (8 * cond + b)), $"n={n}, β={b}");
            }
        }
    }

    [Test]
    public void HighDimensionAndLargeBetaDoNotOverflow()
    {
        double log = FunkHecke.LogEigenvalue(3, 1000, 4096);
        Assert.That(double.IsFinite(log), Is.True);
        // log Λ_1 = (d/2) log 2π + (1 − d/2) log β + log I_{d/2}(β) with mpmath: log I_{2048}(1000) = −725.79412178784879440.
        double want = 2048 * Math.Log(2 * Math.PI) - 2047 * Math.Log(1000) + -725.7941217878487944038;
        Assert.That(FunkHecke.LogEigenvalue(1, 1000, 4096), Is.EqualTo(want).Within(1e-11));
        Assert.That(FunkHecke.Eigenvalue(1, 1000, 4096), Is.EqualTo(0.0)); // true value ≈ e^{−10116}: underflows legitimately
        Assert.That(FunkHecke.Eigenvalue(0, 1000, 2), Is.EqualTo(double.PositiveInfinity)); // ≈ 2π e^{995.6}: overflows legitimately
        double r = FunkHecke.RatioToDegreeZero(5, 1000, 4096);
        Assert.That(r, Is.GreaterThan(0).And.LessThan(1));
    }

    [Test]
    public void RatioToDegreeZeroIsTheVonMisesFisherMeanResultant()
    {
        // A_d(β) = I_{d/2}/I_{d/2−1} (MATH §1.1, §8): A_3(10) = 0.9000000041, A_2(10) = 0.94860.
        Assert.That(FunkHecke.RatioToDegreeZero(1, 10, 3), Is.EqualTo(0.9000000041).Within(5e-11));
        Assert.That(FunkHecke.RatioToDegreeZero(1, 10, 2), Is.EqualTo(0.94860).Within(5e-6));
        Assert.That(FunkHecke.RatioToDegreeZero(0, 10, 7), Is.EqualTo(1.0));
        foreach (int d in new[] { 2, 3, 8, 100 })
            for (int n = 0; n <= 8; n++)
                Assert.That(FunkHecke.RatioToDegreeZero(n, 7.5, d),
                    Rel.To(FunkHecke.Eigenvalue(n, 7.5, d) / FunkHecke.Eigenvalue(0, 7.5, d), 1e-13));
        // 1 − (d−1)/(2β) + O(β^{−2})
        Assert.That(FunkHecke.RatioToDegreeZero(1, 1e6, 10), Is.EqualTo(1 - 9 / 2e6).Within(1e-10));
    }

    [Test]
    public void BetaZeroIsTheConstantKernel()
    {
        Assert.That(FunkHecke.Eigenvalue(0, 0, 3), Rel.To(4 * Math.PI, 1e-14));
        Assert.That(FunkHecke.Eigenvalue(2, 0, 3), Is.EqualTo(0.0));
        Assert.That(FunkHecke.Eigenvalue(0, 1e-12, 3), Rel.To(4 * Math.PI, 1e-10));
        Assert.Throws<ArgumentOutOfRangeException>(() => FunkHecke.Eigenvalue(0, -1, 3));
        Assert.Throws<ArgumentOutOfRangeException>(() => FunkHecke.Eigenvalue(-1, 1, 3));
        Assert.Throws<ArgumentOutOfRangeException>(() => FunkHecke.Eigenvalue(0, 1, 1));
    }

    /// <summary>P_n^{(d)} normalised to P_n(1) = 1: P_{n+1} = ((2n+d−2) t P_n − n P_{n−1})/(n+d−2).</summary>
    private static double Gegenbauer(int n, int d, double t)
    {
        double p0 = 1, p1 = t;
        if (n == 0) return p0;
        for (int k = 1; k < n; k++)
        {
            double p2 = ((2.0 * k + d - 2) * t * p1 - k * p0) / (k + d - 2.0);
            p0 = p1;
            p1 = p2;
        }
        return p1;
    }
}

[TestFixture]
public class SphereGeometryTests
{
    [Test]
    public void SurfaceAreas()
    {
        double pi = Math.PI;
        Assert.That(SphereGeometry.SurfaceArea(2), Rel.To(2 * pi, 2e-14));
        Assert.That(SphereGeometry.SurfaceArea(3), Rel.To(4 * pi, 2e-14));
        Assert.That(SphereGeometry.SurfaceArea(4), Rel.To(2 * pi * pi, 2e-14));
        Assert.That(SphereGeometry.SurfaceArea(5), Rel.To(8 * pi * pi / 3, 2e-14));
        Assert.That(SphereGeometry.SurfaceArea(6), Rel.To(pi * pi * pi, 2e-14));
        // |S^{d+1}| = 2π/d · |S^{d−1}|
        for (int d = 2; d < 300; d++)
            Assert.That(SphereGeometry.LogSurfaceArea(d + 2) - SphereGeometry.LogSurfaceArea(d),
                Is.EqualTo(Math.Log(2 * pi / d)).Within(1e-12), $"d={d}");
        Assert.That(double.IsFinite(SphereGeometry.LogSurfaceArea(4096)), Is.True);
        Assert.That(SphereGeometry.LogSurfaceArea(4096), Is.EqualTo(Math.Log(2) + 2048 * Math.Log(pi) - BesselTests.LogGammaBySummation(2048)).Within(1e-11));
    }

    [Test]
    public void HarmonicDimensions()
    {
        for (int n = 0; n <= 50; n++)
        {
            Assert.That(SphereGeometry.HarmonicDimension(n, 2), Is.EqualTo(n == 0 ? 1 : 2));
            Assert.That(SphereGeometry.HarmonicDimension(n, 3), Is.EqualTo(2 * n + 1));
            Assert.That(SphereGeometry.HarmonicDimension(n, 4), Is.EqualTo((n + 1) * (n + 1)));
            Assert.That(SphereGeometry.HarmonicDimension(n, 5), Is.EqualTo((n + 1) * (n + 2) * (2 * n + 3) / 6));
            foreach (int d in new[] { 2, 3, 7, 64 })
                Assert.That(Math.Exp(SphereGeometry.LogHarmonicDimension(n, d)),
                    Rel.To(SphereGeometry.HarmonicDimension(n, d), 1e-12));
        }
        // C(n+d−1, n) − C(n+d−3, n−2) for d = 10, n = 7: C(16,7) − C(14,5) = 11440 − 2002
        Assert.That(SphereGeometry.HarmonicDimension(7, 10), Is.EqualTo(11440 - 2002));
        Assert.That(SphereGeometry.HarmonicDimension(1, 4096), Is.EqualTo(4096));
        Assert.That(SphereGeometry.HarmonicDimension(2, 4096), Is.EqualTo(4096.0 * 4097 / 2 - 1));
        // Σ_{n≤N} N_{n,d} = dimension of polynomials of degree ≤ N restricted to the sphere = C(N+d−1, d−1) + C(N+d−2, d−1)
        double total = 0;
        for (int n = 0; n <= 10; n++) total += SphereGeometry.HarmonicDimension(n, 6);
        Assert.That(total, Is.EqualTo(3003 + 2002)); // C(15,5) + C(14,5)
    }

    [Test]
    public void LaplacianEigenvalues()
    {
        Assert.That(SphereGeometry.LaplacianEigenvalue(0, 3), Is.EqualTo(0));
        Assert.That(SphereGeometry.LaplacianEigenvalue(3, 2), Is.EqualTo(9));
        Assert.That(SphereGeometry.LaplacianEigenvalue(3, 3), Is.EqualTo(12));
        Assert.That(SphereGeometry.LaplacianEigenvalue(2, 4096), Is.EqualTo(2.0 * 4096));
        Assert.Throws<ArgumentOutOfRangeException>(() => SphereGeometry.LaplacianEigenvalue(1, 1));
    }
}
