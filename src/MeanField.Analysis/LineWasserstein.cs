namespace MeanField.Analysis;

/// <summary>W_p between two empirical measures on the real line (any sizes), exactly.</summary>
public static class LineWasserstein
{
    /// <summary>
    /// W_p(μ_a, μ_b) = (∫_0^1 |F_a^{−1}(t) − F_b^{−1}(t)|^p dt)^{1/p} for p ≥ 1, by merging the quantile steps at
    /// levels i/N_a and j/N_b (compared in integer arithmetic). O(N log N).
    /// </summary>
    public static double Distance(ReadOnlySpan<double> a, ReadOnlySpan<double> b, double p)
    {
        var sa = a.ToArray();
        var sb = b.ToArray();
        Array.Sort(sa);
        Array.Sort(sb);
        return Math.Pow(PowerOfSorted(sa, sb, p), 1 / p);
    }

    /// <summary>W_p^p for sorted inputs.</summary>
    internal static double PowerOfSorted(double[] a, double[] b, double p)
    {
        long na = a.Length, nb = b.Length;
        if (na == 0 || nb == 0) throw new ArgumentException("empty sample");
        if (!(p >= 1)) throw new ArgumentOutOfRangeException(nameof(p), p, "p must be ≥ 1");
        double total = 0;
        if (na == nb)
        {
            for (int k = 0; k < na; k++) total += Pow(Math.Abs(a[k] - b[k]), p);
            return total / na;
        }
        // Level t runs over [0, 1]; quantile cell i of a is (i/N_a, (i+1)/N_a]. Work in units of 1/(N_a N_b).
        long i = 0, j = 0, t = 0, end = na * nb;
        while (t < end)
        {
            long nextA = (i + 1) * nb, nextB = (j + 1) * na;
            long next = Math.Min(nextA, nextB);
            total += (next - t) * Pow(Math.Abs(a[i] - b[j]), p);
            t = next;
            if (nextA == next) i++;
            if (nextB == next) j++;
        }
        return total / ((double)na * nb);
    }

    private static double Pow(double x, double p) => p == 1 ? x : p == 2 ? x * x : Math.Pow(x, p);
}
