using System.Numerics;
using MeanField.Core;
using MeanField.Core.Random;

namespace MeanField.Analysis.Tests;

[TestFixture]
public class MmdTests
{
    private static double[] SphereCloud(int n, ulong seed, double concentrate = 0)
    {
        var r = new RandomStream(seed, 5);
        var x = new double[3 * n];
        for (int i = 0; i < n; i++)
        {
            double a = r.NextGaussian(), b = r.NextGaussian(), c = r.NextGaussian() + concentrate;
            double nrm = Math.Sqrt(a * a + b * b + c * c);
            x[3 * i] = a / nrm; x[3 * i + 1] = b / nrm; x[3 * i + 2] = c / nrm;
        }
        return x;
    }

    [Test]
    public void Identical_inputs_give_zero()
    {
        var x = SphereCloud(100, 1);
        Assert.That(Mmd.SquaredBetweenClouds(x, x, 3, ZonalKernel.Exponential(3)), Is.EqualTo(0).Within(1e-12));
        var angles = TestUtil.UniformAngles(40, 2);
        Assert.That(Mmd.SquaredBetweenCircleClouds(angles, angles, ZonalKernel.Exponential(2)), Is.EqualTo(0).Within(1e-12));
        Assert.That(Mmd.SquaredBetweenClouds(x, SphereCloud(100, 3, 3), 3, ZonalKernel.Exponential(3)), Is.GreaterThan(0.1));
    }

    [Test]
    public void Two_antipodal_point_masses_give_the_closed_form()
    {
        const double kappa = 1.7;
        double expected = 2 * Math.Exp(kappa) - 2 * Math.Exp(-kappa);
        Assert.That(Mmd.SquaredBetweenCircleClouds([0.3], [0.3 + Math.PI], ZonalKernel.Exponential(kappa)),
            Is.EqualTo(expected).Within(1e-12 * expected));
        // The generic profile path (trapezoid multipliers) agrees with the Bessel multipliers.
        var generic = ZonalKernel.FromProfile(t => Math.Exp(kappa * t));
        var exact = ZonalKernel.Exponential(kappa);
        for (int n = 0; n < 8; n++)
            Assert.That(generic.ScaledCircleMultiplier(n) * Math.Exp(generic.LogScale),
                Is.EqualTo(exact.ScaledCircleMultiplier(n) * Math.Exp(exact.LogScale)).Within(1e-12));
    }

    [TestCase(2.0)]
    [TestCase(8.0)]
    public void Spectral_PDE_vs_cloud_equals_the_direct_V_statistic_by_quadrature(double kappa)
    {
        const double mean = 0.7, kRho = 1.5;
        var density = CircleDensity.VonMises(mean, kRho, 40);
        var cloud = TestUtil.UniformAngles(150, 9);
        double K(double t) => Math.Exp(kappa * t);
        const int m = 2048; // trapezoid on a periodic analytic integrand: exponentially accurate
        double h = 2 * Math.PI / m;
        var rho = Enumerable.Range(0, m).Select(i => TestUtil.VonMises(i * h, mean, kRho)).ToArray();
        double pp = 0;
        for (int i = 0; i < m; i++) for (int j = 0; j < m; j++) pp += K(Math.Cos((i - j) * h)) * rho[i] * rho[j];
        pp *= h * h;
        double pc = 0;
        foreach (double t in cloud) for (int i = 0; i < m; i++) pc += K(Math.Cos(i * h - t)) * rho[i];
        pc *= h / cloud.Length;
        double cc = 0;
        foreach (double s in cloud) foreach (double t in cloud) cc += K(Math.Cos(s - t));
        cc /= (double)cloud.Length * cloud.Length;
        double direct = pp - 2 * pc + cc;
        double spectral = Mmd.SquaredCircleDensityVsCloud(density, cloud, ZonalKernel.Exponential(kappa));
        Assert.That(spectral, Is.EqualTo(direct).Within(1e-9 * Math.Exp(kappa)));
    }

    [Test]
    public void PDE_vs_large_sample_scales_like_one_over_N()
    {
        // For an i.i.d. sample E MMD² = (k(1) − ∬kρρ)/N with ∬kρρ = Σ_{n∈ℤ} I_n(κ)(I_n(κρ)/I_0(κρ))² (spectral form).
        const double kappa = 2, kRho = 1.2, mean = 0.3;
        var density = CircleDensity.VonMises(mean, kRho, 40);
        double pp = 0;
        for (int n = -60; n <= 60; n++)
        {
            double r = Bessel.I(Math.Abs(n), kRho) / Bessel.I(0, kRho);
            pp += Bessel.I(Math.Abs(n), kappa) * r * r;
        }
        double expectedTimesN = Math.Exp(kappa) - pp;
        foreach (int n in new[] { 500, 5000 })
        {
            double acc = 0;
            const int reps = 30;
            for (int rep = 0; rep < reps; rep++)
            {
                var rng = new RandomStream((ulong)(1000 + rep + n), 9);
                var cloud = new double[n];
                for (int i = 0; i < n; i++)
                {
                    double t;
                    do t = 2 * Math.PI * rng.NextDouble(); while (rng.NextDouble() > Math.Exp(kRho * (Math.Cos(t - mean) - 1)));
                    cloud[i] = t;
                }
                acc += Mmd.SquaredCircleDensityVsCloud(density, cloud, ZonalKernel.Exponential(kappa));
            }
            Assert.That(acc / reps * n / expectedTimesN, Is.InRange(0.6, 1.4), $"N = {n}");
        }
    }
}

