using MeanField.Validation.NoisyTransition;

namespace MeanField.Validation.Tests.NoisyTransition;

[TestFixture]
public class NoisyTransitionTests
{
    // MATH §7 table (d: β_*, K_#(β_*)), printed to 10 decimals.
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
    public void CriticalBetaAndThresholdMatchMathTable(int d, double betaStar, double kSharpAtStar)
    {
        double b = MunRosenzweigTheory.CriticalBeta(d);
        Assert.That(b, Is.EqualTo(betaStar).Within(1e-10));
        Assert.That(MunRosenzweigTheory.KSharp(b, d), Is.EqualTo(kSharpAtStar).Within(1e-10 * kSharpAtStar));
    }

    // K_# itself is LinearStability.MunRosenzweigKSharp, checked against MATH §7's K_# table in MeanField.Core.Tests (Row32KSharpTable).

    [Test]
    public void KSharpClosedFormsAndLimits()
    {
        // §4.3: d = 3, κ_R = β³/(β cosh β − sinh β) = e at β = 1; K = κ_R/2. β → 0: K_# → d/2.
        Assert.That(MunRosenzweigTheory.KSharp(1, 3), Is.EqualTo(Math.E / 2).Within(1e-14));
        for (int d = 2; d <= 6; d++) Assert.That(MunRosenzweigTheory.KSharp(1e-6, d), Is.EqualTo(d / 2.0).Within(1e-9 * d));
        Assert.That(MunRosenzweigTheory.DiffusionForCoupling(2.5), Is.EqualTo(0.2));
    }

    [Test]
    public void GrowthRateVanishesAtKSharp([Values(2, 3, 4)] int d, [Values(0.5, 2.0, 5.0)] double beta)
    {
        double k = MunRosenzweigTheory.KSharp(beta, d);
        Assert.That(MunRosenzweigTheory.GrowthRate(d, beta, k), Is.EqualTo(0).Within(1e-12 * MunRosenzweigTheory.GrowthRate(d, beta, 1e9)));
    }

    // The PDE measurement: the sign change of the measured n = 1 rate lies within 1e−8 (relative) of K_# (RK4 error ≈ 1e−9).
    [TestCase(3, 1.0)]
    [TestCase(2, 5.0)]
    [TestCase(4, 2.0)]
    public void MeasuredThresholdMatchesKSharp(int d, double beta)
    {
        var r = new NoisyThresholdMeasurement().FindThreshold(d, beta);
        Assert.That(r.KSharp, Is.EqualTo(MunRosenzweigTheory.KSharp(beta, d)));
        Assert.That(r.RelativeError, Is.LessThan(1e-8), $"measured {r.MeasuredKSharp}, K_# = {r.KSharp}, {r.Solves} solves");
    }

    // The measured rate itself against (d−1)(ρ0Λ1/β − 1/(2K)), on both sides of the threshold.
    [Test]
    public void MeasuredRateMatchesLinearTheory()
    {
        double beta = 2, kSharp = MunRosenzweigTheory.KSharp(beta, 3);
        var samples = new NoisyThresholdMeasurement().MeasureRates(3, beta, [0.5 * kSharp, 0.9 * kSharp, 1.1 * kSharp, 3 * kSharp]);
        double scale = MunRosenzweigTheory.GrowthRate(3, beta, 1e12);
        foreach (var s in samples)
            Assert.That(s.MeasuredRate, Is.EqualTo(s.PredictedRate).Within(1e-7 * scale), $"K = {s.Coupling}");
        Assert.That(samples.Select(s => Math.Sign(s.MeasuredRate)), Is.EqualTo(new[] { -1, -1, 1, 1 }));
    }
}
