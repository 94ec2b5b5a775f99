using System.Runtime.CompilerServices;
using MeanField.Core.Simd;

namespace MeanField.Particles;

/// <summary>
/// The blocked (GEMM-like) path of <see cref="DenseInteraction"/> for d ≥ <see cref="DenseInteraction.BlockedMinDimension"/>,
/// d a multiple of 8 (docs/performance.md, "High-dimensional dense drift"): per chunk of 64 or 128 rows i,
/// (1) the Gram tile G_ij = ⟨q_i, x_j⟩ in register tiles, then w_ij = e^{G_ij − m_i} (≤ 1) into the worker's tile;
/// (2) S_i = Σ_j w_ij V x_j in register tiles; (3) z_i = Σ_j w_ij. Vector512 where the hardware has it, else Vector256.
/// </summary>
/// <remarks>
/// Both products read packed operands, laid out in the order the micro-kernels read them (like a GEMM's packed panels):
/// X in panels of <see cref="PanelWidth"/> particles, component-major inside a panel (one panel row = 4 Vector512 of j,
/// contiguous), and V x in panels of 32 components, particle-major inside a panel. The unpacked component-major layout
/// read each c step at a stride of N doubles: for N a multiple of 512 every row fell in the same L1 set.
/// The Gram products run over c in blocks of <see cref="DepthBlock"/> (the panel block stays in L1 while the row tiles
/// of a chunk sweep it); partial sums wait in the weight tile, so each G_ij is still one FMA chain over c = 0…d−1.
/// Every output has one fixed summation order, whatever the thread count (threads take whole chunks).
/// </remarks>
internal sealed unsafe class BlockedDenseDrift
{
    /// <summary>
    /// i rows per chunk (per worker tile) below <see cref="LargeDimension"/>, a multiple of <see cref="MicroRows"/>. Each
    /// chunk streams all of X once, so more rows mean less traffic from L3/memory (32 → 64 rows: Gram stage ≈ 53 → 66
    /// GFLOP/s at d = 512, single runs on a loaded machine); 128 rows slowed d = 64 (probably: the chunk's q block no longer
    /// fits L1 beside the panel block) and helped d = 512 a little. Results do not depend on the chunk size.
    /// </summary>
    private const int RowBlock = 64;
    private const int LargeDimension = 256; // from here on chunks of 2 · RowBlock rows
    private const int MicroRows = 4;        // register tile: 4 rows of i × 4 vectors of j (or of components)
    private const int PanelWidth = 32;      // j per packed X panel: 4 Vector512 (2 × 4 Vector256); N is padded to a multiple of it
    private const int DepthBlock = 64;      // c per block of the Gram products: a 16 KiB panel block (measured: 32 and 128 slower)
    private const int ValuePanel = 32;      // components per packed V x panel
    private const int ColumnBlock = 64;     // j per block of the second product: its 64 × 32 slice of V x is 16 KiB

    private readonly ParticleModel _model;
    private readonly int _n, _d, _padded, _stride;   // _stride: weight-tile row stride, _padded + 8 (rows in different L1 sets)
    private readonly int _qGroup;           // stride of the packed 4-row groups of q: 4d + 8 (the groups' c blocks in different L1 sets)
    private readonly double[]? _score;      // B = β KᵀQ, null in the identity case
    private readonly double[]? _value;      // V, null for V = I
    private readonly double[] _xPanels;     // panel t (j = 32t…32t+31) at t·32·d, element [c·32 + j − 32t]; zeros for j ≥ N
    private readonly double[] _vPanels;     // components c0…c0+w−1 (w = min(32, d − c0)) at c0·N, element [j·w + c − c0]
    private readonly double[] _q;           // q_i = B x_i in groups of 4 rows, element [i/4·_qGroup + 4c + i%4]; zero rows past N
    private readonly double[] _shift;       // m_i (zero past N)
    private readonly ChunkedParallel _parallel;
    private readonly int _rows;             // rows per chunk
    private readonly double[][] _tiles;     // one per worker: _rows × _stride weights, then _rows × d sums
    private readonly int[] _tileInUse;

