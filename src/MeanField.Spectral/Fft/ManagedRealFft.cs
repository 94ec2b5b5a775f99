using System.Numerics;
using MathNet.Numerics.IntegralTransforms;

namespace MeanField.Spectral.Fft;

/// <summary>
/// Managed real FFT (fallback when FFTW is absent), built on MathNet.Numerics' complex FFT.
///
/// MathNet conventions, checked against a naive DFT: <see cref="FourierOptions.Default"/> scales by 1/√N in
/// both directions, so we always pass <see cref="FourierOptions.NoScaling"/> and scale ourselves; without
/// <see cref="FourierOptions.InverseExponent"/>, Forward uses e^{−i…} and Inverse e^{+i…}, which is our convention.
/// MathNet's own Fourier.ForwardReal/InverseReal are not used: they allocate a Complex[n] on every call and
/// run a full length-n complex FFT (and ForwardReal rejects InverseExponent).
///
/// Instead the n real samples are packed as n/2 complex numbers z_j = x_{2j} + i x_{2j+1}, transformed with one
/// length-n/2 complex FFT and split with a precomputed twiddle table: half the work, and no allocation of ours per call.
///
/// When n/2 is not a power of two we run Bluestein's algorithm ourselves on top of MathNet's radix-2 FFT, because
/// MathNet's own Bluestein evaluates its chirp e^{iπk²/N} with an unreduced argument (error ≈ k²/N·ε, ~2e-13 at
/// N = 500, which fails a 1e-14 round trip), recomputes it and allocates three arrays on every call. Here the chirp
/// is reduced exactly (k² mod 2N) and it and the kernel's transform are precomputed once.
/// Caveat: MathNet switches to a parallel radix-2 (thread pool, small closure allocations) for lengths ≥ 1024,
/// i.e. n ≥ 2048 for power-of-two n and n/2 ≥ 257 otherwise (Bluestein pads to ≥ 2·n/2 − 1); that is inside MathNet
/// and can only be turned off globally (MathNet.Numerics.Control.UseSingleThread), which is the application's call.
/// Not safe for concurrent use of one instance.
/// </summary>
internal sealed class ManagedRealFft : IRealFft
{
    private readonly int _n;
    private readonly int _m;               // n/2
    private readonly double[] _real;       // n
    private readonly Complex[] _spectrum;  // n/2 + 1
    private readonly Complex[] _z;         // n/2, packed samples / half-length spectrum
    private readonly double[] _cos;        // cos(2πk/n), k < n/2
    private readonly double[] _sin;        // sin(2πk/n), k < n/2

    // Bluestein state, only when n/2 is not a power of two (null otherwise).
    private readonly Complex[]? _chirp;    // c_k = e^{−iπk²/m}, k < m
    private readonly Complex[]? _kernel;   // FFT of the padded conj(c) kernel, pre-divided by the padded length
    private readonly Complex[]? _conv;     // padded work array

    /// <exception cref="ArgumentOutOfRangeException">n odd or below 4.</exception>
    public ManagedRealFft(int n)
    {
        RealFftFactory.ValidateLength(n);
        _n = n;
        _m = n / 2;
        _real = new double[n];
        _spectrum = new Complex[_m + 1];
        _z = new Complex[_m];
        _cos = new double[_m];
        _sin = new double[_m];
        for (int k = 0; k < _m; k++)
        {
            (_sin[k], _cos[k]) = Math.SinCos(2.0 * Math.PI * k / n);
        }

        int m = _m;
        if (!BitOperations.IsPow2(m))
        {
            // Bluestein: jk = (j² + k² − (k−j)²)/2, so Σ_j z_j e^{−2πijk/m} = c_k Σ_j (z_j c_j) conj(c_{k−j}),
            // a cyclic convolution of any length M ≥ 2m−1; M is rounded up to a power of two so MathNet runs radix-2.
            int len = (int)BitOperations.RoundUpToPowerOf2((uint)(2 * m - 1));
            _chirp = new Complex[m];
            _kernel = new Complex[len];
            _conv = new Complex[len];
            for (int k = 0; k < m; k++)
            {
                long t = (long)k * k % (2L * m); // exact reduction: e^{−iπk²/m} has period 2m in k²
                var (sn, cs) = Math.SinCos(Math.PI * t / m);
                _chirp[k] = new Complex(cs, -sn);
            }
            double scale = 1.0 / len; // exact (power of two): folds the inverse FFT's 1/len into the kernel
            _kernel[0] = Complex.Conjugate(_chirp[0]) * scale;
            for (int k = 1; k < m; k++)
                _kernel[k] = _kernel[len - k] = Complex.Conjugate(_chirp[k]) * scale;
            Fourier.Forward(_kernel, FourierOptions.NoScaling);
        }
    }

    public int Length => _n;

    public string Backend => "managed";

    public Span<double> Real => _real;

    public Span<Complex> Spectrum => _spectrum;

