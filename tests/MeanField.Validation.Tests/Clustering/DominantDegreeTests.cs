using MeanField.Core;
using MeanField.Validation.Clustering;

namespace MeanField.Validation.Tests.Clustering;

public class DominantDegreeTests
{
    // MATH §4.2: switching points β_k where n* jumps from k to k+1 (5-decimal values, VERIFIED-NUM).
    [TestCase(2, new[] { 1.04446, 3.16543, 6.21130, 10.22848, 15.23628 })]
    [TestCase(3, new[] { 1.81615, 4.42529, 7.96238, 12.47743, 17.98489 })]
    [TestCase(4, new[] { 2.52852, 5.65582, 9.69879, 14.71761, 20.72756 })]
    public void SwitchingPointsMatchMath(int d, double[] expected)
    {
        var beta = DominantDegreeTheory.SwitchingPoints(expected.Length, d);
        for (int k = 0; k < expected.Length; k++) Assert.That(beta[k], Is.EqualTo(expected[k]).Within(6e-6), $"β_{k + 1}");
        // On either side of β_k the dominant index is k and k+1.
        Assert.That(LinearStability.DominantIndex(AttentionKind.SA, beta[2] * 0.999, d), Is.EqualTo(3));
        Assert.That(LinearStability.DominantIndex(AttentionKind.SA, beta[2] * 1.001, d), Is.EqualTo(4));
    }

    [Test]
    public void SphereSolverRatesAreTheLinearRates()
    {
        // β = 5 is 13% above β_2 = 4.425 (gap between the top two rates 7%). The fitted rates carry only the O(ε e^{λT})
        // quadratic contamination (ε = 1e-9), so they must match λ_n to far better than 1e-4; MATH §10 row 13: λ_3 = 0.672349.
        var m = DominantDegreeExperiment.Measure(new DominantDegreeParameters { Betas = [5] }, 5);
        Assert.That(m.PredictedDegree, Is.EqualTo(3));
        Assert.That(m.MeasuredDegree, Is.EqualTo(3));
        Assert.That(m.MeasuredRate, Is.EqualTo(0.672349).Within(2e-6));
        Assert.That(m.MaxRelativeRateError, Is.LessThan(1e-4));
        Assert.That(m.Rates, Has.Count.EqualTo(10));
    }

    // MATH §10 row 9 (d = 4): n*(10) = 4, n*(30) = 7; d = 64 has no table: n* from LinearStability and the switching points.
    [TestCase(4, 10.0, 4)]
    [TestCase(4, 30.0, 7)]
    [TestCase(64, 200.0, -1)]
    public void ZonalSolverMeasuresTheDominantDegree(int d, double beta, int tableValue)
    {
        var m = DominantDegreeExperiment.Measure(new DominantDegreeParameters { Solver = GrowthSolver.Zonal, Dimension = d, Betas = [beta] }, beta);
        if (tableValue > 0) Assert.That(m.PredictedDegree, Is.EqualTo(tableValue));
        Assert.That(m.MeasuredDegree, Is.EqualTo(m.PredictedDegree));
        Assert.That(m.MaxRelativeRateError, Is.LessThan(1e-4));
        // The predicted n* lies between the switching points that bracket β.
        int n = m.PredictedDegree;
        Assert.That(DominantDegreeTheory.SwitchingPoint(n, d), Is.GreaterThan(beta));
        if (n > 1) Assert.That(DominantDegreeTheory.SwitchingPoint(n - 1, d), Is.LessThan(beta));
    }

    [Test]
    public void ParticlesGrowAtTheDominantRate()
    {
        // N = 4000 uniform points: the empirical degree-n coefficients start at N^{-1/2} and the fit window ends when the
        // top mode is ~N^{-1/4} ≈ 0.13, so nonlinear contamination of ~10% is the physical tolerance (MATH §4.1 reports
        // 1–3% at N = 1e5); the top two rates differ by 7% at β = 5.
        var m = DominantDegreeExperiment.Measure(DominantDegreeParameters.Quick(GrowthSolver.Particles, 3), 5);
        Assert.That(m.MeasuredDegree, Is.EqualTo(3));
        Assert.That(m.MeasuredRate, Is.EqualTo(m.PredictedRate).Within(0.1 * m.PredictedRate));
    }

    [Test]
    public void BadSettingsAreRejected()
    {
        Assert.Throws<ArgumentException>(() => DominantDegreeExperiment.Run(new DominantDegreeParameters { Dimension = 4 }));
        Assert.Throws<ArgumentException>(() => DominantDegreeExperiment.Run(new DominantDegreeParameters { Betas = [] }));
        Assert.Throws<ArgumentException>(() => DominantDegreeExperiment.Run(new DominantDegreeParameters { Amplitude = 0.5 }));
    }
}
