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
}