    public BlockedDenseDrift(ParticleModel model, int count, ChunkedParallel parallel)
    {
        _model = model;
        _n = count;
        _d = model.Dimension;
        if (_d % 8 != 0) throw new ArgumentException($"the blocked dense kernel needs d a multiple of 8, not {_d}.");
        _padded = (count + PanelWidth - 1) / PanelWidth * PanelWidth;
        _stride = _padded + 8;
        _score = model.ScoreMatrix();
        _value = model.Value;
        _xPanels = new double[_d * _padded];
        _vPanels = new double[_n * _d];
        _qGroup = MicroRows * _d + 8;
        _q = new double[(_n / MicroRows + 1) * _qGroup];
        _shift = new double[_n + MicroRows];
        _parallel = parallel;
        _rows = _d >= LargeDimension ? 2 * RowBlock : RowBlock;
        int workers = Math.Min(parallel.Threads, ChunkedParallel.ChunkCount(_n, _rows));
        _tiles = new double[workers][];
        for (int w = 0; w < workers; w++) _tiles[w] = new double[_rows * (_stride + _d)];
        _tileInUse = new int[workers];
    }

    /// <summary>
    /// sums[i·(d+1) + c] = Σ_j w_ij (V x_j)_c for c &lt; d and sums[i·(d+1) + d] = Σ_j w_ij, with w_ij = e^{⟨q_i,x_j⟩ − m_i};
    /// shift[i] = m_i = |q_i| max_j |x_j|.
    /// </summary>
    public void Evaluate(double[] positions, Span<double> shift, double[] sums)
    {
        Prepare(positions);
        _parallel.For(_n, _rows, (_, start, end) => SumBlock(sums, start, end, gramOnly: false));
        _shift.AsSpan(0, _n).CopyTo(shift);
    }

    /// <summary>Benchmarks only: the preparation and the Gram stage (products and exponentials), nothing else.</summary>
    public void EvaluateGramStage(double[] positions)
    {
        Prepare(positions);
        _parallel.For(_n, _rows, (_, start, end) => SumBlock(null, start, end, gramOnly: true));
    }

    private void Prepare(double[] positions)
    {
        int n = _n, d = _d;
        double maxNorm = DenseInteraction.MaxNorm(positions, n, d);

        _parallel.For(n, 256, (_, start, end) =>
        {
            for (int j = start; j < end; j++)
            {
                var x = positions.AsSpan(j * d, d);
                var panel = _xPanels.AsSpan(j / PanelWidth * PanelWidth * d);
                for (int c = 0; c < d; c++) panel[c * PanelWidth + j % PanelWidth] = x[c];
                for (int c0 = 0; c0 < d; c0 += ValuePanel)
                {
                    int width = Math.Min(ValuePanel, d - c0);
                    var v = _vPanels.AsSpan(c0 * n + j * width, width);
                    if (_value is null) x.Slice(c0, width).CopyTo(v);
                    else
                        for (int c = 0; c < width; c++) v[c] = DenseInteraction.Dot(_value.AsSpan((c0 + c) * d, d), x);
                }
                var q = _q.AsSpan(j / MicroRows * _qGroup + j % MicroRows);
                double norm2 = 0;
                for (int c = 0; c < d; c++)
                {
                    double qc = _score is null ? _model.Beta * x[c] : DenseInteraction.Dot(_score.AsSpan(c * d, d), x);
                    q[c * MicroRows] = qc;
                    norm2 += qc * qc;
                }
                _shift[j] = Math.Sqrt(norm2) * maxNorm;
            }
        });
    }

    private void SumBlock(double[]? sums, int start, int end, bool gramOnly)
    {
        int slot = AcquireTile();
        try
        {
            if (Vec512.IsHardwareAccelerated) SumBlock<Vec512>(sums, _tiles[slot], start, end, gramOnly);
            else SumBlock<Vec256>(sums, _tiles[slot], start, end, gramOnly);
        }
        finally { Volatile.Write(ref _tileInUse[slot], 0); }
    }

    private int AcquireTile()
    {
        // At most Threads chunk bodies run at once (ChunkedParallel's MaxDegreeOfParallelism), so a free slot exists.
        while (true)
        {
            for (int w = 0; w < _tileInUse.Length; w++)
                if (Interlocked.CompareExchange(ref _tileInUse[w], 1, 0) == 0) return w;
            Thread.Yield();
        }
    }

