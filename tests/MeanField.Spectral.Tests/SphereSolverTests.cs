using System.Numerics;
using MeanField.Core;
using MeanField.Spectral.Sphere;
using MeanField.Spectral.Steppers;

namespace MeanField.Spectral.Tests;

[TestFixture]
public class SphereSolverTests
{
    private static readonly double A00 = 1 / Math.Sqrt(4 * Math.PI);

    /// <summary>i_n(β) = √(π/2β) I_{n+1/2}(β), as e^{−β}-scaled value.</summary>
    private static double ScaledSphericalI(int n, double beta) => Math.Sqrt(Math.PI / (2 * beta)) * Bessel.ScaledI(n + 0.5, beta);

    /// <summary>MATH §4.1, d = 3: λ_n^USA = n(n+1) i_n(β)/β, λ_n^SA = n(n+1) i_n(β)/sinh β.</summary>
    private static double Rate(AttentionKind kind, int n, double beta) => kind == AttentionKind.USA
        ? n * (n + 1.0) * ScaledSphericalI(n, beta) * Math.Exp(beta) / beta
        : n * (n + 1.0) * ScaledSphericalI(n, beta) * 2 / (1 - Math.Exp(-2 * beta));

    /// <summary>
    /// For each n ≤ nmax separately: uniform plus a 1e−7 perturbation of degree n (m = 0 and m = 1) at lmax n+2, RK4 with
    /// |λ_max|dt = 1/400 up to t = 1/|λ_max| (so rounding noise does not grow); returns the measured rates log|a(t)/a(0)|/t per (n, m ∈ {0, 1}).
    /// </summary>
    private static double[,] MeasuredRates(AttentionKind kind, double beta, int nmax, double diffusion = 0)
    {
        const double eps = 1e-7;
        var model = new MeanFieldModel(kind, beta, diffusion);
        var rates = new double[nmax + 1, 2];
        for (int n = 1; n <= nmax; n++)
        {
            int lmax = n + 2;
            var entries = new List<(int, int, Complex)> { (n, 0, eps * A00), (n, 1, eps * A00 * new Complex(0.6, 0.8)) };
            double fastest = 0;   // t ≤ 1/max_k |λ_k| over the retained degrees, so no rounding noise can grow
            for (int k = 1; k <= lmax; k++) fastest = Math.Max(fastest, Math.Abs(Rate(kind, k, beta) - diffusion * k * (k + 1.0)));
            double t = 1 / fastest;
            using var solver = new SphereSpectralSolver(model, lmax, SphereInitialLaws.Explicit(lmax, entries), new StepperOptions(StepperKind.Rk4, t / 400, 0));
            var initial = solver.Coefficients();
            solver.AdvanceTo(t);
            for (int m = 0; m <= 1; m++)
            {
                var a0 = initial[solver.Basis.Index(n, m)];
                var a1 = solver.Coefficient(n, m);
                rates[n, m] = Math.Log(a1.Magnitude / a0.Magnitude) / t;
                // a linear mode keeps its phase
                Assert.That(Math.Abs((a1 / a0).Imaginary) / (a1 / a0).Magnitude, Is.LessThan(1e-6), $"phase drift n={n} m={m}");
            }
        }
        return rates;
    }

    [TestCase(AttentionKind.USA, 2.0)]
    [TestCase(AttentionKind.USA, 10.0)]
    [TestCase(AttentionKind.USA, 50.0)]
    [TestCase(AttentionKind.SA, 2.0)]
    [TestCase(AttentionKind.SA, 10.0)]
    [TestCase(AttentionKind.SA, 50.0)]
    public void GrowthRatesOfSingleDegreePerturbationsMatchTheLinearTheory(AttentionKind kind, double beta)
    {
        int nmax = beta >= 50 ? 12 : beta >= 10 ? 8 : 6;
        var rates = MeasuredRates(kind, beta, nmax);
        for (int n = 1; n <= nmax; n++)
            for (int m = 0; m <= 1; m++)
            {
                TestContext.Out.WriteLine($"n={n} m={m} measured {rates[n, m]:G10} theory {Rate(kind, n, beta):G10} rel {rates[n, m] / Rate(kind, n, beta) - 1:E2}");
                Assert.That(rates[n, m], Is.EqualTo(Rate(kind, n, beta)).Within(1e-2).Percent, $"n = {n}, m = {m}");   // 1e−4 relative
            }
    }

