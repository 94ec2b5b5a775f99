using System.Diagnostics;
using System.Numerics;
using MeanField.Core;
using MeanField.Core.Random;
using MeanField.Spectral.Sphere;
using static MeanField.Particles.Tests.ParticleTestSupport;

namespace MeanField.Particles.Tests;

public class SphereSpectralTests
{
    [Test]
    public void HarmonicsMatchClosedFormsWithCondonShortleyPhase()
    {
        var h = new SphericalHarmonics(3);
        var y = new Complex[h.Count];
        double theta = 0.7, phi = 1.9;
        double[] x = [Math.Sin(theta) * Math.Cos(phi), Math.Sin(theta) * Math.Sin(phi), Math.Cos(theta)];
        h.Evaluate(x, y);
        var e = Complex.FromPolarCoordinates(1, phi);
        double s = Math.Sin(theta), c = Math.Cos(theta);
        void Check(int l, int m, Complex expected) =>
            Assert.That(Complex.Abs(y[h.Index(l, m)] - expected), Is.LessThan(1e-14), $"Y_{l}^{m}");
        Check(0, 0, 1 / Math.Sqrt(4 * Math.PI));
        Check(1, 0, Math.Sqrt(3 / (4 * Math.PI)) * c);
        Check(1, 1, -Math.Sqrt(3 / (8 * Math.PI)) * s * e);
        Check(2, 0, Math.Sqrt(5 / (16 * Math.PI)) * (3 * c * c - 1));
        Check(2, 1, -Math.Sqrt(15 / (8 * Math.PI)) * s * c * e);
        Check(2, 2, Math.Sqrt(15 / (32 * Math.PI)) * s * s * e * e);
        Check(3, 3, -Math.Sqrt(35 / (64 * Math.PI)) * s * s * s * e * e * e);
        Assert.That(h.Index(3, 1), Is.EqualTo(1 * (2 * 3 + 3 - 1) / 2 + (3 - 1)));
    }

    [Test]
    public void AdditionTheoremReproducesTheKernel()
    {
        // Σ_n Λ_n Σ_m Y_n^m(x) conj Y_n^m(y) = e^{β⟨x,y⟩}, Λ_n = 4π i_n(β), with the m < 0 terms folded (2 Re for m ≥ 1).
        const double beta = 7.0;
        int L = SphereSpectralInteraction.DegreeFor(beta, 1e-15, 1);
        var lambda = SphereSpectralInteraction.ScaledEigenvalues(beta, L + 1);
        var h = new SphericalHarmonics(L);
        var yx = new Complex[h.Count];
        var yy = new Complex[h.Count];
        var pts = ParticleSampling.Uniform(2, 3, 5);
        h.Evaluate(pts.AsSpan(0, 3), yx);
        h.Evaluate(pts.AsSpan(3, 3), yy);
        double sum = 0;
        for (int m = 0; m <= L; m++)
        for (int l = m; l <= L; l++)
            sum += (m == 0 ? 1 : 2) * lambda[l] * (yx[h.Index(l, m)] * Complex.Conjugate(yy[h.Index(l, m)])).Real;
        double t = pts[0] * pts[3] + pts[1] * pts[4] + pts[2] * pts[5];
        Assert.That(sum, Is.EqualTo(Math.Exp(beta * (t - 1))).Within(1e-14));
    }

    // β = 200 needs L ≈ 150 (≈ 11,000 (l, m) pairs); N is kept at 1000 there so the dense reference and the test stay fast.
    [TestCase(0.5, 1500), TestCase(2.0, 1500), TestCase(10.0, 1500), TestCase(50.0, 1000), TestCase(200.0, 1000)]
    public void SpectralAgreesWithDenseToTheRequestedTolerance(double beta, int n)
    {
        var x = MixedConfiguration(n, 3, 5);
        foreach (double tolerance in new[] { 1e-12, 1e-6 })
        foreach (var attention in new[] { AttentionKind.USA, AttentionKind.SA })
        {
            var model = new ParticleModel(attention, 3, beta);
            var dense = new double[3 * n];
            var spectral = new double[3 * n];
            var denseWeights = new double[n];
            var spectralWeights = new double[n];
            new DenseInteraction(model, n).Evaluate(x, dense, denseWeights);
            var s = new SphereSpectralInteraction(model, n, tolerance);
            var clock = Stopwatch.StartNew();
            s.Evaluate(x, spectral, spectralWeights);
            double ms = clock.Elapsed.TotalMilliseconds;
            double worst = 0, worstWeight = 0;
            for (int i = 0; i < n; i++)
            {
                double err = 0;
                for (int c = 0; c < 3; c++) err += Sq(dense[3 * i + c] - spectral[3 * i + c]);
                // USA: relative to the particle's weight sum (1/N) Σ_j e^{β⟨x_i,x_j⟩}; SA drifts are weighted averages (scale 1).
                double scale = attention == AttentionKind.USA ? denseWeights[i] : 1.0;
                worst = Math.Max(worst, Math.Sqrt(err) / scale);
                worstWeight = Math.Max(worstWeight, Math.Abs(spectralWeights[i] - denseWeights[i]) / denseWeights[i]);
            }
            TestContext.Out.WriteLine($"beta {beta} tol {tolerance:E0} {attention}: L = {s.SpectralModes}, worst relative drift error {worst:E2}, weight error {worstWeight:E2} ({ms:F1} ms)");
            Assert.That(worst, Is.LessThanOrEqualTo(tolerance), $"beta {beta}, tolerance {tolerance}, {attention}, L = {s.SpectralModes}");
            Assert.That(worstWeight, Is.LessThanOrEqualTo(tolerance + 1e-14));
        }
    }

