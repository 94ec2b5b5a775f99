using MeanField.Core;

namespace MeanField.Particles.Tests;

internal static class ParticleTestSupport
{
    /// <summary>A uniform sample plus a few tight clumps, so sums are far from both the uniform and the clustered extremes.</summary>
    public static double[] MixedConfiguration(int count, int d, ulong seed)
    {
        var x = ParticleSampling.Uniform(count, d, seed);
        var centres = ParticleSampling.Uniform(3, d, seed + 1000);
        for (int i = 0; i < count / 2; i++)
        {
            int c = i % 3;
            double norm = 0;
            for (int a = 0; a < d; a++)
            {
                x[i * d + a] = centres[c * d + a] + 0.05 * x[i * d + a];
                norm += x[i * d + a] * x[i * d + a];
            }
            for (int a = 0; a < d; a++) x[i * d + a] /= Math.Sqrt(norm);
        }
        return x;
    }

    /// <summary>The drift straight from MATH §2.1 with scalar loops and Math.Exp: the reference for the vectorised paths.</summary>
    public static double[] NaiveDrift(ParticleModel m, double[] x, out double[] meanWeights)
    {
        int d = m.Dimension, n = x.Length / d;
        double[] Apply(double[]? matrix, ReadOnlySpan<double> v)
        {
            var r = new double[d];
            for (int a = 0; a < d; a++)
            for (int b = 0; b < d; b++) r[a] += (matrix is null ? (a == b ? 1 : 0) : matrix[a * d + b]) * v[b];
            return r;
        }
        var qx = new double[n][];
        var kx = new double[n][];
        var vx = new double[n][];
        for (int i = 0; i < n; i++)
        {
            qx[i] = Apply(m.Query, x.AsSpan(i * d, d));
            kx[i] = Apply(m.Key, x.AsSpan(i * d, d));
            vx[i] = Apply(m.Value, x.AsSpan(i * d, d));
        }
        var drift = new double[n * d];
        meanWeights = new double[n];
        for (int i = 0; i < n; i++)
        {
            var a = new double[d];
            double z = 0;
            for (int j = 0; j < n; j++)
            {
                double s = 0;
                for (int c = 0; c < d; c++) s += qx[i][c] * kx[j][c];
                double w = Math.Exp(m.Beta * s);
                z += w;
                for (int c = 0; c < d; c++) a[c] += w * vx[j][c];
            }
            double scale = m.Attention == AttentionKind.SA ? 1 / z : 1.0 / n;
            double radial = 0;
            for (int c = 0; c < d; c++) { a[c] *= scale; radial += a[c] * x[i * d + c]; }
            for (int c = 0; c < d; c++) drift[i * d + c] = a[c] - radial * x[i * d + c];
            meanWeights[i] = z / n;
        }
        return drift;
    }

    /// <summary>max_a |actual[a] − scale·reference[a]| ≤ relative · max_a |scale·reference[a]|.</summary>
    public static void AssertDriftClose(double[] actual, double[] reference, double scale, double relative)
    {
        double max = reference.Max(Math.Abs) * Math.Abs(scale), worst = 0;
        for (int a = 0; a < actual.Length; a++) worst = Math.Max(worst, Math.Abs(actual[a] - scale * reference[a]));
        Assert.That(worst, Is.LessThanOrEqualTo(relative * max), $"max |drift − reference| relative to max |drift|: {worst / max:E2}");
    }

    /// <summary>
    /// The dense drift and mean weights of <paramref name="dense"/> against <see cref="NaiveDrift"/> (the model's drift times
    /// <paramref name="scale"/>, its AttentionScale): the drift to <paramref name="relative"/> of its largest component, each
    /// mean weight to <paramref name="relative"/> of itself.
    /// </summary>
    public static void AssertMatchesTheDoubleLoop(DenseInteraction dense, ParticleModel model, double[] x, double scale, double relative)
    {
        int n = x.Length / model.Dimension;
        var drift = new double[x.Length];
        var weights = new double[n];
        dense.Evaluate(x, drift, weights);
        var expected = NaiveDrift(model, x, out var expectedWeights);
        AssertDriftClose(drift, expected, scale, relative);
        for (int i = 0; i < n; i++) Assert.That(weights[i], Is.EqualTo(expectedWeights[i]).Within(relative * expectedWeights[i]), $"mean weight {i}");
    }

    /// <summary>Drift and mean weights bit-identical for 1, 2 and 3 threads, each after a second evaluation on the same instance (reused state).</summary>
    public static void AssertBitIdenticalOverThreads(Func<int, DenseInteraction> withThreads, double[] x, int n)
    {
        double[]? first = null, firstWeights = null;
        foreach (int threads in new[] { 1, 2, 3 })
        {
            var drift = new double[x.Length];
            var weights = new double[n];
            var dense = withThreads(threads);
            dense.Evaluate(x, drift, weights);
            dense.Evaluate(x, drift, weights);
            if (first is null) { first = drift; firstWeights = weights; continue; }
            Assert.That(drift, Is.EqualTo(first), $"{threads} threads");
            Assert.That(weights, Is.EqualTo(firstWeights), $"{threads} threads");
        }
    }
}
