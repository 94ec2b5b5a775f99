using MeanField.Core;

namespace MeanField.Validation.Clustering;

/// <summary>
/// Theory side of campaign 2 (MATH §4.1–4.2): the linear rates λ_n and the dominant index n*(β, d) come from
/// <see cref="LinearStability"/>; this adds the switching points β_k where n* jumps from k to k+1.
/// </summary>
public static class DominantDegreeTheory
{
    /// <summary>
    /// β_k: the root of k(k+d−2) I_{k+d/2−1}(β) = (k+1)(k+d−1) I_{k+d/2}(β) (MATH §4.2), by bisection on
    /// log λ_{k+1} − log λ_k, which increases in β (it is −∞ at β → 0 and, since I_{ν+1}/I_ν → 1, positive for large β).
    /// The same for SA and USA (their rates differ by a factor independent of n).
    /// </summary>
    public static double SwitchingPoint(int k, int dimension)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(k, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(dimension, 2);
        double Gap(double beta) =>
            LinearStability.LogGrowthRateUndamped(AttentionKind.SA, k + 1, beta, dimension)
            - LinearStability.LogGrowthRateUndamped(AttentionKind.SA, k, beta, dimension);
        double lo = 1e-3, hi = 1.0;
        while (Gap(hi) < 0) { lo = hi; hi *= 2; }
        for (int i = 0; i < 200 && hi - lo > 1e-12 * hi; i++)
        {
            double mid = 0.5 * (lo + hi);
            if (Gap(mid) < 0) lo = mid; else hi = mid;
        }
        return 0.5 * (lo + hi);
    }

    /// <summary>β_1 … β_count (increasing).</summary>
    public static double[] SwitchingPoints(int count, int dimension) =>
        Enumerable.Range(1, count).Select(k => SwitchingPoint(k, dimension)).ToArray();

    /// <summary>The switching point nearest to β (for reporting how delicate a measured n* is).</summary>
    public static double NearestSwitchingPoint(double beta, int dimension)
    {
        int n = LinearStability.DominantIndex(AttentionKind.SA, beta, dimension);
        double up = SwitchingPoint(n, dimension);
        if (n == 1) return up;
        double down = SwitchingPoint(n - 1, dimension);
        return Math.Abs(beta - down) < Math.Abs(up - beta) ? down : up;
    }
}
