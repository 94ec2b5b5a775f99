using MeanField.Core.Simd;

namespace MeanField.Particles;

// Symmetric path (d = 2 and 3, Q = K = I, any V): the weight w_ij = e^{β⟨x_i, x_j⟩ − M} with one shift M for all rows
// (M = max_i |q_i| · max_j |x_j| ≥ β⟨x_i, x_j⟩; on the sphere M = β, as the per-row shift m_i) equals w_ji, so each
// exponential is taken once, for i < j, and serves row i (Σ_j w_ij V x_j, Σ_j w_ij) and row j (Σ_i w_ij V x_i, Σ_i w_ij).
// Work is split into panel pairs (K ≤ L) of the triangle; each task writes its own partial sums (rows of K, columns of L)
// in a fixed order, and every output adds the partials of all panels in panel order: bit-identical results for any thread
// count. Inside a task, sub-tiles of PairBlock × PairBlock keep x_J and the column sums in L1.
public sealed unsafe partial class DenseInteraction
{
    private readonly int _pairBlock;            // i and j per sub-tile (a multiple of 16): x_J and its column sums stay in L1
    private readonly bool _narrow;              // Vector256 even where Vector512 is accelerated (tests)
    private readonly int _panel;                // indices per panel: a multiple of _pairBlock
    private readonly int _panels;
    private readonly double[][] _pairParts = [];  // per task (K, L): rows of K ((d+1) per i), then columns of L (component-major, ColumnStride each)

    // Between the column sums of two components: not a multiple of 4 KiB, or each component's load waits on the store to
    // the previous one (4K aliasing; about 10 % slower with 512-wide panels).
    private int ColumnStride => _panel + 16;

    /// <summary>Whether evaluations take the symmetric path (d = 2, 3, identity score).</summary>
    internal bool IsSymmetric => _pairParts.Length > 0;

    /// <param name="pairBlock">Sub-tile side (tests set it small to reach several sub-tiles and panels with a small N).</param>
    /// <param name="maxPanels">Panels at most: the partial sums take (panels + 1)·N·(d + 1) doubles.</param>
    /// <param name="narrow">Vector256 kernels even where Vector512 is accelerated (tests of the other width).</param>
    internal DenseInteraction(ParticleModel model, int count, int threads, DenseKernel kernel, int pairBlock, int maxPanels = 16, bool narrow = false)
        : this(model, count, threads, kernel)
    {
        if (pairBlock % 16 != 0 || pairBlock <= 0) throw new ArgumentOutOfRangeException(nameof(pairBlock), pairBlock, "pairBlock must be a positive multiple of 16.");
        ArgumentOutOfRangeException.ThrowIfLessThan(maxPanels, 1);
        if (!IsSymmetric) return;
        (_pairBlock, _panel, _panels, _pairParts) = SymmetricLayout(pairBlock, maxPanels);
        _narrow = narrow;
    }

    private static bool SymmetricApplies(DenseKernel kernel, int d, bool identityScore) =>
        kernel == DenseKernel.Auto && identityScore && (d == 2 || d == 3);

    private (int Block, int Panel, int Panels, double[][] Parts) SymmetricLayout(int pairBlock, int maxPanels)
    {
        int blocks = (_n + pairBlock - 1) / pairBlock;
        int perPanel = (blocks + maxPanels - 1) / maxPanels;
        int panel = perPanel * pairBlock, panels = (blocks + perPanel - 1) / perPanel;
        var parts = new double[panels * (panels + 1) / 2][];
        for (int t = 0; t < parts.Length; t++) parts[t] = new double[(_d + 1) * (2 * panel + 16)];
        return (pairBlock, panel, panels, parts);
    }

