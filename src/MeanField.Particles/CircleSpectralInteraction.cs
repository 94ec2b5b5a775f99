using System.Numerics;
using System.Runtime.Intrinsics;
using MeanField.Core;
using MeanField.Core.Simd;

namespace MeanField.Particles;

/// <summary>
/// O(N·K) attention sums on the circle (identity case) from the Fourier series of the kernel (MATH §9.1):
/// with z_j = e^{iθ_j} and c_k = (1/N) Σ_j z_j^k,
///   (1/N) Σ_j e^{β cos(θ−θ_j)} sin(θ−θ_j) = (2/β) Σ_{k≥1} k I_k(β) Im(e^{ikθ} c̄_k)   (from e^{β cos φ} sin φ = −β⁻¹ ∂_φ e^{β cos φ}),
///   (1/N) Σ_j e^{β cos(θ−θ_j)}           = I_0(β) + 2 Σ_{k≥1} I_k(β) Re(e^{ikθ} c̄_k),
/// and θ̇ = −(first) for USA, −(first)/(second) for SA.
/// </summary>
/// <remarks>
/// <para>Truncation. With |c_k| ≤ 1 the error of the first sum is ≤ (2/β) Σ_{k>K} k I_k and that of the second ≤ 2 Σ_{k>K} I_k.
/// Every particle's weight sum (1/N) Σ_j e^{β cos(θ_i−θ_j)} is at least e^β/N (its own term), so K is the smallest order with
/// Σ_{k>K} (2k/β + 2) e^{−β} I_k(β) ≤ tolerance/N. Then each drift differs from the dense one by at most tolerance × the
/// particle's weight sum (USA), or by at most tolerance (SA, whose drift is an average of unit vectors): "relative to the
/// dense sum" in that sense. Rounding adds about 1e-16 × K relative to the largest term.</para>
/// <para>Powers z^k come from the recurrence z^k = z^{k−1} z (error ≈ k ulp, harmless for the K ≲ 400 that β ≤ 700 needs).
/// The moments are summed in fixed particle chunks, and the chunk partials in order, so results do not depend on the thread count.</para>
/// </remarks>
internal sealed class CircleSpectralInteraction : IParticleInteraction
{
    private const int ChunkSize = 1024;   // a multiple of every vector width used (4 or 8 lanes)

    private readonly ParticleModel _model;
    private readonly int _n, _padded, _modes;
    private readonly double[] _sineWeight;    // (2k/β) e^{−β} I_k(β), k = 0..K
    private readonly double[] _cosineWeight;  // 2 e^{−β} I_k(β) (k ≥ 1), e^{−β} I_0(β) at k = 0
    private readonly double[] _re, _im;       // unit z_j, zero padded
    private readonly double[] _partialRe, _partialIm;   // per chunk, k = 1..K
    private readonly double[] _a, _b, _c, _e;           // mode weights × moments, k = 1..K
    private readonly double[] _thetaRate, _weightSum;
    private readonly ChunkedParallel _parallel;

    public CircleSpectralInteraction(ParticleModel model, int count, double tolerance, int threads = 0)
    {
        if (model.Dimension != 2 || !model.IsSignedIdentityCase)
            throw new ArgumentException("spectral summation needs the identity case (no query/key matrices, value I or −I) on the circle (dimension 2).", nameof(model));
        ArgumentOutOfRangeException.ThrowIfLessThan(count, 1);
        _model = model;
        _n = count;
        _modes = ModesFor(model.Beta, tolerance, count);
        _padded = (count + 7) / 8 * 8;   // whole 8-lane vectors; padding z = 0 contributes 0 to every moment
        var scaled = Bessel.ScaledIArray(_modes + 1, 0, model.Beta);
        _sineWeight = new double[_modes + 1];
        _cosineWeight = new double[_modes + 1];
        _cosineWeight[0] = scaled[0];
        for (int k = 1; k <= _modes; k++)
        {
            _sineWeight[k] = 2.0 * k / model.Beta * scaled[k];
            _cosineWeight[k] = 2.0 * scaled[k];
        }
        _re = new double[_padded];
        _im = new double[_padded];
        int chunks = ChunkedParallel.ChunkCount(count, ChunkSize);
        _partialRe = new double[chunks * _modes];
        _partialIm = new double[chunks * _modes];
        _a = new double[_modes];
        _b = new double[_modes];
        _c = new double[_modes];
        _e = new double[_modes];
        _thetaRate = new double[_padded];
        _weightSum = new double[_padded];
        _parallel = new ChunkedParallel(threads);
    }

    public string Name => "spectral";
    public int SpectralModes => _modes;

    /// <summary>The smallest K whose truncation error bound (class remarks) is ≤ tolerance/count.</summary>
    public static int ModesFor(double beta, double tolerance, int count)
    {
        if (!(tolerance > 0)) throw new ArgumentOutOfRangeException(nameof(tolerance), tolerance, "tolerance must be > 0.");
        // e^{−β} I_k(β) ≈ e^{−k²/2β}/√(2πβ): beyond k ≈ 16√β + 40 every term is far below 1e-40.
        int cap = 40 + (int)Math.Ceiling(16 * Math.Sqrt(beta));
        var scaled = Bessel.ScaledIArray(cap + 2, 0, beta);
        double bound = tolerance / count, tail = 0;
        // tail after the loop step for K: Σ_{k>K} (2k/β + 2) Ĩ_k.
        int modes = cap;
        for (int k = cap + 1; k >= 2; k--)
        {
            tail += (2.0 * k / beta + 2) * scaled[k];
            if (tail > bound) break;
            modes = k - 1;
        }
        return Math.Max(modes, 1);
    }

