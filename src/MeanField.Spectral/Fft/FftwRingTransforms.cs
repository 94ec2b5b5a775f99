using System.Numerics;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using MeanField.Spectral.Sphere;

namespace MeanField.Spectral.Fft;

/// <summary>
/// The ring FFTs of a Gauss grid, one complex FFT per north–south ring pair: ring j and its mirror nlat−1−j are the real
/// and imaginary parts of one complex signal z = n + i s, so Z_m = N_m + i S_m and Z_{−m} = conj(N_m) + i conj(S_m).
/// FFTW's complex codelets do this 2–2.5× faster than two real transforms (measured here with ESTIMATE plans: 0.45 against
/// 0.75–1.3 ms for the 512 rings of 1024 points). The ring pairs of each block of the <see cref="RingModeLayout"/> that
/// the SHT's Legendre stage writes and reads (modes m ≤ L) go in small batches, packed from the block's modes, transformed,
/// and unpacked into the caller's grid rows (or the reverse), so that a batch stays in L1. Blocks are split between
/// workers.
/// Unnormalised both ways (the caller folds 1/nlon into its quadrature weights). FFTW_ESTIMATE: the same plan, hence
/// bit-identical results, in every process; the batch buffers are 64-byte aligned so FFTW may use its SIMD codelets.
/// </summary>
internal sealed unsafe class FftwRingTransforms : IDisposable
{
    /// <summary>Alignment of the batch buffers, in bytes (a cache line; enough for AVX-512 codelets).</summary>
    public const int Alignment = 64;

    private readonly int _nlon, _dist;                   // _dist: complex entries between the signals of a batch (nlon + 4,
                                                         // so that they do not share cache sets)
    private readonly RingModeLayout _modes;
    private readonly int _tilesFrom, _tilesTo;           // orders [from, to) packed in 4×4 tiles (AVX-512), the rest one by one
    private readonly int[] _blockBounds;                 // worker w owns pair blocks _blockBounds[w].._blockBounds[w+1]−1
    private readonly Dictionary<int, (IntPtr Forward, IntPtr Inverse)> _plans = [];   // by batch size
    private readonly double*[] _in, _out;                // per worker: one batch's signals, nlon complex each, _dist apart
    private readonly double*[] _packed;                  // per worker: Inverse's input signals; orders L+1..nlon−L−1 stay 0
    // Signals packed, transformed and unpacked together, so that they stay in L1 (measured in one process, alternating
    // bursts: 4 is 4–5 % faster than 8 or 16 for synthesis at lmax 127, 16 is 3–5 % faster than 4 for analysis at 127 and
    // 511; both 2–3 % faster than whole blocks at lmax 127).
    private const int InverseBatch = 4, ForwardBatch = 16;

    /// <param name="nlon">Points per ring (even, > 2·lmax).</param>
    /// <param name="modes">The mode layout whose blocks of ring pairs the transforms read and write, a few pairs at a time.</param>
    /// <param name="workers">Threads that may call <see cref="Inverse"/>/<see cref="Forward"/> at once, each with its own index.</param>
    public FftwRingTransforms(int nlon, RingModeLayout modes, int workers)
    {
        if (!FftwNative.IsAvailable) throw new InvalidOperationException(RealFftFactory.FftwMissingMessage);
        _nlon = nlon;
        _dist = nlon + 4;
        _modes = modes;
        // from 4, so that order −m of a tile stays inside the signal (m = 0 has no mirror); whole groups of 4 up to L
        _tilesFrom = Avx512F.IsSupported ? 4 : modes.Lmax + 1;
        _tilesTo = Avx512F.IsSupported ? 4 + (modes.Lmax - 3) / 4 * 4 : modes.Lmax + 1;
        _blockBounds = new int[workers + 1];
        for (int w = 0; w <= workers; w++) _blockBounds[w] = modes.Blocks * w / workers;
        _in = new double*[workers];
        _packed = new double*[workers];
        _out = new double*[workers];
        try
        {
            for (int w = 0; w < workers; w++)
            {
                _in[w] = AlignedZeroed(2 * (nuint)ForwardBatch * (nuint)_dist);
                _packed[w] = AlignedZeroed(2 * (nuint)InverseBatch * (nuint)_dist);
                _out[w] = AlignedZeroed(2 * (nuint)ForwardBatch * (nuint)_dist);
            }
            lock (FftwNative.PlannerLock)
            {
                int last = modes.Pairs - (modes.Blocks - 1) * modes.Block;
                foreach (int batch in new[] { InverseBatch, ForwardBatch })
                    foreach (int pairs in new[] { modes.Block, last })
                    {
                        // a block of `pairs` pairs runs batches of min(batch, pairs), then the remainder
                        Plan(Math.Min(batch, pairs));
                        if (pairs % batch != 0) Plan(pairs % batch);
                    }
            }
        }
        catch
        {
            Dispose();
            throw;
        }
    }

