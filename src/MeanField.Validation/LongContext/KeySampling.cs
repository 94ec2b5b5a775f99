using MeanField.Core.Random;

namespace MeanField.Validation.LongContext;

/// <summary>
/// Samples of keys K uniform on S^{d−1} seen from a fixed query q = e_1: only D = 1 − ⟨q, K⟩ enters the softmax
/// weights, and its law is 1-D (t = ⟨q, K⟩ has density ∝ (1−t²)^{(d−3)/2}), so it is drawn directly (MATH §8).
/// </summary>
public static class KeySampling
{
    /// <summary>Stream ids of the long-context Monte Carlo (one Philox stream per experiment and trial).</summary>
    private const ulong StreamPurpose = 0x4C4F4E47_43545854; // "LONGCTXT"

    /// <summary>
    /// The stream of trial <paramref name="trial"/> of an experiment labelled by (kind, dimension, size): experiments are
    /// independent of each other, and each trial is reproducible on its own (so trials can run in parallel).
    /// </summary>
    public static RandomStream StreamFor(ulong seed, int kind, int dimension, long size, int trial)
    {
        ulong id = RandomStream.SplitMix64(StreamPurpose ^ (ulong)kind);
        id = RandomStream.SplitMix64(id ^ (ulong)dimension);
        id = RandomStream.SplitMix64(id ^ (ulong)size);
        return new RandomStream(seed, id + (ulong)trial);
    }

    /// <summary>
    /// Fills <paramref name="distances"/> with iid D = 1 − ⟨q, K⟩ ∈ [0, 2], to full relative accuracy near D = 0 (the
    /// nearest keys decide the critical regime):
    /// d = 2: ⟨q,K⟩ = cos θ with θ uniform on [0, π], D = 2 sin²(θ/2);
    /// d = 3: ⟨q,K⟩ is uniform on [−1, 1] (Archimedes), D = 2U;
    /// d ≥ 4: K = Z/|Z| with Z standard Gaussian, D = S/(r(r+z₁)) for z₁ &gt; 0 (S = Σ_{i≥2} z_i², no cancellation), else (r−z₁)/r.
    /// </summary>
    public static void SampleDistances(RandomStream rng, int dimension, Span<double> distances)
    {
        LongContextTheory.CheckDimension(dimension);
        switch (dimension)
        {
            case 2:
                for (int j = 0; j < distances.Length; j++)
                {
                    double s = Math.Sin(0.5 * Math.PI * rng.NextDouble());
                    distances[j] = 2 * s * s;
                }
                break;
            case 3:
                for (int j = 0; j < distances.Length; j++) distances[j] = 2 * rng.NextDoubleOpen();
                break;
            default:
                for (int j = 0; j < distances.Length; j++)
                {
                    double z1 = rng.NextGaussian(), s = 0;
                    for (int i = 1; i < dimension; i++)
                    {
                        double z = rng.NextGaussian();
                        s += z * z;
                    }
                    distances[j] = DistanceFromGaussian(z1, s);
                }
                break;
        }
    }

    /// <summary>
    /// Fills D_j and the tangential components P_q K_j (row-major n×(d−1), coordinates 2..d) of n uniform keys, from
    /// K = Z/|Z|: what the attention output O = Σ w_j K_j needs.
    /// </summary>
    public static void SampleKeys(RandomStream rng, int dimension, Span<double> distances, Span<double> tangential)
    {
        LongContextTheory.CheckDimension(dimension);
        int m = dimension - 1;
        if (tangential.Length != distances.Length * m) throw new ArgumentException("tangential must hold n·(d−1) values.", nameof(tangential));
        for (int j = 0; j < distances.Length; j++)
        {
            double z1 = rng.NextGaussian(), s = 0;
            var row = tangential.Slice(j * m, m);
            for (int i = 0; i < m; i++)
            {
                double z = rng.NextGaussian();
                row[i] = z;
                s += z * z;
            }
            double r = Math.Sqrt(z1 * z1 + s);
            for (int i = 0; i < m; i++) row[i] /= r;
            distances[j] = DistanceFromGaussian(z1, s);
        }
    }

    /// <summary>1 − z₁/r with r² = z₁² + s, without cancellation for small D.</summary>
    private static double DistanceFromGaussian(double z1, double s)
    {
        double r = Math.Sqrt(z1 * z1 + s);
        return z1 > 0 ? s / (r * (r + z1)) : (r - z1) / r;
    }
}
