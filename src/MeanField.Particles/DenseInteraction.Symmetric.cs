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
    private readonly int _panel;                // indices per panel: a multiple of _pairBlock
    private readonly int _panels;
    private readonly double[][] _pairParts = [];  // per task (K, L): rows of K ((d+1) per i), then columns of L (component-major, _panel each)

    /// <summary>Whether evaluations take the symmetric path (d = 2, 3, identity score).</summary>
    internal bool IsSymmetric => _pairParts.Length > 0;

    /// <param name="pairBlock">Sub-tile side (tests set it small to reach several sub-tiles and panels with a small N).</param>
    /// <param name="maxPanels">Panels at most: the partial sums take (panels + 1)·N·(d + 1) doubles.</param>
    internal DenseInteraction(ParticleModel model, int count, int threads, DenseKernel kernel, int pairBlock, int maxPanels = 16)
        : this(model, count, threads, kernel)
    {
        if (pairBlock % 16 != 0 || pairBlock <= 0) throw new ArgumentOutOfRangeException(nameof(pairBlock), pairBlock, "pairBlock must be a positive multiple of 16.");
        ArgumentOutOfRangeException.ThrowIfLessThan(maxPanels, 1);
        if (!IsSymmetric) return;
        (_pairBlock, _panel, _panels, _pairParts) = SymmetricLayout(pairBlock, maxPanels);
    }

    private static bool SymmetricApplies(DenseKernel kernel, int d, bool identityScore) =>
        kernel == DenseKernel.Auto && identityScore && (d == 2 || d == 3);

    private (int Block, int Panel, int Panels, double[][] Parts) SymmetricLayout(int pairBlock, int maxPanels)
    {
        int blocks = (_n + pairBlock - 1) / pairBlock;
        int perPanel = (blocks + maxPanels - 1) / maxPanels;
        int panel = perPanel * pairBlock, panels = (blocks + perPanel - 1) / perPanel;
        var parts = new double[panels * (panels + 1) / 2][];
        for (int t = 0; t < parts.Length; t++) parts[t] = new double[2 * (_d + 1) * panel];
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
        int d = _d, columns = (d + 1) * _panel;
        for (int c = 0; c <= d; c++) s[c] += part[columns + c * _panel + local];
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
        fixed (double* x = _xT, v = _vT, q = _q, out_ = part)
        {
            double* rows = out_, columns = out_ + (d + 1) * p;
            for (int r = iStart; r < iEnd; r += b)
            for (int c = k == l ? r : jStart; c < jEnd; c += b)
            {
                var tile = new PairTile(r, Math.Min(r + b, iEnd), c, Math.Min(c + b, jEnd), r == c,
                    rows + (r - iStart) * (d + 1), columns + (c - jStart), p);
                if (Vec512.IsHardwareAccelerated)
                {
                    if (d == 2) PairPlane<Vec512, TFloor>(x, v, q, -shift, tile);
                    else PairSpace<Vec512, TFloor>(x, v, q, -shift, tile);
                }
                else if (d == 2) PairPlane<Vec256, TFloor>(x, v, q, -shift, tile);
                else PairSpace<Vec256, TFloor>(x, v, q, -shift, tile);
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

    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]
    private static TV Exp<TV, TFloor>(TV x) where TV : unmanaged, IVec<TV> where TFloor : struct =>
        typeof(TFloor) == typeof(FloorChecked) ? VecMath.ExpNonPositive(x) : VecMath.ExpAboveFloor(x);

    /// <summary>
    /// Lanes of the vector at j kept for row i (j ≥ i on a diagonal tile, j &lt; end) and for the columns (j &gt; i as
    /// well): the first vector of a diagonal row and the last vector before N take these masks, all others none.
    /// </summary>
    private static (TV Row, TV Column) Masked<TV>(TV e, int i, int j, int end, bool diagonal) where TV : unmanaged, IVec<TV>
    {
        var lane = TV.Indices + TV.Create(j);
        var row = TV.Select(TV.GreaterThan(TV.Create(end), lane), e, TV.Zero);
        if (!diagonal) return (row, row);
        row = TV.Select(TV.GreaterThan(lane, TV.Create(i - 0.5)), row, TV.Zero);
        return (row, TV.Select(TV.GreaterThan(lane, TV.Create(i + 0.5)), row, TV.Zero));
    }

    // d = 2: per vector of j, 2 FMAs for the score, the exponential, 3 operations for row i and 3 (load, add, store)
    // for the columns. Row i: the first (masked) vector of a diagonal tile, the unmasked stretch (PlaneRun), the rest one
    // vector at a time; one set of row accumulators, so the order of the sums is fixed.
    private void PairPlane<TV, TFloor>(double* x, double* v, double* q, double mNeg, PairTile t)
        where TV : unmanaged, IVec<TV> where TFloor : struct
    {
        int p = _padded, n = _n, C = TV.Count, s = t.Stride;
        double* x1 = x + p, v1 = v + p;
        double* c0 = t.Columns - t.J0, c1 = c0 + s, cz = c0 + 2 * s;   // indexed by j
        var m = TV.Create(mNeg);
        int end = Math.Min(t.J1, n);
        var acc = stackalloc TV[3];
        for (int i = t.I0; i < t.I1; i++)
        {
            var q0 = TV.Create(q[2 * i]);
            var q1 = TV.Create(q[2 * i + 1]);
            var u0 = TV.Create(v[i]);
            var u1 = TV.Create(v1[i]);
            TV z0 = TV.Zero, a00 = TV.Zero, a10 = TV.Zero;
            int j = t.J0;
            if (t.Diagonal)
            {
                j = i - i % C;   // J0 is a multiple of C
                var (er, ec) = Masked(Exp<TV, TFloor>(TV.Fma(q0, TV.Load(x + j), TV.Fma(q1, TV.Load(x1 + j), m))), i, j, end, true);
                z0 += er;
                a00 = TV.Fma(er, TV.Load(v + j), a00);
                a10 = TV.Fma(er, TV.Load(v1 + j), a10);
                TV.Store(TV.Load(cz + j) + ec, cz + j);
                TV.Store(TV.Fma(ec, u0, TV.Load(c0 + j)), c0 + j);
                TV.Store(TV.Fma(ec, u1, TV.Load(c1 + j)), c1 + j);
                j += C;
            }
            if (j + 4 * C <= end)
            {
                acc[0] = z0; acc[1] = a00; acc[2] = a10;
                j = PlaneRun<TV, TFloor>(x, v, p, c0, s, j, end, q + 2 * i, v[i], v1[i], mNeg, acc);
                (z0, a00, a10) = (acc[0], acc[1], acc[2]);
            }
            for (; j < end; j += C)   // x is zero-padded to a multiple of 8, the column sums to the panel size
            {
                var e = Exp<TV, TFloor>(TV.Fma(q0, TV.Load(x + j), TV.Fma(q1, TV.Load(x1 + j), m)));
                if (j + C > end) e = Masked(e, i, j, end, false).Row;
                z0 += e;
                a00 = TV.Fma(e, TV.Load(v + j), a00);
                a10 = TV.Fma(e, TV.Load(v1 + j), a10);
                TV.Store(TV.Load(cz + j) + e, cz + j);
                TV.Store(TV.Fma(e, u0, TV.Load(c0 + j)), c0 + j);
                TV.Store(TV.Fma(e, u1, TV.Load(c1 + j)), c1 + j);
            }
            double* row = t.Rows + (i - t.I0) * 3;
            row[0] += TV.Sum(a00);
            row[1] += TV.Sum(a10);
            row[2] += TV.Sum(z0);
        }
    }

    // d = 3: as PairPlane with a third component.
    private void PairSpace<TV, TFloor>(double* x, double* v, double* q, double mNeg, PairTile t)
        where TV : unmanaged, IVec<TV> where TFloor : struct
    {
        int p = _padded, n = _n, C = TV.Count, s = t.Stride;
        double* x1 = x + p, x2 = x + 2 * p, v1 = v + p, v2 = v + 2 * p;
        double* c0 = t.Columns - t.J0, c1 = c0 + s, c2 = c0 + 2 * s, cz = c0 + 3 * s;
        var m = TV.Create(mNeg);
        int end = Math.Min(t.J1, n);
        var acc = stackalloc TV[4];
        for (int i = t.I0; i < t.I1; i++)
        {
            var q0 = TV.Create(q[3 * i]);
            var q1 = TV.Create(q[3 * i + 1]);
            var q2 = TV.Create(q[3 * i + 2]);
            var u0 = TV.Create(v[i]);
            var u1 = TV.Create(v1[i]);
            var u2 = TV.Create(v2[i]);
            TV z0 = TV.Zero, a00 = TV.Zero, a10 = TV.Zero, a20 = TV.Zero;
            int j = t.J0;
            if (t.Diagonal)
            {
                j = i - i % C;
                var (er, ec) = Masked(Exp<TV, TFloor>(TV.Fma(q0, TV.Load(x + j), TV.Fma(q1, TV.Load(x1 + j), TV.Fma(q2, TV.Load(x2 + j), m)))), i, j, end, true);
                z0 += er;
                a00 = TV.Fma(er, TV.Load(v + j), a00);
                a10 = TV.Fma(er, TV.Load(v1 + j), a10);
                a20 = TV.Fma(er, TV.Load(v2 + j), a20);
                TV.Store(TV.Load(cz + j) + ec, cz + j);
                TV.Store(TV.Fma(ec, u0, TV.Load(c0 + j)), c0 + j);
                TV.Store(TV.Fma(ec, u1, TV.Load(c1 + j)), c1 + j);
                TV.Store(TV.Fma(ec, u2, TV.Load(c2 + j)), c2 + j);
                j += C;
            }
            if (j + 4 * C <= end)
            {
                acc[0] = z0; acc[1] = a00; acc[2] = a10; acc[3] = a20;
                j = SpaceRun<TV, TFloor>(x, v, p, c0, s, j, end, q + 3 * i, v[i], v1[i], v2[i], mNeg, acc);
                (z0, a00, a10, a20) = (acc[0], acc[1], acc[2], acc[3]);
            }
            for (; j < end; j += C)
            {
                var e = Exp<TV, TFloor>(TV.Fma(q0, TV.Load(x + j), TV.Fma(q1, TV.Load(x1 + j), TV.Fma(q2, TV.Load(x2 + j), m))));
                if (j + C > end) e = Masked(e, i, j, end, false).Row;
                z0 += e;
                a00 = TV.Fma(e, TV.Load(v + j), a00);
                a10 = TV.Fma(e, TV.Load(v1 + j), a10);
                a20 = TV.Fma(e, TV.Load(v2 + j), a20);
                TV.Store(TV.Load(cz + j) + e, cz + j);
                TV.Store(TV.Fma(e, u0, TV.Load(c0 + j)), c0 + j);
                TV.Store(TV.Fma(e, u1, TV.Load(c1 + j)), c1 + j);
                TV.Store(TV.Fma(e, u2, TV.Load(c2 + j)), c2 + j);
            }
            double* row = t.Rows + (i - t.I0) * 4;
            row[0] += TV.Sum(a00);
            row[1] += TV.Sum(a10);
            row[2] += TV.Sum(a20);
            row[3] += TV.Sum(z0);
        }
    }

    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]
    private static void Exp4<TV, TFloor>(ref TV a, ref TV b, ref TV c, ref TV d) where TV : unmanaged, IVec<TV> where TFloor : struct
    {
        if (typeof(TFloor) == typeof(FloorChecked))
        {
            a = VecMath.ExpNonPositive(a);
            b = VecMath.ExpNonPositive(b);
            c = VecMath.ExpNonPositive(c);
            d = VecMath.ExpNonPositive(d);
        }
        else VecMath.ExpAboveFloor4(ref a, ref b, ref c, ref d);
    }

    // The unmasked stretch of a row, four vectors of j per iteration with their exponentials in lock-step, in its own
    // method so that the register allocator sees only this loop (inlined into the row loop, the accumulators went
    // through the stack every iteration). acc: z, a0, a1 in and out (the first of the row's two accumulator sets).
    // Returns the first j not done.
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.NoInlining)]
    private static int PlaneRun<TV, TFloor>(double* x, double* v, int p, double* c0, int s, int j, int end, double* q,
        double v0, double v1, double mNeg, TV* acc) where TV : unmanaged, IVec<TV> where TFloor : struct
    {
        int C = TV.Count;
        double* x1 = x + p, w1 = v + p, c1 = c0 + s, cz = c0 + 2 * s;
        var m = TV.Create(mNeg);
        var q0 = TV.Create(q[0]);
        var q1 = TV.Create(q[1]);
        var u0 = TV.Create(v0);
        var u1 = TV.Create(v1);
        TV z = acc[0], a0 = acc[1], a1 = acc[2];
        for (; j + 4 * C <= end; j += 4 * C)
        {
            var e0 = TV.Fma(q0, TV.Load(x + j), TV.Fma(q1, TV.Load(x1 + j), m));
            var e1 = TV.Fma(q0, TV.Load(x + j + C), TV.Fma(q1, TV.Load(x1 + j + C), m));
            var e2 = TV.Fma(q0, TV.Load(x + j + 2 * C), TV.Fma(q1, TV.Load(x1 + j + 2 * C), m));
            var e3 = TV.Fma(q0, TV.Load(x + j + 3 * C), TV.Fma(q1, TV.Load(x1 + j + 3 * C), m));
            Exp4<TV, TFloor>(ref e0, ref e1, ref e2, ref e3);
            z = z + e0 + e1 + e2 + e3;
            a0 = TV.Fma(e3, TV.Load(v + j + 3 * C), TV.Fma(e2, TV.Load(v + j + 2 * C), TV.Fma(e1, TV.Load(v + j + C), TV.Fma(e0, TV.Load(v + j), a0))));
            a1 = TV.Fma(e3, TV.Load(w1 + j + 3 * C), TV.Fma(e2, TV.Load(w1 + j + 2 * C), TV.Fma(e1, TV.Load(w1 + j + C), TV.Fma(e0, TV.Load(w1 + j), a1))));
            Column(cz + j, c0 + j, c1 + j, null, e0, u0, u1, default);
            Column(cz + j + C, c0 + j + C, c1 + j + C, null, e1, u0, u1, default);
            Column(cz + j + 2 * C, c0 + j + 2 * C, c1 + j + 2 * C, null, e2, u0, u1, default);
            Column(cz + j + 3 * C, c0 + j + 3 * C, c1 + j + 3 * C, null, e3, u0, u1, default);
        }
        acc[0] = z; acc[1] = a0; acc[2] = a1;
        return j;
    }

    /// <summary>As <see cref="PlaneRun{TV, TFloor}"/> for d = 3 (acc: z, a0, a1, a2).</summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.NoInlining)]
    private static int SpaceRun<TV, TFloor>(double* x, double* v, int p, double* c0, int s, int j, int end, double* q,
        double v0, double v1, double v2, double mNeg, TV* acc) where TV : unmanaged, IVec<TV> where TFloor : struct
    {
        int C = TV.Count;
        double* x1 = x + p, x2 = x + 2 * p, w1 = v + p, w2 = v + 2 * p, c1 = c0 + s, c2 = c0 + 2 * s, cz = c0 + 3 * s;
        var m = TV.Create(mNeg);
        var q0 = TV.Create(q[0]);
        var q1 = TV.Create(q[1]);
        var q2 = TV.Create(q[2]);
        var u0 = TV.Create(v0);
        var u1 = TV.Create(v1);
        var u2 = TV.Create(v2);
        TV z = acc[0], a0 = acc[1], a1 = acc[2], a2 = acc[3];
        for (; j + 4 * C <= end; j += 4 * C)
        {
            var e0 = TV.Fma(q0, TV.Load(x + j), TV.Fma(q1, TV.Load(x1 + j), TV.Fma(q2, TV.Load(x2 + j), m)));
            var e1 = TV.Fma(q0, TV.Load(x + j + C), TV.Fma(q1, TV.Load(x1 + j + C), TV.Fma(q2, TV.Load(x2 + j + C), m)));
            var e2 = TV.Fma(q0, TV.Load(x + j + 2 * C), TV.Fma(q1, TV.Load(x1 + j + 2 * C), TV.Fma(q2, TV.Load(x2 + j + 2 * C), m)));
            var e3 = TV.Fma(q0, TV.Load(x + j + 3 * C), TV.Fma(q1, TV.Load(x1 + j + 3 * C), TV.Fma(q2, TV.Load(x2 + j + 3 * C), m)));
            Exp4<TV, TFloor>(ref e0, ref e1, ref e2, ref e3);
            z = z + e0 + e1 + e2 + e3;
            a0 = TV.Fma(e3, TV.Load(v + j + 3 * C), TV.Fma(e2, TV.Load(v + j + 2 * C), TV.Fma(e1, TV.Load(v + j + C), TV.Fma(e0, TV.Load(v + j), a0))));
            a1 = TV.Fma(e3, TV.Load(w1 + j + 3 * C), TV.Fma(e2, TV.Load(w1 + j + 2 * C), TV.Fma(e1, TV.Load(w1 + j + C), TV.Fma(e0, TV.Load(w1 + j), a1))));
            a2 = TV.Fma(e3, TV.Load(w2 + j + 3 * C), TV.Fma(e2, TV.Load(w2 + j + 2 * C), TV.Fma(e1, TV.Load(w2 + j + C), TV.Fma(e0, TV.Load(w2 + j), a2))));
            Column(cz + j, c0 + j, c1 + j, c2 + j, e0, u0, u1, u2);
            Column(cz + j + C, c0 + j + C, c1 + j + C, c2 + j + C, e1, u0, u1, u2);
            Column(cz + j + 2 * C, c0 + j + 2 * C, c1 + j + 2 * C, c2 + j + 2 * C, e2, u0, u1, u2);
            Column(cz + j + 3 * C, c0 + j + 3 * C, c1 + j + 3 * C, c2 + j + 3 * C, e3, u0, u1, u2);
        }
        acc[0] = z; acc[1] = a0; acc[2] = a1; acc[3] = a2;
        return j;
    }

    /// <summary>Column sums of one vector of j: z += e, c_k += e·u_k (c2 null for d = 2).</summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]
    private static void Column<TV>(double* z, double* c0, double* c1, double* c2, TV e, TV u0, TV u1, TV u2) where TV : unmanaged, IVec<TV>
    {
        TV.Store(TV.Load(z) + e, z);
        TV.Store(TV.Fma(e, u0, TV.Load(c0)), c0);
        TV.Store(TV.Fma(e, u1, TV.Load(c1)), c1);
        if (c2 != null) TV.Store(TV.Fma(e, u2, TV.Load(c2)), c2);
    }
}