    // Called under the planner lock. ESTIMATE never touches the arrays; execution uses other arrays of the same alignment.
    private void Plan(int howmany)
    {
        if (_plans.ContainsKey(howmany)) return;
        int n = _nlon;
        double* a = _in[0], b = _out[0];
        var forward = FftwNative.fftw_plan_many_dft(1, &n, howmany, a, null, 1, _dist, b, null, 1, _dist, FftwNative.FFTW_FORWARD,
            FftwNative.FFTW_ESTIMATE | FftwNative.FFTW_PRESERVE_INPUT);
        var inverse = FftwNative.fftw_plan_many_dft(1, &n, howmany, a, null, 1, _dist, b, null, 1, _dist, FftwNative.FFTW_BACKWARD,
            FftwNative.FFTW_ESTIMATE | FftwNative.FFTW_PRESERVE_INPUT);
        _plans[howmany] = (forward, inverse);
        if (forward == IntPtr.Zero || inverse == IntPtr.Zero)
            throw new InvalidOperationException($"FFTW could not plan {howmany} complex transforms of length {n}.");
    }

    /// <summary>A zeroed native buffer of <paramref name="count"/> doubles on a 64-byte boundary (free with NativeMemory.AlignedFree).</summary>
    public static double* AlignedZeroed(nuint count)
    {
        var p = (double*)NativeMemory.AlignedAlloc(Math.Max(count, 1) * sizeof(double), Alignment);
        NativeMemory.Clear(p, Math.Max(count, 1) * sizeof(double));
        return p;
    }

    /// <summary>
    /// Grid rows (row-major, nlon per ring) of worker w's blocks of ring pairs from their modes, m ≤ L (the imaginary part
    /// of m = 0 is ignored, as a real inverse FFT does).
    /// </summary>
    public void Inverse(int w, Complex* modes, Span<double> grid)
    {
        int B = _modes.Block;
        fixed (double* g = grid)
        {
            for (int blk = _blockBounds[w]; blk < _blockBounds[w + 1]; blk++)
            {
                int pairs = Math.Min(B, _modes.Pairs - blk * B);
                double* blockModes = (double*)(modes + (long)blk * _modes.BlockLength);   // order m: north at [4Bm + 2b], south 2B further
                for (int s0 = 0; s0 < pairs; s0 += InverseBatch)
                    InverseBatchOf(w, blockModes + 2 * s0, blk * B + s0, Math.Min(InverseBatch, pairs - s0), g);
            }
        }
    }