    private void SumBlock<TV>(double[]? sumsOut, double[] tile, int start, int end, bool gramOnly) where TV : unmanaged, IVec<TV>
    {
        int n = _n, d = _d, p = _padded, ps = _stride, C = TV.Count, rows = (end - start + MicroRows - 1) / MicroRows * MicroRows;
        fixed (double* xp = _xPanels, vp = _vPanels, q = _q, shift = _shift, w = tile, sums = sumsOut)
        {
            double* s = w + _rows * ps;
            for (int j = 0; j < p; j += PanelWidth)
            {
                double* panel = xp + j * d;
                for (int c0 = 0; c0 < d; c0 += DepthBlock)
                {
                    int c1 = Math.Min(d, c0 + DepthBlock);
                    for (int r = 0; r < rows; r += MicroRows)
                    {
                        double* qr = q + (start + r) / MicroRows * _qGroup, wr = w + r * ps + j;
                        for (int h = 0; h < PanelWidth; h += 4 * C)
                            if (C == 8) GramTile<TV>(panel + h, qr, wr + h, c0, c1);
                            else
                            {
                                GramTile2<TV>(panel + h, qr, wr + h, c0, c1);
                                GramTile2<TV>(panel + h, qr + 2, wr + 2 * ps + h, c0, c1);
                            }
                    }
                }
                WeightTile<TV>(w + j, shift + start, rows, n - j);
            }
            if (gramOnly) return;
            new Span<double>(s, rows * d).Clear();
            for (int j = 0; j < n; j += ColumnBlock)
            {
                int jEnd = Math.Min(n, j + ColumnBlock);
                for (int c0 = 0; c0 < d; c0 += ValuePanel)
                {
                    int width = Math.Min(ValuePanel, d - c0);
                    double* panel = vp + c0 * n;
                    for (int r = 0; r < rows; r += MicroRows)
                    {
                        int c = 0;
                        for (; c + 4 * C <= width; c += 4 * C)
                            if (C == 8) ValueTile4<TV>(w + r * ps, panel + c, width, s + r * d + c0 + c, j, jEnd);
                            else
                            {
                                ValueTile2<TV>(w + r * ps, panel + c, width, s + r * d + c0 + c, j, jEnd);
                                ValueTile2<TV>(w + (r + 2) * ps, panel + c, width, s + (r + 2) * d + c0 + c, j, jEnd);
                            }
                        for (; c < width; c += C) ValueTile1<TV>(w + r * ps, panel + c, width, s + r * d + c0 + c, j, jEnd);
                    }
                }
            }
            for (int r = 0; r < end - start; r++)
            {
                double* wr = w + r * ps;
                TV z0 = TV.Zero, z1 = TV.Zero;
                int j = 0;
                for (; j + 2 * C <= p; j += 2 * C) { z0 += TV.Load(wr + j); z1 += TV.Load(wr + j + C); }
                for (; j < p; j += C) z0 += TV.Load(wr + j);
                double* out_ = sums + (start + r) * (d + 1);
                new Span<double>(s + r * d, d).CopyTo(new Span<double>(out_, d));
                out_[d] = TV.Sum(z0 + z1);
            }
        }
    }

