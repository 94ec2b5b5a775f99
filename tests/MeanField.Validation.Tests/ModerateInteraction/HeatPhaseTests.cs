using MeanField.Validation.ModerateInteraction;

namespace MeanField.Validation.Tests.ModerateInteraction;

public class HeatPhaseTests
{
    [Test]
    public void ClosureLawGivesMathRow23()
    {
        // MATH §6 / row 23: β = 50, σ₀ = 0.3, t = 2 → s² = 0.1587 (4 digits); t = 0 returns s₀².
        Assert.That(HeatPhaseExperiment.ClosureVariance(50, 0.09, 2), Is.EqualTo(0.1587).Within(5e-5));
        Assert.That(HeatPhaseExperiment.ClosureVariance(50, 0.09, 0), Is.EqualTo(0.09).Within(1e-14));
        double s = HeatPhaseExperiment.ClosureVariance(50, 0.09, 1.3);
        Assert.That(50 * s + Math.Log(s), Is.EqualTo(50 * 0.09 + Math.Log(0.09) + 2.6).Within(1e-12));
    }

    [Test]
    public void VarianceFollowsTheClosureLawNotTheLeadingHeatLaw()
    {
        // Quick mode: N = 4000, t ≤ 0.5. The heat law's growth 2t/β exceeds the closure's by the factor 1 + 1/(β s²) ≈ 1.2,
        // so a 3% tolerance on the growth ratio (sampling: the empirical law's non-Gaussian part is O(N^{-1/2}) ≈ 1.6%)
        // separates the two.
        var r = HeatPhaseExperiment.Run(HeatPhaseParameters.Quick());
        Assert.That(r.InitialVariance, Is.EqualTo(0.09).Within(4 * 0.09 * Math.Sqrt(2.0 / 4000)));
        foreach (var s in r.Samples.Skip(1))
        {
            Assert.That(s.ClosureGrowthRatio(r.InitialVariance), Is.EqualTo(1).Within(0.03), $"t = {s.Time}");
            double heatRatio = (s.HeatPrediction - r.InitialVariance) / (s.Variance - r.InitialVariance);
            Assert.That(heatRatio, Is.GreaterThan(1.1), $"t = {s.Time}");
        }
        Assert.That(r.Final.AngularVariance, Is.EqualTo(r.Final.Variance).Within(0.02 * r.Final.Variance));
    }

    [Test]
    public void WrappedGaussianHasTheRequestedVariance()
    {
        var x = HeatPhaseExperiment.WrappedGaussian(20000, 0.5, 3);
        // −2 ln R is unbiased to O(1/N) for a wrapped normal; its sd is ≈ s²·√(2/N)·(e^{s²}−1)/s² ≈ 0.003 here.
        Assert.That(HeatPhaseExperiment.CircularVariance(x), Is.EqualTo(0.25).Within(0.012));
    }
}
