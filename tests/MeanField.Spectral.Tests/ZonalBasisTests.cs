using MeanField.Core;
using MeanField.Spectral.Zonal;

namespace MeanField.Spectral.Tests;

public class ZonalBasisTests
{
    private static double[] RandomCoefficients(int n, int seed, double decay = 1.0)
    {
        var rng = new Random(seed);
        var c = new double[n];
        for (int k = 0; k < n; k++) c[k] = (rng.NextDouble() - 0.5) * Math.Pow(decay, k);
        return c;
    }

    [TestCase(2, 40)]
    [TestCase(3, 64)]
    [TestCase(4, 100)]
    [TestCase(64, 64)]
    [TestCase(512, 128)]
    [TestCase(4096, 200)]
    public void ScaledTransformRoundTripIsOrthogonal(int d, int l)
    {
        var basis = new ZonalGegenbauerBasis(d, l);
        var c = RandomCoefficients(l + 1, d + l);
        var scaled = new double[basis.GridSize];
        var back = new double[l + 1];
        basis.ToScaledNodal(c, scaled);
        basis.FromScaledNodal(scaled, back);
        for (int k = 0; k <= l; k++) Assert.That(back[k], Is.EqualTo(c[k]).Within(1e-12), $"c_{k}");
        // Parseval: Σ ũ_j² = Σ c_k² (the quadrature is exact for degree 2L ≤ 2M−1).
        Assert.That(scaled.Sum(x => x * x), Is.EqualTo(c.Sum(x => x * x)).Within(1e-12 * c.Sum(x => x * x)));
    }

    [TestCase(2, 40)]
    [TestCase(3, 64)]
    [TestCase(8, 50)]
    [TestCase(64, 30)]
    public void NodalTransformRoundTrip(int d, int l)
    {
        var basis = new ZonalGegenbauerBasis(d, l);
        var c = RandomCoefficients(l + 1, 7 * d + l);
        var nodal = new double[basis.GridSize];
        var back = new double[l + 1];
        basis.ToNodal(c, nodal);
        basis.FromNodal(nodal, back);
        for (int k = 0; k <= l; k++) Assert.That(back[k], Is.EqualTo(c[k]).Within(1e-12), $"c_{k}");
        // nodal values agree with P-normalised evaluation u(t) = Σ c_k √N_k P_k(t)
        var p = new double[l + 1];
        for (int j = 0; j < basis.GridSize; j += 7)
        {
            Gegenbauer.Evaluate(d, basis.Nodes[j], p);
            double u = 0;
            for (int k = 0; k <= l; k++) u += c[k] * Math.Exp(0.5 * SphereGeometry.LogHarmonicDimension(k, d)) * p[k];
            Assert.That(nodal[j], Is.EqualTo(u).Within(1e-10 * Math.Max(1, Math.Abs(u))));
            Assert.That(basis.Evaluate(c, basis.Nodes[j]), Is.EqualTo(nodal[j]).Within(1e-12 * Math.Max(1, Math.Abs(u))));
        }
    }

    [TestCase(2)]
    [TestCase(3)]
    [TestCase(5)]
    [TestCase(64)]
    public void DivergenceOfDerivativeIsTheLaplacian(int d)
    {
        const int l = 24;
        var basis = new ZonalGegenbauerBasis(d, l);
        var c = RandomCoefficients(l + 1, d, 0.8);
        var dc = new double[l + 1];
        var lap = new double[l + 1];
        basis.Derivative(c, dc);
        basis.Divergence(dc, lap);
        for (int k = 0; k <= l; k++)
            Assert.That(lap[k], Is.EqualTo(-k * (k + d - 2.0) * c[k]).Within(1e-11 * Math.Max(1, k * (k + d - 2.0))), $"degree {k}");
    }

    [Test]
    public void DerivativeAndDivergenceMatchClosedFormsOnTheSphere()
    {
        // d = 3: u = P_2 = (3t²−1)/2 → u' = 3t = 3 P_1; Div[h] = (1−t²)h' − 2t h; Div[1] = −2t = −2 P_1.
        const int d = 3, l = 6;
        var basis = new ZonalGegenbauerBasis(d, l);
        var c = new double[l + 1];
        c[2] = 1 / Math.Sqrt(5);     // q_2 = √5 P_2
        var dc = new double[l + 1];
        basis.Derivative(c, dc);
        Assert.That(dc[1] * Math.Sqrt(3), Is.EqualTo(3).Within(1e-13));
        for (int k = 0; k <= l; k++) if (k != 1) Assert.That(dc[k], Is.EqualTo(0).Within(1e-13));
        var one = new double[l + 1];
        one[0] = 1;
        var div = new double[l + 1];
        basis.Divergence(one, div);
        Assert.That(div[1] * Math.Sqrt(3), Is.EqualTo(-2).Within(1e-13));
    }

