using System.Diagnostics;
using System.Numerics;
using MeanField.Core;
using MeanField.Core.Random;
using MeanField.Spectral.Sphere;

namespace MeanField.Spectral.Tests;

[TestFixture]
public class SphereTransformTests
{
    internal static Complex[] RandomCoefficients(int lmax, ulong seed, double decay = 0)
    {
        var rng = new RandomStream(seed, RandomStreams.InitialCondition);
        var c = new Complex[SphericalHarmonicTransform.CoefficientCount(lmax)];
        for (int m = 0; m <= lmax; m++)
            for (int l = m; l <= lmax; l++)
            {
                double s = Math.Exp(-decay * l);
                c[SphericalHarmonicTransform.Index(lmax, l, m)] =
                    new Complex(s * rng.NextGaussian(), m == 0 ? 0 : s * rng.NextGaussian());
            }
        return c;
    }

    internal static double MaxRelativeError(ReadOnlySpan<Complex> a, ReadOnlySpan<Complex> b)
    {
        double err = 0, norm = 0;
        for (int i = 0; i < a.Length; i++)
        {
            err = Math.Max(err, (a[i] - b[i]).Magnitude);
            norm = Math.Max(norm, b[i].Magnitude);
        }
        return err / norm;
    }

    private static double RoundTrip(int lmax, int nlat, int nlon, bool simd, ulong seed)
    {
        using var sht = new SphericalHarmonicTransform(lmax, nlat, nlon, simd: simd);
        var c = RandomCoefficients(lmax, seed);
        var grid = new double[sht.GridSize];
        var back = new Complex[sht.Count];
        sht.Synthesize(c, grid);
        sht.Analyze(grid, back);
        return MaxRelativeError(back, c);
    }

    [TestCase(255, true)]
    [TestCase(255, false)]
    [TestCase(31, true)]
    [TestCase(5, true)]
    public void RoundTripOfRandomBandLimitedCoefficients(int lmax, bool simd)
    {
        int nlat = lmax + 1 + (lmax + 1) % 2;
        double err = RoundTrip(lmax, nlat, 2 * lmax + 2, simd, 7);
        Assert.That(err, Is.LessThan(1e-12), $"max |Δa|/max |a| = {err:E2}");
    }

    [Test]
    public void RoundTripAtLmax1023()
    {
        var sw = Stopwatch.StartNew();
        double err = RoundTrip(1023, 1024, 2048, true, 11);
        TestContext.Out.WriteLine($"lmax 1023 round trip: {err:E2} in {sw.Elapsed.TotalSeconds:F2} s (including setup)");
        Assert.That(err, Is.LessThan(1e-11));
    }

    [Test]
    public void OversampledAndMinimalGridsAreExact()
    {
        Assert.That(RoundTrip(40, 64, 96, true, 3), Is.LessThan(1e-12));
        Assert.That(RoundTrip(40, 42, 82, false, 3), Is.LessThan(1e-12));
    }

    /// <summary>The ring-mode layout puts every (order, ring) at its own index below Length, south rings Block after north.</summary>
    [TestCase(4, 3, 8)]
    [TestCase(44, 40, 8)]
    [TestCase(130, 20, 16)]
    public void RingModeLayoutIsOneToOne(int nlat, int lmax, int block)
    {
        var layout = new MeanField.Spectral.Sphere.RingModeLayout(nlat, lmax, block);
        var seen = new HashSet<int>();
        for (int m = 0; m <= lmax; m++)
            for (int ring = 0; ring < nlat; ring++)
            {
                int q = layout.Of(m, ring);
                Assert.That(q, Is.InRange(0, layout.Length - 1));
                Assert.That(seen.Add(q), Is.True, $"m {m} ring {ring}");
                if (ring >= nlat / 2) Assert.That(q, Is.EqualTo(layout.North(m, nlat - 1 - ring) + block));
            }
    }

