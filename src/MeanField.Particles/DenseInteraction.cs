using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using MeanField.Core;

namespace MeanField.Particles;

/// <summary>
/// Exact O(N²d) attention sums, vectorised over j (Vector512 where the hardware has it, else Vector256) and threaded over
/// fixed chunks of i. Each particle's sum runs over j in one fixed order, so results do not depend on the thread count.
/// </summary>
/// <remarks>
/// Exponentials are taken of ⟨q_i, x_j⟩ − m_i with q_i = B x_i (B = β KᵀQ) and m_i = |q_i| max_j |x_j| ≥ max_j ⟨q_i, x_j⟩
/// (Cauchy–Schwarz; in the identity case on the sphere m_i = β), so no term overflows; the factor e^{m_i} is applied once,
/// after the sum (USA), or cancels (SA).
/// </remarks>
public sealed class DenseInteraction : IParticleInteraction
{
    private const int ChunkSize = 16;

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

    public DenseInteraction(ParticleModel model, int count, int threads = 0)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(count, 1);
        _model = model;
        _n = count;
        _d = model.Dimension;
        _padded = (count + 7) / 8 * 8;
        _score = model.ScoreMatrix();
        _value = model.Value;
        _xT = new double[_d * _padded];
        _vT = _value is null ? _xT : new double[_d * _padded];
        _q = new double[_n * _d];
        _shift = new double[_n];
        _sums = new double[_n * (_d + 1)];
        _parallel = new ChunkedParallel(threads);
    }

    public string Name => "dense";
    public int SpectralModes => 0;

    public void Evaluate(double[] positions, double[] drift, double[]? meanWeights = null)
    {
        int n = _n, d = _d, p = _padded;
        if (positions.Length != n * d || drift.Length != n * d) throw new ArgumentException("positions and drift must hold N×d values.");
        double maxNorm = 0;
        for (int j = 0; j < n; j++) maxNorm = Math.Max(maxNorm, Norm(positions.AsSpan(j * d, d)));

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

    private void SumOne(int i)
    {
        var sums = _sums.AsSpan(i * (_d + 1), _d + 1);
        var q = _q.AsSpan(i * _d, _d);
        if (Vector512.IsHardwareAccelerated)
        {
            if (_d == 2) Sum512Circle(q, _shift[i], sums);
            else Sum512(q, _shift[i], sums);
        }
        else Sum256(q, _shift[i], sums);
    }

    private void Sum512Circle(ReadOnlySpan<double> q, double shift, Span<double> sums)
    {
        int n = _n, p = _padded;
        ref double x0 = ref _xT[0];
        ref double x1 = ref _xT[p];
        ref double v0 = ref _vT[0];
        ref double v1 = ref _vT[p];
        var q0 = Vector512.Create(q[0]);
        var q1 = Vector512.Create(q[1]);
        var m = Vector512.Create(-shift);
        var az = Vector512<double>.Zero;
        var a0 = Vector512<double>.Zero;
        var a1 = Vector512<double>.Zero;
        int full = n & ~7;
        for (int j = 0; j < full; j += 8)
        {
            var e = Vector512.Exp(Vector512.FusedMultiplyAdd(q0, Vector512.LoadUnsafe(ref x0, (nuint)j),
                Vector512.FusedMultiplyAdd(q1, Vector512.LoadUnsafe(ref x1, (nuint)j), m)));
            az += e;
            a0 = Vector512.FusedMultiplyAdd(e, Vector512.LoadUnsafe(ref v0, (nuint)j), a0);
            a1 = Vector512.FusedMultiplyAdd(e, Vector512.LoadUnsafe(ref v1, (nuint)j), a1);
        }
        if (full < n)
        {
            var e = Vector512.Exp(Vector512.FusedMultiplyAdd(q0, Vector512.LoadUnsafe(ref x0, (nuint)full),
                Vector512.FusedMultiplyAdd(q1, Vector512.LoadUnsafe(ref x1, (nuint)full), m)));
            e = Vector512.ConditionalSelect(TailMask512(n - full), e, Vector512<double>.Zero);
            az += e;
            a0 = Vector512.FusedMultiplyAdd(e, Vector512.LoadUnsafe(ref v0, (nuint)full), a0);
            a1 = Vector512.FusedMultiplyAdd(e, Vector512.LoadUnsafe(ref v1, (nuint)full), a1);
        }
        sums[0] = Vector512.Sum(a0);
        sums[1] = Vector512.Sum(a1);
        sums[2] = Vector512.Sum(az);
    }

    private void Sum512(ReadOnlySpan<double> q, double shift, Span<double> sums)
    {
        int n = _n, p = _padded, d = _d;
        Span<Vector512<double>> acc = d <= 64 ? stackalloc Vector512<double>[d] : new Vector512<double>[d];
        acc.Clear();
        var m = Vector512.Create(-shift);
        var az = Vector512<double>.Zero;
        ref double x = ref _xT[0];
        ref double v = ref _vT[0];
        for (int j = 0; j < n; j += 8)
        {
            var s = m;
            for (int c = 0; c < d; c++)
                s = Vector512.FusedMultiplyAdd(Vector512.Create(q[c]), Vector512.LoadUnsafe(ref x, (nuint)(c * p + j)), s);
            var e = Vector512.Exp(s);
            if (j + 8 > n) e = Vector512.ConditionalSelect(TailMask512(n - j), e, Vector512<double>.Zero);
            az += e;
            for (int c = 0; c < d; c++)
                acc[c] = Vector512.FusedMultiplyAdd(e, Vector512.LoadUnsafe(ref v, (nuint)(c * p + j)), acc[c]);
        }
        for (int c = 0; c < d; c++) sums[c] = Vector512.Sum(acc[c]);
        sums[d] = Vector512.Sum(az);
    }

    private void Sum256(ReadOnlySpan<double> q, double shift, Span<double> sums)
    {
        int n = _n, p = _padded, d = _d;
        Span<Vector256<double>> acc = d <= 64 ? stackalloc Vector256<double>[d] : new Vector256<double>[d];
        acc.Clear();
        var m = Vector256.Create(-shift);
        var az = Vector256<double>.Zero;
        ref double x = ref _xT[0];
        ref double v = ref _vT[0];
        for (int j = 0; j < n; j += 4)
        {
            var s = m;
            for (int c = 0; c < d; c++)
                s = Vector256.FusedMultiplyAdd(Vector256.Create(q[c]), Vector256.LoadUnsafe(ref x, (nuint)(c * p + j)), s);
            var e = Vector256.Exp(s);
            if (j + 4 > n) e = Vector256.ConditionalSelect(TailMask256(n - j), e, Vector256<double>.Zero);
            az += e;
            for (int c = 0; c < d; c++)
                acc[c] = Vector256.FusedMultiplyAdd(e, Vector256.LoadUnsafe(ref v, (nuint)(c * p + j)), acc[c]);
        }
        for (int c = 0; c < d; c++) sums[c] = Vector256.Sum(acc[c]);
        sums[d] = Vector256.Sum(az);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<double> TailMask512(int valid) =>
        Vector512.LessThan(Vector512.Create(0.0, 1, 2, 3, 4, 5, 6, 7), Vector512.Create((double)valid));

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<double> TailMask256(int valid) =>
        Vector256.LessThan(Vector256.Create(0.0, 1, 2, 3), Vector256.Create((double)valid));

    private static double Dot(ReadOnlySpan<double> a, ReadOnlySpan<double> b)
    {
        double s = 0;
        for (int k = 0; k < a.Length; k++) s += a[k] * b[k];
        return s;
    }

    private static double Norm(ReadOnlySpan<double> a) => Math.Sqrt(Dot(a, a));
}