    /// <summary>
    /// For 4 rows r and 4 vectors of j: G[r][j] += Σ_{c0 ≤ c &lt; c1} q_r[c] x_j[c] (from zero when c0 = 0), kept in
    /// w[r·stride + j]; q: the rows' packed group (q_r[c] at 4c + r).
    /// </summary>
    /// <remarks>
    /// Products only: with the exponentials in the same method the JIT kept the 16 accumulators in registers but stored
    /// them to the stack on every c step (live across the exponential code); the exponentials run in <see cref="WeightTile{TV}"/>.
    /// </remarks>
    [MethodImpl(MethodImplOptions.NoInlining)]   // its own register allocation (inlined into the caller the loop was several times slower)
    private void GramTile<TV>(double* panel, double* q, double* w, int c0, int c1) where TV : unmanaged, IVec<TV>
    {
        int p = _stride, C = TV.Count;
        double* w0 = w, w1 = w + p, w2 = w + 2 * p, w3 = w + 3 * p;
        TV a00, a01, a02, a03, a10, a11, a12, a13, a20, a21, a22, a23, a30, a31, a32, a33;
        if (c0 == 0)
        {
            a00 = a01 = a02 = a03 = a10 = a11 = a12 = a13 = TV.Zero;
            a20 = a21 = a22 = a23 = a30 = a31 = a32 = a33 = TV.Zero;
        }
        else
        {
            a00 = TV.Load(w0); a01 = TV.Load(w0 + C); a02 = TV.Load(w0 + 2 * C); a03 = TV.Load(w0 + 3 * C);
            a10 = TV.Load(w1); a11 = TV.Load(w1 + C); a12 = TV.Load(w1 + 2 * C); a13 = TV.Load(w1 + 3 * C);
            a20 = TV.Load(w2); a21 = TV.Load(w2 + C); a22 = TV.Load(w2 + 2 * C); a23 = TV.Load(w2 + 3 * C);
            a30 = TV.Load(w3); a31 = TV.Load(w3 + C); a32 = TV.Load(w3 + 2 * C); a33 = TV.Load(w3 + 3 * C);
        }
        double* xc = panel + c0 * PanelWidth, qc = q + c0 * MicroRows, xEnd = panel + c1 * PanelWidth;
        for (; xc < xEnd; xc += PanelWidth, qc += MicroRows)
        {
            var x0 = TV.Load(xc);
            var x1 = TV.Load(xc + C);
            var x2 = TV.Load(xc + 2 * C);
            var x3 = TV.Load(xc + 3 * C);
            var b = TV.Create(qc[0]);
            a00 = TV.Fma(b, x0, a00); a01 = TV.Fma(b, x1, a01); a02 = TV.Fma(b, x2, a02); a03 = TV.Fma(b, x3, a03);
            b = TV.Create(qc[1]);
            a10 = TV.Fma(b, x0, a10); a11 = TV.Fma(b, x1, a11); a12 = TV.Fma(b, x2, a12); a13 = TV.Fma(b, x3, a13);
            b = TV.Create(qc[2]);
            a20 = TV.Fma(b, x0, a20); a21 = TV.Fma(b, x1, a21); a22 = TV.Fma(b, x2, a22); a23 = TV.Fma(b, x3, a23);
            b = TV.Create(qc[3]);
            a30 = TV.Fma(b, x0, a30); a31 = TV.Fma(b, x1, a31); a32 = TV.Fma(b, x2, a32); a33 = TV.Fma(b, x3, a33);
        }
        TV.Store(a00, w0); TV.Store(a01, w0 + C); TV.Store(a02, w0 + 2 * C); TV.Store(a03, w0 + 3 * C);
        TV.Store(a10, w1); TV.Store(a11, w1 + C); TV.Store(a12, w1 + 2 * C); TV.Store(a13, w1 + 3 * C);
        TV.Store(a20, w2); TV.Store(a21, w2 + C); TV.Store(a22, w2 + 2 * C); TV.Store(a23, w2 + 3 * C);
        TV.Store(a30, w3); TV.Store(a31, w3 + C); TV.Store(a32, w3 + 2 * C); TV.Store(a33, w3 + 3 * C);
    }

    /// <summary>
    /// As <see cref="GramTile{TV}"/> for 2 rows (q_r[c] at 4c + r, r = 0, 1): the Vector256 form. With 16 registers the
    /// 4-row tile spilled 5 of its 16 accumulators (memory-operand FMAs in the loop); 2 rows × 4 vectors need 13.
    /// </summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private void GramTile2<TV>(double* panel, double* q, double* w, int c0, int c1) where TV : unmanaged, IVec<TV>
    {
        int p = _stride, C = TV.Count;
        double* w0 = w, w1 = w + p;
        TV a00, a01, a02, a03, a10, a11, a12, a13;
        if (c0 == 0) a00 = a01 = a02 = a03 = a10 = a11 = a12 = a13 = TV.Zero;
        else
        {
            a00 = TV.Load(w0); a01 = TV.Load(w0 + C); a02 = TV.Load(w0 + 2 * C); a03 = TV.Load(w0 + 3 * C);
            a10 = TV.Load(w1); a11 = TV.Load(w1 + C); a12 = TV.Load(w1 + 2 * C); a13 = TV.Load(w1 + 3 * C);
        }
        double* xc = panel + c0 * PanelWidth, qc = q + c0 * MicroRows, xEnd = panel + c1 * PanelWidth;
        for (; xc < xEnd; xc += PanelWidth, qc += MicroRows)
        {
            var x0 = TV.Load(xc);
            var x1 = TV.Load(xc + C);
            var x2 = TV.Load(xc + 2 * C);
            var x3 = TV.Load(xc + 3 * C);
            var b = TV.Create(qc[0]);
            a00 = TV.Fma(b, x0, a00); a01 = TV.Fma(b, x1, a01); a02 = TV.Fma(b, x2, a02); a03 = TV.Fma(b, x3, a03);
            b = TV.Create(qc[1]);
            a10 = TV.Fma(b, x0, a10); a11 = TV.Fma(b, x1, a11); a12 = TV.Fma(b, x2, a12); a13 = TV.Fma(b, x3, a13);
        }
        TV.Store(a00, w0); TV.Store(a01, w0 + C); TV.Store(a02, w0 + 2 * C); TV.Store(a03, w0 + 3 * C);
        TV.Store(a10, w1); TV.Store(a11, w1 + C); TV.Store(a12, w1 + 2 * C); TV.Store(a13, w1 + 3 * C);
    }

