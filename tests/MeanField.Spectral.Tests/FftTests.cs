using MeanField.Core;
using System.Numerics;
using MeanField.Spectral.Fft;

namespace MeanField.Spectral.Tests;

/// <summary>
/// Checks both real-FFT backends against a naive DFT written here, against each other, and against the
/// normalisation contract of <see cref="IRealFft"/> (Fourier-series coefficients forward, plain synthesis inverse).
/// </summary>
[TestFixture]
public class FftTests
{
    private static readonly int[] Lengths = [4, 6, 8, 16, 30, 256, 1000, 1024, 4096];
    private static readonly FftChoice[] Backends = [FftChoice.Managed, FftChoice.Fftw];

    // ---------- helpers ----------

    /// <summary>SplitMix64: tiny, fully specified, so test data is identical on every runtime (unlike System.Random).</summary>
    private sealed class SplitMix64(ulong seed)
    {
        private ulong _state = seed;

        public ulong Next()
        {
            ulong z = _state += 0x9E3779B97F4A7C15UL;
            z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
            z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
            return z ^ (z >> 31);
        }

        /// <summary>Uniform in [−1, 1).</summary>
        public double NextSigned() => (Next() >> 11) * (2.0 / (1UL << 53)) - 1.0;
    }

    private static double[] RandomReal(int n, ulong seed)
    {
        var g = new SplitMix64(seed);
        var x = new double[n];
        for (int j = 0; j < n; j++) x[j] = g.NextSigned();
        return x;
    }

    /// <summary>Random coefficients k = 0..n/2 with real DC and Nyquist (the inputs the contract defines).</summary>
    private static Complex[] RandomSpectrum(int n, ulong seed)
    {
        var g = new SplitMix64(seed);
        var c = new Complex[n / 2 + 1];
        for (int k = 0; k <= n / 2; k++) c[k] = new Complex(g.NextSigned(), g.NextSigned());
        c[0] = c[0].Real;
        c[n / 2] = c[n / 2].Real;
        return c;
    }

    // Twiddles indexed by (k·j mod n): exact argument reduction keeps the reference accurate at n = 4096.
    private static (double[] Cos, double[] Sin) Twiddles(int n)
    {
        var c = new double[n];
        var s = new double[n];
        for (int t = 0; t < n; t++) (s[t], c[t]) = Math.SinCos(2.0 * Math.PI * t / n);
        return (c, s);
    }

    /// <summary>Naive O(n²) f̂_k = (1/n) Σ_j x_j e^{−2πijk/n}, k = 0..n/2.</summary>
    private static Complex[] NaiveForward(double[] x)
    {
        int n = x.Length;
        var (cos, sin) = Twiddles(n);
        var f = new Complex[n / 2 + 1];
        for (int k = 0; k <= n / 2; k++)
        {
            double re = 0, im = 0;
            for (int j = 0; j < n; j++)
            {
                int t = (int)((long)k * j % n);
                re += x[j] * cos[t];
                im -= x[j] * sin[t];
            }
            f[k] = new Complex(re / n, im / n);
        }
        return f;
    }

    /// <summary>Naive synthesis x_j = Σ_{k=0}^{n−1} f̂_k e^{2πijk/n} with f̂_{n−k} = conj f̂_k (Nyquist once, taken real).</summary>
    private static double[] NaiveInverse(Complex[] f, int n)
    {
        var (cos, sin) = Twiddles(n);
        var x = new double[n];
        for (int j = 0; j < n; j++)
        {
            double sum = f[0].Real + f[n / 2].Real * (j % 2 == 0 ? 1 : -1);
            for (int k = 1; k < n / 2; k++)
            {
                int t = (int)((long)k * j % n);
                sum += 2.0 * (f[k].Real * cos[t] - f[k].Imaginary * sin[t]);
            }
            x[j] = sum;
        }
        return x;
    }

