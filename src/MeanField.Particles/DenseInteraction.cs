using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using MeanField.Core;
using MeanField.Core.Simd;

namespace MeanField.Particles;

/// <summary>
/// Exact O(N²d) attention sums, vectorised over j (Vector512 where the hardware has it, else Vector256, one generic kernel) and threaded over
/// fixed chunks of i. Each particle's sum runs over j in one fixed order, so results do not depend on the thread count.
/// </summary>
/// <remarks>
/// Exponentials are taken of ⟨q_i, x_j⟩ − m_i with q_i = B x_i (B = β KᵀQ) and m_i = |q_i| max_j |x_j| ≥ max_j ⟨q_i, x_j⟩
/// (Cauchy–Schwarz; in the identity case on the sphere m_i = β), so no term overflows; the factor e^{m_i} is applied once,
/// after the sum (USA), or cancels (SA).
/// </remarks>
public sealed unsafe partial class DenseInteraction : IParticleInteraction
{
    private const int ChunkSize = 16;

    /// <summary>From this dimension on (d a multiple of 8) the blocked, GEMM-like path is used (docs/performance.md, "High-dimensional dense drift").</summary>
    internal const int BlockedMinDimension = 16;
    private const int RowBlock = 32;        // i rows per chunk (per worker tile); a multiple of MicroRows
    private const int MicroRows = 4;        // register tile: 4 rows of i × 4 vectors of j (or of components)
    private const int ColumnTile = 32;      // j per Gram tile: 4 vectors of 8 (of 4 with Vector256); _padded is a multiple of it
    private const int ColumnBlock = 64;     // j per block of the second product (its slice of V x stays in L1)

    private readonly ParticleModel _model;
    private readonly int _n, _d, _padded;
    private readonly double[]? _score;      // B = β KᵀQ, null in the identity case
    private readonly double[]? _value;      // V, null for V = I
    private readonly double[] _xT;          // component-major copy, d rows of _padded (zero padding)
    private readonly double[] _vT;          // V x_j component-major (aliases _xT when V = I)
    private readonly double[] _q;           // q_i = B x_i, row-major
    private readonly double[] _shift;       // m_i
    private readonly double[] _sums;        // per i: Σ_j w_ij (V x_j)_c for c < d, then Σ_j w_ij, with w_ij = e^{⟨q_i,x_j⟩ − m_i}
    private readonly ChunkedParallel _parallel;
    private readonly bool _blocked;
    private readonly double[]? _vRow;       // blocked path, V ≠ I: V x_j row-major (for V = I the positions themselves)
    private readonly double[][] _tiles = []; // blocked path: one tile per worker, RowBlock × _padded weights then RowBlock × d sums
    private readonly int[] _tileInUse = [];

    public DenseInteraction(ParticleModel model, int count, int threads = 0) : this(model, count, threads, DenseKernel.Auto) { }