    public void Evaluate(double[] positions, double[] drift, double[]? meanWeights = null)
    {
        int n = _n, k = _modes;
        if (positions.Length != 2 * n || drift.Length != 2 * n) throw new ArgumentException("positions and drift must hold N×2 values.");
        for (int j = 0; j < n; j++)
        {
            double x = positions[2 * j], y = positions[2 * j + 1], r = Math.Sqrt(x * x + y * y);
            _re[j] = x / r;
            _im[j] = y / r;
        }

        _parallel.For(_padded, ChunkSize, Moments);
        for (int m = 0; m < k; m++)
        {
            double re = 0, im = 0;
            for (int chunk = 0; chunk * ChunkSize < _padded; chunk++) { re += _partialRe[chunk * k + m]; im += _partialIm[chunk * k + m]; }
            re /= n;
            im /= n;
            // Im(z^k c̄) = Im z^k Re c − Re z^k Im c;  Re(z^k c̄) = Re z^k Re c + Im z^k Im c.
            _a[m] = _sineWeight[m + 1] * re;
            _b[m] = _sineWeight[m + 1] * im;
            _c[m] = _cosineWeight[m + 1] * re;
            _e[m] = _cosineWeight[m + 1] * im;
        }

        bool needWeights = _model.Attention == AttentionKind.SA || meanWeights is not null;
        _parallel.For(_padded, ChunkSize, (_, start, end) => Rates(start, end, needWeights));

        double eBeta = Math.Exp(_model.Beta);
        bool usa = _model.Attention == AttentionKind.USA;
        double sign = _model.ValueSign;   // V = −I reverses the drift (MATH §6, heat phase)
        for (int j = 0; j < n; j++)
        {
            double rate = sign * (usa ? -eBeta * _thetaRate[j] : -_thetaRate[j] / _weightSum[j]) * _model.AttentionScale;
            drift[2 * j] = -rate * positions[2 * j + 1];
            drift[2 * j + 1] = rate * positions[2 * j];
            if (meanWeights is not null) meanWeights[j] = eBeta * _weightSum[j];
        }
    }

    private void Moments(int chunk, int start, int end)
    {
        if (Vec512.IsHardwareAccelerated) Moments<Vec512>(chunk, start, end);
        else Moments<Vec256>(chunk, start, end);
    }

    private void Rates(int start, int end, bool needWeights)
    {
        if (Vec512.IsHardwareAccelerated) Rates<Vec512>(start, end, needWeights);
        else Rates<Vec256>(start, end, needWeights);
    }

    // The two kernels, written once over the vector width (IVec: Vector512, else Vector256), with fused multiply–adds.
    private unsafe void Moments<TV>(int chunk, int start, int end) where TV : unmanaged, IVec<TV>
    {
        int k = _modes, C = TV.Count;
        Span<TV> accRe = k <= 256 ? stackalloc TV[k] : new TV[k];
        Span<TV> accIm = k <= 256 ? stackalloc TV[k] : new TV[k];
        accRe.Clear();
        accIm.Clear();
        fixed (double* re = _re, im = _im)
        {
            for (int j = start; j < end; j += C)
            {
                var zr = TV.Load(re + j);
                var zi = TV.Load(im + j);
                var pr = zr;
                var pi = zi;
                for (int m = 0; m < k; m++)
                {
                    accRe[m] += pr;
                    accIm[m] += pi;
                    var t = TV.Fma(pr, zr, -(pi * zi));
                    pi = TV.Fma(pr, zi, pi * zr);
                    pr = t;
                }
            }
        }
        for (int m = 0; m < k; m++)
        {
            _partialRe[chunk * k + m] = TV.Sum(accRe[m]);
            _partialIm[chunk * k + m] = TV.Sum(accIm[m]);
        }
    }

    private unsafe void Rates<TV>(int start, int end, bool needWeights) where TV : unmanaged, IVec<TV>
    {
        int k = _modes, C = TV.Count;
        var c0 = TV.Create(_cosineWeight[0]);
        fixed (double* re = _re, im = _im, rate = _thetaRate, weight = _weightSum)
        {
            for (int j = start; j < end; j += C)
            {
                var zr = TV.Load(re + j);
                var zi = TV.Load(im + j);
                var pr = zr;
                var pi = zi;
                var sine = TV.Zero;
                var cosine = c0;
                for (int m = 0; m < k; m++)
                {
                    sine = TV.Fma(pi, TV.Create(_a[m]), TV.Fma(-pr, TV.Create(_b[m]), sine));
                    if (needWeights)
                        cosine = TV.Fma(pr, TV.Create(_c[m]), TV.Fma(pi, TV.Create(_e[m]), cosine));
                    var t = TV.Fma(pr, zr, -(pi * zi));
                    pi = TV.Fma(pr, zi, pi * zr);
                    pr = t;
                }
                TV.Store(sine, rate + j);
                TV.Store(cosine, weight + j);
            }
        }
    }
}