    private static double MaxAbs(ReadOnlySpan<Complex> a)
    {
        double m = 0;
        foreach (var v in a) m = Math.Max(m, v.Magnitude);
        return m;
    }

    private static double MaxAbs(ReadOnlySpan<double> a)
    {
        double m = 0;
        foreach (var v in a) m = Math.Max(m, Math.Abs(v));
        return m;
    }

    /// <summary>max_k |a_k − b_k| / max_k |b_k| (b is the reference).</summary>
    private static double RelErr(ReadOnlySpan<Complex> a, ReadOnlySpan<Complex> b)
    {
        Assert.That(a.Length, Is.EqualTo(b.Length));
        double d = 0;
        for (int i = 0; i < a.Length; i++) d = Math.Max(d, (a[i] - b[i]).Magnitude);
        return d / MaxAbs(b);
    }

    private static double RelErr(ReadOnlySpan<double> a, ReadOnlySpan<double> b)
    {
        Assert.That(a.Length, Is.EqualTo(b.Length));
        double d = 0;
        for (int i = 0; i < a.Length; i++) d = Math.Max(d, Math.Abs(a[i] - b[i]));
        return d / MaxAbs(b);
    }

    private static IRealFft Create(FftChoice backend, int n)
    {
        if (backend == FftChoice.Fftw)
            Assume.That(RealFftFactory.FftwAvailable, Is.True, "libfftw3 not available; FFTW test skipped");
        var fft = RealFftFactory.Create(n, backend);
        Assert.That(fft.Backend, Is.EqualTo(backend.Name()));
        Assert.That(fft.Length, Is.EqualTo(n));
        Assert.That(fft.Real.Length, Is.EqualTo(n));
        Assert.That(fft.Spectrum.Length, Is.EqualTo(n / 2 + 1));
        return fft;
    }

    // ---------- CI guard ----------

    [Test]
    public void FftwIsAvailableWhenCiRequiresIt()
    {
        // CI sets MEANFIELD_REQUIRE_FFTW=1 so that the Assume-guarded FFTW tests cannot be skipped silently.
        if (Environment.GetEnvironmentVariable("MEANFIELD_REQUIRE_FFTW") == "1")
            Assert.That(RealFftFactory.FftwAvailable, Is.True,
                "MEANFIELD_REQUIRE_FFTW=1 but libfftw3.so.3 could not be loaded (install libfftw3-double3)");
        else
            Assert.Pass($"MEANFIELD_REQUIRE_FFTW not set; FftwAvailable = {RealFftFactory.FftwAvailable}");
    }

    // ---------- against the naive DFT ----------

    [Test]
    public void ForwardMatchesNaiveDft([ValueSource(nameof(Backends))] FftChoice backend, [ValueSource(nameof(Lengths))] int n)
    {
        using var fft = Create(backend, n);
        var x = RandomReal(n, 1000UL + (ulong)n);
        x.CopyTo(fft.Real);
        fft.Forward();

        var expected = NaiveForward(x);
        Assert.That(RelErr(fft.Spectrum, expected), Is.LessThan(1e-13));
        Assert.That(fft.Real.ToArray(), Is.EqualTo(x), "Forward must leave Real unchanged");
    }

    [Test]
    public void InverseMatchesNaiveSynthesis([ValueSource(nameof(Backends))] FftChoice backend, [ValueSource(nameof(Lengths))] int n)
    {
        using var fft = Create(backend, n);
        var f = RandomSpectrum(n, 2000UL + (ulong)n);
        f.CopyTo(fft.Spectrum);
        fft.Inverse();

        var expected = NaiveInverse(f, n);
        Assert.That(RelErr(fft.Real, expected), Is.LessThan(1e-13));
    }