    internal DenseInteraction(ParticleModel model, int count, int threads, DenseKernel kernel)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(count, 1);
        _model = model;
        _n = count;
        _d = model.Dimension;
        bool blockable = _d % 8 == 0;
        _blocked = kernel switch
        {
            DenseKernel.PerPair => false,
            DenseKernel.Blocked => blockable ? true : throw new ArgumentException($"the blocked dense kernel needs d a multiple of 8, not {_d}."),
            _ => blockable && _d >= BlockedMinDimension,
        };
        _padded = _blocked ? (count + ColumnTile - 1) / ColumnTile * ColumnTile : (count + 7) / 8 * 8;
        _score = model.ScoreMatrix();
        _value = model.Value;
        _xT = new double[_d * _padded];
        _vT = _value is null || _blocked ? _xT : new double[_d * _padded];
        int rows = _blocked ? _n + MicroRows : _n;   // zero rows past N let a last register tile run whole
        _q = new double[rows * _d];
        _shift = new double[rows];
        _sums = new double[_n * (_d + 1)];
        _parallel = new ChunkedParallel(threads);
        if (_blocked)
        {
            if (_value is not null) _vRow = new double[_n * _d];
            int workers = Math.Min(_parallel.Threads, ChunkedParallel.ChunkCount(_n, RowBlock));
            _tiles = new double[workers][];
            for (int w = 0; w < workers; w++) _tiles[w] = new double[RowBlock * (_padded + _d)];
            _tileInUse = new int[workers];
        }
        else if (SymmetricApplies(kernel, _d, _score is null))
            (_pairBlock, _panel, _panels, _pairParts) = SymmetricLayout(512, 16);
    }

    /// <summary>Whether evaluations take the blocked (Gram-matrix) path.</summary>
    internal bool IsBlocked => _blocked;

    public string Name => "dense";
    public int SpectralModes => 0;

    /// <summary>Benchmarks only: the preparation and the Gram stage (products and exponentials) of the blocked path, nothing else.</summary>
    internal void EvaluateGramStage(double[] positions)
    {
        if (!_blocked) throw new InvalidOperationException("the Gram stage exists only on the blocked path.");
        Prepare(positions);
        _parallel.For(_n, RowBlock, (_, start, end) => SumBlock(positions, start, end, gramOnly: true));
    }

    public void Evaluate(double[] positions, double[] drift, double[]? meanWeights = null)
    {
        int n = _n, d = _d;
        if (positions.Length != n * d || drift.Length != n * d) throw new ArgumentException("positions and drift must hold N×d values.");
        Prepare(positions);
        if (_blocked)
        {
            var vRow = _vRow ?? positions;
            _parallel.For(n, RowBlock, (_, start, end) => SumBlock(vRow, start, end, gramOnly: false));
        }
        else if (IsSymmetric)
            EvaluateSymmetric();
        else
            _parallel.For(n, ChunkSize, (_, start, end) =>
            {
                for (int i = start; i < end; i++) SumOne(i);
            });

        bool usa = _model.Attention == AttentionKind.USA;
        for (int i = 0; i < n; i++)
        {
            var s = _sums.AsSpan(i * (d + 1), d + 1);
            double z = s[d];
            // USA: (e^{m_i}/N) Σ_j w_ij V x_j; SA: Σ_j w_ij V x_j / Σ_j w_ij; both times the attention scale s.
            double scale = (usa ? Math.Exp(_shift[i]) / n : 1 / z) * _model.AttentionScale;
            var x = positions.AsSpan(i * d, d);
            var v = drift.AsSpan(i * d, d);
            double radial = 0;
            for (int c = 0; c < d; c++) { v[c] = scale * s[c]; radial += v[c] * x[c]; }
            for (int c = 0; c < d; c++) v[c] -= radial * x[c];
            if (meanWeights is not null) meanWeights[i] = Math.Exp(_shift[i]) * z / n;
        }
    }

    private void Prepare(double[] positions)
    {
        int n = _n, d = _d, p = _padded;
        if (positions.Length != n * d) throw new ArgumentException("positions must hold N×d values.");
        double maxNorm = 0;
        for (int j = 0; j < n; j++) maxNorm = Math.Max(maxNorm, Norm(positions.AsSpan(j * d, d)));

        _parallel.For(n, 256, (_, start, end) =>
        {
            for (int j = start; j < end; j++)
            {
                var x = positions.AsSpan(j * d, d);
                for (int c = 0; c < d; c++) _xT[c * p + j] = x[c];
                if (_value is not null && _blocked)
                    for (int c = 0; c < d; c++) _vRow![j * d + c] = Dot(_value.AsSpan(c * d, d), x);
                else if (_value is not null)
                    for (int c = 0; c < d; c++) _vT[c * p + j] = Dot(_value.AsSpan(c * d, d), x);
                var q = _q.AsSpan(j * d, d);
                if (_score is null)
                    for (int c = 0; c < d; c++) q[c] = _model.Beta * x[c];
                else
                    for (int c = 0; c < d; c++) q[c] = Dot(_score.AsSpan(c * d, d), x);
                _shift[j] = Norm(q) * maxNorm;
            }
        });

    }

    private void SumOne(int i)
    {
        var sums = _sums.AsSpan(i * (_d + 1), _d + 1);
        var q = _q.AsSpan(i * _d, _d);
        if (Vec512.IsHardwareAccelerated) Sum<Vec512>(q, _shift[i], sums);
        else Sum<Vec256>(q, _shift[i], sums);
    }

    // Kernels written once over the vector width (IVec: Vector512 or Vector256). Two vectors of j per iteration, each
    // with its own accumulators, so two independent exponentials are in flight; the two halves are added at the end
    // (a fixed order: results do not depend on the thread count).

    private void Sum<TV>(ReadOnlySpan<double> q, double shift, Span<double> sums) where TV : unmanaged, IVec<TV>
    {
        fixed (double* x = _xT, v = _vT, pq = q, ps = sums)
        {
            if (_d == 2) SumPlane<TV>(x, v, pq, shift, ps);
            else if (_d == 3) SumSpace<TV>(x, v, pq, shift, ps);
            else SumAny<TV>(x, v, pq, shift, ps);
        }
    }

    private void SumPlane<TV>(double* x, double* v, double* q, double shift, double* sums) where TV : unmanaged, IVec<TV>
    {
        int n = _n, p = _padded, C = TV.Count;
        var q0 = TV.Create(q[0]);
        var q1 = TV.Create(q[1]);
        var m = TV.Create(-shift);
        TV z0 = TV.Zero, z1 = TV.Zero, a00 = TV.Zero, a01 = TV.Zero, a10 = TV.Zero, a11 = TV.Zero;
        int j = 0;
        for (; j + 2 * C <= n; j += 2 * C)
        {
            var e0 = VecMath.ExpNonPositive(TV.Fma(q0, TV.Load(x + j), TV.Fma(q1, TV.Load(x + p + j), m)));
            var e1 = VecMath.ExpNonPositive(TV.Fma(q0, TV.Load(x + j + C), TV.Fma(q1, TV.Load(x + p + j + C), m)));
            z0 += e0;
            z1 += e1;
            a00 = TV.Fma(e0, TV.Load(v + j), a00);
            a01 = TV.Fma(e1, TV.Load(v + j + C), a01);
            a10 = TV.Fma(e0, TV.Load(v + p + j), a10);
            a11 = TV.Fma(e1, TV.Load(v + p + j + C), a11);
        }
        for (; j < n; j += C)   // the padding (zeros up to a multiple of 8) keeps these loads in range
        {
            var e = VecMath.ExpNonPositive(TV.Fma(q0, TV.Load(x + j), TV.Fma(q1, TV.Load(x + p + j), m)));
            if (j + C > n) e = TV.Select(TV.GreaterThan(TV.Create(n - j), TV.Indices), e, TV.Zero);
            z0 += e;
            a00 = TV.Fma(e, TV.Load(v + j), a00);
            a10 = TV.Fma(e, TV.Load(v + p + j), a10);
        }
        sums[0] = TV.Sum(a00 + a01);
        sums[1] = TV.Sum(a10 + a11);
        sums[2] = TV.Sum(z0 + z1);
    }

    private void SumSpace<TV>(double* x, double* v, double* q, double shift, double* sums) where TV : unmanaged, IVec<TV>
    {
        int n = _n, p = _padded, C = TV.Count;
        double* x1 = x + p, x2 = x + 2 * p, v1 = v + p, v2 = v + 2 * p;
        var q0 = TV.Create(q[0]);
        var q1 = TV.Create(q[1]);
        var q2 = TV.Create(q[2]);
        var m = TV.Create(-shift);
        TV z0 = TV.Zero, z1 = TV.Zero, a00 = TV.Zero, a01 = TV.Zero, a10 = TV.Zero, a11 = TV.Zero, a20 = TV.Zero, a21 = TV.Zero;
        int j = 0;
        for (; j + 2 * C <= n; j += 2 * C)
        {
            var e0 = VecMath.ExpNonPositive(TV.Fma(q0, TV.Load(x + j), TV.Fma(q1, TV.Load(x1 + j), TV.Fma(q2, TV.Load(x2 + j), m))));
            var e1 = VecMath.ExpNonPositive(TV.Fma(q0, TV.Load(x + j + C), TV.Fma(q1, TV.Load(x1 + j + C), TV.Fma(q2, TV.Load(x2 + j + C), m))));
            z0 += e0;
            z1 += e1;
            a00 = TV.Fma(e0, TV.Load(v + j), a00);
            a01 = TV.Fma(e1, TV.Load(v + j + C), a01);
            a10 = TV.Fma(e0, TV.Load(v1 + j), a10);
            a11 = TV.Fma(e1, TV.Load(v1 + j + C), a11);
            a20 = TV.Fma(e0, TV.Load(v2 + j), a20);
            a21 = TV.Fma(e1, TV.Load(v2 + j + C), a21);
        }
        for (; j < n; j += C)
        {
            var e = VecMath.ExpNonPositive(TV.Fma(q0, TV.Load(x + j), TV.Fma(q1, TV.Load(x1 + j), TV.Fma(q2, TV.Load(x2 + j), m))));
            if (j + C > n) e = TV.Select(TV.GreaterThan(TV.Create(n - j), TV.Indices), e, TV.Zero);
            z0 += e;
            a00 = TV.Fma(e, TV.Load(v + j), a00);
            a10 = TV.Fma(e, TV.Load(v1 + j), a10);
            a20 = TV.Fma(e, TV.Load(v2 + j), a20);
        }
        sums[0] = TV.Sum(a00 + a01);
        sums[1] = TV.Sum(a10 + a11);
        sums[2] = TV.Sum(a20 + a21);
        sums[3] = TV.Sum(z0 + z1);
    }

    private void SumAny<TV>(double* x, double* v, double* q, double shift, double* sums) where TV : unmanaged, IVec<TV>
    {
        int n = _n, p = _padded, d = _d, C = TV.Count;
        Span<TV> acc = 2 * d <= 64 ? stackalloc TV[2 * d] : new TV[2 * d];   // acc[2c], acc[2c+1]: the two j-vectors
        acc.Clear();
        var m = TV.Create(-shift);
        TV z0 = TV.Zero, z1 = TV.Zero;
        int j = 0;
        for (; j + 2 * C <= n; j += 2 * C)
        {
            TV s0 = m, s1 = m;
            for (int c = 0; c < d; c++)
            {
                var qc = TV.Create(q[c]);
                s0 = TV.Fma(qc, TV.Load(x + c * p + j), s0);
                s1 = TV.Fma(qc, TV.Load(x + c * p + j + C), s1);
            }
            var e0 = VecMath.ExpNonPositive(s0);
            var e1 = VecMath.ExpNonPositive(s1);
            z0 += e0;
            z1 += e1;
            for (int c = 0; c < d; c++)
            {
                acc[2 * c] = TV.Fma(e0, TV.Load(v + c * p + j), acc[2 * c]);
                acc[2 * c + 1] = TV.Fma(e1, TV.Load(v + c * p + j + C), acc[2 * c + 1]);
            }
        }
        for (; j < n; j += C)
        {
            TV s0 = m;
            for (int c = 0; c < d; c++) s0 = TV.Fma(TV.Create(q[c]), TV.Load(x + c * p + j), s0);
            var e = VecMath.ExpNonPositive(s0);
            if (j + C > n) e = TV.Select(TV.GreaterThan(TV.Create(n - j), TV.Indices), e, TV.Zero);
            z0 += e;
            for (int c = 0; c < d; c++) acc[2 * c] = TV.Fma(e, TV.Load(v + c * p + j), acc[2 * c]);
        }
        for (int c = 0; c < d; c++) sums[c] = TV.Sum(acc[2 * c] + acc[2 * c + 1]);
        sums[d] = TV.Sum(z0 + z1);
    }

    // Blocked path (d ≥ BlockedMinDimension): per chunk of RowBlock rows i, (1) the Gram tile G_ij = ⟨q_i, x_j⟩ for all j,
    // 4 rows × 4 vectors of j at a time in registers, each entry one FMA chain over c = 0…d−1, then w_ij = e^{G_ij − m_i}
    // (≤ 1) into the worker's tile; (2) S_i = Σ_j w_ij V x_j, 4 rows × 4 vectors of components in registers, j ascending
    // in blocks of ColumnBlock; (3) z_i = Σ_j w_ij by vectors. Every output has one fixed summation order, whatever the
    // thread count (threads take whole chunks).

    private void SumBlock(double[] vRow, int start, int end, bool gramOnly)
    {
        int slot = AcquireTile();
        try
        {
            if (Vec512.IsHardwareAccelerated) SumBlock<Vec512>(vRow, _tiles[slot], start, end, gramOnly);
            else SumBlock<Vec256>(vRow, _tiles[slot], start, end, gramOnly);
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

    private void SumBlock<TV>(double[] vRow, double[] tile, int start, int end, bool gramOnly) where TV : unmanaged, IVec<TV>
    {
        int n = _n, d = _d, p = _padded, rows = (end - start + MicroRows - 1) / MicroRows * MicroRows;
        fixed (double* x = _xT, q = _q, shift = _shift, v = vRow, w = tile, sums = _sums)
        {
            double* s = w + RowBlock * p;
            for (int j = 0; j < p; j += 4 * TV.Count)   // 4 vectors of j per register tile; _padded is a multiple of 32
                for (int r = 0; r < rows; r += MicroRows)
                    GramTile<TV>(x + j, q + (start + r) * d, shift + start + r, w + r * p + j, n - j);
            if (gramOnly) return;
            new Span<double>(s, rows * d).Clear();
            for (int j = 0; j < n; j += ColumnBlock)
            {
                int jEnd = Math.Min(n, j + ColumnBlock);
                int c = 0;
                for (; c + 4 * TV.Count <= d; c += 4 * TV.Count)
                    for (int r = 0; r < rows; r += MicroRows) ValueTile4<TV>(w + r * p, v, s + r * d, j, jEnd, c);
                for (; c < d; c += TV.Count)
                    for (int r = 0; r < rows; r += MicroRows) ValueTile1<TV>(w + r * p, v, s + r * d, j, jEnd, c);
            }
            for (int r = 0; r < end - start; r++)
            {
                double* wr = w + r * p;
                TV z0 = TV.Zero, z1 = TV.Zero;
                int j = 0;
                for (; j + 2 * TV.Count <= p; j += 2 * TV.Count) { z0 += TV.Load(wr + j); z1 += TV.Load(wr + j + TV.Count); }
                for (; j < p; j += TV.Count) z0 += TV.Load(wr + j);
                double* out_ = sums + (start + r) * (d + 1);
                new Span<double>(s + r * d, d).CopyTo(new Span<double>(out_, d));
                out_[d] = TV.Sum(z0 + z1);
            }
        }
    }

    /// <summary>w[r·p + j] = e^{⟨q_r, x_j⟩ − m_r} for 4 rows and 4 vectors of j (zero for j ≥ N: <paramref name="left"/> = N − j₀).</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]   // its own register allocation: the 16 accumulators stay in registers
    private void GramTile<TV>(double* x, double* q, double* shift, double* w, int left) where TV : unmanaged, IVec<TV>
    {
        int d = _d, p = _padded, C = TV.Count;
        double* q0 = q, q1 = q + d, q2 = q + 2 * d, q3 = q + 3 * d;
        TV a00 = TV.Zero, a01 = TV.Zero, a02 = TV.Zero, a03 = TV.Zero;
        TV a10 = TV.Zero, a11 = TV.Zero, a12 = TV.Zero, a13 = TV.Zero;
        TV a20 = TV.Zero, a21 = TV.Zero, a22 = TV.Zero, a23 = TV.Zero;
        TV a30 = TV.Zero, a31 = TV.Zero, a32 = TV.Zero, a33 = TV.Zero;
        for (int c = 0; c < d; c++)
        {
            double* xc = x + c * p;
            var x0 = TV.Load(xc);
            var x1 = TV.Load(xc + C);
            var x2 = TV.Load(xc + 2 * C);
            var x3 = TV.Load(xc + 3 * C);
            var b = TV.Create(q0[c]);
            a00 = TV.Fma(b, x0, a00); a01 = TV.Fma(b, x1, a01); a02 = TV.Fma(b, x2, a02); a03 = TV.Fma(b, x3, a03);
            b = TV.Create(q1[c]);
            a10 = TV.Fma(b, x0, a10); a11 = TV.Fma(b, x1, a11); a12 = TV.Fma(b, x2, a12); a13 = TV.Fma(b, x3, a13);
            b = TV.Create(q2[c]);
            a20 = TV.Fma(b, x0, a20); a21 = TV.Fma(b, x1, a21); a22 = TV.Fma(b, x2, a22); a23 = TV.Fma(b, x3, a23);
            b = TV.Create(q3[c]);
            a30 = TV.Fma(b, x0, a30); a31 = TV.Fma(b, x1, a31); a32 = TV.Fma(b, x2, a32); a33 = TV.Fma(b, x3, a33);
        }
        WeightRow(a00, a01, a02, a03, shift[0], w, left);
        WeightRow(a10, a11, a12, a13, shift[1], w + p, left);
        WeightRow(a20, a21, a22, a23, shift[2], w + 2 * p, left);
        WeightRow(a30, a31, a32, a33, shift[3], w + 3 * p, left);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void WeightRow<TV>(TV g0, TV g1, TV g2, TV g3, double shift, double* w, int left) where TV : unmanaged, IVec<TV>
    {
        int C = TV.Count;
        var m = TV.Create(-shift);
        var e0 = VecMath.ExpNonPositive(g0 + m);
        var e1 = VecMath.ExpNonPositive(g1 + m);
        var e2 = VecMath.ExpNonPositive(g2 + m);
        var e3 = VecMath.ExpNonPositive(g3 + m);
        if (left < 4 * C)   // the last tile: lanes past N (zero padding of x) get weight 0
        {
            e0 = TV.Select(TV.GreaterThan(TV.Create(left), TV.Indices), e0, TV.Zero);
            e1 = TV.Select(TV.GreaterThan(TV.Create(left - C), TV.Indices), e1, TV.Zero);
            e2 = TV.Select(TV.GreaterThan(TV.Create(left - 2 * C), TV.Indices), e2, TV.Zero);
            e3 = TV.Select(TV.GreaterThan(TV.Create(left - 3 * C), TV.Indices), e3, TV.Zero);
        }
        TV.Store(e0, w);
        TV.Store(e1, w + C);
        TV.Store(e2, w + 2 * C);
        TV.Store(e3, w + 3 * C);
    }

    /// <summary>s[r·d + c…c+4C) += Σ_{j0 ≤ j &lt; j1} w[r·p + j] v[j·d + c…] for 4 rows, j ascending.</summary>
    private void ValueTile4<TV>(double* w, double* v, double* s, int j0, int j1, int c) where TV : unmanaged, IVec<TV>
    {
        int d = _d, p = _padded, C = TV.Count;
        double* s0 = s + c, s1 = s0 + d, s2 = s0 + 2 * d, s3 = s0 + 3 * d;
        TV a00 = TV.Load(s0), a01 = TV.Load(s0 + C), a02 = TV.Load(s0 + 2 * C), a03 = TV.Load(s0 + 3 * C);
        TV a10 = TV.Load(s1), a11 = TV.Load(s1 + C), a12 = TV.Load(s1 + 2 * C), a13 = TV.Load(s1 + 3 * C);
        TV a20 = TV.Load(s2), a21 = TV.Load(s2 + C), a22 = TV.Load(s2 + 2 * C), a23 = TV.Load(s2 + 3 * C);
        TV a30 = TV.Load(s3), a31 = TV.Load(s3 + C), a32 = TV.Load(s3 + 2 * C), a33 = TV.Load(s3 + 3 * C);
        for (int j = j0; j < j1; j++)
        {
            double* vj = v + j * d + c;
            var v0 = TV.Load(vj);
            var v1 = TV.Load(vj + C);
            var v2 = TV.Load(vj + 2 * C);
            var v3 = TV.Load(vj + 3 * C);
            var b = TV.Create(w[j]);
            a00 = TV.Fma(b, v0, a00); a01 = TV.Fma(b, v1, a01); a02 = TV.Fma(b, v2, a02); a03 = TV.Fma(b, v3, a03);
            b = TV.Create(w[p + j]);
            a10 = TV.Fma(b, v0, a10); a11 = TV.Fma(b, v1, a11); a12 = TV.Fma(b, v2, a12); a13 = TV.Fma(b, v3, a13);
            b = TV.Create(w[2 * p + j]);
            a20 = TV.Fma(b, v0, a20); a21 = TV.Fma(b, v1, a21); a22 = TV.Fma(b, v2, a22); a23 = TV.Fma(b, v3, a23);
            b = TV.Create(w[3 * p + j]);
            a30 = TV.Fma(b, v0, a30); a31 = TV.Fma(b, v1, a31); a32 = TV.Fma(b, v2, a32); a33 = TV.Fma(b, v3, a33);
        }
        TV.Store(a00, s0); TV.Store(a01, s0 + C); TV.Store(a02, s0 + 2 * C); TV.Store(a03, s0 + 3 * C);
        TV.Store(a10, s1); TV.Store(a11, s1 + C); TV.Store(a12, s1 + 2 * C); TV.Store(a13, s1 + 3 * C);
        TV.Store(a20, s2); TV.Store(a21, s2 + C); TV.Store(a22, s2 + 2 * C); TV.Store(a23, s2 + 3 * C);
        TV.Store(a30, s3); TV.Store(a31, s3 + C); TV.Store(a32, s3 + 2 * C); TV.Store(a33, s3 + 3 * C);
    }

    /// <summary>As <see cref="ValueTile4{TV}"/> for one vector of components (d not a multiple of 4C).</summary>
    private void ValueTile1<TV>(double* w, double* v, double* s, int j0, int j1, int c) where TV : unmanaged, IVec<TV>
    {
        int d = _d, p = _padded;
        double* s0 = s + c, s1 = s0 + d, s2 = s0 + 2 * d, s3 = s0 + 3 * d;
        TV a0 = TV.Load(s0), a1 = TV.Load(s1), a2 = TV.Load(s2), a3 = TV.Load(s3);
        for (int j = j0; j < j1; j++)
        {
            var vj = TV.Load(v + j * d + c);
            a0 = TV.Fma(TV.Create(w[j]), vj, a0);
            a1 = TV.Fma(TV.Create(w[p + j]), vj, a1);
            a2 = TV.Fma(TV.Create(w[2 * p + j]), vj, a2);
            a3 = TV.Fma(TV.Create(w[3 * p + j]), vj, a3);
        }
        TV.Store(a0, s0); TV.Store(a1, s1); TV.Store(a2, s2); TV.Store(a3, s3);
    }

    private static double Dot(ReadOnlySpan<double> a, ReadOnlySpan<double> b)
    {
        double s = 0;
        for (int k = 0; k < a.Length; k++) s += a[k] * b[k];
        return s;
    }

    private static double Norm(ReadOnlySpan<double> a) => Math.Sqrt(Dot(a, a));
}

/// <summary>Which dense kernel evaluates the sums: chosen by dimension, or forced (tests, benchmarks).</summary>
internal enum DenseKernel
{
    Auto,
    PerPair,
    Blocked,
}