    [Test]
    public void SimdAgreesWithScalarReference()
    {
        int lmax = 300;   // high enough that polar lanes start below 2^−300 (rescaled path)
        using var fast = new SphericalHarmonicTransform(lmax, 302, 602, simd: true);
        using var slow = new SphericalHarmonicTransform(lmax, 302, 602, simd: false);
        Assume.That(fast.UsesSimd, "neither Vector512 nor Vector256 is accelerated on this machine");
        var c = RandomCoefficients(lmax, 5);
        var g1 = new double[fast.GridSize];
        var g2 = new double[slow.GridSize];
        fast.Synthesize(c, g1);
        slow.Synthesize(c, g2);
        double d = 0, n = 0;
        for (int i = 0; i < g1.Length; i++) { d = Math.Max(d, Math.Abs(g1[i] - g2[i])); n = Math.Max(n, Math.Abs(g2[i])); }
        Assert.That(d / n, Is.LessThan(1e-13));
        var b1 = new Complex[fast.Count];
        var b2 = new Complex[slow.Count];
        fast.Analyze(g2, b1);
        slow.Analyze(g2, b2);
        Assert.That(MaxRelativeError(b1, b2), Is.LessThan(1e-13));
    }

    /// <summary>
    /// The FFTW path (complex FFTs of north–south ring pairs in batches, 1/nlon in the weights) against the
    /// managed per-ring FFT path: synthesis, analysis, gradient and divergence agree to round-off, on a grid with
    /// nlon/2 &gt; L+1 so the zero orders above L are exercised, with 1 and 2 workers.
    /// </summary>
    [TestCase(1)]
    [TestCase(2)]
    public void BatchedFftwRingsAgreeWithManagedPerRingFfts(int threads)
    {
        if (!MeanField.Spectral.Fft.RealFftFactory.FftwAvailable) Assert.Ignore("libfftw3 not available");
        int lmax = 40, nlat = 44, nlon = 124;
        using var fftw = new SphericalHarmonicTransform(lmax, nlat, nlon, FftChoice.Fftw, threads);
        using var managed = new SphericalHarmonicTransform(lmax, nlat, nlon, FftChoice.Managed, threads);
        var c = RandomCoefficients(lmax, 11);
        var g1 = new double[fftw.GridSize];
        var g2 = new double[fftw.GridSize];
        fftw.Synthesize(RandomCoefficients(lmax, 12), g1);   // the batch buffers are reused: the second call must not see the first
        fftw.Analyze(g1, new Complex[fftw.Count]);             // nor an analysis in between (it fills the orders above L)
        fftw.Synthesize(c, g1);
        managed.Synthesize(c, g2);
        double scale = g2.Max(Math.Abs);
        for (int i = 0; i < g1.Length; i++) Assert.That(g1[i], Is.EqualTo(g2[i]).Within(1e-13 * scale));
        var b1 = new Complex[fftw.Count];
        var b2 = new Complex[fftw.Count];
        fftw.Analyze(g2, b1);
        managed.Analyze(g2, b2);
        for (int i = 0; i < b1.Length; i++) Assert.That((b1[i] - b2[i]).Magnitude, Is.LessThan(1e-13));
        var t1 = new double[fftw.GridSize];
        var p1 = new double[fftw.GridSize];
        var t2 = new double[fftw.GridSize];
        var p2 = new double[fftw.GridSize];
        fftw.SynthesizeGradient(c, default, t1, p1);
        managed.SynthesizeGradient(c, default, t2, p2);
        double gs = t2.Concat(p2).Max(Math.Abs);
        for (int i = 0; i < t1.Length; i++)
        {
            Assert.That(t1[i], Is.EqualTo(t2[i]).Within(1e-12 * gs));
            Assert.That(p1[i], Is.EqualTo(p2[i]).Within(1e-12 * gs));
        }
        fftw.AnalyzeDivergence(t2, p2, b1);
        managed.AnalyzeDivergence(t2, p2, b2);
        double ds = b2.Max(z => z.Magnitude);
        for (int i = 0; i < b1.Length; i++) Assert.That((b1[i] - b2[i]).Magnitude, Is.LessThan(1e-12 * ds));
    }

