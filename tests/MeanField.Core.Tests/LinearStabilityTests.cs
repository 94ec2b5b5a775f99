using MeanField.Core;
using static MeanField.Core.AttentionKind;

namespace MeanField.Core.Tests;

[TestFixture]
public class LinearStabilityTests
{
    private static readonly double[] Row7Betas = [1, 2, 3, 4, 5, 6, 7, 8, 10, 12, 15, 20, 25, 30, 40, 50, 60, 80, 100];

    // MATH §10 rows 3–6 (d = 2). Tolerance: half a unit in the last printed digit.
    [TestCase(USA, 5.0, 2, 14.0045, 5e-5)]   // row 3
    [TestCase(USA, 5.0, 3, 18.5961, 5e-5)]
    [TestCase(USA, 5.0, 4, 16.3464, 5e-5)]
    [TestCase(USA, 7.0, 3, 109.511, 5e-4)]   // row 4
    [TestCase(USA, 7.0, 4, 116.580, 5e-4)]
    [TestCase(USA, 7.0, 5, 96.020, 5e-4)]
    [TestCase(SA, 5.0, 3, 0.68268, 5e-6)]    // row 5
    [TestCase(SA, 3.0, 2, 0.61335, 5e-6)]    // row 6
    public void CircleRatesRows3To6(AttentionKind a, double beta, int k, double expected, double tol)
        => Assert.That(LinearStability.GrowthRate(a, k, beta, 2), Is.EqualTo(expected).Within(tol));

    // MATH §10 rows 5 and 6 print 0.60010 and 0.58993; the exact values k²I_k(β)/(βI_0(β)) are
    // 0.600089140 (β=5, k=4) and 0.589916666 (β=3, k=3) (mpmath, 30 digits), so the printed last digits are off by one.
    [TestCase(5.0, 4, 0.60008913953451175)]
    [TestCase(3.0, 3, 0.58991666575352565)]
    public void CircleRatesRows5And6Corrected(double beta, int k, double exact)
        => Assert.That(LinearStability.GrowthRate(SA, k, beta, 2), Rel.To(exact, 1e-14));

    [Test]
    public void CircleClosedForms()
    {
        // d = 2: USA λ_k = k² I_k(β)/β, SA λ_k = k² I_k(β)/(β I_0(β)); I_k from MathNet (independent code).
        foreach (double b in new[] { 0.3, 1.0, 5.0, 20.0, 100.0, 300.0 })
        {
            for (int k = 1; k <= 30; k++)
            {
                double ik = MathNet.Numerics.SpecialFunctions.BesselIScaled(k, b);
                double i0 = MathNet.Numerics.SpecialFunctions.BesselIScaled(0, b);
                if (ik < 1e-280) continue;
                double logUsa = Math.Log(k * k * ik / b) + b;
                Assert.That(LinearStability.LogGrowthRateUndamped(USA, k, b, 2), Is.EqualTo(logUsa).Within(1e-12 * Math.Max(1, logUsa)), $"k={k}, β={b}");
                Assert.That(LinearStability.GrowthRate(SA, k, b, 2), Rel.To(k * k * ik / (b * i0), 1e-12), $"k={k}, β={b}");
            }
        }
    }

    [Test]
    public void SphereClosedForms([Values(0.5, 2.0, 5.0, 12.0)] double b)
    {
        // d = 3: USA λ_n = n(n+1) i_n(β)/β, SA λ_n = n(n+1) i_n(β)/sinh β.
        for (int n = 1; n <= 2; n++)
        {
            var (iS, cond) = BesselTests.ScaledSphericalI(n, b); // e^{−β} i_n(β)
            double tol = 2.3e-16 * (8 * cond + 2 * b + 8);
            Assert.That(LinearStability.GrowthRate(USA, n, b, 3), Rel.To(n * (n + 1) * iS * Math.Exp(b) / b, tol), $"n={n}");
            Assert.That(LinearStability.GrowthRate(SA, n, b, 3), Rel.To(n * (n + 1) * iS / (0.5 * (1 - Math.Exp(-2 * b))), tol), $"n={n}");
        }
    }

    [Test]
    public void SphereClosedFormsAtLargeBetaInLogSpace([Values(50.0, 200.0, 500.0, 1000.0)] double b)
    {
        // e^{−β} i_n(β) without overflow: e^{−β} sinh β = (1−e^{−2β})/2, e^{−β} cosh β = (1+e^{−2β})/2.
        double shS = 0.5 * (1 - Math.Exp(-2 * b));
        for (int n = 1; n <= 2; n++)
        {
            var (iS, _) = BesselTests.ScaledSphericalI(n, b);
            double logUsa = Math.Log(n * (n + 1) * iS / b) + b;
            Assert.That(LinearStability.LogGrowthRateUndamped(USA, n, b, 3), Is.EqualTo(logUsa).Within(4e-16 * b + 1e-14), $"n={n}");
            Assert.That(LinearStability.GrowthRate(SA, n, b, 3), Rel.To(n * (n + 1) * iS / shS, 1e-14), $"n={n}");
        }
        var (i1, _) = BesselTests.ScaledSphericalI(1, b);
        Assert.That(LinearStability.GrowthRate(USA, 1, b, 3), b < 700 ? Rel.To(2 * i1 / b * Math.Exp(b), 1e-15 * b) : Is.EqualTo(double.PositiveInfinity));
    }