    [TestCase(2, 3.0)]
    [TestCase(3, 10.0)]
    [TestCase(4, 0.5)]
    [TestCase(5, 3.0)]
    [TestCase(8, 10.0)]
    public void FunkHeckeMultiplierMatchesQuadrature(int d, double beta)
    {
        // Λ_n = |S^{d−2}| ∫ e^{βt} P_n w_d dt = |S^{d−1}| E_ŵ[e^{βt} P_n] (MATH §1), by a 60-point Gauss rule.
        var rule = GaussGegenbauer.Create(d, 60);
        var p = new double[6];
        var sums = new double[6];
        var abs = new double[6];
        for (int j = 0; j < rule.Count; j++)
        {
            Gegenbauer.Evaluate(d, rule.Nodes[j], p);
            for (int n = 0; n < 6; n++)
            {
                double v = rule.Weights[j] * Math.Exp(beta * rule.Nodes[j]) * p[n];
                sums[n] += v;
                abs[n] += Math.Abs(v);
            }
        }
        double area = SphereGeometry.SurfaceArea(d);
        foreach (int n in new[] { 0, 1, 2, 5 })
        {
            double expected = FunkHecke.Eigenvalue(n, beta, d);
            Assert.That(sums[n] * area, Is.EqualTo(expected).Within(1e-10 * expected + 1e-14 * abs[n] * area), $"n={n}");
        }
    }

    [TestCase(3, 10.0, 0, 13839.6366, 5e-5)]          // MATH §10 row 2
    [TestCase(3, 10.0, 5, 2976.213972, 5e-7)]
    [TestCase(2, 3.0, 2, 14.10708582, 5e-9)]           // row 1
    public void FunkHeckeRowsByQuadrature(int d, double beta, int n, double expected, double tolerance)
    {
        var rule = GaussGegenbauer.Create(d, 60);
        double s = rule.Average(t => Math.Exp(beta * t) * Gegenbauer.P(n, d, t)) * SphereGeometry.SurfaceArea(d);
        Assert.That(s, Is.EqualTo(expected).Within(tolerance));
    }

    [TestCase(3, 4.0)]
    [TestCase(8, 2.5)]
    [TestCase(64, 30.0)]
    [TestCase(3, -2.0)]
    public void VonMisesFisherCoefficientsMatchQuadratureProjection(int d, double kappa)
    {
        const int l = 40;
        var basis = new ZonalGegenbauerBasis(d, l);
        var c = ZonalInitialLaws.VonMisesFisher(d, l, kappa);
        // Independent: u(t) = e^{κt}/E[e^{κt}] projected with a fine rule.
        var rule = GaussGegenbauer.Create(d, 200);
        double z = rule.Average(t => Math.Exp(kappa * t));
        var q = new double[l + 1];
        var proj = new double[l + 1];
        for (int j = 0; j < rule.Count; j++)
        {
            Gegenbauer.Evaluate(d, rule.Nodes[j], q);
            for (int k = 0; k <= l; k++)
                proj[k] += rule.Weights[j] * Math.Exp(kappa * rule.Nodes[j]) / z * q[k] * Math.Exp(0.5 * SphereGeometry.LogHarmonicDimension(k, d));
        }
        for (int k = 0; k <= 12; k++) Assert.That(c[k], Is.EqualTo(proj[k]).Within(1e-11 * Math.Max(1, Math.Abs(proj[k]))), $"c_{k}");
        // mean resultant length A_d(κ) = I_{d/2}/I_{d/2−1} (MATH §1.1)
        double ad = Math.Sign(kappa) * Math.Exp(Bessel.LogRatio(0.5 * d, 0.5 * d - 1, Math.Abs(kappa)));
        Assert.That(c[1] / Math.Sqrt(d), Is.EqualTo(ad).Within(1e-13));
        _ = basis;
    }

    [Test]
    public void GegenbauerCoefficientConversionsRoundTripAndUniformIsOneOverArea()
    {
        var basis = new ZonalGegenbauerBasis(5, 10);
        var c = ZonalInitialLaws.Perturbed(5, 10, [(2, 0.1), (7, -0.03)]);
        var g = new double[11];
        basis.ToGegenbauerCoefficients(c, g);
        Assert.That(g[0], Is.EqualTo(1 / SphereGeometry.SurfaceArea(5)).Within(1e-15));
        Assert.That(g[2] * SphereGeometry.SurfaceArea(5), Is.EqualTo(0.1).Within(1e-14));
        Assert.That(g[7] * SphereGeometry.SurfaceArea(5), Is.EqualTo(-0.03).Within(1e-14));
        var back = ZonalInitialLaws.FromGegenbauerCoefficients(5, 10, g);
        for (int k = 0; k <= 10; k++) Assert.That(back[k], Is.EqualTo(c[k]).Within(1e-15));
        // u(1) = 1 + Σ ε_n (P_n(1) = 1)
        Assert.That(basis.Evaluate(c, 1.0), Is.EqualTo(1.07).Within(1e-12));
    }
}
