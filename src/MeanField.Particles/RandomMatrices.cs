using MeanField.Core;
using MeanField.Core.Random;

namespace MeanField.Particles;

/// <summary>
/// Draws a system's Q, K, V (<see cref="RandomMatrixModel"/>). Layer k (k = 0 for fixed matrices, the step index with
/// redraw) reads Gaussians k·3d² … k·3d² + 3d² − 1 of stream (seed, <see cref="StreamId"/>) by random access: Q's d²
/// entries, then K's, then V's, each row-major (a law that needs fewer leaves the rest unused; Wishart takes its G from
/// V's block). So layer k does not depend on which layers were drawn before.
/// </summary>
public static class RandomMatrices
{
    /// <summary>Stream id of the random matrices (1–3 are initial condition, idiosyncratic and common noise).</summary>
    public const ulong StreamId = RandomStreams.RandomMatrices;

    /// <summary>The model of layer <paramref name="layer"/>: <paramref name="template"/> with drawn Q, K, V.</summary>
    public static ParticleModel Draw(ParticleModel template, RandomMatrixModel law, ulong seed, long layer)
    {
        int d = template.Dimension, d2 = d * d;
        ulong first = checked((ulong)layer * (ulong)(3 * d2));
        double[] Gaussians(int block)
        {
            var g = new double[d2];
            for (int a = 0; a < d2; a++) g[a] = RandomStream.GaussianAt(seed, StreamId, first + (ulong)(block * d2 + a));
            return g;
        }
        double s = law.Scale;
        double[] query, key;
        if (law.QueryKey == RandomQueryKeyLaw.Gaussian)
        {
            double f = s / Math.Pow(d, 0.25);
            query = Scaled(Gaussians(0), f);
            key = Scaled(Gaussians(1), f);
        }
        else
        {
            query = Identity(d);
            key = Symmetrised(Gaussians(1), d, s / Math.Sqrt(2));
        }
        double[]? value = law.Value switch
        {
            RandomValueLaw.Identity => null,
            RandomValueLaw.Gaussian => Scaled(Gaussians(2), s / Math.Sqrt(d)),
            RandomValueLaw.Goe => Symmetrised(Gaussians(2), d, s / Math.Sqrt(2.0 * d)),
            RandomValueLaw.Wishart => Gram(Gaussians(2), d, s / Math.Sqrt(d)),
            _ => throw new ArgumentOutOfRangeException(nameof(law)),
        };
        return new ParticleModel(template.Attention, d, template.Beta, template.Diffusion, query, key, value) { AttentionScale = template.AttentionScale };
    }

    private static double[] Scaled(double[] g, double factor)
    {
        for (int a = 0; a < g.Length; a++) g[a] *= factor;
        return g;
    }

    /// <summary>factor·(G + Gᵀ).</summary>
    private static double[] Symmetrised(double[] g, int d, double factor)
    {
        var m = new double[d * d];
        for (int r = 0; r < d; r++)
        for (int c = 0; c < d; c++) m[r * d + c] = factor * (g[r * d + c] + g[c * d + r]);
        return m;
    }

    /// <summary>factor·G Gᵀ.</summary>
    private static double[] Gram(double[] g, int d, double factor)
    {
        var m = new double[d * d];
        for (int r = 0; r < d; r++)
        for (int c = 0; c < d; c++)
        {
            double sum = 0;
            for (int k = 0; k < d; k++) sum += g[r * d + k] * g[c * d + k];
            m[r * d + c] = factor * sum;
        }
        return m;
    }

    private static double[] Identity(int d)
    {
        var m = new double[d * d];
        for (int r = 0; r < d; r++) m[r * d + r] = 1;
        return m;
    }
}

/// <summary>
/// The dense interaction of a system with random matrices: holds layer k's model and its <see cref="DenseInteraction"/>,
/// and switches layers when told (<see cref="UseLayer"/>: the dynamics calls it with the step count before every step and
/// every write, so a write's diagnostics use the matrices of the next step). Without redraw every layer is layer 0.
/// </summary>
public sealed class RandomMatrixInteraction : IParticleInteraction
{
    private readonly ParticleModel _template;
    private readonly RandomMatrixModel _law;
    private readonly ulong _seed;
    private readonly int _count, _threads;
    private DenseInteraction _dense;
    private long _layer;

    public RandomMatrixInteraction(ParticleModel template, RandomMatrixModel law, ulong seed, int count, int threads)
    {
        _template = template;
        _law = law;
        _seed = seed;
        _count = count;
        _threads = threads;
        Model = RandomMatrices.Draw(template, law, seed, 0);
        _dense = new DenseInteraction(Model, count, threads);
    }

    /// <summary>The current layer's model (its Q, K, V).</summary>
    public ParticleModel Model { get; private set; }

    public string Name => "dense";
    public int SpectralModes => 0;

    /// <summary>Switch to the matrices of step <paramref name="step"/> (a no-op without redraw or when already there).</summary>
    public void UseLayer(long step)
    {
        long layer = _law.Redraw ? step : 0;
        if (layer == _layer) return;
        _layer = layer;
        Model = RandomMatrices.Draw(_template, _law, _seed, layer);
        _dense = new DenseInteraction(Model, _count, _threads);
    }

    public void Evaluate(double[] positions, double[] drift, double[]? meanWeights = null) => _dense.Evaluate(positions, drift, meanWeights);
}