[TestFixture]
public class SlicedWassersteinTests
{
    private static double[] Cloud(int n, ulong seed)
    {
        var r = new RandomStream(seed, 5);
        var x = new double[3 * n];
        for (int i = 0; i < n; i++)
        {
            double a = r.NextGaussian(), b = r.NextGaussian(), c = r.NextGaussian() + 1.5;
            double nrm = Math.Sqrt(a * a + b * b + c * c);
            x[3 * i] = a / nrm; x[3 * i + 1] = b / nrm; x[3 * i + 2] = c / nrm;
        }
        return x;
    }

    private static double[] RotateX(double[] x, double angle)
    {
        var y = (double[])x.Clone();
        var (s, c) = Math.SinCos(angle);
        for (int i = 0; i < x.Length / 3; i++)
        {
            y[3 * i + 1] = c * x[3 * i + 1] - s * x[3 * i + 2];
            y[3 * i + 2] = s * x[3 * i + 1] + c * x[3 * i + 2];
        }
        return y;
    }

    [Test]
    public void Identical_zero_antipodal_positive_small_rotation_proportional()
    {
        var x = Cloud(300, 1);
        Assert.That(SlicedWasserstein.Distance(x, x, 3), Is.EqualTo(0));
        Assert.That(SlicedWasserstein.Distance(x, x.Select(v => -v).ToArray(), 3), Is.GreaterThan(0.3));
        foreach (double p in new[] { 1.0, 2.0 })
        {
            double d1 = SlicedWasserstein.Distance(x, RotateX(x, 1e-3), 3, p);
            double d2 = SlicedWasserstein.Distance(x, RotateX(x, 2e-3), 3, p);
            Assert.That(d1, Is.GreaterThan(0).And.LessThanOrEqualTo(1e-3)); // each point moves by ≤ δ (chord)
            Assert.That(d2 / d1, Is.EqualTo(2).Within(0.1));
        }
    }

    [Test]
    public void Seeded_and_reproducible_and_unequal_sizes_work()
    {
        var x = Cloud(100, 2);
        var y = Cloud(70, 3);
        Assert.That(SlicedWasserstein.Distance(x, y, 3, seed: 4), Is.EqualTo(SlicedWasserstein.Distance(x, y, 3, seed: 4)));
        Assert.That(SlicedWasserstein.Distance(x, y, 3, seed: 4), Is.Not.EqualTo(SlicedWasserstein.Distance(x, y, 3, seed: 5)));
    }

    [Test]
    public void Line_Wasserstein_closed_forms()
    {
        Assert.That(LineWasserstein.Distance([0.0], [0.0, 1.0], 1), Is.EqualTo(0.5).Within(1e-15));
        Assert.That(LineWasserstein.Distance([0.0], [0.0, 1.0], 2), Is.EqualTo(Math.Sqrt(0.5)).Within(1e-15));
        Assert.That(LineWasserstein.Distance([0.0, 3.0, 1.0], [1.0, 2.0, 4.0], 1), Is.EqualTo(1).Within(1e-15));
        // Unequal sizes: {0, 1, 2} vs {0, 2}: quantile pairs (0,0) on [0,1/3], (1,0) on [1/3,1/2], (1,2) on [1/2,2/3], (2,2).
        Assert.That(LineWasserstein.Distance([0.0, 1.0, 2.0], [0.0, 2.0], 1), Is.EqualTo(1.0 / 3).Within(1e-15));
    }
}

[TestFixture]
public class CoefficientErrorTests
{
    [Test]
    public void Circle_error_equals_relative_L2_error_of_the_densities()
    {
        Complex[] a = [1 / (2 * Math.PI), new(0.05, 0.02), new(0.01, 0)];
        Complex[] b = [1 / (2 * Math.PI), new(0.04, 0.03)];
        const int m = 256;
        double num = 0, den = 0;
        for (int i = 0; i < m; i++)
        {
            double t = 2 * Math.PI * i / m;
            double ra = ParticleDensity(a, t), rb = ParticleDensity(b, t);
            num += (ra - rb) * (ra - rb);
            den += rb * rb;
        }
        Assert.That(CoefficientErrors.RelativeCircle(a, b), Is.EqualTo(Math.Sqrt(num / den)).Within(1e-13));
        Assert.That(CoefficientErrors.RelativeCircle(b, b), Is.EqualTo(0));
    }

