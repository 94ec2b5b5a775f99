namespace MeanField.Core;

/// <summary>
/// Gauss–Legendre rules on [−1, 1], machine-accurate for every n: Newton on the three-term recurrence from the
/// asymptotic first guess, nodes mirrored so that the rule is exactly symmetric. The one rule the code uses: the S² grid
/// (<c>SphericalHarmonicTransform</c>) and the panel quadratures of the analysis library. MathNet's GaussLegendreRule
/// is not used because its nodes are off by up to ~1e−9 for some n between 60 and 600.
/// </summary>
public static class GaussLegendre
{
    /// <summary>8 points: exact for polynomials of degree ≤ 15 (the analysis library's panel rule).</summary>
    public static (double[] Nodes, double[] Weights) Rule8 { get; } = Create(8);

    /// <summary>n nodes in increasing order and their weights (Σ w = 2; exact for polynomials of degree ≤ 2n − 1).</summary>
    public static (double[] Nodes, double[] Weights) Create(int n)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(n, 1);
        var x = new double[n];
        var w = new double[n];
        for (int i = 0; i < n / 2; i++)
        {
            double z = Math.Cos(Math.PI * (i + 0.75) / (n + 0.5));
            for (int it = 0; it < 100; it++)
            {
                var (p, dp) = LegendreAndDerivative(n, z);
                double dz = p / dp;
                z -= dz;
                if (Math.Abs(dz) < 1e-16) break;
            }
            double d = LegendreAndDerivative(n, z).DP;
            double weight = 2 / ((1 - z) * (1 + z) * d * d);
            x[n - 1 - i] = z;
            x[i] = -z;
            w[n - 1 - i] = w[i] = weight;
        }
        if (n % 2 == 1)
        {
            double d = LegendreAndDerivative(n, 0).DP;
            w[n / 2] = 2 / (d * d);
        }
        return (x, w);
    }

    /// <summary>P_n(x) and P_n'(x) by the three-term recurrence (|x| &lt; 1).</summary>
    public static (double P, double DP) LegendreAndDerivative(int n, double x)
    {
        double p0 = 1, p1 = x;
        for (int k = 2; k <= n; k++)
        {
            double p2 = ((2 * k - 1) * x * p1 - (k - 1) * p0) / k;
            p0 = p1;
            p1 = p2;
        }
        double dp = n * (x * p1 - p0) / ((x - 1) * (x + 1));
        return (n == 0 ? 1 : p1, n == 0 ? 0 : dp);
    }
}
