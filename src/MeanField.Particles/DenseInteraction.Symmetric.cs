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
    // for the columns; two vectors in flight, each with its own row accumulators (added in a fixed order at the end).
    private void PairPlane<TV, TFloor>(double* x, double* v, double* q, double mNeg, PairTile t)
        where TV : unmanaged, IVec<TV> where TFloor : struct
    {
        int p = _padded, n = _n, C = TV.Count, s = t.Stride;
        double* x1 = x + p, v1 = v + p;
        double* c0 = t.Columns - t.J0, c1 = c0 + s, cz = c0 + 2 * s;   // indexed by j
        var m = TV.Create(mNeg);
        int end = Math.Min(t.J1, n);
        for (int i = t.I0; i < t.I1; i++)
        {
            var q0 = TV.Create(q[2 * i]);
            var q1 = TV.Create(q[2 * i + 1]);
            var u0 = TV.Create(v[i]);
            var u1 = TV.Create(v1[i]);
            TV z0 = TV.Zero, z1 = TV.Zero, a00 = TV.Zero, a01 = TV.Zero, a10 = TV.Zero, a11 = TV.Zero;
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
            for (; j + 2 * C <= end; j += 2 * C)
            {
                var e0 = Exp<TV, TFloor>(TV.Fma(q0, TV.Load(x + j), TV.Fma(q1, TV.Load(x1 + j), m)));
                var e1 = Exp<TV, TFloor>(TV.Fma(q0, TV.Load(x + j + C), TV.Fma(q1, TV.Load(x1 + j + C), m)));
                z0 += e0;
                z1 += e1;
                a00 = TV.Fma(e0, TV.Load(v + j), a00);
                a01 = TV.Fma(e1, TV.Load(v + j + C), a01);
                a10 = TV.Fma(e0, TV.Load(v1 + j), a10);
                a11 = TV.Fma(e1, TV.Load(v1 + j + C), a11);
                TV.Store(TV.Load(cz + j) + e0, cz + j);
                TV.Store(TV.Load(cz + j + C) + e1, cz + j + C);
                TV.Store(TV.Fma(e0, u0, TV.Load(c0 + j)), c0 + j);
                TV.Store(TV.Fma(e1, u0, TV.Load(c0 + j + C)), c0 + j + C);
                TV.Store(TV.Fma(e0, u1, TV.Load(c1 + j)), c1 + j);
                TV.Store(TV.Fma(e1, u1, TV.Load(c1 + j + C)), c1 + j + C);
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
            row[0] += TV.Sum(a00 + a01);
            row[1] += TV.Sum(a10 + a11);
            row[2] += TV.Sum(z0 + z1);
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
        for (int i = t.I0; i < t.I1; i++)
        {
            var q0 = TV.Create(q[3 * i]);
            var q1 = TV.Create(q[3 * i + 1]);
            var q2 = TV.Create(q[3 * i + 2]);
            var u0 = TV.Create(v[i]);
            var u1 = TV.Create(v1[i]);
            var u2 = TV.Create(v2[i]);
            TV z0 = TV.Zero, z1 = TV.Zero, a00 = TV.Zero, a01 = TV.Zero, a10 = TV.Zero, a11 = TV.Zero, a20 = TV.Zero, a21 = TV.Zero;
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
            for (; j + 2 * C <= end; j += 2 * C)
            {
                var e0 = Exp<TV, TFloor>(TV.Fma(q0, TV.Load(x + j), TV.Fma(q1, TV.Load(x1 + j), TV.Fma(q2, TV.Load(x2 + j), m))));
                var e1 = Exp<TV, TFloor>(TV.Fma(q0, TV.Load(x + j + C), TV.Fma(q1, TV.Load(x1 + j + C), TV.Fma(q2, TV.Load(x2 + j + C), m))));
                z0 += e0;
                z1 += e1;
                a00 = TV.Fma(e0, TV.Load(v + j), a00);
                a01 = TV.Fma(e1, TV.Load(v + j + C), a01);
                a10 = TV.Fma(e0, TV.Load(v1 + j), a10);
                a11 = TV.Fma(e1, TV.Load(v1 + j + C), a11);
                a20 = TV.Fma(e0, TV.Load(v2 + j), a20);
                a21 = TV.Fma(e1, TV.Load(v2 + j + C), a21);
                TV.Store(TV.Load(cz + j) + e0, cz + j);
                TV.Store(TV.Load(cz + j + C) + e1, cz + j + C);
                TV.Store(TV.Fma(e0, u0, TV.Load(c0 + j)), c0 + j);
                TV.Store(TV.Fma(e1, u0, TV.Load(c0 + j + C)), c0 + j + C);
                TV.Store(TV.Fma(e0, u1, TV.Load(c1 + j)), c1 + j);
                TV.Store(TV.Fma(e1, u1, TV.Load(c1 + j + C)), c1 + j + C);
                TV.Store(TV.Fma(e0, u2, TV.Load(c2 + j)), c2 + j);
                TV.Store(TV.Fma(e1, u2, TV.Load(c2 + j + C)), c2 + j + C);
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
            row[0] += TV.Sum(a00 + a01);
            row[1] += TV.Sum(a10 + a11);
            row[2] += TV.Sum(a20 + a21);
            row[3] += TV.Sum(z0 + z1);
        }
    }
}
