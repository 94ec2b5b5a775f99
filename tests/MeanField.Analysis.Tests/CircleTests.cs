using System.Numerics;
using MeanField.Core;
using MeanField.Core.Random;

namespace MeanField.Analysis.Tests;

internal static class TestUtil
{
    public static double[] UniformAngles(int n, ulong seed)
    {
        var r = new RandomStream(seed, 77);
        var a = new double[n];
        for (int i = 0; i < n; i++) a[i] = 2 * Math.PI * r.NextDouble();
        return a;
    }

    public static double VonMises(double theta, double mean, double kappa)
        => Math.Exp(kappa * (Math.Cos(theta - mean) - 1)) / (2 * Math.PI * Bessel.ScaledI(0, kappa));

    /// <summary>CDF of a density on a uniform grid of m cells of [0, 2π] (3-point Gauss per cell), independent of the library.</summary>
    public static double[] CdfTable(Func<double, double> rho, int m)
    {
        var f = new double[m + 1];
        double h = 2 * Math.PI / m, g = Math.Sqrt(0.6);
        for (int i = 0; i < m; i++)
        {
            double c = (i + 0.5) * h;
            f[i + 1] = f[i] + h / 18 * (5 * rho(c - 0.5 * h * g) + 8 * rho(c) + 5 * rho(c + 0.5 * h * g));
        }
        return f;
    }

    /// <summary>min_α of the trapezoid sum of |D − α| on the grid, by golden section (Φ is convex in α). Cell i uses the
    /// right limit D(x_i+) and the left limit D(x_{i+1}−), so jumps at nodes are integrated exactly.</summary>
    public static double MinOverAlpha(double[] d, double h, double[]? rightLimits = null)
    {
        var dr = rightLimits ?? d;
        double Phi(double a)
        {
            double s = 0;
            for (int i = 0; i + 1 < d.Length; i++) s += Math.Abs(dr[i] - a) + Math.Abs(d[i + 1] - a);
            return 0.5 * s * h;
        }
        double lo = d.Min(), hi = d.Max(), gr = (Math.Sqrt(5) - 1) / 2;
        double x1 = hi - gr * (hi - lo), x2 = lo + gr * (hi - lo), f1 = Phi(x1), f2 = Phi(x2);
        for (int it = 0; it < 80; it++)
        {
            if (f1 < f2) { hi = x2; x2 = x1; f2 = f1; x1 = hi - gr * (hi - lo); f1 = Phi(x1); }
            else { lo = x1; x1 = x2; f1 = f2; x2 = lo + gr * (hi - lo); f2 = Phi(x2); }
        }
        return Phi(0.5 * (lo + hi));
    }

    public static double Geodesic(double a, double b)
    {
        double d = Math.Abs(a - b) % (2 * Math.PI);
        return Math.Min(d, 2 * Math.PI - d);
    }
}

[TestFixture]
public class CircleWassersteinTests
{
    private static readonly CircleDensity Uniform = new([new Complex(1 / (2 * Math.PI), 0)]);

    [TestCase(0.0)]
    [TestCase(1.234)]
    [TestCase(6.2)]
    public void W1_point_mass_vs_uniform_is_pi_over_2(double theta0)
    {
        Assert.That(CircleWasserstein.W1(Uniform, [theta0]), Is.EqualTo(Math.PI / 2).Within(1e-12));
    }

    [TestCase(0.3, 1.0)]
    [TestCase(0.1, 6.0)]
    [TestCase(-2.0, 2.5)]
    [TestCase(1.0, 1.0 + Math.PI)]
    public void W1_and_W2_between_point_masses_are_the_geodesic_distance(double a, double b)
    {
        double g = TestUtil.Geodesic(a, b);
        Assert.That(CircleWasserstein.W1([a], [b]), Is.EqualTo(g).Within(1e-13));
        Assert.That(CircleWasserstein.W2([a], [b]), Is.EqualTo(g).Within(1e-13));
    }