    private void EvaluateSymmetric()
    {
        int n = _n, d = _d, p = _panel, np = _panels;
        // One shift for all rows; the per-row m_i of Prepare are replaced by it (USA multiplies e^M back, SA cancels it).
        double shift = 0;
        for (int i = 0; i < n; i++) shift = Math.Max(shift, _shift[i]);
        Array.Fill(_shift, shift, 0, n);
        bool checkFloor = 2 * shift > -VecMath.ExpFloor;   // β⟨x_i, x_j⟩ − M ≥ −2M: below the floor only for large β
        _parallel.For(_pairParts.Length, 1, (t, _, _) =>
        {
            if (checkFloor) PairTask<FloorChecked>(t, shift);
            else PairTask<AboveFloor>(t, shift);
        });
        _parallel.For(n, 256, (_, start, end) =>
        {
            for (int i = start; i < end; i++)
            {
                int k = i / p, local = i - k * p;
                var s = _sums.AsSpan(i * (d + 1), d + 1);
                s.Clear();
                for (int l = 0; l < np; l++)
                {
                    if (l >= k) AddRow(_pairParts[Task(k, l)], local, s);
                    if (l <= k) AddColumn(_pairParts[Task(l, k)], local, s);
                }
            }
        });
    }

    private void AddRow(double[] part, int local, Span<double> s)
    {
        int d = _d;
        for (int c = 0; c <= d; c++) s[c] += part[local * (d + 1) + c];
    }

    private void AddColumn(double[] part, int local, Span<double> s)
    {
        int d = _d, columns = (d + 1) * _panel, stride = ColumnStride;
        for (int c = 0; c <= d; c++) s[c] += part[columns + c * stride + local];
    }

    /// <summary>Index of the panel pair (k ≤ l) in row-major order of the upper triangle.</summary>
    private int Task(int k, int l) => k * _panels - k * (k - 1) / 2 + (l - k);

    private void PairTask<TFloor>(int t, double shift) where TFloor : struct
    {
        int k = 0;
        while (Task(k, _panels - 1) < t) k++;
        int l = t - Task(k, k) + k;
        var part = _pairParts[t];
        Array.Clear(part);
        int n = _n, d = _d, p = _panel, b = _pairBlock;
        int iStart = k * p, iEnd = Math.Min(n, iStart + p), jStart = l * p, jEnd = Math.Min(n, jStart + p);
        double* buffer = stackalloc double[2 * b + 8];
        double* w = (double*)(((nint)buffer + 63) & ~(nint)63);   // two rows' weights (b apart), 64-byte aligned like x
        fixed (double* x = _xT, v = _vT, q = _q, out_ = part)
        {
            double* rows = out_, columns = out_ + (d + 1) * p;
            for (int r = iStart; r < iEnd; r += b)
            for (int c = k == l ? r : jStart; c < jEnd; c += b)
            {
                var tile = new PairTile(r, Math.Min(r + b, iEnd), c, Math.Min(c + b, jEnd), r == c,
                    rows + (r - iStart) * (d + 1), columns + (c - jStart), ColumnStride);
                if (Vec512.IsHardwareAccelerated && !_narrow)
                {
                    if (d == 2) Pairs<Vec512, TFloor, Plane>(x, v, q, -shift, tile, w);
                    else Pairs<Vec512, TFloor, Space>(x, v, q, -shift, tile, w);
                }
                else if (d == 2) Pairs<Vec256, TFloor, Plane>(x, v, q, -shift, tile, w);
                else Pairs<Vec256, TFloor, Space>(x, v, q, -shift, tile, w);
            }
        }
    }

    /// <summary>
    /// Rows [I0, I1) against columns [J0, J1) (Diagonal: the same block, pairs i ≤ j only, i = j once). Row i's sums are
    /// added to Rows[(i − I0)(d+1) + c], column j's to Columns[c·Stride + j − J0] (c = d: the weight sum).
    /// </summary>
    private readonly struct PairTile(int i0, int i1, int j0, int j1, bool diagonal, double* rows, double* columns, int stride)
    {
        public readonly int I0 = i0, I1 = i1, J0 = j0, J1 = j1, Stride = stride;
        public readonly bool Diagonal = diagonal;
        public readonly double* Rows = rows, Columns = columns;
    }

