using MeanField.Core.Random;

namespace MeanField.Analysis;

/// <summary>
/// Sliced Wasserstein distance between two clouds on S^{d−1} (row-major N×d arrays):
/// SW_p = ((1/L) Σ_l W_p^p(⟨a, θ_l⟩, ⟨b, θ_l⟩))^{1/p} over L directions θ_l uniform on S^{d−1}.
/// </summary>
/// <remarks>
/// This is the Euclidean-projection sliced distance (the points are projected as vectors of ℝ^d onto lines through
/// the origin), not the spherical sliced distance of Bonet et al. (projection onto great circles). It is a metric on
/// measures on ℝ^d, hence on S^{d−1}, and SW_p ≤ W_p (Euclidean chord cost) ≤ W_p (geodesic cost).
/// Directions are normalised Gaussian vectors from <see cref="RandomStream"/>(seed, <see cref="DirectionStream"/>),
/// so results are reproducible; the Monte Carlo error over directions is O(L^{−1/2}) relative.
/// Each 1-D W_p is exact (<see cref="LineWasserstein"/>). Cost O(L (N d + N log N)).
/// </remarks>
public static class SlicedWasserstein
{
    /// <summary>Stream id of the directions (distinct from the simulator's streams 1–3).</summary>
    public const ulong DirectionStream = 0x51CE;

    /// <summary>SW_p (p ≥ 1) with <paramref name="directions"/> random directions.</summary>
    public static double Distance(ReadOnlySpan<double> cloudA, ReadOnlySpan<double> cloudB, int dimension, double p = 2,
        int directions = 200, ulong seed = 0)
    {
        if (dimension < 2) throw new ArgumentOutOfRangeException(nameof(dimension));
        if (cloudA.Length % dimension != 0 || cloudB.Length % dimension != 0)
            throw new ArgumentException("cloud lengths must be multiples of the dimension");
        if (directions < 1) throw new ArgumentOutOfRangeException(nameof(directions));
        int na = cloudA.Length / dimension, nb = cloudB.Length / dimension;
        var rng = new RandomStream(seed, DirectionStream);
        var theta = new double[dimension];
        var pa = new double[na];
        var pb = new double[nb];
        double sum = 0;
        for (int l = 0; l < directions; l++)
        {
            double norm;
            do
            {
                rng.NextGaussians(theta);
                norm = 0;
                foreach (double v in theta) norm += v * v;
            } while (norm == 0);
            norm = Math.Sqrt(norm);
            for (int k = 0; k < dimension; k++) theta[k] /= norm;
            Project(cloudA, theta, pa);
            Project(cloudB, theta, pb);
            Array.Sort(pa);
            Array.Sort(pb);
            sum += LineWasserstein.PowerOfSorted(pa, pb, p);
        }
        return Math.Pow(sum / directions, 1 / p);
    }

    private static void Project(ReadOnlySpan<double> cloud, double[] theta, double[] result)
    {
        int d = theta.Length;
        for (int i = 0; i < result.Length; i++)
        {
            var x = cloud.Slice(i * d, d);
            double s = 0;
            for (int k = 0; k < d; k++) s += x[k] * theta[k];
            result[i] = s;
        }
    }
}
