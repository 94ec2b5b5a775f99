using System.Numerics;
using System.Runtime.InteropServices;

namespace MeanField.Spectral.Fft;

/// <summary>
/// All rings of a latitude–longitude grid in one FFTW call (fftw_plan_many_dft_r2c/c2r), on ring-major mode rows
/// modes[ring·ModeRow + m] that the SHT's Legendre stage writes and reads directly, so there is no transposition copy
/// (a strided m-major layout was measured 2–4× slower in FFTW). Rings [lo, hi) per worker, one plan pair each.
/// Unnormalised both ways (the caller folds 1/nlon into its quadrature weights). FFTW_ESTIMATE: the same plan, hence
/// bit-identical results, in every process. Aligned plans (no FFTW_UNALIGNED, so FFTW may use its SIMD codelets): every
/// ring row, of the grid and of the modes, starts on a 64-byte boundary (rows padded to multiples of 64 bytes), the
/// modes in caller buffers that must be 64-byte aligned, the grid in a buffer owned here: a caller's grid span has no
/// alignment guarantee, so it is copied in (forward) or out (inverse), one pass over nlat·nlon doubles.
/// </summary>
internal sealed unsafe class FftwRingTransforms : IDisposable
{
    /// <summary>Alignment of every row and of the buffers, in bytes (a cache line; enough for AVX-512 codelets).</summary>
    public const int Alignment = 64;

    private readonly int _nlon, _gridRow;
    private readonly int[] _lo;
    private readonly IntPtr[] _forward, _inverse;
    private double* _grid;   // nlat rows of _gridRow doubles, 64-byte aligned

    /// <param name="bounds">Ring ranges: worker w owns rings bounds[w]..bounds[w+1]−1 (bounds[^1] = nlat).</param>
    public FftwRingTransforms(int nlon, int[] bounds)
    {
        if (!FftwNative.IsAvailable) throw new InvalidOperationException(RealFftFactory.FftwMissingMessage);
        _nlon = nlon;
        _gridRow = RoundUp(nlon, Alignment / sizeof(double));
        ModeRow = RoundUp(nlon / 2 + 1, Alignment / (2 * sizeof(double)));
        int workers = bounds.Length - 1, nlat = bounds[^1];
        _lo = bounds;
        _forward = new IntPtr[workers];
        _inverse = new IntPtr[workers];
        _grid = AlignedZeroed((nuint)nlat * (nuint)_gridRow);
        var modes = AlignedZeroed((nuint)nlat * (nuint)ModeRow * 2);
        try
        {
            lock (FftwNative.PlannerLock)
            {
                // ESTIMATE never touches the arrays; execution uses other arrays of the same (64-byte) alignment and strides.
                int n = nlon;
                for (int w = 0; w < workers; w++)
                {
                    int howmany = bounds[w + 1] - bounds[w];
                    if (howmany == 0) continue;
                    _forward[w] = FftwNative.fftw_plan_many_dft_r2c(1, &n, howmany, _grid, null, 1, _gridRow, modes, null, 1, ModeRow,
                        FftwNative.FFTW_ESTIMATE | FftwNative.FFTW_PRESERVE_INPUT);
                    _inverse[w] = FftwNative.fftw_plan_many_dft_c2r(1, &n, howmany, modes, null, 1, ModeRow, _grid, null, 1, _gridRow,
                        FftwNative.FFTW_ESTIMATE | FftwNative.FFTW_DESTROY_INPUT);
                    if (_forward[w] == IntPtr.Zero || _inverse[w] == IntPtr.Zero)
                        throw new InvalidOperationException($"FFTW could not plan {howmany} strided ring transforms of length {nlon}.");
                }
            }
        }
        catch
        {
            Dispose();
            throw;
        }
        finally
        {
            NativeMemory.AlignedFree(modes);
        }
    }

    /// <summary>Mode rows the transforms read or write: nlon/2 + 1.</summary>
    public int Rows => _nlon / 2 + 1;

    /// <summary>Stride between the mode rows of consecutive rings, in complex entries: nlon/2 + 1 rounded up to 64 bytes.</summary>
    public int ModeRow { get; }

    /// <summary>A zeroed native buffer of <paramref name="count"/> doubles on a 64-byte boundary (free with NativeMemory.AlignedFree).</summary>
    public static double* AlignedZeroed(nuint count)
    {
        var p = (double*)NativeMemory.AlignedAlloc(Math.Max(count, 1) * sizeof(double), Alignment);
        NativeMemory.Clear(p, Math.Max(count, 1) * sizeof(double));
        return p;
    }

    private static int RoundUp(int n, int multiple) => (n + multiple - 1) / multiple * multiple;

    /// <summary>grid (rings of worker w, row-major, nlon per ring) ← c2r of modes; destroys those rings' modes.</summary>
    public void Inverse(int w, Complex* modes, Span<double> grid)
    {
        if (_inverse[w] == IntPtr.Zero) return;
        CheckAligned(modes);
        int lo = _lo[w], hi = _lo[w + 1];
        FftwNative.fftw_execute_dft_c2r(_inverse[w], (double*)(modes + (long)lo * ModeRow), _grid + (long)lo * _gridRow);
        for (int i = lo; i < hi; i++)
            new ReadOnlySpan<double>(_grid + (long)i * _gridRow, _nlon).CopyTo(grid.Slice(i * _nlon, _nlon));
    }

    /// <summary>modes (rings of worker w, rows 0..nlon/2) ← r2c of grid, unnormalised; the grid is not modified.</summary>
    public void Forward(int w, ReadOnlySpan<double> grid, Complex* modes)
    {
        if (_forward[w] == IntPtr.Zero) return;
        CheckAligned(modes);
        int lo = _lo[w], hi = _lo[w + 1];
        for (int i = lo; i < hi; i++)
            grid.Slice(i * _nlon, _nlon).CopyTo(new Span<double>(_grid + (long)i * _gridRow, _nlon));
        FftwNative.fftw_execute_dft_r2c(_forward[w], _grid + (long)lo * _gridRow, (double*)(modes + (long)lo * ModeRow));
    }

    // An aligned plan on a misaligned array would read or write through SIMD loads that assume alignment.
    private static void CheckAligned(Complex* modes)
    {
        if (((nuint)modes & (Alignment - 1)) != 0) throw new ArgumentException("mode rows must start on a 64-byte boundary.");
    }

    public void Dispose()
    {
        lock (FftwNative.PlannerLock)
        {
            for (int w = 0; w < _forward.Length; w++)
            {
                if (_forward[w] != IntPtr.Zero) FftwNative.fftw_destroy_plan(_forward[w]);
                if (_inverse[w] != IntPtr.Zero) FftwNative.fftw_destroy_plan(_inverse[w]);
                _forward[w] = _inverse[w] = IntPtr.Zero;
            }
        }
        if (_grid != null) NativeMemory.AlignedFree(_grid);
        _grid = null;
    }
}