    /// <summary>Pairs j0 .. j0+count−1, whose modes start at <paramref name="modes"/> (pair j0 of its block).</summary>
    private void InverseBatchOf(int w, double* modes, int j0, int count, double* g)
    {
        int nlon = _nlon, L = _modes.Lmax, nlat = _modes.Nlat, B = _modes.Block, dist = _dist;
        double* z = _packed[w], o = _out[w];
        if (_tilesFrom < _tilesTo) PackTiles(modes, B, count, nlon, dist, _tilesFrom, _tilesTo, z);
        for (int m = 0; m <= L; m++)
        {
            if (m == _tilesFrom) m = _tilesTo;
            if (m > L) break;
            double* n = modes + 4L * B * m, s = n + 2 * B;
            double* zp = z + 2 * m, zm = z + 2 * (nlon - m);   // order m and −m of signal b at zp/zm + 2b·dist
            if (m == 0)
            {
                for (int b = 0; b < count; b++)
                {
                    zp[2L * b * dist] = n[2 * b];
                    zp[2L * b * dist + 1] = s[2 * b];
                }
                continue;
            }
            for (int b = 0; b < count; b++)
            {
                double nr = n[2 * b], ni = n[2 * b + 1], sr = s[2 * b], si = s[2 * b + 1];
                long q = 2L * b * dist;
                zp[q] = nr - si;
                zp[q + 1] = ni + sr;
                zm[q] = nr + si;
                zm[q + 1] = sr - ni;
            }
        }
        FftwNative.fftw_execute_dft(_plans[count].Inverse, z, o);
        for (int b = 0; b < count; b++)
            Deinterleave(o + 2L * b * dist, g + (long)(j0 + b) * nlon, g + (long)(nlat - 1 - j0 - b) * nlon, nlon);
    }

    /// <summary>The modes, m ≤ L, of worker w's blocks of ring pairs from the grid rows (unnormalised, e^{−imφ}).</summary>
    public void Forward(int w, ReadOnlySpan<double> grid, Complex* modes)
    {
        int B = _modes.Block;
        fixed (double* g = grid)
        {
            for (int blk = _blockBounds[w]; blk < _blockBounds[w + 1]; blk++)
            {
                int pairs = Math.Min(B, _modes.Pairs - blk * B);
                double* blockModes = (double*)(modes + (long)blk * _modes.BlockLength);
                for (int s0 = 0; s0 < pairs; s0 += ForwardBatch)
                    ForwardBatchOf(w, g, blk * B + s0, Math.Min(ForwardBatch, pairs - s0), blockModes + 2 * s0);
            }
        }
    }

    /// <summary>Pairs j0 .. j0+count−1, whose modes start at <paramref name="modes"/> (pair j0 of its block).</summary>
    private void ForwardBatchOf(int w, double* g, int j0, int count, double* modes)
    {
        int nlon = _nlon, L = _modes.Lmax, nlat = _modes.Nlat, B = _modes.Block, dist = _dist;
        double* z = _in[w], o = _out[w];
        for (int b = 0; b < count; b++)
            Interleave(g + (long)(j0 + b) * nlon, g + (long)(nlat - 1 - j0 - b) * nlon, z + 2L * b * dist, nlon);
        FftwNative.fftw_execute_dft(_plans[count].Forward, z, o);
        // N_m = (Z_m + conj Z_−m)/2,  S_m = (Z_m − conj Z_−m)/(2i)
        if (_tilesFrom < _tilesTo) UnpackTiles(o, B, count, nlon, dist, _tilesFrom, _tilesTo, modes);
        for (int m = 0; m <= L; m++)
        {
            if (m == _tilesFrom) m = _tilesTo;
            if (m > L) break;
            double* n = modes + 4L * B * m, s = n + 2 * B;
            double* zp = o + 2 * m, zm = o + 2 * ((nlon - m) % nlon);
            for (int b = 0; b < count; b++)
            {
                long q = 2L * b * dist;
                double ar = zp[q], ai = zp[q + 1], br = zm[q], bi = zm[q + 1];
                n[2 * b] = 0.5 * (ar + br);
                n[2 * b + 1] = 0.5 * (ai - bi);
                s[2 * b] = 0.5 * (ai + bi);
                s[2 * b + 1] = 0.5 * (br - ar);
            }
        }
    }

    // Orders [from, to) (multiples of 4, from ≥ 4 so that −m stays inside the signal) in tiles of 4 orders × 4 signals:
    // a 4×4 transpose of complex numbers turns the mode vectors (4 consecutive pairs of one order) into signal vectors
    // (4 consecutive orders of one pair). Signals (and, unpacking, pairs) up to count rounded up to 4 are written: the
// buffers hold a multiple of 4 signals, and the blocks a multiple of 8 pairs.

