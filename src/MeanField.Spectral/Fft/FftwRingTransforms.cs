using System.Numerics;

namespace MeanField.Spectral.Fft;

/// <summary>
/// All rings of a latitude–longitude grid in one FFTW call (fftw_plan_many_dft_r2c/c2r), on ring-major mode rows
/// modes[ring·(nlon/2+1) + m] that the SHT's Legendre stage writes and reads directly, so there is no transposition copy
/// (a strided m-major layout was measured 2–4× slower in FFTW). Rings [lo, hi) per worker, one plan pair each.
/// Unnormalised both ways (the caller folds 1/nlon into its quadrature weights). FFTW_ESTIMATE: the same plan, hence
/// bit-identical results, in every process; FFTW_UNALIGNED: any managed array may be passed at execution.
/// </summary>
internal sealed unsafe class FftwRingTransforms : IDisposable
{
    private readonly int _nlon, _row;
    private readonly int[] _lo;
    private readonly IntPtr[] _forward, _inverse;

    /// <param name="bounds">Ring ranges: worker w owns rings bounds[w]..bounds[w+1]−1.</param>
    public FftwRingTransforms(int nlon, int[] bounds)
    {
        if (!FftwNative.IsAvailable) throw new InvalidOperationException(RealFftFactory.FftwMissingMessage);
        _nlon = nlon;
        _row = nlon / 2 + 1;
        int workers = bounds.Length - 1;
        _lo = bounds;
        _forward = new IntPtr[workers];
        _inverse = new IntPtr[workers];
        int nspec = nlon / 2 + 1;
        lock (FftwNative.PlannerLock)
        {
            // ESTIMATE never touches the arrays: plan on scratch of the right extent, execute on the real ones.
            var grid = (double*)FftwNative.fftw_malloc((nuint)nlon * (nuint)(bounds[^1] + 1) * sizeof(double));
            var modes = (double*)FftwNative.fftw_malloc((nuint)nspec * (nuint)(bounds[^1] + 1) * 2 * sizeof(double));
            try
            {
                int n = nlon;
                for (int w = 0; w < workers; w++)
                {
                    int howmany = bounds[w + 1] - bounds[w];
                    if (howmany == 0) continue;
                    _forward[w] = FftwNative.fftw_plan_many_dft_r2c(1, &n, howmany, grid, null, 1, nlon, modes, null, 1, nspec,
                        FftwNative.FFTW_ESTIMATE | FftwNative.FFTW_UNALIGNED | FftwNative.FFTW_PRESERVE_INPUT);
                    _inverse[w] = FftwNative.fftw_plan_many_dft_c2r(1, &n, howmany, modes, null, 1, nspec, grid, null, 1, nlon,
                        FftwNative.FFTW_ESTIMATE | FftwNative.FFTW_UNALIGNED | FftwNative.FFTW_DESTROY_INPUT);
                    if (_forward[w] == IntPtr.Zero || _inverse[w] == IntPtr.Zero)
                        throw new InvalidOperationException($"FFTW could not plan {howmany} strided ring transforms of length {nlon}.");
                }
            }
            finally
            {
                FftwNative.fftw_free((IntPtr)grid);
                FftwNative.fftw_free((IntPtr)modes);
            }
        }
    }

    /// <summary>Rows of modes the transforms read or write: nlon/2 + 1.</summary>
    public int Rows => _nlon / 2 + 1;

    /// <summary>grid (rings of worker w) ← c2r of modes; destroys those rings' modes.</summary>
    public void Inverse(int w, Complex[] modes, Span<double> grid)
    {
        if (_inverse[w] == IntPtr.Zero) return;
        fixed (Complex* pm = modes)
        fixed (double* pg = grid)
            FftwNative.fftw_execute_dft_c2r(_inverse[w], (double*)(pm + (long)_lo[w] * _row), pg + (long)_lo[w] * _nlon);
    }

    /// <summary>modes (rings of worker w, rows 0..nlon/2) ← r2c of grid, unnormalised; the grid is preserved.</summary>
    public void Forward(int w, ReadOnlySpan<double> grid, Complex[] modes)
    {
        if (_forward[w] == IntPtr.Zero) return;
        fixed (Complex* pm = modes)
        fixed (double* pg = grid)
            FftwNative.fftw_execute_dft_r2c(_forward[w], pg + (long)_lo[w] * _nlon, (double*)(pm + (long)_lo[w] * _row));
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
    }
}