    /// <summary>w[r·stride + j] ← e^{w[r·stride + j] − m_r} for the rows of a chunk and one panel of j; zero for j ≥ N (<paramref name="left"/> = N − j₀).</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private void WeightTile<TV>(double* w, double* shift, int rows, int left) where TV : unmanaged, IVec<TV>
    {
        int p = _stride, C = TV.Count;
        for (int r = 0; r < rows; r++, w += p)
        {
            var m = TV.Create(-shift[r]);
            for (int j = 0; j < PanelWidth; j += 4 * C)   // four independent exponentials in flight
            {
                var e0 = VecMath.ExpNonPositive(TV.Load(w + j) + m);
                var e1 = VecMath.ExpNonPositive(TV.Load(w + j + C) + m);
                var e2 = VecMath.ExpNonPositive(TV.Load(w + j + 2 * C) + m);
                var e3 = VecMath.ExpNonPositive(TV.Load(w + j + 3 * C) + m);
                if (left - j < 4 * C)   // the last panel: lanes past N (zero padding of x) get weight 0
                {
                    e0 = TV.Select(TV.GreaterThan(TV.Create(left - j), TV.Indices), e0, TV.Zero);
                    e1 = TV.Select(TV.GreaterThan(TV.Create(left - j - C), TV.Indices), e1, TV.Zero);
                    e2 = TV.Select(TV.GreaterThan(TV.Create(left - j - 2 * C), TV.Indices), e2, TV.Zero);
                    e3 = TV.Select(TV.GreaterThan(TV.Create(left - j - 3 * C), TV.Indices), e3, TV.Zero);
                }
                TV.Store(e0, w + j);
                TV.Store(e1, w + j + C);
                TV.Store(e2, w + j + 2 * C);
                TV.Store(e3, w + j + 3 * C);
            }
        }
    }

    /// <summary>
    /// s[r·d + 0…4C) += Σ_{j0 ≤ j &lt; j1} w[r·stride + j] v[j·width + 0…4C) for 4 rows, j ascending (v: a packed V x panel
    /// of <paramref name="width"/> components, offset to the first of these 4C).
    /// </summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private void ValueTile4<TV>(double* w, double* v, int width, double* s, int j0, int j1) where TV : unmanaged, IVec<TV>
    {
        int d = _d, p = _stride, C = TV.Count;
        double* s0 = s, s1 = s0 + d, s2 = s0 + 2 * d, s3 = s0 + 3 * d;
        double* w0 = w, w1 = w + p, w2 = w + 2 * p, w3 = w + 3 * p;
        TV a00 = TV.Load(s0), a01 = TV.Load(s0 + C), a02 = TV.Load(s0 + 2 * C), a03 = TV.Load(s0 + 3 * C);
        TV a10 = TV.Load(s1), a11 = TV.Load(s1 + C), a12 = TV.Load(s1 + 2 * C), a13 = TV.Load(s1 + 3 * C);
        TV a20 = TV.Load(s2), a21 = TV.Load(s2 + C), a22 = TV.Load(s2 + 2 * C), a23 = TV.Load(s2 + 3 * C);
        TV a30 = TV.Load(s3), a31 = TV.Load(s3 + C), a32 = TV.Load(s3 + 2 * C), a33 = TV.Load(s3 + 3 * C);
        double* vj = v + j0 * width;
        for (int j = j0; j < j1; j++, vj += width)
        {
            var v0 = TV.Load(vj);
            var v1 = TV.Load(vj + C);
            var v2 = TV.Load(vj + 2 * C);
            var v3 = TV.Load(vj + 3 * C);
            var b = TV.Create(w0[j]);
            a00 = TV.Fma(b, v0, a00); a01 = TV.Fma(b, v1, a01); a02 = TV.Fma(b, v2, a02); a03 = TV.Fma(b, v3, a03);
            b = TV.Create(w1[j]);
            a10 = TV.Fma(b, v0, a10); a11 = TV.Fma(b, v1, a11); a12 = TV.Fma(b, v2, a12); a13 = TV.Fma(b, v3, a13);
            b = TV.Create(w2[j]);
            a20 = TV.Fma(b, v0, a20); a21 = TV.Fma(b, v1, a21); a22 = TV.Fma(b, v2, a22); a23 = TV.Fma(b, v3, a23);
            b = TV.Create(w3[j]);
            a30 = TV.Fma(b, v0, a30); a31 = TV.Fma(b, v1, a31); a32 = TV.Fma(b, v2, a32); a33 = TV.Fma(b, v3, a33);
        }
        TV.Store(a00, s0); TV.Store(a01, s0 + C); TV.Store(a02, s0 + 2 * C); TV.Store(a03, s0 + 3 * C);
        TV.Store(a10, s1); TV.Store(a11, s1 + C); TV.Store(a12, s1 + 2 * C); TV.Store(a13, s1 + 3 * C);
        TV.Store(a20, s2); TV.Store(a21, s2 + C); TV.Store(a22, s2 + 2 * C); TV.Store(a23, s2 + 3 * C);
        TV.Store(a30, s3); TV.Store(a31, s3 + C); TV.Store(a32, s3 + 2 * C); TV.Store(a33, s3 + 3 * C);
    }