    [Test]
    public void RoundTripRecoversInput([ValueSource(nameof(Backends))] FftChoice backend, [ValueSource(nameof(Lengths))] int n)
    {
        using var fft = Create(backend, n);
        var x = RandomReal(n, 3000UL + (ulong)n);
        // Repeated use of one instance must keep working (plans and buffers are reused).
        for (int rep = 0; rep < 3; rep++)
        {
            x.CopyTo(fft.Real);
            fft.Forward();
            fft.Inverse();
            Assert.That(RelErr(fft.Real, x), Is.LessThan(1e-14), $"repetition {rep}");
        }
    }

    // ---------- backends against each other ----------

    [Test]
    public void FftwAndManagedAgree([Values(256, 1024, 4096)] int n)
    {
        using var fftw = Create(FftChoice.Fftw, n);
        using var managed = Create(FftChoice.Managed, n);

        var x = RandomReal(n, 4000UL + (ulong)n);
        x.CopyTo(fftw.Real);
        x.CopyTo(managed.Real);
        fftw.Forward();
        managed.Forward();
        Assert.That(RelErr(fftw.Spectrum, managed.Spectrum), Is.LessThan(1e-13), "forward");

        var f = RandomSpectrum(n, 5000UL + (ulong)n);
        f.CopyTo(fftw.Spectrum);
        f.CopyTo(managed.Spectrum);
        fftw.Inverse();
        managed.Inverse();
        Assert.That(RelErr(fftw.Real, managed.Real), Is.LessThan(1e-13), "inverse");
    }

    // ---------- normalisation and Nyquist ----------

    [Test]
    public void PureCosineGivesHalfAtItsWavenumber([ValueSource(nameof(Backends))] FftChoice backend,
        [Values(8, 16, 30, 256, 1000, 1024, 4096)] int n)
    {
        using var fft = Create(backend, n);
        var real = fft.Real;
        for (int j = 0; j < n; j++) real[j] = Math.Cos(3 * 2.0 * Math.PI * j / n);
        fft.Forward();

        var spec = fft.Spectrum;
        Assert.That(spec[3].Real, Is.EqualTo(0.5).Within(1e-15));
        Assert.That(spec[3].Imaginary, Is.EqualTo(0.0).Within(1e-15));
        for (int k = 0; k <= n / 2; k++)
        {
            if (k == 3) continue;
            Assert.That(spec[k].Magnitude, Is.LessThan(1e-15), $"k = {k}");
        }

        // And back: synthesis of f̂_{±3} = 1/2 is cos(3θ) again.
        fft.Inverse();
        for (int j = 0; j < n; j++)
            Assert.That(fft.Real[j], Is.EqualTo(Math.Cos(3 * 2.0 * Math.PI * j / n)).Within(1e-14));
    }

    [Test]
    public void PureSineGivesMinusHalfImaginary([ValueSource(nameof(Backends))] FftChoice backend, [Values(8, 256)] int n)
    {
        // Sign convention check: sin(2θ) = (e^{2iθ} − e^{−2iθ}) / 2i, so f̂_2 = −i/2.
        using var fft = Create(backend, n);
        for (int j = 0; j < n; j++) fft.Real[j] = Math.Sin(2 * 2.0 * Math.PI * j / n);
        fft.Forward();
        Assert.That(fft.Spectrum[2].Real, Is.EqualTo(0.0).Within(1e-15));
        Assert.That(fft.Spectrum[2].Imaginary, Is.EqualTo(-0.5).Within(1e-15));
    }

    [Test]
    public void NyquistModeForwardIsRealAndCountedOnce([ValueSource(nameof(Backends))] FftChoice backend,
        [Values(4, 6, 8, 30, 256, 1000)] int n)
    {
        // (−1)^j = cos(nθ/2) is its own conjugate mode: f̂_{n/2} = 1, not 1/2 as for other cosines.
        using var fft = Create(backend, n);
        for (int j = 0; j < n; j++) fft.Real[j] = j % 2 == 0 ? 1.0 : -1.0;
        fft.Forward();

        var spec = fft.Spectrum;
        Assert.That(spec[n / 2].Real, Is.EqualTo(1.0).Within(1e-15));
        for (int k = 0; k < n / 2; k++)
            Assert.That(spec[k].Magnitude, Is.LessThan(1e-15), $"k = {k}");
    }