    /// <summary>
    /// The aligned FFTW path (64-byte rows, grid rows padded when nlon is not a multiple of 8, mode rows padded to 64 bytes)
    /// against the managed per-ring FFTs, an independent FFT: synthesis and analysis agree to 1e-13 at two lmax, one grid
    /// with padded grid rows (nlon = 124) and one without (nlon = 128); and two instances in one process, called twice
    /// each, give bit-identical grids and coefficients (the plans are made the same way every time).
    /// </summary>
    [TestCase(40, 44, 124)]
    [TestCase(63, 64, 128)]
    public void AlignedFftwPathAgreesWithManagedAndIsBitReproducible(int lmax, int nlat, int nlon)
    {
        if (!MeanField.Spectral.Fft.RealFftFactory.FftwAvailable) Assert.Ignore("libfftw3 not available");
        using var fftw = new SphericalHarmonicTransform(lmax, nlat, nlon, FftChoice.Fftw);
        using var again = new SphericalHarmonicTransform(lmax, nlat, nlon, FftChoice.Fftw);
        using var managed = new SphericalHarmonicTransform(lmax, nlat, nlon, FftChoice.Managed);
        var c = RandomCoefficients(lmax, 21);
        var g1 = new double[fftw.GridSize];
        var g2 = new double[fftw.GridSize];
        var g3 = new double[fftw.GridSize];
        fftw.Synthesize(c, g1);
        managed.Synthesize(c, g2);
        double scale = g2.Max(Math.Abs);
        for (int i = 0; i < g1.Length; i++) Assert.That(g1[i], Is.EqualTo(g2[i]).Within(1e-13 * scale));
        again.Synthesize(RandomCoefficients(lmax, 22), g3);
        again.Synthesize(c, g3);
        Assert.That(g3, Is.EqualTo(g1), "synthesis, second instance");
        var b1 = new Complex[fftw.Count];
        var b2 = new Complex[fftw.Count];
        var b3 = new Complex[fftw.Count];
        fftw.Analyze(g2, b1);
        managed.Analyze(g2, b2);
        double cs = b2.Max(z => z.Magnitude);
        for (int i = 0; i < b1.Length; i++) Assert.That((b1[i] - b2[i]).Magnitude, Is.LessThan(1e-13 * cs));
        for (int i = 0; i < b1.Length; i++) Assert.That((b1[i] - c[i]).Magnitude, Is.LessThan(1e-12 * cs), "round trip");
        again.Analyze(g1, b3);
        again.Analyze(g2, b3);
        Assert.That(b3, Is.EqualTo(b1), "analysis, second instance");
    }

    [Test]
    public void ThreadsOverOrdersGiveIdenticalResults()
    {
        int lmax = 100;
        using var one = new SphericalHarmonicTransform(lmax, 102, 202, threads: 1);
        using var two = new SphericalHarmonicTransform(lmax, 102, 202, threads: 3);
        var c = RandomCoefficients(lmax, 8);
        var g1 = new double[one.GridSize];
        var g2 = new double[two.GridSize];
        one.Synthesize(c, g1);
        two.Synthesize(c, g2);
        Assert.That(g2, Is.EqualTo(g1));
        var b1 = new Complex[one.Count];
        var b2 = new Complex[two.Count];
        one.Analyze(g1, b1);
        two.Analyze(g1, b2);
        Assert.That(b2, Is.EqualTo(b1));
    }

    private static double ClosedForm(int l, int m, double theta, double phi, out double imag)
    {
        double x = Math.Cos(theta), s = Math.Sin(theta), pi = Math.PI;
        double p = (l, m) switch
        {
            (0, 0) => 1 / Math.Sqrt(4 * pi),
            (1, 0) => Math.Sqrt(3 / (4 * pi)) * x,
            (1, 1) => -Math.Sqrt(3 / (8 * pi)) * s,
            (2, 0) => Math.Sqrt(5 / (16 * pi)) * (3 * x * x - 1),
            (2, 1) => -Math.Sqrt(15 / (8 * pi)) * s * x,
            (2, 2) => Math.Sqrt(15 / (32 * pi)) * s * s,
            (3, 0) => Math.Sqrt(7 / (16 * pi)) * (5 * x * x * x - 3 * x),
            (3, 1) => -Math.Sqrt(21 / (64 * pi)) * s * (5 * x * x - 1),
            (3, 2) => Math.Sqrt(105 / (32 * pi)) * s * s * x,
            (3, 3) => -Math.Sqrt(35 / (64 * pi)) * s * s * s,
            _ => throw new ArgumentException("no closed form"),
        };
        imag = p * Math.Sin(m * phi);
        return p * Math.Cos(m * phi);
    }