    [Test]
    public void DominantDegreeAndRatesMatchMathTable()
    {
        // MATH §10 row 13 (d = 3, β = 5): λ_3 = 9.97809 (USA), 0.672349 (SA); row 8: n*(5) = 3, n*(10) = 4.
        var usa5 = MeasuredRates(AttentionKind.USA, 5, 7);
        var sa5 = MeasuredRates(AttentionKind.SA, 5, 7);
        Assert.That(usa5[3, 0], Is.EqualTo(9.97809).Within(2e-4));
        Assert.That(sa5[3, 1], Is.EqualTo(0.672349).Within(2e-5));
        Assert.That(ArgMax(usa5), Is.EqualTo(3));
        Assert.That(ArgMax(sa5), Is.EqualTo(3));
        var sa10 = MeasuredRates(AttentionKind.SA, 10, 7);
        Assert.That(ArgMax(sa10), Is.EqualTo(4));
    }

    private static int ArgMax(double[,] rates)
    {
        int best = 1;
        for (int n = 1; n < rates.GetLength(0); n++) if (rates[n, 0] > rates[best, 0]) best = n;
        return best;
    }

    [Test]
    public void DiffusionIsExact()
    {
        // Uniform + degree-n perturbation decays/grows at λ_n − D n(n+1).
        const double beta = 5, d = 0.2;
        var rates = MeasuredRates(AttentionKind.SA, beta, 6, d);
        for (int n = 1; n <= 6; n++)
            Assert.That(rates[n, 1], Is.EqualTo(Rate(AttentionKind.SA, n, beta) - d * n * (n + 1.0)).Within(1e-4 * n * (n + 1) * d), $"n = {n}");
    }

    private static Complex[] VonMisesMixture(int lmax, Func<double[], double[]> rotate) =>
        SphereInitialLaws.VonMisesFisherMixture(lmax, new[]
        {
            new VonMisesFisherComponent(rotate([0.3, -0.5, 0.8]), 6, 0.5),
            new VonMisesFisherComponent(rotate([-0.7, 0.2, -0.1]), 4, 0.3),
            new VonMisesFisherComponent(rotate([0.1, 0.9, -0.4]), 8, 0.2),
        });

    private static double[] Rotate(double[] v)
    {
        // R = R_z(0.7) R_y(1.1) R_x(−0.4)
        double[] Rx(double[] p, double a) => [p[0], Math.Cos(a) * p[1] - Math.Sin(a) * p[2], Math.Sin(a) * p[1] + Math.Cos(a) * p[2]];
        double[] Ry(double[] p, double a) => [Math.Cos(a) * p[0] + Math.Sin(a) * p[2], p[1], -Math.Sin(a) * p[0] + Math.Cos(a) * p[2]];
        double[] Rz(double[] p, double a) => [Math.Cos(a) * p[0] - Math.Sin(a) * p[1], Math.Sin(a) * p[0] + Math.Cos(a) * p[1], p[2]];
        return Rz(Ry(Rx(v, -0.4), 1.1), 0.7);
    }

    private static double PointValue(int lmax, Complex[] c, double[] p)
    {
        var y = new Complex[c.Length];
        double r = Math.Sqrt(p[0] * p[0] + p[1] * p[1] + p[2] * p[2]);
        SphericalHarmonicTransform.EvaluateHarmonics(lmax, Math.Acos(p[2] / r), Math.Atan2(p[1], p[0]), y);
        double f = 0;
        for (int m = 0; m <= lmax; m++)
            for (int l = m; l <= lmax; l++)
            {
                int i = SphericalHarmonicTransform.Index(lmax, l, m);
                f += (m == 0 ? 1 : 2) * (c[i] * y[i]).Real;
            }
        return f;
    }

    [TestCase(AttentionKind.USA, 3.0, 0.02)]
    [TestCase(AttentionKind.SA, 3.0, 1.0)]
    public void RotatingTheInitialDensityRotatesTheSolution(AttentionKind kind, double beta, double time)
    {
        const int lmax = 40;
        var model = new MeanFieldModel(kind, beta);
        var stepper = new StepperOptions(StepperKind.Dopri5, 1e-3, 1e-11);
        using var a = new SphereSpectralSolver(model, lmax, VonMisesMixture(lmax, p => p), stepper);
        using var b = new SphereSpectralSolver(model, lmax, VonMisesMixture(lmax, Rotate), stepper);
        a.AdvanceTo(time);
        b.AdvanceTo(time);
        var ca = a.Coefficients();
        var cb = b.Coefficients();
        // The solution moved: compare with the initial law to be sure the test is not trivial.
        var c0 = VonMisesMixture(lmax, p => p);
        Assert.That(SphereTransformTests.MaxRelativeError(ca, c0), Is.GreaterThan(1e-2));
        // ρ_b(R x) = ρ_a(x) at scattered points.
        double scale = 0, err = 0;
        var rng = new Random(3);
        for (int k = 0; k < 40; k++)
        {
            double[] p = [rng.NextDouble() - 0.5, rng.NextDouble() - 0.5, rng.NextDouble() - 0.5];
            double fa = PointValue(lmax, ca, p), fb = PointValue(lmax, cb, Rotate(p));
            scale = Math.Max(scale, Math.Abs(fa));
            err = Math.Max(err, Math.Abs(fa - fb));
        }
        Assert.That(err / scale, Is.LessThan(1e-8), $"max |ρ_b(Rx) − ρ_a(x)| / max ρ = {err / scale:E2}");
        // Degree spectra are rotation invariant.
        var sa = a.Diagnose().DegreeSpectrum;
        var sb = b.Diagnose().DegreeSpectrum;
        for (int n = 0; n <= 20; n++) Assert.That(sb[n], Is.EqualTo(sa[n]).Within(1e-8 * sa[0]), $"S_{n}");
    }

