using System.Numerics;
using MeanField.Core.Noise;
using MeanField.Core.Random;

namespace MeanField.Particles.Noise;

/// <summary>
/// The random MLP layer of P3 as the common noise, for any d (MATH §2.2): fresh weights every step, shared by all particles,
///   G(x) = (1/√m) W φ(U x/√d + b_U) + b_W,   W_{ij}, U_{ji} ~ N(0,1), b_W ~ N(0, σ_W² I_d), b_U ~ N(0, σ_U² I_m),
/// whose covariance is E[G(x)G(y)ᵀ] = κ(⟨x,y⟩) I_d for every width m (<see cref="MlpNoiseKernel"/>).
/// <see cref="Evaluate"/> returns √Dt·G(x), so the layer update is x ← N(x + Dt·attention + √Dt·G(x)).
/// </summary>
/// <remarks>
/// Step s reads standard Gaussians s·P … s·P + P − 1 of the common-noise stream (seed, CommonNoise + path·2³²) in the order
/// U (m×d, row-major), b_U (m), W (d×m, row-major), b_W (d); P = 2md + m + d rounded up to even. Each step therefore starts
/// on a Philox block (iid draws, not a Brownian path: the weights are fresh every step); draws are chunked by position, so they do
/// not depend on the thread count. The MLP sampler is particle-only: the SPDE has no finite-width counterpart.
/// </remarks>
public sealed class MlpNoiseSampler : ICommonNoiseSampler
{
    private const int DrawChunk = 8192;    // even: every chunk starts on a Philox block
    private const int ParticleChunk = 16;

    private readonly int _d, _m, _count;
    private readonly double _sigmaU, _sigmaW, _inputScale, _outputScale;
    private readonly MlpActivation _activation;
    private readonly double[] _gaussians;   // the step's P standard normals
    private readonly ChunkedParallel _parallel;

    public MlpNoiseSampler(MlpActivation activation, int dimension, int width, double sigmaU, double sigmaW, ulong seed, double dt,
        int path = 0, int threads = 0)
    {
        if (dimension < 2) throw new ArgumentOutOfRangeException(nameof(dimension), dimension, "dimension must be ≥ 2.");
        if (width < 1) throw new ArgumentOutOfRangeException(nameof(width), width, "width must be ≥ 1.");
        if (!(sigmaU >= 0) || !(sigmaW >= 0) || double.IsInfinity(sigmaU) || double.IsInfinity(sigmaW))
            throw new ArgumentOutOfRangeException(nameof(sigmaU), "sigma_u and sigma_w must be finite and ≥ 0.");
        if (!(dt > 0) || double.IsInfinity(dt)) throw new ArgumentOutOfRangeException(nameof(dt), dt, "dt must be > 0.");
        if (path < 0) throw new ArgumentOutOfRangeException(nameof(path), path, "path must be ≥ 0.");
        _activation = activation;
        _d = dimension;
        _m = width;
        _sigmaU = sigmaU;
        _sigmaW = sigmaW;
        Dt = dt;
        Seed = seed;
        StreamId = RandomStreams.CommonNoise + ((ulong)path << 32);
        long count = 2L * width * dimension + width + dimension;
        if (count > int.MaxValue - 1) throw new ArgumentOutOfRangeException(nameof(width), width, "width × dimension is too large.");
        _count = (int)((count + 1) / 2 * 2);
        _gaussians = new double[_count];
        _inputScale = 1 / Math.Sqrt(dimension);
        _outputScale = Math.Sqrt(dt / width);
        _parallel = new ChunkedParallel(threads);
    }

    public string Name => "mlp";
    public int Dimension => _d;
    public int Width => _m;
    public double Dt { get; }
    public ulong Seed { get; }
    public ulong StreamId { get; }

    /// <summary>Standard Gaussians read per step (P in the class remarks).</summary>
    public int GaussiansPerStep => _count;

    public void Draw(long step)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(step);
        ulong first = (ulong)step * (ulong)_count;
        _parallel.For(_count, DrawChunk, (_, start, end) =>
        {
            // Gaussian index g (even) is the first of the pair in words g, g+1, so the stream starts at word g.
            var stream = new RandomStream(Seed, StreamId) { Position = first + (ulong)start };
            stream.NextGaussians(_gaussians.AsSpan(start, end - start));
        });
    }

    public void Evaluate(double[] positions, double[] increments)
    {
        int d = _d;
        if (positions.Length % d != 0 || increments.Length != positions.Length)
            throw new ArgumentException($"positions and increments must hold N×{d} values.");
        _parallel.For(positions.Length / d, ParticleChunk, (_, start, end) =>
        {
            var hidden = new double[_m];
            for (int i = start; i < end; i++) EvaluateOne(positions.AsSpan(i * d, d), increments.AsSpan(i * d, d), hidden);
        });
    }

    private void EvaluateOne(ReadOnlySpan<double> position, Span<double> increment, double[] hidden)
    {
        int d = _d, m = _m;
        Span<double> x = d <= 256 ? stackalloc double[d] : new double[d];
        double norm = Math.Sqrt(Dot(position, position));
        for (int c = 0; c < d; c++) x[c] = position[c] / norm;
        ReadOnlySpan<double> u = _gaussians.AsSpan(0, m * d), bU = _gaussians.AsSpan(m * d, m);
        ReadOnlySpan<double> w = _gaussians.AsSpan(m * d + m, d * m), bW = _gaussians.AsSpan(2 * m * d + m, d);
        for (int k = 0; k < m; k++)
            hidden[k] = _activation.Value(_inputScale * Dot(u.Slice(k * d, d), x) + _sigmaU * bU[k]);
        double bias = Math.Sqrt(Dt) * _sigmaW;
        for (int c = 0; c < d; c++)
            increment[c] = _outputScale * Dot(w.Slice(c * m, m), hidden) + bias * bW[c];
    }

    private static double Dot(ReadOnlySpan<double> a, ReadOnlySpan<double> b)
    {
        int n = a.Length, k = 0, lanes = Vector<double>.Count;
        var acc = Vector<double>.Zero;
        for (; k + lanes <= n; k += lanes) acc += new Vector<double>(a.Slice(k, lanes)) * new Vector<double>(b.Slice(k, lanes));
        double s = Vector.Sum(acc);
        for (; k < n; k++) s += a[k] * b[k];
        return s;
    }
}