    // Rows 7, 8, 9: n*(β) for d = 2, 3, 4 over the β list of row 7.
    [TestCase(2, new[] { 1, 2, 2, 3, 3, 3, 4, 4, 4, 5, 5, 6, 7, 8, 9, 10, 11, 13, 14 })]
    [TestCase(3, new[] { 1, 2, 2, 2, 3, 3, 3, 4, 4, 4, 5, 6, 7, 7, 8, 10, 10, 12, 14 })]
    [TestCase(4, new[] { 1, 1, 2, 2, 2, 3, 3, 3, 4, 4, 5, 5, 6, 7, 8, 9, 10, 12, 13 })]
    public void DominantIndexRows7To9(int d, int[] expected)
    {
        for (int i = 0; i < Row7Betas.Length; i++)
        {
            Assert.That(LinearStability.DominantIndex(USA, Row7Betas[i], d), Is.EqualTo(expected[i]), $"β={Row7Betas[i]}");
            Assert.That(LinearStability.DominantIndex(SA, Row7Betas[i], d), Is.EqualTo(expected[i]), $"SA β={Row7Betas[i]}");
        }
    }

    // Rows 10, 11 and §4.2 (d = 4): n* jumps from k to k+1 at β_k.
    [TestCase(2, new[] { 1.04446, 3.16543, 6.21130, 10.22848, 15.23628, 21.24045, 28.24296, 36.24458, 45.24570 })]
    [TestCase(3, new[] { 1.81615, 4.42529, 7.96238, 12.47743, 17.98489, 24.48915, 31.99181, 40.49359, 49.99485 })]
    [TestCase(4, new[] { 2.52852, 5.65582, 9.69879, 14.71761, 20.72756, 27.73348, 35.73731, 44.73994, 54.74182 })]
    public void SwitchingPoints(int d, double[] betaK)
    {
        for (int k = 1; k <= betaK.Length; k++)
        {
            double b = betaK[k - 1];
            Assert.That(LinearStability.DominantIndex(USA, b - 2e-5, d), Is.EqualTo(k), $"below β_{k}");
            Assert.That(LinearStability.DominantIndex(USA, b + 2e-5, d), Is.EqualTo(k + 1), $"above β_{k}");
        }
    }

    [Test]
    public void Row12SaMaximumRateApproachesTwoOverE()
    {
        int nStar = LinearStability.DominantIndex(SA, 100, 2);
        Assert.That(LinearStability.GrowthRate(SA, nStar, 100, 2), Is.EqualTo(0.7332).Within(5e-5));
        double big = LinearStability.GrowthRate(SA, LinearStability.DominantIndex(SA, 1e5, 3), 1e5, 3);
        Assert.That(big, Is.EqualTo(2 / Math.E).Within(0.002));
        // §4.2: USA maximum at d = 2, β = 100 is 7.87e41.
        Assert.That(LinearStability.GrowthRate(USA, LinearStability.DominantIndex(USA, 100, 2), 100, 2), Is.EqualTo(7.87e41).Within(0.005e41));
    }

    [Test]
    public void Row13Sphere()
    {
        Assert.That(LinearStability.DominantIndex(USA, 5, 3), Is.EqualTo(3));
        Assert.That(LinearStability.GrowthRate(USA, 3, 5, 3), Is.EqualTo(9.97809).Within(5e-6));
        Assert.That(LinearStability.GrowthRate(SA, 3, 5, 3), Is.EqualTo(0.672349).Within(5e-7));
    }

    [Test]
    public void Row27ThresholdTendsToDAsBetaVanishes()
    {
        foreach (int d in new[] { 2, 3, 4, 10, 4096 })
        {
            Assert.That(1 / LinearStability.DiffusionThreshold(USA, 1, 1e-7, d), Rel.To(d, 1e-6));
            Assert.That(1 / LinearStability.DiffusionThreshold(SA, 1, 1e-7, d), Rel.To(d, 1e-6));
            Assert.That(1 / LinearStability.DiffusionThreshold(USA, 1, 0, d), Rel.To(d, 1e-13));
            Assert.That(LinearStability.MunRosenzweigKSharp(0, d), Rel.To(d / 2.0, 1e-13)); // row 33
        }
    }