    [Test]
    public void AxisymmetricDataStayAxisymmetric()
    {
        const int lmax = 32;
        var c = SphereInitialLaws.VonMisesFisherMixture(lmax, new[]
        {
            new VonMisesFisherComponent([0, 0, 1], 3, 0.6),
            new VonMisesFisherComponent([0, 0, -1], 5, 0.4),
        });
        c[SphericalHarmonicTransform.Index(lmax, 3, 0)] += 0.02;
        using var solver = new SphereSpectralSolver(new MeanFieldModel(AttentionKind.SA, 4), lmax, c, new StepperOptions(StepperKind.Dopri5, 1e-3, 1e-10));
        solver.AdvanceTo(2);
        var a = solver.Coefficients();
        double zonal = 0, other = 0;
        for (int m = 0; m <= lmax; m++)
            for (int l = m; l <= lmax; l++)
            {
                double v = a[solver.Basis.Index(l, m)].Magnitude;
                if (m == 0) zonal = Math.Max(zonal, v);
                else other = Math.Max(other, v);
            }
        Assert.That(SphereTransformTests.MaxRelativeError(a, c), Is.GreaterThan(1e-2));
        Assert.That(other, Is.LessThan(1e-14 * zonal));
    }

    [TestCase(AttentionKind.USA, 4.0, 0.25)]
    [TestCase(AttentionKind.SA, 4.0, 2.0)]
    public void EnergyIsNonDecreasingAndMassIsConserved(AttentionKind kind, double beta, double time)
    {
        const int lmax = 24;
        var c = SphereInitialLaws.PerturbedUniform(lmax, 6, 0.2, 17);
        using var solver = new SphereSpectralSolver(new MeanFieldModel(kind, beta), lmax, c, new StepperOptions(StepperKind.Dopri5, 1e-3, 1e-9));
        var d0 = solver.Diagnose();
        TestContext.Out.WriteLine($"initial: tail {d0.SpectralTail:E2}, min ρ {d0.MinDensity:E2}");
        double last = d0.Energy, maxMassError = 0;
        int steps = 0;
        bool monotone = true;
        solver.AdvanceTo(time, (t, u) =>
        {
            double e = solver.Energy(u);
            if (e < last * (1 - 1e-13)) monotone = false;
            last = e;
            maxMassError = Math.Max(maxMassError, Math.Abs(Math.Sqrt(4 * Math.PI) * u[0] - 1));
            steps++;
            return true;
        });
        var d1 = solver.Diagnose();
        Assert.That(steps, Is.GreaterThan(5));
        Assert.That(monotone, Is.True, "energy decreased");
        Assert.That(d1.Energy, Is.GreaterThan(d0.Energy * (1 + 1e-3)), "energy should grow visibly (the test would be vacuous otherwise)");
        Assert.That(maxMassError, Is.LessThan(1e-12));
        Assert.That(Math.Abs(d1.Mass - 1), Is.LessThan(1e-12));
        Assert.That(d1.SpectralTail, Is.LessThan(0.05), "still resolved");
        Assert.That(d1.MinDensity, Is.GreaterThan(0));
        TestContext.Out.WriteLine($"E {d0.Energy:G10} → {d1.Energy:G10}, tail {d1.SpectralTail:E2}, min ρ {d1.MinDensity:E2}, {steps} steps");
    }