    [Test]
    public void SynthesisMatchesClosedFormHarmonics()
    {
        int lmax = 6;
        using var sht = new SphericalHarmonicTransform(lmax, 8, 14);
        var grid = new double[sht.GridSize];
        for (int l = 0; l <= 3; l++)
            for (int m = 0; m <= l; m++)
            {
                // a_l^m = 1 gives f = Y (m = 0) or 2 Re Y (m > 0); a_l^m = i gives −2 Im Y.
                var c = new Complex[sht.Count];
                c[sht.Index(l, m)] = 1;
                sht.Synthesize(c, grid);
                double err = 0;
                for (int i = 0; i < sht.Nlat; i++)
                    for (int k = 0; k < sht.Nlon; k++)
                    {
                        double re = ClosedForm(l, m, sht.Colatitudes[i], sht.Longitudes[k], out double im);
                        err = Math.Max(err, Math.Abs(grid[i * sht.Nlon + k] - (m == 0 ? re : 2 * re)));
                    }
                Assert.That(err, Is.LessThan(1e-14), $"Y_{l}^{m}");
                if (m == 0) continue;
                c[sht.Index(l, m)] = Complex.ImaginaryOne;
                sht.Synthesize(c, grid);
                err = 0;
                for (int i = 0; i < sht.Nlat; i++)
                    for (int k = 0; k < sht.Nlon; k++)
                    {
                        ClosedForm(l, m, sht.Colatitudes[i], sht.Longitudes[k], out double im);
                        err = Math.Max(err, Math.Abs(grid[i * sht.Nlon + k] + 2 * im));
                    }
                Assert.That(err, Is.LessThan(1e-14), $"i·Y_{l}^{m}");
            }
    }

    [Test]
    public void PointEvaluationMatchesClosedForms()
    {
        var values = new Complex[SphericalHarmonicTransform.CoefficientCount(3)];
        foreach (var (theta, phi) in new[] { (0.3, 1.2), (2.9, -0.4), (Math.PI / 2, 2.0) })
        {
            SphericalHarmonicTransform.EvaluateHarmonics(3, theta, phi, values);
            for (int l = 0; l <= 3; l++)
                for (int m = 0; m <= l; m++)
                {
                    double re = ClosedForm(l, m, theta, phi, out double im);
                    var v = values[SphericalHarmonicTransform.Index(3, l, m)];
                    Assert.That(v.Real, Is.EqualTo(re).Within(1e-15));
                    Assert.That(v.Imaginary, Is.EqualTo(im).Within(1e-15));
                }
        }
    }

    [Test]
    public void AnalysisOfCoordinateFunctionsIsExact()
    {
        using var sht = new SphericalHarmonicTransform(4, 6, 10);
        var grid = new double[sht.GridSize];
        var c = new Complex[sht.Count];
        // f = x = sin θ cos φ:  a_1^1 = −√(2π/3), everything else 0.   f = z: a_1^0 = √(4π/3).
        for (int i = 0; i < sht.Nlat; i++)
            for (int k = 0; k < sht.Nlon; k++)
                grid[i * sht.Nlon + k] = sht.SinColatitudes[i] * Math.Cos(sht.Longitudes[k]) + 2 * sht.CosColatitudes[i];
        sht.Analyze(grid, c);
        var expected = new Complex[sht.Count];
        expected[sht.Index(1, 1)] = -Math.Sqrt(2 * Math.PI / 3);
        expected[sht.Index(1, 0)] = 2 * Math.Sqrt(4 * Math.PI / 3);
        for (int i = 0; i < c.Length; i++)
            Assert.That((c[i] - expected[i]).Magnitude, Is.LessThan(1e-14), $"index {i}");
    }