    [Test]
    public void Row28Dimension3UsaThresholdIsE()
    {
        Assert.That(1 / LinearStability.DiffusionThreshold(USA, 1, 1, 3), Rel.To(Math.E, 1e-13));
        foreach (double b in new[] { 0.3, 1, 4, 20 }) // κ = β³/(β cosh β − sinh β)
            Assert.That(1 / LinearStability.DiffusionThreshold(USA, 1, b, 3),
                Rel.To(b * b * b / (b * Math.Cosh(b) - Math.Sinh(b)), 1e-12));
    }

    [TestCase(0.5, 1.938779)]
    [TestCase(1.0, 1.769413)]
    [TestCase(2.0, 1.257358)]
    [TestCase(5.0, 0.205460)]
    [TestCase(10.0, 0.003744)]
    public void Row29CircleUsaThreshold(double beta, double kappa)
        => Assert.That(1 / LinearStability.DiffusionThreshold(USA, 1, beta, 2), Is.EqualTo(kappa).Within(5e-7));

    [Test]
    public void Row30SphereSaThreshold()
    {
        Assert.That(1 / LinearStability.DiffusionThreshold(SA, 1, 10, 3), Is.EqualTo(11.1111).Within(5e-5));
        double b = 10; // β/L(β), L = coth − 1/β
        Assert.That(1 / LinearStability.DiffusionThreshold(SA, 1, b, 3), Rel.To(b / (1 / Math.Tanh(b) - 1 / b), 1e-13));
    }

    // Row 31 and the §7 table: β_* solves I_{d/2+1}(β)/I_{d/2}(β) = 1/d; K_#(β_*) as printed.
    [TestCase(2, 2.4469183113, 0.5101354797)]
    [TestCase(3, 1.8161545254, 1.0939627109)]
    [TestCase(4, 1.5752571501, 1.6346518898)]
    [TestCase(5, 1.4454854325, 2.1585464412)]
    [TestCase(6, 1.3638674005, 2.6742572285)]
    [TestCase(8, 1.2665530245, 3.6936480686)]
    [TestCase(10, 1.2103970631, 4.7051478662)]
    [TestCase(16, 1.1289715755, 7.7221979957)]
    [TestCase(32, 1.0634809533, 15.7362059062)]
    [TestCase(64, 1.0314944262, 31.7431323411)]
    [TestCase(128, 1.0156860534, 63.7465739393)]
    public void Row31CriticalBetaAndKSharp(int d, double betaStar, double kAtBetaStar)
    {
        // I_{d/2+1}/I_{d/2} = Λ_2/Λ_1 increases from 0 to 1 with β: bisection.
        double F(double b) => Math.Exp(FunkHecke.LogEigenvalue(2, b, d) - FunkHecke.LogEigenvalue(1, b, d)) - 1.0 / d;
        double lo = 0.5, hi = 5;
        Assert.That(F(lo) < 0 && F(hi) > 0, Is.True);
        for (int it = 0; it < 200 && hi - lo > 1e-15; it++)
        {
            double mid = 0.5 * (lo + hi);
            if (F(mid) < 0) lo = mid; else hi = mid;
        }
        Assert.That(0.5 * (lo + hi), Is.EqualTo(betaStar).Within(5e-10));
        Assert.That(LinearStability.MunRosenzweigKSharp(betaStar, d), Is.EqualTo(kAtBetaStar).Within(5e-10));
    }

    // Row 32 and the §7 K_# table (d = 2, 3, 4; β = 0.5, 1, 2, 5, 10).
    [TestCase(2, new[] { 0.969389, 0.884707, 0.628679, 0.102730, 0.0018720 })]
    [TestCase(3, new[] { 1.463095, 1.359141, 1.026291, 0.210547, 0.0050444 })]
    [TestCase(4, new[] { 1.958870, 1.841652, 1.451487, 0.357028, 0.0109576 })]
    public void Row32KSharpTable(int d, double[] values)
    {
        double[] betas = [0.5, 1, 2, 5, 10];
        for (int i = 0; i < betas.Length; i++)
        {
            double tol = values[i] < 0.05 ? 5e-8 : 5e-7;
            Assert.That(LinearStability.MunRosenzweigKSharp(betas[i], d), Is.EqualTo(values[i]).Within(tol), $"β={betas[i]}");
            // K_# = κ_{R,1}/2 with κ_{R,1} = 1/D threshold
            Assert.That(LinearStability.MunRosenzweigKSharp(betas[i], d),
                Rel.To(0.5 / LinearStability.DiffusionThreshold(USA, 1, betas[i], d), 1e-14));
        }
    }

