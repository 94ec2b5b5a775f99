using MeanField.Validation.LongContext;

namespace MeanField.Validation.Tests.LongContext;

/// <summary>Monte Carlo parts: fixed seeds, small sizes, tolerances of a few standard errors (plus MATH's stated table error).</summary>
[TestFixture]
public class LongContextMonteCarloTests
{
    [TestCase(2)]
    [TestCase(3)]
    [TestCase(4)]
    [TestCase(6)]
    public void DistancesHaveTheUniformLaw(int d)
    {
        const int n = 200_000;
        var dist = new double[n];
        KeySampling.SampleDistances(KeySampling.StreamFor(7, 99, d, n, 0), d, dist);
        // t = 1 − D: E t = 0, E t² = 1/d; Var t² ≤ 1 so 5/√n bounds both at ~5σ.
        double m1 = dist.Average(v => 1 - v), m2 = dist.Average(v => (1 - v) * (1 - v));
        Assert.That(m1, Is.EqualTo(0).Within(5 / Math.Sqrt(n)));
        Assert.That(m2, Is.EqualTo(1.0 / d).Within(5 / Math.Sqrt(n)));
        Assert.That(dist.All(v => v >= 0 && v <= 2));
        if (d <= 4)
        {
            double eps = 0.05, p = LongContextTheoryTests.ExactSmallBall(d, eps);
            double frac = dist.Count(v => v <= eps) / (double)n;
            Assert.That(frac, Is.EqualTo(p).Within(5 * Math.Sqrt(p * (1 - p) / n)));
        }
    }

    [Test]
    public void KeysAreUnitVectorsWithIsotropicTangentialPart()
    {
        const int n = 50_000, d = 4;
        var dist = new double[n];
        var tan = new double[n * (d - 1)];
        KeySampling.SampleKeys(KeySampling.StreamFor(3, 98, d, n, 0), d, dist, tan);
        double second = 0;
        for (int j = 0; j < n; j++)
        {
            double s = (1 - dist[j]) * (1 - dist[j]);
            for (int i = 0; i < d - 1; i++) s += tan[j * (d - 1) + i] * tan[j * (d - 1) + i];
            Assert.That(s, Is.EqualTo(1).Within(1e-14));
            second += tan[j * (d - 1)] * tan[j * (d - 1)];
        }
        Assert.That(second / n, Is.EqualTo(1.0 / d).Within(5 / Math.Sqrt(n)));
    }

    // MATH §8 Poisson-limit table (E w_max, E Σw²), stated Monte Carlo error ≈ 0.005–0.01.
    [TestCase(2, 0.1, 0.653, 0.571)]
    [TestCase(2, 3.0, 0.958, 0.943)]
    [TestCase(3, 0.3, 0.421, 0.295)]
    [TestCase(3, 1.0, 0.730, 0.637)]   // row 44
    [TestCase(4, 1.0, 0.489, 0.348)]
    [TestCase(4, 3.0, 0.789, 0.707)]
    public void PoissonLimitMatchesMathTable(int d, double c, double wMax, double sumSq)
    {
        var s = PoissonLimitMonteCarlo.Run(d, [c], 4000, 11)[0];
        Assert.That(s.MeanMaxWeight, Is.EqualTo(wMax).Within(3 * s.MaxWeightStandardError + PoissonLimitMonteCarlo.ReferenceTableError));
        Assert.That(s.MeanSumOfSquares, Is.EqualTo(sumSq).Within(3 * s.SumOfSquaresStandardError + PoissonLimitMonteCarlo.ReferenceTableError));
        Assert.That(PoissonLimitMonteCarlo.ReferenceTable(d, c), Is.EqualTo((wMax, sumSq)));
    }

    // Finite n at β_n = c n^{2/(d−1)} is already close to the Poisson limit (d = 3: only binomial-vs-Poisson, O(1/n)).
    [TestCase(3, 2000)]
    [TestCase(2, 2000)]
    [TestCase(4, 2000)]
    public void FiniteKeysCollapseOntoThePoissonLimit(int d, int n)
    {
        double[] cs = [0.3, 1, 3];
        var finite = AttentionWeightsMonteCarlo.Run(d, n, cs, 1000, 5);
        var limit = PoissonLimitMonteCarlo.Run(d, cs, 3000, 6);
        for (int i = 0; i < cs.Length; i++)
        {
            Assert.That(finite[i].Beta, Is.EqualTo(cs[i] * Math.Pow(n, 2.0 / (d - 1))).Within(1e-9 * finite[i].Beta!.Value));
            double se = Math.Sqrt(Math.Pow(finite[i].MaxWeightStandardError, 2) + Math.Pow(limit[i].MaxWeightStandardError, 2));
            // The finite-n bias is O(n^{−1/α}) from the local law plus O(1/n): below 0.01 here (d = 4, n = 2000: ≈ 0.006).
            Assert.That(finite[i].MeanMaxWeight, Is.EqualTo(limit[i].MeanMaxWeight).Within(4 * se + 0.01), $"c = {cs[i]}");
            se = Math.Sqrt(Math.Pow(finite[i].SumOfSquaresStandardError, 2) + Math.Pow(limit[i].SumOfSquaresStandardError, 2));
            Assert.That(finite[i].MeanSumOfSquares, Is.EqualTo(limit[i].MeanSumOfSquares).Within(4 * se + 0.01), $"c = {cs[i]}");
        }
    }

    [Test]
    public void MonteCarloIsReproducibleAndSeeded()
    {
        var a = AttentionWeightsMonteCarlo.Run(3, 500, [1.0], 40, 1)[0];
        var b = AttentionWeightsMonteCarlo.Run(3, 500, [1.0], 40, 1)[0];
        var c = AttentionWeightsMonteCarlo.Run(3, 500, [1.0], 40, 2)[0];
        Assert.That(b, Is.EqualTo(a));
        Assert.That(c.MeanMaxWeight, Is.Not.EqualTo(a.MeanMaxWeight));
    }

    // Subcritical regime (1 ≪ β ≪ n^{2/(d−1)}): ⟨q,O⟩ ≈ A_d(β), tangential variance ≈ the leading order in 1/n.
    [TestCase(3, 20.0, 20_000, 60)]
    [TestCase(4, 15.0, 20_000, 60)]
    [TestCase(2, 10.0, 20_000, 60)]
    public void AttentionOutputHasTheVmfMeanAndPredictedSpread(int d, double beta, int n, int trials)
    {
        var s = AttentionOutputMonteCarlo.Run(d, beta, n, trials, 21);
        Assert.That(s.MeanRadial, Is.EqualTo(LongContextTheory.RadialBiasQuadrature(d, beta)).Within(4 * s.RadialStandardError));
        Assert.That(s.TangentialVariance, Is.EqualTo(LongContextTheory.TangentialVarianceLeadingOrder(d, beta, n)).Within(4 * s.TangentialVarianceStandardError));
    }
}