    [Test]
    public void LargeDegreePointValuesAgreeWithTheGridSynthesis()
    {
        // Independent path (scalar exponent-tracked recurrence at a point) vs the SIMD kernel, including polar rings.
        int lmax = 400;
        using var sht = new SphericalHarmonicTransform(lmax, 402, 802);
        var c = RandomCoefficients(lmax, 9);
        var grid = new double[sht.GridSize];
        sht.Synthesize(c, grid);
        var y = new Complex[sht.Count];
        foreach (int i in new[] { 0, 1, 7, 100, 200, 401 })
        {
            int k = 37;
            SphericalHarmonicTransform.EvaluateHarmonics(lmax, sht.Colatitudes[i], sht.Longitudes[k], y);
            double f = 0;
            for (int m = 0; m <= lmax; m++)
                for (int l = m; l <= lmax; l++)
                {
                    var term = c[sht.Index(l, m)] * y[sht.Index(l, m)];
                    f += m == 0 ? term.Real : 2 * term.Real;
                }
            Assert.That(grid[i * sht.Nlon + k], Is.EqualTo(f).Within(1e-11 * Math.Max(1, Math.Abs(f))), $"ring {i}");
        }
    }

    [Test]
    public void HighDegreeSynthesisAgreesWithTheDirectPointEvaluator()
    {
        // The SIMD kernels run Ishioka's recurrence in x² (one sequence for both parities, coefficients pre-combined);
        // MeanField.Core.SphericalHarmonics evaluates Y_l^m pole-free by the three-term recurrence in z = cos θ. At
        // degrees 960..1023 (every order, including rings where high orders start below 2^−300) the two must agree.
        int lmax = 1023;
        using var sht = new SphericalHarmonicTransform(lmax, 1024, 2048);
        var c = RandomCoefficients(lmax, 21);
        for (int m = 0; m <= lmax; m++)
            for (int l = m; l < 960; l++) c[sht.Index(l, m)] = Complex.Zero;
        var grid = new double[sht.GridSize];
        sht.Synthesize(c, grid);
        var direct = new SphericalHarmonics(lmax);
        var y = new Complex[direct.Count];
        var points = new List<(double Grid, double Direct)>();
        foreach (int i in new[] { 0, 3, 100, 400, 511, 512, 800, 1023 })
            foreach (int k in new[] { 0, 37, 1500 })
            {
                double th = sht.Colatitudes[i], ph = sht.Longitudes[k];
                direct.Evaluate([Math.Sin(th) * Math.Cos(ph), Math.Sin(th) * Math.Sin(ph), Math.Cos(th)], y);
                double f = 0;
                for (int m = 0; m <= lmax; m++)
                    for (int l = Math.Max(m, 960); l <= lmax; l++)
                    {
                        var term = c[sht.Index(l, m)] * y[direct.Index(l, m)];
                        f += m == 0 ? term.Real : 2 * term.Real;
                    }
                points.Add((grid[i * sht.Nlon + k], f));
            }
        double scale = points.Max(p => Math.Abs(p.Direct));
        double err = points.Max(p => Math.Abs(p.Grid - p.Direct));
        TestContext.Out.WriteLine($"lmax 1023, degrees 960..1023: max |grid − direct| / max |direct| = {err / scale:E2}");
        Assert.That(err / scale, Is.LessThan(1e-12));
    }

    [Test]
    public void GradientOfDegreeOneHarmonicsMatchesClosedForm()
    {
        using var sht = new SphericalHarmonicTransform(3, 6, 8);
        var c = new Complex[sht.Count];
        c[sht.Index(1, 0)] = 0.7;
        c[sht.Index(1, 1)] = new Complex(0.3, -0.2);
        var f = new double[sht.GridSize];
        var gt = new double[sht.GridSize];
        var gp = new double[sht.GridSize];
        sht.SynthesizeGradient(c, f, gt, gp);
        double k0 = Math.Sqrt(3 / (4 * Math.PI)), k1 = Math.Sqrt(3 / (8 * Math.PI));
        for (int i = 0; i < sht.Nlat; i++)
            for (int k = 0; k < sht.Nlon; k++)
            {
                double th = sht.Colatitudes[i], ph = sht.Longitudes[k];
                // f = 0.7 k0 cos θ + 2 Re[(0.3 − 0.2i)(−k1 sin θ e^{iφ})] = 0.7 k0 cos θ − 2 k1 sin θ (0.3 cos φ + 0.2 sin φ)
                double ef = 0.7 * k0 * Math.Cos(th) - 2 * k1 * Math.Sin(th) * (0.3 * Math.Cos(ph) + 0.2 * Math.Sin(ph));
                double et = -0.7 * k0 * Math.Sin(th) - 2 * k1 * Math.Cos(th) * (0.3 * Math.Cos(ph) + 0.2 * Math.Sin(ph));
                double ep = -2 * k1 * (-0.3 * Math.Sin(ph) + 0.2 * Math.Cos(ph));
                int q = i * sht.Nlon + k;
                Assert.That(f[q], Is.EqualTo(ef).Within(1e-15));
                Assert.That(gt[q], Is.EqualTo(et).Within(1e-15));
                Assert.That(gp[q], Is.EqualTo(ep).Within(1e-15));
            }
    }