    [Test]
    public void DiffusionDampsAndThresholdIsTheZeroOfTheRate()
    {
        foreach (var a in new[] { USA, SA })
        {
            foreach (int d in new[] { 2, 3, 5 })
            {
                for (int n = 1; n <= 6; n++)
                {
                    double dth = LinearStability.DiffusionThreshold(a, n, 4.0, d);
                    double lam = LinearStability.GrowthRate(a, n, 4.0, d);
                    Assert.That(LinearStability.GrowthRate(a, n, 4.0, d, dth), Is.EqualTo(0).Within(1e-13 * lam));
                    double m = n * (n + d - 2.0);
                    Assert.That(LinearStability.GrowthRate(a, n, 4.0, d, 0.1), Is.EqualTo(lam - 0.1 * m).Within(1e-13 * (lam + m)));
                }
            }
        }
        // Strong diffusion: every mode decays, the least damped is still n = 1.
        Assert.That(LinearStability.DominantIndex(USA, 5, 2, diffusion: 100), Is.EqualTo(1));
        Assert.That(LinearStability.GrowthRate(USA, 1, 5, 2, 100), Is.LessThan(0));
        // Moderate diffusion moves n* down: at β = 100, d = 2 (n* = 14) with D = a_14 the top band is suppressed.
        int damped = LinearStability.DominantIndex(SA, 100, 2, diffusion: LinearStability.DiffusionThreshold(SA, 10, 100, 2));
        Assert.That(damped, Is.LessThan(10).And.GreaterThanOrEqualTo(1));
        for (int n = 1; n <= 40; n++)
            Assert.That(LinearStability.GrowthRate(SA, n, 100, 2, 0.01), Is.LessThanOrEqualTo(LinearStability.GrowthRate(SA, LinearStability.DominantIndex(SA, 100, 2, 0.01), 100, 2, 0.01)));
    }

    [Test]
    public void LargeBetaAndHighDimension()
    {
        // d = 4096, β = 1000: finite logs; n* = 1 since I_{ν+1}/I_ν ≈ 0.23 there.
        foreach (var a in new[] { USA, SA })
        {
            Assert.That(double.IsFinite(LinearStability.LogGrowthRateUndamped(a, 1, 1000, 4096)), Is.True);
            Assert.That(LinearStability.DominantIndex(a, 1000, 4096), Is.EqualTo(1));
            Assert.That(double.IsFinite(LinearStability.GrowthRate(a, 3, 1000, 4096, 0.5)), Is.True);
        }
        // USA on the circle at β = 1000 overflows legitimately (≈ e^{1000}); the log is finite, n* ≈ √(2β).
        Assert.That(LinearStability.GrowthRate(USA, 40, 1000, 2), Is.EqualTo(double.PositiveInfinity));
        Assert.That(LinearStability.GrowthRate(USA, 40, 1000, 2, 1.0), Is.EqualTo(double.PositiveInfinity));
        int nStar = LinearStability.DominantIndex(USA, 1000, 2);
        Assert.That(nStar, Is.InRange(40, 50));
        Assert.That(LinearStability.DominantIndex(SA, 1000, 2), Is.EqualTo(nStar));
        // Log rates at the peak vs the neighbours (unimodality), in log form.
        double l = LinearStability.LogGrowthRateUndamped(USA, nStar, 1000, 2);
        Assert.That(l, Is.GreaterThan(LinearStability.LogGrowthRateUndamped(USA, nStar - 1, 1000, 2)));
        Assert.That(l, Is.GreaterThan(LinearStability.LogGrowthRateUndamped(USA, nStar + 1, 1000, 2)));
        // SA rate stays O(1) and approaches 2/e.
        Assert.That(LinearStability.GrowthRate(SA, nStar, 1000, 2), Is.EqualTo(2 / Math.E).Within(0.01));
    }

    [Test]
    public void DegreeZeroAndArgumentChecks()
    {
        Assert.That(LinearStability.GrowthRate(USA, 0, 3, 3), Is.EqualTo(0.0));
        Assert.That(LinearStability.GrowthRate(SA, 0, 3, 3, 1.0), Is.EqualTo(0.0));
        Assert.That(LinearStability.LogGrowthRateUndamped(USA, 0, 3, 3), Is.EqualTo(double.NegativeInfinity));
        Assert.Throws<ArgumentOutOfRangeException>(() => LinearStability.DiffusionThreshold(USA, 0, 3, 3));
        Assert.Throws<ArgumentOutOfRangeException>(() => LinearStability.GrowthRate(USA, 1, 3, 3, -1));
        Assert.Throws<ArgumentOutOfRangeException>(() => LinearStability.GrowthRate(USA, 1, -3, 3));
        Assert.That(LinearStability.DominantIndex(USA, 0, 3), Is.EqualTo(1));
    }
}