    [TestCase(0.0, 2.0)]
    [TestCase(2.5, 0.7)]
    [TestCase(4.0, 5.0)]
    public void W1_von_Mises_vs_point_mass_matches_independent_quadrature(double theta0, double kappa)
    {
        const double mean = 1.1;
        var density = CircleDensity.VonMises(mean, kappa, 40);
        const int m = 1 << 17;
        var f = TestUtil.CdfTable(t => TestUtil.VonMises(t, mean, kappa), m);
        double h = 2 * Math.PI / m;
        // Put the atom on a grid node so the trapezoid rule sees the jump exactly (else it errs by up to h/2).
        int atom = (int)Math.Round(theta0 / h);
        theta0 = atom * h;
        var left = new double[m + 1];
        var right = new double[m + 1];
        for (int i = 0; i <= m; i++) { left[i] = f[i] - (i > atom ? 1 : 0); right[i] = f[i] - (i >= atom ? 1 : 0); }
        double expected = TestUtil.MinOverAlpha(left, h, right);
        Assert.That(CircleWasserstein.W1(density, [theta0]), Is.EqualTo(expected).Within(2e-9));
    }

    [Test]
    public void W1_between_two_von_Mises_laws_matches_quadrature_through_a_quantile_cloud()
    {
        // Reference: W1(vM(0.4, 2), vM(2.0, 0.8)) by grid quadrature of min_α ∫|F1 − F2 − α|. The library sees the second
        // law as the midpoint-quantile cloud of N points, which is within W1 ≤ 2π/(4N)·(1 + o(1)) of it.
        const int m = 1 << 16, n = 20000;
        double h = 2 * Math.PI / m;
        var f1 = TestUtil.CdfTable(t => TestUtil.VonMises(t, 0.4, 2), m);
        var f2 = TestUtil.CdfTable(t => TestUtil.VonMises(t, 2.0, 0.8), m);
        var d = new double[m + 1];
        for (int i = 0; i <= m; i++) d[i] = f1[i] - f2[i];
        double expected = TestUtil.MinOverAlpha(d, h);
        var cloud = new double[n];
        int cell = 0;
        for (int i = 0; i < n; i++)
        {
            double u = (i + 0.5) / n;
            while (f2[cell + 1] < u) cell++;
            cloud[i] = (cell + (u - f2[cell]) / (f2[cell + 1] - f2[cell])) * h;
        }
        double got = CircleWasserstein.W1(CircleDensity.VonMises(0.4, 2, 40), cloud);
        Assert.That(expected, Is.GreaterThan(0.3));
        Assert.That(got, Is.EqualTo(expected).Within(2 * Math.PI / (4.0 * n) * 1.5));
    }

    [Test]
    public void W1_is_translation_invariant()
    {
        var cloud = TestUtil.UniformAngles(300, 5);
        double w = CircleWasserstein.W1(CircleDensity.VonMises(1.0, 3, 30), cloud);
        const double shift = 2.345;
        double ws = CircleWasserstein.W1(CircleDensity.VonMises(1.0 + shift, 3, 30), cloud.Select(t => t + shift).ToArray());
        Assert.That(ws, Is.EqualTo(w).Within(1e-11));
        var other = TestUtil.UniformAngles(200, 6);
        Assert.That(CircleWasserstein.W1(cloud.Select(t => t + shift).ToArray(), other.Select(t => t + shift).ToArray()),
            Is.EqualTo(CircleWasserstein.W1(cloud, other)).Within(1e-12));
    }

    [Test]
    public void Cloud_W1_is_bounded_by_pi_times_total_variation_and_W2_dominates_W1()
    {
        var a = TestUtil.UniformAngles(100, 11);
        var b = (double[])a.Clone();
        var fresh = TestUtil.UniformAngles(7, 12);
        for (int i = 0; i < 7; i++) b[10 * i] = fresh[i];
        double w1 = CircleWasserstein.W1(a, b);
        Assert.That(w1, Is.GreaterThan(0).And.LessThanOrEqualTo(Math.PI * 7 / 100.0 + 1e-14));
        Assert.That(CircleWasserstein.W2(a, b), Is.GreaterThanOrEqualTo(w1 - 1e-14));
    }