    [TestCase(true)]
    [TestCase(false)]
    public void DivergenceOfGradientIsTheLaplacian(bool simd)
    {
        int lmax = 64;
        using var sht = new SphericalHarmonicTransform(lmax, 66, 130, simd: simd);
        var c = RandomCoefficients(lmax, 21);
        var gt = new double[sht.GridSize];
        var gp = new double[sht.GridSize];
        sht.SynthesizeGradient(c, default, gt, gp);
        var div = new Complex[sht.Count];
        sht.AnalyzeDivergence(gt, gp, div);
        var expected = new Complex[sht.Count];
        for (int m = 0; m <= lmax; m++)
            for (int l = m; l <= lmax; l++)
                expected[sht.Index(l, m)] = -l * (l + 1.0) * c[sht.Index(l, m)];
        Assert.That(MaxRelativeError(div, expected), Is.LessThan(1e-12));
    }

    [Test]
    public void FunkHeckeEigenvaluesByProjectingTheKernel()
    {
        // e^{β⟨x,y⟩} = Σ_n Λ_n Σ_m conj(Y_n^m(y)) Y_n^m(x): project on the grid, then Λ_n = (4π/(2n+1)) Σ_{m=−n}^{n} a_n^m Y_n^m(y).
        const double beta = 10;
        int lmax = 63;
        using var sht = new SphericalHarmonicTransform(lmax, 64, 128);
        double ty = 0.9, py = 2.3;
        var y = new[] { Math.Sin(ty) * Math.Cos(py), Math.Sin(ty) * Math.Sin(py), Math.Cos(ty) };
        var grid = new double[sht.GridSize];
        for (int i = 0; i < sht.Nlat; i++)
            for (int k = 0; k < sht.Nlon; k++)
            {
                double s = sht.SinColatitudes[i];
                double dot = s * Math.Cos(sht.Longitudes[k]) * y[0] + s * Math.Sin(sht.Longitudes[k]) * y[1] + sht.CosColatitudes[i] * y[2];
                grid[i * sht.Nlon + k] = Math.Exp(beta * dot);
            }
        var a = new Complex[sht.Count];
        sht.Analyze(grid, a);
        var yv = new Complex[sht.Count];
        SphericalHarmonicTransform.EvaluateHarmonics(lmax, ty, py, yv);
        double Lambda(int n)
        {
            double sum = (a[sht.Index(n, 0)] * yv[sht.Index(n, 0)]).Real;
            for (int m = 1; m <= n; m++) sum += 2 * (a[sht.Index(n, m)] * yv[sht.Index(n, m)]).Real;
            return 4 * Math.PI / (2 * n + 1) * sum;
        }
        // MATH §10 row 2 (d = 3, β = 10).
        Assert.That(Lambda(0), Is.EqualTo(13839.6366).Within(5e-5));
        Assert.That(Lambda(1), Is.EqualTo(12455.67299).Within(5e-6));
        Assert.That(Lambda(2), Is.EqualTo(10102.9347).Within(5e-5));
        Assert.That(Lambda(5), Is.EqualTo(2976.213972).Within(5e-7));
        for (int n = 0; n <= 20; n++)
            Assert.That(Lambda(n), Is.EqualTo(FunkHecke.Eigenvalue(n, beta, 3)).Within(1e-11 * 13839.6366), $"n = {n}");
    }
}