    [Test]
    public void TheDegreeComesFromTheBesselTailAndGrowsWithBeta()
    {
        const int n = 2000;
        double Term(double beta, int k, double[] lambda) => (2.0 * k + 1) * lambda[k] / (4 * Math.PI) * (k * (k + 1.0) / (2 * beta) + 1);
        double Tail(double beta, int from)
        {
            var lambda = SphereSpectralInteraction.ScaledEigenvalues(beta, 800);
            double s = 0;
            for (int k = from; k < 800; k++) s += Term(beta, k, lambda);
            return s;
        }
        int previous = 0;
        foreach (double beta in new[] { 0.5, 2, 10, 50, 200 })
        {
            int L = SphereSpectralInteraction.DegreeFor(beta, 1e-12, n);
            Assert.That(Tail(beta, L + 1), Is.LessThanOrEqualTo(1e-12 / n), $"beta {beta}");
            Assert.That(Tail(beta, L), Is.GreaterThan(1e-12 / n), $"beta {beta}");
            Assert.That(L, Is.GreaterThan(previous));
            previous = L;
        }
    }

    [Test]
    public void ResultsAreBitIdenticalForAnyThreadCount()
    {
        const int n = 3001;
        var model = new ParticleModel(AttentionKind.SA, 3, 4.0);
        var x = MixedConfiguration(n, 3, 9);
        var one = new double[n * 3];
        var two = new double[n * 3];
        var three = new double[n * 3];
        ParticleInteractions.Create(model, n, "spectral", 1e-12, threads: 1).Evaluate(x, one);
        ParticleInteractions.Create(model, n, "spectral", 1e-12, threads: 2).Evaluate(x, two);
        ParticleInteractions.Create(model, n, "spectral", 1e-12, threads: 3).Evaluate(x, three);
        Assert.That(two, Is.EqualTo(one));
        Assert.That(three, Is.EqualTo(one));
    }

    [Test]
    public void AutoPicksSpectralOnTheSphereOnlyWhenItIsCheaper()
    {
        var model = new ParticleModel(AttentionKind.USA, 3, 2.0);
        Assert.That(ParticleInteractions.Create(model, 100, "auto", 1e-12).Name, Is.EqualTo("dense"));
        Assert.That(ParticleInteractions.Create(model, 20000, "auto", 1e-12), Is.InstanceOf<SphereSpectralInteraction>());
        var big = new ParticleModel(AttentionKind.USA, 3, 200.0);
        Assert.That(ParticleInteractions.Create(big, 2000, "auto", 1e-12).Name, Is.EqualTo("dense"));
        Assert.That(ParticleInteractions.Create(new ParticleModel(AttentionKind.USA, 4, 2.0), 20000, "auto", 1e-12).Name, Is.EqualTo("dense"));
    }

    [Test]
    public void EmpiricalCoefficientsOfOneParticleAtTheNorthPole()
    {
        const int L = 12;
        var a = SphericalHarmonics.EmpiricalCoefficients([0, 0, 1], L);
        Assert.That(a, Has.Length.EqualTo((L + 1) * (L + 2) / 2));
        for (int m = 0; m <= L; m++)
        for (int l = m; l <= L; l++)
        {
            var v = a[SphericalHarmonics.Index(L, l, m)];
            double expected = m == 0 ? Math.Sqrt((2 * l + 1) / (4 * Math.PI)) : 0;
            Assert.That(v.Real, Is.EqualTo(expected).Within(1e-13), $"l {l} m {m}");
            Assert.That(v.Imaginary, Is.EqualTo(0).Within(1e-13), $"l {l} m {m}");
        }
    }

    [Test]
    public void EmpiricalCoefficientsOfAUniformSampleAreOfOrderOneOverRootN()
    {
        const int n = 100_000, L = 16;
        var x = ParticleSampling.Uniform(n, 3, 42);
        var a = SphericalHarmonics.EmpiricalCoefficients(x, L);
        Assert.That(a[0].Real, Is.EqualTo(1 / Math.Sqrt(4 * Math.PI)).Within(1e-12));
        // Each Re, Im of a_l^m (l ≥ 1) has variance ≤ 1/(4πN) (E|Y|² = 1/4π); 6 standard deviations over ~150 entries.
        double sd = 1 / Math.Sqrt(4 * Math.PI * n);
        double worst = 0;
        for (int i = 1; i < a.Length; i++) worst = Math.Max(worst, Math.Max(Math.Abs(a[i].Real), Math.Abs(a[i].Imaginary)));
        Assert.That(worst, Is.LessThan(6 * sd));
        Assert.That(worst, Is.GreaterThan(0.5 * sd));
    }