    private readonly struct FloorChecked;
    private readonly struct AboveFloor;
    private readonly struct Plane;   // d = 2
    private readonly struct Space;   // d = 3

    // Rows i and i + 1 of a tile in passes over their vectors of j: (1) each row's weights w_ij into a buffer (the scores,
    // then the exponentials in place, eight (AVX-512) or four at a time in lock-step: VecMath.ExpAboveFloorInPlace);
    // (2) both rows' sums and the columns' sums from the buffers, each column vector loaded and stored once. Apart, each
    // pass is a short loop the register allocator handles without spills, and the exponentials are not held back by the
    // loads and stores of the column sums. Lanes the tile does not own (j < i on a diagonal tile, j ≥ N) get weight 0
    // between the passes; the self term (j = i) goes to its row alone.
    private void Pairs<TV, TFloor, TDim>(double* x, double* v, double* q, double mNeg, PairTile t, double* w)
        where TV : unmanaged, IVec<TV> where TFloor : struct where TDim : struct
    {
        int d = _d, C = TV.Count, end = Math.Min(t.J1, _n);
        double* w1 = w + _pairBlock;
        int i = t.I0;
        for (; i + 1 < t.I1; i += 2)   // i even (I0 is a multiple of 16): rows i and i + 1 start in the same vector of j
        {
            int js = t.Diagonal ? i - i % C : t.J0;   // J0 is a multiple of C
            int count = (end - js + C - 1) / C * C;
            double self0 = RowWeights<TV, TFloor, TDim>(x, q, mNeg, i, js, end, count, t.Diagonal, w);
            double self1 = RowWeights<TV, TFloor, TDim>(x, q, mNeg, i + 1, js, end, count, t.Diagonal, w1);
            AccumulateTwo<TV, TDim>(w, w1, v + js, _padded, v + i, t.Columns + (js - t.J0), t.Stride, count, self0, self1,
                t.Rows + (i - t.I0) * (d + 1));
        }
        if (i < t.I1)
        {
            int js = t.Diagonal ? i - i % C : t.J0;
            int count = (end - js + C - 1) / C * C;
            double self = RowWeights<TV, TFloor, TDim>(x, q, mNeg, i, js, end, count, t.Diagonal, w);
            Accumulate<TV, TDim>(w, v + js, _padded, v + i, t.Columns + (js - t.J0), t.Stride, count, self, t.Rows + (i - t.I0) * (d + 1));
        }
    }