    private static void PackTiles(double* modes, int B, int count, int nlon, int dist, int from, int to, double* z)
    {
        var sign = Vector512.Create(-1.0, 1, -1, 1, -1, 1, -1, 1);
        for (int m0 = from; m0 < to; m0 += 4)
        {
            for (int b0 = 0; b0 < count; b0 += 4)
            {
                Vector512<double> p0, p1, p2, p3, q0, q1, q2, q3;
                Pack(modes + 4L * B * m0 + 2 * b0, 2 * B, sign, out p0, out q0);
                Pack(modes + 4L * B * (m0 + 1) + 2 * b0, 2 * B, sign, out p1, out q1);
                Pack(modes + 4L * B * (m0 + 2) + 2 * b0, 2 * B, sign, out p2, out q2);
                Pack(modes + 4L * B * (m0 + 3) + 2 * b0, 2 * B, sign, out p3, out q3);
                double* zb = z + 2L * b0 * dist;
                // order m0+j of signal b0+i at zb + 2i·dist + 2(m0+j); order −(m0+j) at zb + 2i·dist + 2(nlon−m0−j)
                Transpose(ref p0, ref p1, ref p2, ref p3);
                Transpose(ref q3, ref q2, ref q1, ref q0);
                long d = 2L * dist;
                p0.Store(zb + 2 * m0); p1.Store(zb + d + 2 * m0); p2.Store(zb + 2 * d + 2 * m0); p3.Store(zb + 3 * d + 2 * m0);
                int neg = 2 * (nlon - m0 - 3);
                q3.Store(zb + neg); q2.Store(zb + d + neg); q1.Store(zb + 2 * d + neg); q0.Store(zb + 3 * d + neg);
            }
        }

        // Z_m = N + i S = (nr − si, ni + sr),  Z_−m = conj N + i conj S = (nr + si, sr − ni)
        static void Pack(double* n, int southOffset, Vector512<double> sign, out Vector512<double> plus, out Vector512<double> minus)
        {
            var north = Vector512.Load(n);
            var swapped = Avx512F.Permute4x64(Vector512.Load(n + southOffset), 0b10110001);   // (si, sr) per pair
            plus = Vector512.FusedMultiplyAdd(swapped, sign, north);
            minus = Vector512.FusedMultiplyAdd(north, -sign, swapped);
        }
    }

    private static void UnpackTiles(double* z, int B, int count, int nlon, int dist, int from, int to, double* modes)
    {
        var conj = Vector512.Create(1.0, -1, 1, -1, 1, -1, 1, -1);
        var half = Vector512.Create(0.5);
        long d = 2L * dist;
        for (int m0 = from; m0 < to; m0 += 4)
        {
            int neg = 2 * (nlon - m0 - 3);
            for (int b0 = 0; b0 < count; b0 += 4)
            {
                double* zb = z + 2L * b0 * dist;
                Vector512<double> a0 = Vector512.Load(zb + 2 * m0), a1 = Vector512.Load(zb + d + 2 * m0),
                    a2 = Vector512.Load(zb + 2 * d + 2 * m0), a3 = Vector512.Load(zb + 3 * d + 2 * m0);
                Vector512<double> r3 = Vector512.Load(zb + neg), r2 = Vector512.Load(zb + d + neg),
                    r1 = Vector512.Load(zb + 2 * d + neg), r0 = Vector512.Load(zb + 3 * d + neg);
                Transpose(ref a0, ref a1, ref a2, ref a3);   // a_j: order m0+j of signals b0..b0+3
                Transpose(ref r3, ref r2, ref r1, ref r0);   // r_j: order −(m0+j) of signals b0..b0+3
                Unpack(a0, r0, conj, half, modes + 4L * B * m0 + 2 * b0, 2 * B);
                Unpack(a1, r1, conj, half, modes + 4L * B * (m0 + 1) + 2 * b0, 2 * B);
                Unpack(a2, r2, conj, half, modes + 4L * B * (m0 + 2) + 2 * b0, 2 * B);
                Unpack(a3, r3, conj, half, modes + 4L * B * (m0 + 3) + 2 * b0, 2 * B);
            }
        }

        // N = (A + conj R)/2,  S = (A − conj R)/(2i) = swap(A − conj R)·(1, −1)/2
        static void Unpack(Vector512<double> a, Vector512<double> r, Vector512<double> conj, Vector512<double> half, double* n, int southOffset)
        {
            var rc = r * conj;
            ((a + rc) * half).Store(n);
            (Avx512F.Permute4x64(a - rc, 0b10110001) * conj * half).Store(n + southOffset);
        }
    }