    [Test]
    public void ForwardGivesExactlyRealDcAndNyquist([ValueSource(nameof(Backends))] FftChoice backend,
        [Values(4, 6, 256, 1000)] int n)
    {
        using var fft = Create(backend, n);
        RandomReal(n, 6000UL + (ulong)n).CopyTo(fft.Real);
        fft.Forward();
        Assert.That(fft.Spectrum[0].Imaginary, Is.EqualTo(0.0));
        Assert.That(fft.Spectrum[n / 2].Imaginary, Is.EqualTo(0.0));
    }

    [Test]
    public void InverseIgnoresImaginaryPartsOfDcAndNyquist([ValueSource(nameof(Backends))] FftChoice backend,
        [Values(4, 6, 8, 30, 256, 1000)] int n)
    {
        using var fft = Create(backend, n);
        var f = RandomSpectrum(n, 7000UL + (ulong)n);
        var expected = NaiveInverse(f, n); // real DC and Nyquist

        f[0] = new Complex(f[0].Real, 123.0);
        f[n / 2] = new Complex(f[n / 2].Real, -45.0);
        f.CopyTo(fft.Spectrum);
        fft.Inverse();
        Assert.That(RelErr(fft.Real, expected), Is.LessThan(1e-13));
    }

    [Test]
    public void InverseOfNyquistAloneIsAlternatingSign([ValueSource(nameof(Backends))] FftChoice backend, [Values(4, 6, 256)] int n)
    {
        using var fft = Create(backend, n);
        fft.Spectrum.Clear();
        fft.Spectrum[n / 2] = 1.0;
        fft.Inverse();
        for (int j = 0; j < n; j++)
            Assert.That(fft.Real[j], Is.EqualTo(j % 2 == 0 ? 1.0 : -1.0).Within(1e-15), $"j = {j}");
    }

    // ---------- reproducibility, allocation, lifetime ----------

    [Test]
    public void SeparateInstancesAreBitIdentical([ValueSource(nameof(Backends))] FftChoice backend, [Values(256, 1000)] int n)
    {
        using var a = Create(backend, n);
        using var b = Create(backend, n);
        var x = RandomReal(n, 8000UL + (ulong)n);
        x.CopyTo(a.Real);
        x.CopyTo(b.Real);
        a.Forward();
        b.Forward();
        Assert.That(a.Spectrum.SequenceEqual(b.Spectrum), Is.True, "forward");
        a.Inverse();
        b.Inverse();
        Assert.That(a.Real.SequenceEqual(b.Real), Is.True, "inverse");
    }