    /// <summary>Row i's weights for the vectors of j from js into w, zero where the tile does not own the pair; returns w_ii on a diagonal tile.</summary>
    private double RowWeights<TV, TFloor, TDim>(double* x, double* q, double mNeg, int i, int js, int end, int count, bool diagonal, double* w)
        where TV : unmanaged, IVec<TV> where TFloor : struct where TDim : struct
    {
        Weights<TV, TFloor, TDim>(x + js, _padded, q + _d * i, mNeg, count, w);
        for (int k = end - js; k < count; k++) w[k] = 0;
        if (!diagonal) return 0;
        for (int k = 0; k < i - js; k++) w[k] = 0;
        double self = w[i - js];
        w[i - js] = 0;
        return self;
    }

    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]
    private static TV Score<TV, TDim>(double* x, int p, TV q0, TV q1, TV q2, TV m) where TV : unmanaged, IVec<TV> where TDim : struct =>
        typeof(TDim) == typeof(Space)
            ? TV.Fma(q0, TV.Load(x), TV.Fma(q1, TV.Load(x + p), TV.Fma(q2, TV.Load(x + 2 * p), m)))
            : TV.Fma(q0, TV.Load(x), TV.Fma(q1, TV.Load(x + p), m));

    /// <summary>w[k] = e^{⟨q, x_k⟩ − M} for k &lt; count (a multiple of the width), x component-major with stride p.</summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.NoInlining)]
    private static void Weights<TV, TFloor, TDim>(double* x, int p, double* q, double mNeg, int count, double* w)
        where TV : unmanaged, IVec<TV> where TFloor : struct where TDim : struct
    {
        int C = TV.Count;
        var m = TV.Create(mNeg);
        var q0 = TV.Create(q[0]);
        var q1 = TV.Create(q[1]);
        var q2 = typeof(TDim) == typeof(Space) ? TV.Create(q[2]) : TV.Zero;
        if (typeof(TFloor) == typeof(AboveFloor))
        {
            for (int k = 0; k < count; k += C) TV.Store(Score<TV, TDim>(x + k, p, q0, q1, q2, m), w + k);
            VecMath.ExpAboveFloorInPlace<TV>(w, count);
        }
        else
            for (int k = 0; k < count; k += C) TV.Store(VecMath.ExpNonPositive(Score<TV, TDim>(x + k, p, q0, q1, q2, m)), w + k);
    }

    /// <summary>
    /// Row i (its value vector u at stride p, its sums out) and the columns (sums at stride s) from the weights w[k],
    /// k &lt; count; two accumulator sets (even and odd vectors), added in a fixed order at the end.
    /// </summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.NoInlining)]
    private static void Accumulate<TV, TDim>(double* w, double* v, int p, double* u, double* columns, int s, int count, double self, double* row)
        where TV : unmanaged, IVec<TV> where TDim : struct
    {
        int C = TV.Count, k = 0;
        bool space = typeof(TDim) == typeof(Space);
        double* v1 = v + p, v2 = v + 2 * p, c0 = columns, c1 = c0 + s, c2 = c0 + 2 * s, cz = c0 + (space ? 3 : 2) * s;
        var u0 = TV.Create(u[0]);
        var u1 = TV.Create(u[p]);
        var u2 = space ? TV.Create(u[2 * p]) : TV.Zero;
        TV z0 = TV.Zero, z1 = TV.Zero, a00 = TV.Zero, a01 = TV.Zero, a10 = TV.Zero, a11 = TV.Zero, a20 = TV.Zero, a21 = TV.Zero;
        for (; k + 2 * C <= count; k += 2 * C)
        {
            var e0 = TV.Load(w + k);
            var e1 = TV.Load(w + k + C);
            z0 += e0;
            z1 += e1;
            a00 = TV.Fma(e0, TV.Load(v + k), a00);
            a01 = TV.Fma(e1, TV.Load(v + k + C), a01);
            a10 = TV.Fma(e0, TV.Load(v1 + k), a10);
            a11 = TV.Fma(e1, TV.Load(v1 + k + C), a11);
            TV.Store(TV.Load(cz + k) + e0, cz + k);
            TV.Store(TV.Load(cz + k + C) + e1, cz + k + C);
            TV.Store(TV.Fma(e0, u0, TV.Load(c0 + k)), c0 + k);
            TV.Store(TV.Fma(e1, u0, TV.Load(c0 + k + C)), c0 + k + C);
            TV.Store(TV.Fma(e0, u1, TV.Load(c1 + k)), c1 + k);
            TV.Store(TV.Fma(e1, u1, TV.Load(c1 + k + C)), c1 + k + C);
            if (space)
            {
                a20 = TV.Fma(e0, TV.Load(v2 + k), a20);
                a21 = TV.Fma(e1, TV.Load(v2 + k + C), a21);
                TV.Store(TV.Fma(e0, u2, TV.Load(c2 + k)), c2 + k);
                TV.Store(TV.Fma(e1, u2, TV.Load(c2 + k + C)), c2 + k + C);
            }
        }
        if (k < count)
        {
            var e0 = TV.Load(w + k);
            z0 += e0;
            a00 = TV.Fma(e0, TV.Load(v + k), a00);
            a10 = TV.Fma(e0, TV.Load(v1 + k), a10);
            TV.Store(TV.Load(cz + k) + e0, cz + k);
            TV.Store(TV.Fma(e0, u0, TV.Load(c0 + k)), c0 + k);
            TV.Store(TV.Fma(e0, u1, TV.Load(c1 + k)), c1 + k);
            if (space)
            {
                a20 = TV.Fma(e0, TV.Load(v2 + k), a20);
                TV.Store(TV.Fma(e0, u2, TV.Load(c2 + k)), c2 + k);
            }
        }
        row[0] += TV.Sum(a00 + a01) + self * u[0];
        row[1] += TV.Sum(a10 + a11) + self * u[p];
        if (space)
        {
            row[2] += TV.Sum(a20 + a21) + self * u[2 * p];
            row[3] += TV.Sum(z0 + z1) + self;
        }
        else row[2] += TV.Sum(z0 + z1) + self;
    }

    /// <summary>
    /// As <see cref="Accumulate{TV, TDim}"/> for rows i and i + 1 at once (weights w0, w1; u = v + i; sums of row i at
    /// row, of row i + 1 right after): the columns are loaded and stored once for both rows.
    /// </summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.NoInlining)]
    private static void AccumulateTwo<TV, TDim>(double* w0, double* w1, double* v, int p, double* u, double* columns, int s, int count,
        double self0, double self1, double* row) where TV : unmanaged, IVec<TV> where TDim : struct
    {
        int C = TV.Count;
        bool space = typeof(TDim) == typeof(Space);
        double* v1 = v + p, v2 = v + 2 * p, c0 = columns, c1 = c0 + s, c2 = c0 + 2 * s, cz = c0 + (space ? 3 : 2) * s;
        var u00 = TV.Create(u[0]);
        var u01 = TV.Create(u[1]);
        var u10 = TV.Create(u[p]);
        var u11 = TV.Create(u[p + 1]);
        var u20 = space ? TV.Create(u[2 * p]) : TV.Zero;
        var u21 = space ? TV.Create(u[2 * p + 1]) : TV.Zero;
        TV z0 = TV.Zero, z1 = TV.Zero, a00 = TV.Zero, a01 = TV.Zero, a10 = TV.Zero, a11 = TV.Zero, a20 = TV.Zero, a21 = TV.Zero;
        for (int k = 0; k < count; k += C)
        {
            var e0 = TV.Load(w0 + k);
            var e1 = TV.Load(w1 + k);
            var x0 = TV.Load(v + k);
            var x1 = TV.Load(v1 + k);
            z0 += e0;
            z1 += e1;
            a00 = TV.Fma(e0, x0, a00);
            a01 = TV.Fma(e1, x0, a01);
            a10 = TV.Fma(e0, x1, a10);
            a11 = TV.Fma(e1, x1, a11);
            TV.Store(TV.Load(cz + k) + e0 + e1, cz + k);
            TV.Store(TV.Fma(e1, u01, TV.Fma(e0, u00, TV.Load(c0 + k))), c0 + k);
            TV.Store(TV.Fma(e1, u11, TV.Fma(e0, u10, TV.Load(c1 + k))), c1 + k);
            if (space)
            {
                var x2 = TV.Load(v2 + k);
                a20 = TV.Fma(e0, x2, a20);
                a21 = TV.Fma(e1, x2, a21);
                TV.Store(TV.Fma(e1, u21, TV.Fma(e0, u20, TV.Load(c2 + k))), c2 + k);
            }
        }
        int d = space ? 3 : 2;
        double* row1 = row + d + 1;
        row[0] += TV.Sum(a00) + self0 * u[0];
        row1[0] += TV.Sum(a01) + self1 * u[1];
        row[1] += TV.Sum(a10) + self0 * u[p];
        row1[1] += TV.Sum(a11) + self1 * u[p + 1];
        if (space)
        {
            row[2] += TV.Sum(a20) + self0 * u[2 * p];
            row1[2] += TV.Sum(a21) + self1 * u[2 * p + 1];
        }
        row[d] += TV.Sum(z0) + self0;
        row1[d] += TV.Sum(z1) + self1;
    }
}