    [Test]
    public void EnergyNormalisationMatchesClosedFormAndDirectQuadrature()
    {
        const double beta = 3;
        // Uniform: E = (1/2β) ρ₀² ∬ e^{β⟨x,y⟩} = Λ_0/(8πβ) = sinh β/(2β²).
        using (var u = new SphereSpectralSolver(new MeanFieldModel(AttentionKind.USA, beta), 8, SphereInitialLaws.Uniform(8), new StepperOptions(StepperKind.Rk4, 1e-3, 0)))
            Assert.That(u.Energy(u.State), Is.EqualTo(Math.Sinh(beta) / (2 * beta * beta)).Within(1e-11).Percent);
        // A vMF mixture: spectral form vs a direct double quadrature (1/2β) Σ Σ w w' e^{β⟨x,y⟩} ρ(x) ρ(y).
        const int lmax = 20;
        var c = VonMisesMixture(lmax, p => p);
        using var s = new SphereSpectralSolver(new MeanFieldModel(AttentionKind.SA, beta), lmax, c, new StepperOptions(StepperKind.Rk4, 1e-3, 0));
        var basis = s.Basis;
        var rho = new double[basis.GridSize];
        s.Density(rho);
        int n = basis.GridSize;
        var xyz = new double[n, 3];
        var w = new double[n];
        for (int i = 0; i < basis.Nlat; i++)
            for (int k = 0; k < basis.Nlon; k++)
            {
                int q = i * basis.Nlon + k;
                double th = basis.Colatitudes[i], ph = basis.Longitudes[k];
                xyz[q, 0] = Math.Sin(th) * Math.Cos(ph);
                xyz[q, 1] = Math.Sin(th) * Math.Sin(ph);
                xyz[q, 2] = Math.Cos(th);
                w[q] = basis.AreaWeight(i) * rho[q];
            }
        double direct = 0;
        for (int p = 0; p < n; p++)
        {
            double inner = 0;
            for (int q = 0; q < n; q++)
                inner += w[q] * Math.Exp(beta * (xyz[p, 0] * xyz[q, 0] + xyz[p, 1] * xyz[q, 1] + xyz[p, 2] * xyz[q, 2]));
            direct += w[p] * inner;
        }
        direct /= 2 * beta;
        Assert.That(s.Energy(s.State), Is.EqualTo(direct).Within(1e-10).Percent);
        var diag = s.Diagnose();
        Assert.That(diag.Mass, Is.EqualTo(1).Within(1e-13));
        Assert.That(diag.MinDensity, Is.GreaterThan(0));
        // First moment of a single vMF: A_3(κ) μ with A_3 = coth κ − 1/κ.
        using var single = new SphereSpectralSolver(new MeanFieldModel(AttentionKind.SA, beta), lmax,
            SphereInitialLaws.VonMisesFisherMixture(lmax, new[] { new VonMisesFisherComponent([0, 0.6, 0.8], 5, 1) }), new StepperOptions(StepperKind.Rk4, 1e-3, 0));
        var moment = single.Diagnose().FirstMoment;
        double a3 = 1 / Math.Tanh(5) - 1 / 5.0;
        Assert.That(moment[0], Is.EqualTo(0).Within(1e-14));
        Assert.That(moment[1], Is.EqualTo(0.6 * a3).Within(1e-14));
        Assert.That(moment[2], Is.EqualTo(0.8 * a3).Within(1e-14));
    }

    [Test]
    public void VonMisesFisherCoefficientsReproduceTheDensity()
    {
        const int lmax = 48;
        var mu = new[] { 0.48, -0.6, 0.64 };
        const double kappa = 7;
        var c = SphereInitialLaws.VonMisesFisherMixture(lmax, new[] { new VonMisesFisherComponent(mu, kappa, 1) });
        using var sht = new SphericalHarmonicTransform(lmax, 50, 98);
        var grid = new double[sht.GridSize];
        sht.Synthesize(c, grid);
        double z = 4 * Math.PI * Math.Sinh(kappa) / kappa, err = 0;
        for (int i = 0; i < sht.Nlat; i++)
            for (int k = 0; k < sht.Nlon; k++)
            {
                double s = sht.SinColatitudes[i];
                double dot = s * Math.Cos(sht.Longitudes[k]) * mu[0] + s * Math.Sin(sht.Longitudes[k]) * mu[1] + sht.CosColatitudes[i] * mu[2];
                err = Math.Max(err, Math.Abs(grid[i * sht.Nlon + k] - Math.Exp(kappa * dot) / z));
            }
        Assert.That(err, Is.LessThan(1e-13 * Math.Exp(kappa) / z));
    }

    [Test]
    public void PerturbedUniformIsReproducibleAndHasUnitMass()
    {
        var a = SphereInitialLaws.PerturbedUniform(16, 5, 0.3, 42);
        var b = SphereInitialLaws.PerturbedUniform(16, 5, 0.3, 42);
        var c = SphereInitialLaws.PerturbedUniform(16, 5, 0.3, 43);
        Assert.That(a, Is.EqualTo(b));
        Assert.That(a, Is.Not.EqualTo(c));
        Assert.That(a[0].Real, Is.EqualTo(A00));
        Assert.That(a[SphericalHarmonicTransform.Index(16, 6, 0)], Is.EqualTo(Complex.Zero));
        for (int l = 0; l <= 16; l++) Assert.That(a[l].Imaginary, Is.EqualTo(0));
    }
}
