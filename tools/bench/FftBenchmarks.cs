using MeanField.Core;
using System.Diagnostics;
using System.Numerics;
using MathNet.Numerics.IntegralTransforms;
using MeanField.Spectral.Fft;

/// <summary>
/// `fft`: one real forward + inverse FFT pair of length n (what a solver calls) through FFTW, the managed path
/// (ManagedRealFft: MathNet radix-2 inside, own Bluestein for other half-lengths) and the same real-FFT split with
/// FftSharp 2.2.0 kernels (its radix-2 FFT.Forward/Inverse on spans; its Bluestein for other half-lengths), plus the
/// bare complex kernels MathNet vs FftSharp at the half-length m = n/2. Sizes: powers of two (circle grids) and the
/// ring lengths 2L+2 and nlon = the smallest even 5-smooth number ≥ 3L+1 of the S² grids.
/// </summary>
internal static class FftBenchmarks
{
    private const int Repetitions = 7;

    public static void Run()
    {
        Console.WriteLine();
        Console.WriteLine("## Real FFT round trip (forward + inverse), median of 7 runs of >= 0.1 s; µs per pair");
        Console.WriteLine("| n | kind | m = n/2 | FFTW | managed (MathNet + own Bluestein) | FftSharp split | complex m-point: MathNet | complex m-point: FftSharp | FftSharp max error vs FFTW |");
        Console.WriteLine("|---|---|---|---|---|---|---|---|---|");
        var sizes = new List<(int N, string Kind)>();
        foreach (int n in new[] { 64, 128, 256, 512, 1024, 2048, 4096, 8192 }) sizes.Add((n, "2^k"));
        foreach (int l in new[] { 16, 32, 48, 64, 100, 128 }) sizes.Add((2 * l + 2, $"2L+2, L={l}"));
        foreach (int l in new[] { 16, 32, 64, 128 }) sizes.Add((SmoothEven(3 * l + 1), $"nlon, L={l}"));
        foreach (var (n, kind) in sizes)
        {
            var input = new double[n];
            var rng = new Random(n);
            for (int j = 0; j < n; j++) input[j] = rng.NextDouble() - 0.5;
            string fftw = "—";
            Complex[]? reference = null;
            if (RealFftFactory.FftwAvailable)
            {
                using var f = RealFftFactory.Create(n, FftChoice.Fftw);
                fftw = Time(() => RoundTrip(f, input)).ToString("F2");
                input.CopyTo(f.Real); f.Forward(); reference = f.Spectrum.ToArray();
            }
            using var managed = new ManagedRealFft(n);
            string managedTime = Time(() => RoundTrip(managed, input)).ToString("F2");
            if (reference is null) { input.CopyTo(managed.Real); managed.Forward(); reference = managed.Spectrum.ToArray(); }
            using var sharp = new FftSharpRealFft(n);
            string sharpTime = Time(() => RoundTrip(sharp, input)).ToString("F2");
            input.CopyTo(sharp.Real); sharp.Forward();
            double error = 0;
            for (int k = 0; k <= n / 2; k++) error = Math.Max(error, (sharp.Spectrum[k] - reference[k]).Magnitude);
            sharp.Inverse();
            for (int j = 0; j < n; j++) error = Math.Max(error, Math.Abs(sharp.Real[j] - input[j]) / n);

            int m = n / 2;
            var z = Enumerable.Range(0, m).Select(j => new Complex(input[2 * j], input[2 * j + 1])).ToArray();
            var work = new Complex[m];
            string mathNet = BitOperations.IsPow2(m)
                ? Time(() => { z.CopyTo(work, 0); Fourier.Forward(work, FourierOptions.NoScaling); Fourier.Inverse(work, FourierOptions.NoScaling); }).ToString("F2")
                : "(Bluestein)";
            string fftSharp = BitOperations.IsPow2(m)
                ? Time(() => { z.CopyTo(work, 0); FftSharp.FFT.Forward(work.AsSpan()); FftSharp.FFT.Inverse(work.AsSpan()); }).ToString("F2")
                : Time(() => { z.CopyTo(work, 0); FftSharp.Bluestein.Forward(work); FftSharp.Bluestein.Inverse(work); }).ToString("F2");
            Console.WriteLine($"| {n} | {kind} | {m} | {fftw} | {managedTime} | {sharpTime} | {mathNet} | {fftSharp} | {error:E1} |");
        }
    }