    /// <summary>4×4 transpose of complex numbers (128-bit lanes): x_j[i] ↔ x_i[j].</summary>
    private static void Transpose(ref Vector512<double> x0, ref Vector512<double> x1, ref Vector512<double> x2, ref Vector512<double> x3)
    {
        var t0 = Avx512F.Shuffle4x128(x0, x1, 0x44);
        var t1 = Avx512F.Shuffle4x128(x0, x1, 0xEE);
        var t2 = Avx512F.Shuffle4x128(x2, x3, 0x44);
        var t3 = Avx512F.Shuffle4x128(x2, x3, 0xEE);
        x0 = Avx512F.Shuffle4x128(t0, t2, 0x88);
        x1 = Avx512F.Shuffle4x128(t0, t2, 0xDD);
        x2 = Avx512F.Shuffle4x128(t1, t3, 0x88);
        x3 = Avx512F.Shuffle4x128(t1, t3, 0xDD);
    }

    /// <summary>re[k] = z[2k], im[k] = z[2k+1], k &lt; count.</summary>
    private static void Deinterleave(double* z, double* re, double* im, int count)
    {
        int k = 0;
        if (Avx512F.IsSupported)
        {
            var even = Vector512.Create(0L, 2, 4, 6, 8, 10, 12, 14);
            var odd = Vector512.Create(1L, 3, 5, 7, 9, 11, 13, 15);
            for (; k + 8 <= count; k += 8)
            {
                var lo = Vector512.Load(z + 2 * k);
                var hi = Vector512.Load(z + 2 * k + 8);
                Avx512F.PermuteVar8x64x2(lo, even, hi).Store(re + k);
                Avx512F.PermuteVar8x64x2(lo, odd, hi).Store(im + k);
            }
        }
        for (; k < count; k++)
        {
            re[k] = z[2 * k];
            im[k] = z[2 * k + 1];
        }
    }

    /// <summary>z[2k] = re[k], z[2k+1] = im[k], k &lt; count.</summary>
    private static void Interleave(double* re, double* im, double* z, int count)
    {
        int k = 0;
        if (Avx512F.IsSupported)
        {
            var low = Vector512.Create(0L, 8, 1, 9, 2, 10, 3, 11);
            var high = Vector512.Create(4L, 12, 5, 13, 6, 14, 7, 15);
            for (; k + 8 <= count; k += 8)
            {
                var r = Vector512.Load(re + k);
                var i = Vector512.Load(im + k);
                Avx512F.PermuteVar8x64x2(r, low, i).Store(z + 2 * k);
                Avx512F.PermuteVar8x64x2(r, high, i).Store(z + 2 * k + 8);
            }
        }
        for (; k < count; k++)
        {
            z[2 * k] = re[k];
            z[2 * k + 1] = im[k];
        }
    }

    public void Dispose()
    {
        lock (FftwNative.PlannerLock)
        {
            foreach (var (f, i) in _plans.Values)
            {
                if (f != IntPtr.Zero) FftwNative.fftw_destroy_plan(f);
                if (i != IntPtr.Zero) FftwNative.fftw_destroy_plan(i);
            }
            _plans.Clear();
        }
        for (int w = 0; w < _in.Length; w++)
        {
            if (_in[w] != null) NativeMemory.AlignedFree(_in[w]);
            if (_out[w] != null) NativeMemory.AlignedFree(_out[w]);
            if (_packed[w] != null) NativeMemory.AlignedFree(_packed[w]);
            _in[w] = _out[w] = _packed[w] = null;
        }
    }
}