    /// <summary>As <see cref="ValueTile4{TV}"/> for 2 rows: the Vector256 form (see <see cref="GramTile2{TV}"/>).</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private void ValueTile2<TV>(double* w, double* v, int width, double* s, int j0, int j1) where TV : unmanaged, IVec<TV>
    {
        int d = _d, p = _stride, C = TV.Count;
        double* s0 = s, s1 = s0 + d;
        double* w0 = w, w1 = w + p;
        TV a00 = TV.Load(s0), a01 = TV.Load(s0 + C), a02 = TV.Load(s0 + 2 * C), a03 = TV.Load(s0 + 3 * C);
        TV a10 = TV.Load(s1), a11 = TV.Load(s1 + C), a12 = TV.Load(s1 + 2 * C), a13 = TV.Load(s1 + 3 * C);
        double* vj = v + j0 * width;
        for (int j = j0; j < j1; j++, vj += width)
        {
            var v0 = TV.Load(vj);
            var v1 = TV.Load(vj + C);
            var v2 = TV.Load(vj + 2 * C);
            var v3 = TV.Load(vj + 3 * C);
            var b = TV.Create(w0[j]);
            a00 = TV.Fma(b, v0, a00); a01 = TV.Fma(b, v1, a01); a02 = TV.Fma(b, v2, a02); a03 = TV.Fma(b, v3, a03);
            b = TV.Create(w1[j]);
            a10 = TV.Fma(b, v0, a10); a11 = TV.Fma(b, v1, a11); a12 = TV.Fma(b, v2, a12); a13 = TV.Fma(b, v3, a13);
        }
        TV.Store(a00, s0); TV.Store(a01, s0 + C); TV.Store(a02, s0 + 2 * C); TV.Store(a03, s0 + 3 * C);
        TV.Store(a10, s1); TV.Store(a11, s1 + C); TV.Store(a12, s1 + 2 * C); TV.Store(a13, s1 + 3 * C);
    }

    /// <summary>As <see cref="ValueTile4{TV}"/> for one vector of components (a panel narrower than 4C).</summary>
    private void ValueTile1<TV>(double* w, double* v, int width, double* s, int j0, int j1) where TV : unmanaged, IVec<TV>
    {
        int d = _d, p = _stride;
        double* s0 = s, s1 = s0 + d, s2 = s0 + 2 * d, s3 = s0 + 3 * d;
        TV a0 = TV.Load(s0), a1 = TV.Load(s1), a2 = TV.Load(s2), a3 = TV.Load(s3);
        for (int j = j0; j < j1; j++)
        {
            var vj = TV.Load(v + j * width);
            a0 = TV.Fma(TV.Create(w[j]), vj, a0);
            a1 = TV.Fma(TV.Create(w[p + j]), vj, a1);
            a2 = TV.Fma(TV.Create(w[2 * p + j]), vj, a2);
            a3 = TV.Fma(TV.Create(w[3 * p + j]), vj, a3);
        }
        TV.Store(a0, s0); TV.Store(a1, s1); TV.Store(a2, s2); TV.Store(a3, s3);
    }
}
