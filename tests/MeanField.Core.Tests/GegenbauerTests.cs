using MeanField.Core;

namespace MeanField.Core.Tests;

[TestFixture]
public class GegenbauerTests
{
    [Test]
    public void CircleCaseIsCosine()
    {
        foreach (double th in new[] { 0.1, 0.7, 1.5, 2.9 })
            for (int n = 0; n <= 40; n++)
                Assert.That(Gegenbauer.P(n, 2, Math.Cos(th)), Is.EqualTo(Math.Cos(n * th)).Within(1e-13), $"n={n}");
    }

    [Test]
    public void SphereCaseIsLegendre()
    {
        foreach (double t in new[] { -0.9, -0.3, 0.2, 0.77 })
        {
            Assert.That(Gegenbauer.P(2, 3, t), Is.EqualTo((3 * t * t - 1) / 2).Within(1e-15));
            Assert.That(Gegenbauer.P(3, 3, t), Is.EqualTo((5 * t * t * t - 3 * t) / 2).Within(1e-15));
            Assert.That(Gegenbauer.P(4, 3, t), Is.EqualTo((35 * Math.Pow(t, 4) - 30 * t * t + 3) / 8).Within(1e-15));
        }
    }

    [Test]
    public void ThreeSphereCaseIsChebyshevU()
    {
        // d = 4: C_n^1 = U_n, so P_n(cos θ) = sin((n+1)θ)/((n+1) sin θ).
        foreach (double th in new[] { 0.3, 1.1, 2.5 })
            for (int n = 0; n <= 30; n++)
                Assert.That(Gegenbauer.P(n, 4, Math.Cos(th)), Is.EqualTo(Math.Sin((n + 1) * th) / ((n + 1) * Math.Sin(th))).Within(1e-13));
    }

    [TestCase(2)]
    [TestCase(3)]
    [TestCase(7)]
    [TestCase(64)]
    public void DerivativesMatchFiniteDifferencesAndEndpointIsOne(int d)
    {
        var v = new double[12];
        var dv = new double[12];
        var vp = new double[12];
        var vm = new double[12];
        const double h = 1e-6;
        foreach (double t in new[] { -0.6, 0.1, 0.45 })
        {
            Gegenbauer.Evaluate(d, t, v, dv);
            Gegenbauer.Evaluate(d, t + h, vp);
            Gegenbauer.Evaluate(d, t - h, vm);
            for (int n = 0; n < 12; n++)
            {
                Assert.That(v[n], Is.EqualTo(Gegenbauer.P(n, d, t)).Within(1e-15));
                Assert.That(dv[n], Is.EqualTo((vp[n] - vm[n]) / (2 * h)).Within(1e-7 * Math.Max(1, n * n)));
            }
        }
        Gegenbauer.Evaluate(d, 1.0, v);
        foreach (double x in v) Assert.That(x, Is.EqualTo(1.0).Within(1e-13));
    }

    [TestCase(2)]
    [TestCase(3)]
    [TestCase(5)]
    [TestCase(64)]
    [TestCase(4096)]
    public void OrthonormalRecurrenceIsSqrtHarmonicDimensionTimesP(int d)
    {
        const int m = 30;
        var b = Gegenbauer.RecurrenceCoefficients(d, m + 1);
        var mant = new double[m];
        var dm = new double[m];
        var logs = new double[m];
        var p = new double[m];
        var dp = new double[m];
        foreach (double t in new[] { -0.4, 0.05, 0.3 })
        {
            Gegenbauer.EvaluateOrthonormal(b, t, mant, dm, logs);
            Gegenbauer.Evaluate(d, t, p, dp);
            for (int n = 0; n < m; n++)
            {
                double s = Math.Exp(0.5 * SphereGeometry.LogHarmonicDimension(n, d));
                double q = mant[n] * Math.Exp(logs[n]);
                Assert.That(q, Is.EqualTo(s * p[n]).Within(1e-11 * Math.Abs(s * p[n]) + 1e-300), $"q_{n}");
                Assert.That(dm[n] * Math.Exp(logs[n]), Is.EqualTo(s * dp[n]).Within(1e-11 * Math.Abs(s * dp[n]) + 1e-300));
            }
        }
    }

    /// <summary>E_ŵ[t^{2m}] = B(m+½, a+1)/B(½, a+1) = Π_{i&lt;m} (i+½)/(i+a+3/2), a = (d−3)/2, as a logarithm.</summary>
    private static double LogEvenMoment(int m, int d)
    {
        double a = 0.5 * (d - 3), s = 0;
        for (int i = 0; i < m; i++) s += Math.Log((i + 0.5) / (i + a + 1.5));
        return s;
    }