    [Test, Explicit("timing: the N-scaling of spectral summation on S² (docs/performance.md)")]
    public void SpectralScalingWithN()
    {
        foreach (int n in new[] { 1_000, 10_000, 100_000, 1_000_000 })
        {
            var model = new ParticleModel(AttentionKind.USA, 3, 5.0);
            var x = ParticleSampling.Uniform(n, 3, 1);
            var d = new double[3 * n];
            var spec = new SphereSpectralInteraction(model, n, 1e-12);
            spec.Evaluate(x, d);
            var times = new List<double>();
            for (int r = 0; r < 5; r++)
            {
                var c = Stopwatch.StartNew();
                spec.Evaluate(x, d);
                times.Add(c.Elapsed.TotalMilliseconds);
            }
            times.Sort();
            TestContext.Out.WriteLine($"N {n}: L = {spec.SpectralModes}, median {times[2]:F3} ms per evaluation");
        }
    }

    [Test]
    public void HarmonicsAgreeWithTheSpherePdeTransform()
    {
        const int L = 40;
        var h = new SphericalHarmonics(L);
        var mine = new Complex[h.Count];
        var pde = new Complex[SphericalHarmonicTransform.CoefficientCount(L)];
        var x = ParticleSampling.Uniform(20, 3, 17);
        for (int j = 0; j < 20; j++)
        {
            h.Evaluate(x.AsSpan(3 * j, 3), mine);
            double theta = Math.Acos(x[3 * j + 2]), phi = Math.Atan2(x[3 * j + 1], x[3 * j]);
            SphericalHarmonicTransform.EvaluateHarmonics(L, theta, phi, pde);
            for (int k = 0; k < h.Count; k++) Assert.That(Complex.Abs(mine[k] - pde[k]), Is.LessThan(1e-12), $"index {k}");
        }
    }

    [Test]
    public void EmpiricalCoefficientsOfAVonMisesFisherSampleMatchThePdeInitialCoefficients()
    {
        // N = 10⁵ exact vMF samples on S² (inverse CDF of w = ⟨μ,x⟩: w = 1 + ln(u + (1−u)e^{−2κ})/κ, uniform azimuth) against the
        // sphere PDE's exact initial coefficients of the same law. Each Re, Im of a_l^m has standard deviation ≤ √((2l+1)/(4πN)).
        const int n = 100_000, L = 8;
        const double kappa = 6;
        double[] mu = [1 / 3.0, 2 / 3.0, 2 / 3.0];
        double[] e1 = [2 / 3.0, 1 / 3.0, -2 / 3.0];
        double[] e2 = [mu[1] * e1[2] - mu[2] * e1[1], mu[2] * e1[0] - mu[0] * e1[2], mu[0] * e1[1] - mu[1] * e1[0]];
        var rng = new RandomStream(11, RandomStreams.InitialCondition);
        var x = new double[3 * n];
        for (int j = 0; j < n; j++)
        {
            double u = rng.NextDouble(), phi = 2 * Math.PI * rng.NextDouble();
            double w = 1 + Math.Log(u + (1 - u) * Math.Exp(-2 * kappa)) / kappa, r = Math.Sqrt(Math.Max(0, 1 - w * w));
            for (int c = 0; c < 3; c++) x[3 * j + c] = w * mu[c] + r * (Math.Cos(phi) * e1[c] + Math.Sin(phi) * e2[c]);
        }
        var empirical = SphericalHarmonics.EmpiricalCoefficients(x, L);
        var exact = SphereInitialLaws.VonMisesFisherMixture(L, [new VonMisesFisherComponent(mu, kappa, 1)]);
        double worst = 0;
        for (int m = 0; m <= L; m++)
        for (int l = m; l <= L; l++)
        {
            int i = SphericalHarmonics.Index(L, l, m);
            double sd = Math.Sqrt((2 * l + 1) / (4 * Math.PI * n));
            double z = Math.Max(Math.Abs(empirical[i].Real - exact[i].Real), Math.Abs(empirical[i].Imaginary - exact[i].Imaginary)) / sd;
            worst = Math.Max(worst, z);
        }
        TestContext.Out.WriteLine($"worst deviation {worst:F2} standard-deviation bounds; a_1^0 exact {exact[1].Real:F5}, empirical {empirical[1].Real:F5}");
        Assert.That(worst, Is.LessThan(5));
        Assert.That(exact[SphericalHarmonics.Index(L, 1, 0)].Real, Is.GreaterThan(0.1), "the law is far from uniform");
    }

    private static double Sq(double v) => v * v;
}