    public void Forward()
    {
        int m = _m;
        double[] x = _real;
        Complex[] z = _z;
        Complex[] X = _spectrum;
        double[] c = _cos, s = _sin;

        for (int j = 0; j < m; j++)
            z[j] = new Complex(x[2 * j], x[2 * j + 1]);

        HalfForward(z); // Z_k = Σ_j z_j e^{−2πijk/m}

        // With E_k, O_k the DFTs of the even and odd samples:
        //   E_k = (Z_k + conj Z_{m−k}) / 2,  O_k = (Z_k − conj Z_{m−k}) / (2i),  X_k = E_k + e^{−2πik/n} O_k.
        // The 1/2 and the contract's 1/n are folded into one factor h, so there is no separate scaling pass.
        double inv = 1.0 / _n;
        double h = 0.5 * inv;
        double z0r = z[0].Real, z0i = z[0].Imaginary;
        X[0] = new Complex((z0r + z0i) * inv, 0.0);
        X[m] = new Complex((z0r - z0i) * inv, 0.0);
        for (int k = 1; k < m; k++)
        {
            double ar = z[k].Real, ai = z[k].Imaginary;
            double br = z[m - k].Real, bi = -z[m - k].Imaginary; // conj Z_{m−k}
            double er = ar + br, ei = ai + bi;                    // 2 E_k
            double dr = ar - br, di = ai - bi;                    // 2i O_k
            double qr = di, qi = -dr;                             // 2 O_k = (2i O_k) / i
            double wr = c[k], wi = -s[k];                         // e^{−2πik/n}
            double tr = wr * qr - wi * qi, ti = wr * qi + wi * qr;
            X[k] = new Complex((er + tr) * h, (ei + ti) * h);
        }
    }

    public void Inverse()
    {
        int m = _m;
        double[] x = _real;
        Complex[] z = _z;
        Complex[] X = _spectrum;
        double[] c = _cos, s = _sin;

        // Inverse of the split above, already in synthesis normalisation (no scaling needed):
        //   E'_k = f̂_k + conj f̂_{m−k},  O'_k = (f̂_k − conj f̂_{m−k}) e^{+2πik/n},  Z_k = E'_k + i O'_k,
        //   then z_j = Σ_k Z_k e^{+2πijk/m} = x_{2j} + i x_{2j+1}.
        // DC and Nyquist enter through their real parts only (the contract takes them as real).
        double r0 = X[0].Real, rm = X[m].Real;
        z[0] = new Complex(r0 + rm, r0 - rm);
        for (int k = 1; k < m; k++)
        {
            double ar = X[k].Real, ai = X[k].Imaginary;
            double br = X[m - k].Real, bi = -X[m - k].Imaginary; // conj f̂_{m−k}
            double er = ar + br, ei = ai + bi;
            double dr = ar - br, di = ai - bi;
            double wr = c[k], wi = s[k];                          // e^{+2πik/n}
            double qr = wr * dr - wi * di, qi = wr * di + wi * dr;
            z[k] = new Complex(er - qi, ei + qr);                  // E' + i O'
        }

        HalfInverse(z); // z_j = Σ_k Z_k e^{+2πijk/m}

        for (int j = 0; j < m; j++)
        {
            x[2 * j] = z[j].Real;
            x[2 * j + 1] = z[j].Imaginary;
        }
    }

    /// <summary>Unscaled length-m DFT with e^{−i…}, in place.</summary>
    private void HalfForward(Complex[] z)
    {
        if (_chirp is null)
            Fourier.Forward(z, FourierOptions.NoScaling);
        else
            Bluestein(z, conjugate: false);
    }

    /// <summary>Unscaled length-m DFT with e^{+i…}, in place.</summary>
    private void HalfInverse(Complex[] z)
    {
        if (_chirp is null)
            Fourier.Inverse(z, FourierOptions.NoScaling);
        else
            Bluestein(z, conjugate: true);
    }

    /// <summary>
    /// Bluestein DFT of z (length m) via the precomputed kernel. The e^{+i…} transform is conj(DFT(conj z)),
    /// so <paramref name="conjugate"/> conjugates on the way in and out.
    /// </summary>
    private void Bluestein(Complex[] z, bool conjugate)
    {
        Complex[] c = _chirp!, a = _conv!, b = _kernel!;
        int m = z.Length;
        for (int j = 0; j < m; j++)
            a[j] = (conjugate ? Complex.Conjugate(z[j]) : z[j]) * c[j];
        Array.Clear(a, m, a.Length - m);

        Fourier.Forward(a, FourierOptions.NoScaling);
        for (int i = 0; i < a.Length; i++)
            a[i] *= b[i];
        Fourier.Inverse(a, FourierOptions.NoScaling);

        for (int k = 0; k < m; k++)
        {
            var v = a[k] * c[k];
            z[k] = conjugate ? Complex.Conjugate(v) : v;
        }
    }

    /// <summary>Nothing native to release; present for the <see cref="IRealFft"/> contract.</summary>
    public void Dispose()
    {
    }
}