    [Test]
    public void QuadratureIsExactUpToDegreeTwoNMinusOne(
        [Values(2, 3, 4, 5, 64, 512, 4096)] int d, [Values(1, 2, 7, 50, 200)] int n)
    {
        var rule = GaussGegenbauer.Create(d, n);
        Assert.That(rule.Count, Is.EqualTo(n));
        for (int j = 1; j < n; j++) Assert.That(rule.Nodes[j], Is.GreaterThan(rule.Nodes[j - 1]));
        Assert.That(rule.Nodes[0], Is.GreaterThan(-1));
        Assert.That(rule.Nodes[^1], Is.LessThan(1));
        double worst = 0;
        for (int m = 0; m <= n; m++)
        {
            // log Σ_j ŵ_j t_j^{2m}, every term in log form (the weights span thousands of orders of magnitude for large d).
            var terms = new List<double>();
            for (int j = 0; j < n; j++)
                if (rule.Nodes[j] != 0 || m == 0) terms.Add(rule.LogWeights[j] + (m == 0 ? 0 : 2 * m * Math.Log(Math.Abs(rule.Nodes[j]))));
            double q = terms.Count == 0 ? 0 : Math.Exp(terms.Max()) * terms.Sum(x => Math.Exp(x - terms.Max()));
            double exact = Math.Exp(LogEvenMoment(m, d));
            if (m < n) worst = Math.Max(worst, Math.Abs(q / exact - 1));
            else if (n <= 7)
            {
                // Degree 2n is NOT integrated exactly: t^{2n} − p_n(t)² has degree 2n−1 and the monic p_n vanishes at the
                // nodes, so the rule gives E[t^{2n}] − ‖p_n‖² with ‖p_n‖² = Π_{k≤n} γ_k (γ_1 = 1/d, γ_k as in Golub–Welsch).
                double norm = 1;
                for (int k = 1; k <= n; k++) norm *= k == 1 ? 1.0 / d : k * (k + d - 3.0) / ((2.0 * k + d - 2) * (2.0 * k + d - 4));
                Assert.That(q, Is.EqualTo(exact - norm).Within(1e-13 * exact), "Gauss error at degree 2n");
                Assert.That(norm, Is.GreaterThan(1e-6 * exact));
            }
            // odd moments: exact zero by symmetry
            double odd = 0, oddAbs = 0;
            for (int j = 0; j < n; j++)
            {
                double v = Math.Exp(rule.LogWeights[j] + (2 * m + 1) * Math.Log(Math.Abs(rule.Nodes[j]) + 1e-300)) * Math.Sign(rule.Nodes[j]);
                odd += v;
                oddAbs += Math.Abs(v);
            }
            Assert.That(Math.Abs(odd), Is.LessThanOrEqualTo(1e-14 * oddAbs + 1e-300));
        }
        Assert.That(worst, Is.LessThan(2e-12), $"worst relative moment error {worst:E2}");
    }

    [TestCase(2)]
    [TestCase(3)]
    [TestCase(4)]
    [TestCase(9)]
    [TestCase(64)]
    public void RawWeightsSumToTheBetaIntegral(int d)
    {
        var rule = GaussGegenbauer.Create(d, 12);
        double beta = MathNet.Numerics.SpecialFunctions.Beta(0.5, 0.5 * (d - 1));
        Assert.That(Math.Exp(rule.LogWeightIntegral), Is.EqualTo(beta).Within(1e-12 * beta));
        Assert.That(rule.Weights.Sum(), Is.EqualTo(1.0).Within(1e-15));
    }

    [Test]
    public void LegendreRuleMatchesMathNet()
    {
        var rule = GaussGegenbauer.Create(3, 9);
        var reference = new MathNet.Numerics.Integration.GaussLegendreRule(-1, 1, 9);
        var nodes = reference.Abscissas.ToArray();
        var weights = reference.Weights.ToArray();
        Array.Sort(nodes, weights);
        for (int j = 0; j < 9; j++)
        {
            Assert.That(rule.Nodes[j], Is.EqualTo(nodes[j]).Within(1e-15));
            Assert.That(rule.Weights[j] * 2, Is.EqualTo(weights[j]).Within(1e-15));
        }
    }

    [Test]
    public void LargeDimensionRuleIsFastAndFinite()
    {
        var sw = System.Diagnostics.Stopwatch.StartNew();
        var rule = GaussGegenbauer.Create(4096, 1000);
        sw.Stop();
        Assert.That(sw.Elapsed.TotalSeconds, Is.LessThan(5));
        Assert.That(rule.LogWeights.All(double.IsFinite), Is.True);
        Assert.That(rule.LogWeights.Min(), Is.LessThan(-700), "the outer weights are below the double range; the logs keep them");
        // second moment (degree 2 ≤ 2n−1): E[t²] = 1/d
        double m2 = 0;
        for (int j = 0; j < rule.Count; j++) m2 += rule.Weights[j] * rule.Nodes[j] * rule.Nodes[j];
        Assert.That(m2, Is.EqualTo(1.0 / 4096).Within(1e-13 / 4096));
    }
}
