using MeanField.Core;
using MeanField.Core.Noise;
using NUnit.Framework;

namespace MeanField.Core.Tests;

public class CommonNoiseTests
{
    // A polynomial covariance (MATH §2.3's two-point check): finitely many degrees, so truncation at degree ≥ 2 is exact.
    private static double Polynomial(double u) => 0.05 + 0.3 * u + 0.2 * u * u;

    [TestCase(2)]
    [TestCase(3)]
    [TestCase(4)]
    [TestCase(64)]
    public void Kernel_is_rebuilt_from_its_funk_hecke_coefficients(int d)
    {
        var c = ZonalKernelSpectrum.DegreeVariances(Polynomial, d, 6);
        double area = SphereGeometry.SurfaceArea(d);
        Assert.That(c[3], Is.EqualTo(0).Within(1e-13));
        foreach (double t in new[] { -1, -0.3, 0.2, 0.9, 1 })
        {
            double sum = 0;
            for (int n = 0; n <= 6; n++) sum += c[n] * SphereGeometry.HarmonicDimension(n, d) / area * Gegenbauer.P(n, d, t);
            Assert.That(sum, Is.EqualTo(Polynomial(t)).Within(1e-12), $"t = {t}");
        }
        Assert.That(ZonalKernelSpectrum.TruncatedKappaAtOne(c, d), Is.EqualTo(Polynomial(1)).Within(1e-12));
    }

    [Test]
    public void Relu_kernel_coefficients_are_non_negative_and_sum_to_kappa_at_one()
    {
        var kernel = new MlpNoiseKernel(MlpActivation.Relu, 3, 0.1, 0.1);
        var c = ZonalKernelSpectrum.DegreeVariances(kernel.Kappa, 3, 200);
        Assert.That(c.Min(), Is.GreaterThanOrEqualTo(0));
        // The tail after degree 200 decays like n^{-4}·(2n+1): κ_trunc(1) is within 1e-4 of κ(1).
        Assert.That(ZonalKernelSpectrum.TruncatedKappaAtOne(c, 3), Is.EqualTo(kernel.Kappa(1)).Within(1e-4 * kernel.Kappa(1)));
    }

    [Test]
    public void Circle_field_covariance_is_kappa_cos_delta_cos_delta()
    {
        var field = CircleNoiseField.FromKernel(Polynomial, 4);   // Q has modes ≤ 3: exact at M = 4
        Assert.That(field.IsStationary);
        Assert.That(field.Components, Is.EqualTo(9));
        foreach (var (theta, phi) in new[] { (0.0, 0.0), (0.3, 1.9), (2.0, -1.0), (1.0, 1.0 + Math.PI) })
        {
            double cov = 0;
            for (int j = 0; j < field.Components; j++) cov += field.Shape(j, theta) * field.Shape(j, phi);
            double delta = theta - phi;
            Assert.That(cov, Is.EqualTo(Polynomial(Math.Cos(delta)) * Math.Cos(delta)).Within(1e-12));
        }
        Assert.That(field.TruncatedVariance, Is.EqualTo(Polynomial(1)).Within(1e-12));
        Assert.That(field.Variance(0.7), Is.EqualTo(Polynomial(1)).Within(1e-12));
    }

    [Test]
    public void Circle_field_value_is_the_sum_of_shapes_times_increments()
    {
        var field = new CircleNoiseField([0.5, 0.2, 0.1], [0, 0.3, 0.0]);
        double[] db = [1, 2, 3, 4, 5];
        double theta = 0.4;
        double expected = 0.5 * 1 + 0.2 * Math.Cos(theta) * 2 + 0.3 * Math.Sin(theta) * 3 + 0.1 * Math.Cos(2 * theta) * 4;
        Assert.That(field.Value(theta, db), Is.EqualTo(expected).Within(1e-15));
        Assert.That(field.IsStationary, Is.False);
    }

    [Test]
    public void Sphere_field_truncated_kappa_and_coefficient_layout()
    {
        var field = SphereNoiseField.FromKernel(Polynomial, 3);
        Assert.That(field.Components, Is.EqualTo(48));
        Assert.That(field.TruncatedKappaAtOne, Is.EqualTo(Polynomial(1)).Within(1e-12));
        var db = new double[field.Components];
        db[SphereNoiseField.ComponentIndex(2, 3, 1)] = 1;   // cos-type, m = 2, α = 1
        db[SphereNoiseField.ComponentIndex(2, 4, 1)] = 2;   // sin-type, m = 2, α = 1
        var a = field.ScalarCoefficient(2, 2, 1, db);
        double s = Math.Sqrt(field.DegreeVariance(2) / 2);
        Assert.That(a.Real, Is.EqualTo(s).Within(1e-15));
        Assert.That(a.Imaginary, Is.EqualTo(-2 * s).Within(1e-15));
        Assert.That(field.ScalarCoefficient(2, 2, 0, db).Magnitude, Is.Zero);
    }

    [Test]
    public void Path_increments_are_reproducible_nested_and_have_variance_dt()
    {
        var path = new CommonNoisePath(seed: 7, components: 3, dt: 0.01);
        var fine = new double[3];
        var sum = new double[3];
        for (int s = 4; s < 8; s++)
        {
            path.Increments(s, fine);
            for (int j = 0; j < 3; j++) sum[j] += fine[j];
        }
        var coarse = new double[3];
        path.Increments(4, 4, coarse);
        Assert.That(coarse, Is.EqualTo(sum).Within(1e-15));
        var again = new double[3];
        new CommonNoisePath(7, 3, 0.01).Increments(4, 4, again);
        Assert.That(again, Is.EqualTo(coarse));
        var other = new double[3];
        new CommonNoisePath(7, 3, 0.01, path: 1).Increments(4, 4, other);
        Assert.That(other, Is.Not.EqualTo(coarse));

        const int n = 20000;
        double m2 = 0;
        for (int s = 0; s < n; s++) { path.Increments(s, fine); m2 += fine[0] * fine[0] + fine[2] * fine[2]; }
        // Var of the sample mean of ΔB²/dt: 2/(2n); 5 standard errors.
        Assert.That(m2 / (2 * n) / 0.01, Is.EqualTo(1).Within(5 * Math.Sqrt(2.0 / (2 * n))));
    }
}