    private static double ParticleDensity(Complex[] c, double t)
    {
        double s = c[0].Real;
        for (int k = 1; k < c.Length; k++) s += 2 * (c[k] * Complex.FromPolarCoordinates(1, k * t)).Real;
        return s;
    }

    [Test]
    public void Gegenbauer_error_equals_relative_L2_error_on_the_sphere()
    {
        const int d = 5;
        double[] a = [1, 0.3, -0.2, 0.1];
        double[] b = [1, 0.25, -0.1];
        var rule = GaussGegenbauer.Create(d, 20);
        double F(double[] g, double t) { double s = 0; for (int n = 0; n < g.Length; n++) s += g[n] * Gegenbauer.P(n, d, t); return s; }
        double num = rule.Average(t => Math.Pow(F(a, t) - F(b, t), 2)), den = rule.Average(t => Math.Pow(F(b, t), 2));
        Assert.That(CoefficientErrors.RelativeGegenbauer(a, b, d), Is.EqualTo(Math.Sqrt(num / den)).Within(1e-13));
    }

    [Test]
    public void Sphere_harmonic_error_counts_m_at_least_1_twice()
    {
        // L = 1: entries (l,m) = (0,0), (1,0), (1,1).
        double[] b = [1, 0, 0, 0, 0, 0];
        double[] a = [1, 0, 0.1, 0, 0, 0];
        double[] c = [1, 0, 0, 0, 0.1, 0];
        Assert.That(CoefficientErrors.RelativeSphereHarmonics(a, b), Is.EqualTo(0.1).Within(1e-15));
        Assert.That(CoefficientErrors.RelativeSphereHarmonics(c, b), Is.EqualTo(0.1 * Math.Sqrt(2)).Within(1e-15));
    }
}

[TestFixture]
public class ZonalMarginalTests
{
    [Test]
    public void Values_are_projections_on_the_normalised_pole()
    {
        var t = ZonalMarginal.Values([1.0, 0, 0, 0.6, 0.8, 0], 3, [0.0, 2.0, 0.0]);
        Assert.That(t, Is.EqualTo(new[] { 0.0, 0.8 }).Within(1e-15));
    }

    [TestCase(-0.9)]
    [TestCase(0.2)]
    [TestCase(0.99)]
    public void W1_uniform_d3_vs_point_mass(double t0)
    {
        var rule = GaussGegenbauer.Create(3, 8);
        double expected = (t0 + 1) * (t0 + 1) / 4 + (1 - t0) * (1 - t0) / 4; // F(t) = (t+1)/2
        Assert.That(ZonalMarginal.W1(rule, Enumerable.Repeat(1.0, 8).ToArray(), [t0]), Is.EqualTo(expected).Within(1e-11));
    }

    [TestCase(-0.5)]
    [TestCase(0.7)]
    public void W1_uniform_d2_arcsine_law_vs_point_mass(double t0)
    {
        double a = Math.Acos(t0), r = Math.Sqrt(1 - t0 * t0);
        double left = t0 + 1 - (t0 * a - r + Math.PI) / Math.PI; // ∫_{−1}^{t0} F, F = 1 − arccos(t)/π
        double right = (r - t0 * a) / Math.PI;                   // ∫_{t0}^{1} (1 − F)
        var rule = GaussGegenbauer.Create(2, 6);
        Assert.That(ZonalMarginal.W1(rule, Enumerable.Repeat(1.0, 6).ToArray(), [t0]), Is.EqualTo(left + right).Within(1e-10));
    }

    [Test]
    public void W1_nonuniform_d5_matches_closed_form_CDF_quadrature()
    {
        // d = 5, r(t) = 1 + t/2: F(t) = (G(t) − G(−1))·3/4 with G = t − t³/3 + t²/4 − t⁴/8.
        static double G(double t) => t - t * t * t / 3 + t * t / 4 - t * t * t * t / 8;
        double F(double t) => (G(t) - G(-1)) * 0.75;
        double[] cloud = [-0.3, 0.1, 0.55];
        const int m = 400000;
        double h = 2.0 / m, expected = 0;
        for (int i = 0; i < m; i++)
        {
            double t = -1 + (i + 0.5) * h;
            expected += Math.Abs(F(t) - cloud.Count(c => c <= t) / 3.0);
        }
        expected *= h;
        var rule = GaussGegenbauer.Create(5, 12);
        var r = rule.Nodes.Select(t => 1 + 0.5 * t).ToArray();
        Assert.That(ZonalMarginal.W1(rule, r, cloud), Is.EqualTo(expected).Within(1e-9));
    }
}
