using System.Numerics;

namespace MeanField.Spectral.Fft;

/// <summary>
/// Real FFT of length n backed by FFTW 3 (double). Buffers come from fftw_malloc (SIMD-aligned) and the
/// r2c/c2r plans are made once, on those buffers, in the constructor; Forward/Inverse are a single
/// fftw_execute each (plus the 1/n scaling of Forward), with no managed allocation.
/// Not safe for concurrent use of one instance (it owns its buffers); separate instances may run in parallel.
/// </summary>
internal sealed unsafe class FftwRealFft : IRealFft
{
    // FFTW_ESTIMATE: plans are chosen by a fixed heuristic instead of timing trial runs (FFTW_MEASURE),
    // so the same n gives the same algorithm - hence bit-identical results - in every process and run
    // (on the same CPU features and FFTW build). It also keeps construction cheap and leaves the arrays untouched.
    // PRESERVE_INPUT keeps the contract "Forward leaves Real unchanged"; c2r may destroy its input (allowed).
    private const uint ForwardFlags = FftwNative.FFTW_ESTIMATE | FftwNative.FFTW_PRESERVE_INPUT;
    private const uint InverseFlags = FftwNative.FFTW_ESTIMATE | FftwNative.FFTW_DESTROY_INPUT;

    private readonly int _n;
    private readonly int _nSpec;       // n/2 + 1
    private readonly double _scale;    // 1/n
    private double* _real;             // n doubles
    private double* _spectrum;         // n/2+1 fftw_complex = 2(n/2+1) doubles, same layout as System.Numerics.Complex
    private IntPtr _forwardPlan;
    private IntPtr _inversePlan;
    private int _disposed;

    /// <exception cref="ArgumentOutOfRangeException">n odd or below 4.</exception>
    /// <exception cref="InvalidOperationException">libfftw3 is not available or planning failed.</exception>
    public FftwRealFft(int n)
    {
        RealFftFactory.ValidateLength(n);
        if (!FftwNative.IsAvailable)
            throw new InvalidOperationException(RealFftFactory.FftwMissingMessage);

        _n = n;
        _nSpec = n / 2 + 1;
        _scale = 1.0 / n;

        lock (FftwNative.PlannerLock)
        {
            try
            {
                _real = (double*)FftwNative.fftw_malloc((nuint)n * sizeof(double));
                _spectrum = (double*)FftwNative.fftw_malloc((nuint)_nSpec * 2 * sizeof(double));
                if (_real == null || _spectrum == null)
                    throw new OutOfMemoryException($"fftw_malloc failed for an FFT of length {n}.");

                _forwardPlan = FftwNative.fftw_plan_dft_r2c_1d(n, _real, _spectrum, ForwardFlags);
                _inversePlan = FftwNative.fftw_plan_dft_c2r_1d(n, _spectrum, _real, InverseFlags);
                if (_forwardPlan == IntPtr.Zero || _inversePlan == IntPtr.Zero)
                    throw new InvalidOperationException($"FFTW could not create r2c/c2r plans for n = {n}.");
            }
            catch
            {
                ReleaseNativeLocked();
                GC.SuppressFinalize(this);
                throw;
            }
        }

        // fftw_malloc returns uninitialised memory; start from zeros so the first read is deterministic.
        new Span<double>(_real, n).Clear();
        new Span<double>(_spectrum, 2 * _nSpec).Clear();
    }

    ~FftwRealFft() => ReleaseNative();

    public int Length => _n;

    public string Backend => "fftw";

    public Span<double> Real
    {
        get
        {
            ThrowIfDisposed();
            return new Span<double>(_real, _n);
        }
    }

    public Span<Complex> Spectrum
    {
        get
        {
            ThrowIfDisposed();
            return new Span<Complex>(_spectrum, _nSpec);
        }
    }

    public void Forward()
    {
        ThrowIfDisposed();
        FftwNative.fftw_execute(_forwardPlan);
        Scale(_spectrum, 2 * _nSpec, _scale);
        GC.KeepAlive(this); // the finalizer must not free the buffers while native code or Scale still uses them
    }

    public void Inverse()
    {
        ThrowIfDisposed();
        // The contract takes the DC and Nyquist coefficients as real; zero their imaginary parts explicitly
        // rather than rely on which c2r codelet FFTW picks (the input is destroyed anyway).
        _spectrum[1] = 0.0;
        _spectrum[2 * _nSpec - 1] = 0.0;
        FftwNative.fftw_execute(_inversePlan);
        GC.KeepAlive(this);
    }

    public void Dispose()
    {
        ReleaseNative();
        GC.SuppressFinalize(this);
    }

    /// <summary>In-place x *= s; vectorised because it runs after every forward transform.</summary>
    private static void Scale(double* x, int count, double s)
    {
        int i = 0;
        if (Vector.IsHardwareAccelerated && count >= Vector<double>.Count)
        {
            var vs = new Vector<double>(s);
            int last = count - Vector<double>.Count;
            for (; i <= last; i += Vector<double>.Count)
                Vector.Store(Vector.Load(x + i) * vs, x + i);
        }
        for (; i < count; i++)
            x[i] *= s;
    }

    private void ThrowIfDisposed()
    {
        if (_disposed != 0)
            ThrowDisposed();
    }

    private static void ThrowDisposed() => throw new ObjectDisposedException(nameof(FftwRealFft));

    private void ReleaseNative()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
            return;
        lock (FftwNative.PlannerLock)
            ReleaseNativeLocked();
    }

    // Caller holds PlannerLock. Plans are destroyed before the buffers they reference are freed.
    private void ReleaseNativeLocked()
    {
        _disposed = 1;
        if (_forwardPlan != IntPtr.Zero) FftwNative.fftw_destroy_plan(_forwardPlan);
        if (_inversePlan != IntPtr.Zero) FftwNative.fftw_destroy_plan(_inversePlan);
        if (_real != null) FftwNative.fftw_free((IntPtr)_real);
        if (_spectrum != null) FftwNative.fftw_free((IntPtr)_spectrum);
        _forwardPlan = IntPtr.Zero;
        _inversePlan = IntPtr.Zero;
        _real = null;
        _spectrum = null;
    }
}
