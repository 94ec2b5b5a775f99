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
    private readonly BlockedDenseDrift? _blocked;   // d ≥ BlockedMinDimension: the GEMM-like path, with its own packed copies

    public DenseInteraction(ParticleModel model, int count, int threads = 0) : this(model, count, threads, DenseKernel.Auto) { }

    internal DenseInteraction(ParticleModel model, int count, int threads, DenseKernel kernel)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(count, 1);
        _model = model;
        _n = count;
        _d = model.Dimension;
        bool blockable = _d % 8 == 0;
        bool blocked = kernel switch
        {
            DenseKernel.PerPair => false,
            DenseKernel.Blocked => blockable ? true : throw new ArgumentException($"the blocked dense kernel needs d a multiple of 8, not {_d}."),
            _ => blockable && _d >= BlockedMinDimension,
        };
        _parallel = new ChunkedParallel(threads);
        _shift = new double[_n];
        _sums = new double[_n * (_d + 1)];
        if (blocked)
        {
            _blocked = new BlockedDenseDrift(model, count, _parallel);
            _xT = _vT = _q = [];
            return;
        }
        _padded = (count + 7) / 8 * 8;
        _score = model.ScoreMatrix();
        _value = model.Value;
        _xT = new double[_d * _padded];
        _vT = _value is null ? _xT : new double[_d * _padded];
        _q = new double[_n * _d];
        if (SymmetricApplies(kernel, _d, _score is null))
            (_pairBlock, _panel, _panels, _pairParts) = SymmetricLayout(512, 16);
    }

    /// <summary>Whether evaluations take the blocked (Gram-matrix) path.</summary>
    internal bool IsBlocked => _blocked is not null;

    public string Name => "dense";
    public int SpectralModes => 0;

    /// <summary>Benchmarks only: the preparation and the Gram stage (products and exponentials) of the blocked path, nothing else.</summary>
    internal void EvaluateGramStage(double[] positions)
    {
        if (_blocked is null) throw new InvalidOperationException("the Gram stage exists only on the blocked path.");
        _blocked.EvaluateGramStage(positions);
    }

    public void Evaluate(double[] positions, double[] drift, double[]? meanWeights = null)
    {
        int n = _n, d = _d;
        if (positions.Length != n * d || drift.Length != n * d) throw new ArgumentException("positions and drift must hold N×d values.");
        if (_blocked is not null) _blocked.Evaluate(positions, _shift, _sums);
        else
        {
            Prepare(positions);
            if (IsSymmetric)
                EvaluateSymmetric();
            else
                _parallel.For(n, ChunkSize, (_, start, end) =>
                {
                    for (int i = start; i < end; i++) SumOne(i);
                });
        }

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
        double maxNorm = MaxNorm(positions, n, d);

        _parallel.For(n, 256, (_, start, end) =>
        {
            for (int j = start; j < end; j++)
            {
                var x = positions.AsSpan(j * d, d);
                for (int c = 0; c < d; c++) _xT[c * p + j] = x[c];
                if (_value is not null)
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

    // Shared with BlockedDenseDrift: the same sequential sums, so both paths see the same bits.
    internal static double Dot(ReadOnlySpan<double> a, ReadOnlySpan<double> b)
    {
        double s = 0;
        for (int k = 0; k < a.Length; k++) s += a[k] * b[k];
        return s;
    }

    internal static double Norm(ReadOnlySpan<double> a) => Math.Sqrt(Dot(a, a));

    /// <summary>max_j |x_j| over the N rows of d values (the factor of the shifts m_i = |q_i|·max_j |x_j|).</summary>
    internal static double MaxNorm(ReadOnlySpan<double> positions, int n, int d)
    {
        if (positions.Length != n * d) throw new ArgumentException("positions must hold N×d values.");
        double maxNorm = 0;
        for (int j = 0; j < n; j++) maxNorm = Math.Max(maxNorm, Norm(positions.Slice(j * d, d)));
        return maxNorm;
    }
}

/// <summary>Which dense kernel evaluates the sums: chosen by dimension, or forced (tests, benchmarks).</summary>
internal enum DenseKernel
{
    Auto,
    PerPair,
    Blocked,
}
