namespace MeanField.Analysis;

/// <summary>Fixed Gauss–Legendre rules on [−1, 1], computed once by Newton on the Legendre recurrence.</summary>
internal static class GaussLegendre
{
    /// <summary>8 points: exact for polynomials of degree ≤ 15; the panels used here are short enough that this is
    /// at rounding level for the smooth pieces integrated (see the callers).</summary>
    public static readonly (double[] Nodes, double[] Weights) Rule8 = Create(8);

    public static (double[] Nodes, double[] Weights) Create(int n)
    {
        var x = new double[n];
        var w = new double[n];
        for (int i = 0; i < n; i++)
        {
            double z = Math.Cos(Math.PI * (i + 0.75) / (n + 0.5));
            double dp = 0;
            for (int it = 0; it < 100; it++)
            {
                double p0 = 1, p1 = z;
                for (int k = 2; k <= n; k++) { double p2 = ((2 * k - 1) * z * p1 - (k - 1) * p0) / k; p0 = p1; p1 = p2; }
                dp = n * (z * p1 - p0) / (z * z - 1);
                double dz = p1 / dp;
                z -= dz;
                if (Math.Abs(dz) < 1e-16) break;
            }
            x[n - 1 - i] = z;
            w[n - 1 - i] = 2 / ((1 - z * z) * dp * dp);
        }
        return (x, w);
    }
}