    private static void RoundTrip(IRealFft fft, double[] input)
    {
        input.CopyTo(fft.Real);
        fft.Forward();
        fft.Inverse();
    }

    /// <summary>Median over repetitions of the time per call, in µs, after a warm-up.</summary>
    private static double Time(Action action)
    {
        var warm = Stopwatch.StartNew();
        while (warm.Elapsed.TotalSeconds < 0.05) action();
        var times = new List<double>();
        for (int r = 0; r < Repetitions; r++)
        {
            long count = 0;
            var sw = Stopwatch.StartNew();
            while (sw.Elapsed.TotalSeconds < 0.1)
            {
                for (int i = 0; i < 10; i++) action();
                count += 10;
            }
            times.Add(sw.Elapsed.TotalSeconds / count * 1e6);
        }
        return Benchmarks.Median(times);
    }

    private static int SmoothEven(int min)
    {
        for (int n = min + (min & 1); ; n += 2)
        {
            int r = n;
            foreach (int p in new[] { 2, 3, 5 }) while (r % p == 0) r /= p;
            if (r == 1) return n;
        }
    }
}

/// <summary>
/// ManagedRealFft's packing and split (n reals as n/2 complex, one half-length FFT, twiddle split) with FftSharp's
/// kernels: FFT.Forward on a span for power-of-two half-lengths, Bluestein.Forward (in place; it recomputes its chirp on every call) otherwise.
/// The inverse uses conj(FFT(conj z)), so no scaling convention of FftSharp's inverse enters.
/// </summary>
internal sealed class FftSharpRealFft : IRealFft
{
    private readonly int _n, _m;
    private readonly double[] _real;
    private readonly Complex[] _spectrum, _z;
    private readonly double[] _cos, _sin;

    public FftSharpRealFft(int n)
    {
        _n = n; _m = n / 2;
        _real = new double[n]; _spectrum = new Complex[_m + 1]; _z = new Complex[_m];
        _cos = new double[_m]; _sin = new double[_m];
        for (int k = 0; k < _m; k++) (_sin[k], _cos[k]) = Math.SinCos(2.0 * Math.PI * k / n);
    }

    public int Length => _n;
    public string Backend => "fftsharp";
    public Span<double> Real => _real;
    public Span<Complex> Spectrum => _spectrum;

    private void Half(Complex[] z)
    {
        if (BitOperations.IsPow2(_m)) FftSharp.FFT.Forward(z.AsSpan());
        else FftSharp.Bluestein.Forward(z);
    }

    public void Forward()
    {
        int m = _m;
        for (int j = 0; j < m; j++) _z[j] = new Complex(_real[2 * j], _real[2 * j + 1]);
        Half(_z);
        double inv = 1.0 / _n, h = 0.5 * inv;
        _spectrum[0] = new Complex((_z[0].Real + _z[0].Imaginary) * inv, 0);
        _spectrum[m] = new Complex((_z[0].Real - _z[0].Imaginary) * inv, 0);
        for (int k = 1; k < m; k++)
        {
            Complex a = _z[k], b = Complex.Conjugate(_z[m - k]);
            Complex e = a + b, o = (a - b) / Complex.ImaginaryOne;
            _spectrum[k] = (e + new Complex(_cos[k], -_sin[k]) * o) * h;
        }
    }

    public void Inverse()
    {
        int m = _m;
        double r0 = _spectrum[0].Real, rm = _spectrum[m].Real;
        _z[0] = new Complex(r0 + rm, r0 - rm);
        for (int k = 1; k < m; k++)
        {
            Complex a = _spectrum[k], b = Complex.Conjugate(_spectrum[m - k]);
            Complex e = a + b, o = (a - b) * new Complex(_cos[k], _sin[k]);
            _z[k] = e + Complex.ImaginaryOne * o;
        }
        for (int k = 0; k < m; k++) _z[k] = Complex.Conjugate(_z[k]);
        Half(_z);
        for (int j = 0; j < m; j++) { _real[2 * j] = _z[j].Real; _real[2 * j + 1] = -_z[j].Imaginary; }
    }

    public void Dispose() { }
}