    [Test]
    public void ForwardAndInverseDoNotAllocate([ValueSource(nameof(Backends))] FftChoice backend, [Values(6, 30, 256, 1024)] int n)
    {
        // 6 and 30 take the managed Bluestein path. Not checked: sizes where MathNet's internal FFT length reaches 1024,
        // where MathNet goes parallel and allocates inside its own code (see ManagedRealFft).
        using var fft = Create(backend, n);
        RandomReal(n, 9000UL).CopyTo(fft.Real);
        for (int i = 0; i < 100; i++) { fft.Forward(); fft.Inverse(); } // warm up / tier up

        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 1000; i++) { fft.Forward(); fft.Inverse(); }
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.That(allocated, Is.Zero);
    }

    [Test]
    public void FftwDisposeIsIdempotentAndBlocksFurtherUse()
    {
        var fft = Create(FftChoice.Fftw, 64);
        fft.Dispose();
        fft.Dispose();
        Assert.Throws<ObjectDisposedException>(() => fft.Forward());
        Assert.Throws<ObjectDisposedException>(() => fft.Inverse());
        Assert.Throws<ObjectDisposedException>(() => _ = fft.Real);
        Assert.Throws<ObjectDisposedException>(() => _ = fft.Spectrum);
    }

    [Test]
    public void FftwPlansCanBeCreatedConcurrently()
    {
        // The FFTW planner is not thread-safe: the backend serialises planning; this hammers that path.
        Assume.That(RealFftFactory.FftwAvailable, Is.True, "libfftw3 not available; FFTW test skipped");
        int[] sizes = [16, 30, 256, 1000, 1024];
        var failures = new System.Collections.Concurrent.ConcurrentBag<string>();
        Parallel.For(0, 64, new ParallelOptions { MaxDegreeOfParallelism = 8 }, i =>
        {
            int n = sizes[i % sizes.Length];
            var x = RandomReal(n, 10_000UL + (ulong)i);
            using var fftw = RealFftFactory.Create(n, FftChoice.Fftw);
            using var managed = RealFftFactory.Create(n, FftChoice.Managed);
            x.CopyTo(fftw.Real);
            x.CopyTo(managed.Real);
            fftw.Forward();
            managed.Forward();
            double e = RelErr(fftw.Spectrum, managed.Spectrum);
            if (!(e < 1e-13)) failures.Add($"i = {i}, n = {n}: {e}");
        });
        Assert.That(failures, Is.Empty);
    }

    [Test]
    public void FinalizerReleasesForgottenFftwInstances()
    {
        Assume.That(RealFftFactory.FftwAvailable, Is.True, "libfftw3 not available; FFTW test skipped");
        for (int i = 0; i < 200; i++)
            _ = RealFftFactory.Create(4096, FftChoice.Fftw); // never disposed: the finalizer must free plans and buffers
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
        using var fft = RealFftFactory.Create(4096, FftChoice.Fftw);
        Assert.That(fft.Backend, Is.EqualTo("fftw"));
    }

    // ---------- factory ----------

    [Test]
    public void FactoryAutoPicksFftwExactlyWhenAvailable()
    {
        using var fft = RealFftFactory.Create(256, FftChoice.Auto);
        Assert.That(fft.Backend, Is.EqualTo(RealFftFactory.FftwAvailable ? "fftw" : "managed"));
    }

    [Test]
    public void FactoryManagedIsManaged()
    {
        using var fft = RealFftFactory.Create(256, FftChoice.Managed);
        Assert.That(fft, Is.InstanceOf<ManagedRealFft>());
    }

    [Test]
    public void FactoryFftwThrowsClearlyWhenAbsent()
    {
        if (RealFftFactory.FftwAvailable)
        {
            using var fft = RealFftFactory.Create(256, FftChoice.Fftw);
            Assert.That(fft, Is.InstanceOf<FftwRealFft>());
        }
        else
        {
            var e = Assert.Throws<InvalidOperationException>(() => RealFftFactory.Create(256, FftChoice.Fftw));
            Assert.That(e!.Message, Does.Contain("libfftw3.so.3").And.Contain("auto/managed"));
        }
    }

    [TestCase(5, FftChoice.Auto)]
    [TestCase(255, FftChoice.Managed)]
    [TestCase(1001, FftChoice.Fftw)]
    [TestCase(2, FftChoice.Auto)]
    [TestCase(0, FftChoice.Managed)]
    [TestCase(-8, FftChoice.Auto)]
    public void FactoryRejectsBadLength(int n, FftChoice backend)
    {
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => RealFftFactory.Create(n, backend));
        Assert.That(e!.ParamName, Is.EqualTo("n"));
        Assert.That(e.Message, Does.Contain("even").And.Contain("at least 4"));
    }

    [Test]
    public void ConstructorsValidateLengthToo()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => _ = new ManagedRealFft(7));
        if (RealFftFactory.FftwAvailable)
            Assert.Throws<ArgumentOutOfRangeException>(() => _ = new FftwRealFft(7));
    }
}