    [Test]
    public void W1_density_vs_cloud_agrees_with_cloud_vs_cloud_for_the_uniform_law_approximated_by_a_fine_grid()
    {
        // The 200000-point midpoint grid is within W1 = 2π/(4·200000) ≈ 8e−6 of the uniform law (triangle inequality).
        var cloud = TestUtil.UniformAngles(50, 3);
        var grid = Enumerable.Range(0, 200000).Select(i => 2 * Math.PI * (i + 0.5) / 200000).ToArray();
        Assert.That(CircleWasserstein.W1(Uniform, cloud), Is.EqualTo(CircleWasserstein.W1(grid, cloud)).Within(5e-5));
    }

    [Test]
    public void W2_of_identical_clouds_is_zero_and_of_a_small_rotation_is_the_angle()
    {
        var a = TestUtil.UniformAngles(60, 21);
        var shuffled = a.Reverse().ToArray();
        Assert.That(CircleWasserstein.W2(a, shuffled), Is.EqualTo(0).Within(1e-15));
        var s = a.OrderBy(t => t).ToArray();
        double gap = 2 * Math.PI + s[0] - s[^1];
        for (int i = 1; i < s.Length; i++) gap = Math.Min(gap, s[i] - s[i - 1]);
        foreach (double delta in new[] { 0.4 * gap, -0.3 * gap })
        {
            // Every point's only target within the half-gap is its own image, so the rotation is optimal: W2 = |δ|.
            var r = a.Select(t => t + delta).ToArray();
            Assert.That(CircleWasserstein.W2(a, r), Is.EqualTo(Math.Abs(delta)).Within(1e-12 * Math.Abs(delta) + 1e-15));
        }
    }

    [Test]
    public void W2_FFT_screened_path_equals_brute_force_over_all_shifts()
    {
        const int n = 3000; // > 2048: the FFT path
        var a = TestUtil.UniformAngles(n, 31).Select(t => t * 0.5).ToArray(); // non-uniform: crowded on a half circle
        var b = TestUtil.UniformAngles(n, 32);
        var sa = a.OrderBy(t => t).ToArray();
        var sb = b.OrderBy(t => t).ToArray();
        double best = double.PositiveInfinity;
        for (int s = 0; s < n; s++)
            for (int m = -2; m <= 2; m++)
            {
                double sum = 0;
                for (int i = 0; i < n; i++)
                {
                    int k = i + s;
                    double bj = k < n ? sb[k] : sb[k - n] + 2 * Math.PI;
                    double dd = sa[i] - bj - 2 * Math.PI * m;
                    sum += dd * dd;
                }
                best = Math.Min(best, sum / n);
            }
        Assert.That(CircleWasserstein.W2(a, b), Is.EqualTo(Math.Sqrt(best)).Within(1e-12));
    }

    [Test]
    public void W2_point_mass_vs_uniform_is_pi_over_sqrt3_within_the_stated_bound()
    {
        var est = CircleWasserstein.W2(Uniform, [2.0]);
        Assert.That(est.ErrorBound, Is.LessThan(3e-4).And.GreaterThan(0));
        Assert.That(est.Distance, Is.EqualTo(Math.PI / Math.Sqrt(3)).Within(est.ErrorBound));
    }

    [Test]
    public void W2_density_vs_its_own_quantile_cloud_is_small_and_vs_a_rotated_one_is_about_the_angle()
    {
        var density = CircleDensity.VonMises(0.5, 1.5, 30);
        const int n = 400;
        var est0 = CircleWasserstein.W2(density, Enumerable.Range(0, 1).Select(_ => 0.0).ToArray());
        Assert.That(est0.Distance, Is.GreaterThan(0.5));
        // Rotating the density by δ moves W2 to the (rotated) point by at most |δ| (triangle inequality).
        var rotated = CircleWasserstein.W2(CircleDensity.VonMises(0.5 + 0.01, 1.5, 30), [0.0]);
        Assert.That(Math.Abs(rotated.Distance - est0.Distance), Is.LessThanOrEqualTo(0.01 + est0.ErrorBound + rotated.ErrorBound));
        var cloud = TestUtil.UniformAngles(n, 41);
        var est = CircleWasserstein.W2(density, cloud);
        Assert.That(est.Distance, Is.GreaterThanOrEqualTo(CircleWasserstein.W1(density, cloud) - est.ErrorBound));
    }
}
