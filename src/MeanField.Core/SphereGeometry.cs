using System.Numerics;

namespace MeanField.Core;

/// <summary>Geometry of the unit sphere S^{d−1} ⊂ R^d (MATH §1). d is the ambient dimension, d ≥ 2.</summary>
public static class SphereGeometry
{
    private const double LogPi = 1.1447298858494001741;

    /// <summary>|S^{d−1}| = 2π^{d/2}/Γ(d/2); underflows to 0 for d ≳ 1600 (use <see cref="LogSurfaceArea"/>).</summary>
    public static double SurfaceArea(int d) => Math.Exp(LogSurfaceArea(d));

    /// <summary>log |S^{d−1}| = log 2 + (d/2) log π − log Γ(d/2).</summary>
    public static double LogSurfaceArea(int d)
    {
        CheckDimension(d);
        return Math.Log(2.0) + 0.5 * d * LogPi - SpecialMath.LogGamma(0.5 * d);
    }

    /// <summary>
    /// N_{n,d} = C(n+d−1, n) − C(n+d−3, n−2), the dimension of the degree-n spherical harmonics on S^{d−1}
    /// (N_{0,d} = 1, N_{n,2} = 2, N_{n,3} = 2n+1, N_{n,4} = (n+1)²). Exact whenever the value is below 2^53;
    /// +∞ only if it exceeds the double range.
    /// </summary>
    public static double HarmonicDimension(int n, int d)
    {
        CheckDimension(d);
        if (n < 0) throw new ArgumentOutOfRangeException(nameof(n), n, "Degree must be non-negative.");
        if (n == 0) return 1.0;
        if (d == 2) return 2.0;
        double log = LogHarmonicDimension(n, d);
        if (log > 2000) return double.PositiveInfinity;
        // N_{n,d} = (2n+d−2)/(n+d−2) · C(n+d−2, n), evaluated exactly in integers.
        BigInteger c = Binomial(n + d - 2, Math.Min(n, d - 2));
        return (double)(c * (2 * n + d - 2) / (n + d - 2));
    }

    /// <summary>log N_{n,d} (finite for all n, d).</summary>
    public static double LogHarmonicDimension(int n, int d)
    {
        CheckDimension(d);
        if (n < 0) throw new ArgumentOutOfRangeException(nameof(n), n, "Degree must be non-negative.");
        if (n == 0) return 0.0;
        if (d == 2) return Math.Log(2.0);
        // N_{n,d} = (2n+d−2) (n+d−3)! / (n! (d−2)!)
        return Math.Log(2.0 * n + d - 2) + SpecialMath.LogGamma(n + d - 2.0)
               - SpecialMath.LogGamma(n + 1.0) - SpecialMath.LogGamma(d - 1.0);
    }

    /// <summary>n(n+d−2): the eigenvalue of −Δ_S on degree-n harmonics of S^{d−1}.</summary>
    public static double LaplacianEigenvalue(int n, int d)
    {
        CheckDimension(d);
        if (n < 0) throw new ArgumentOutOfRangeException(nameof(n), n, "Degree must be non-negative.");
        return (double)n * (n + d - 2.0);
    }

    internal static void CheckDimension(int d)
    {
        if (d < 2) throw new ArgumentOutOfRangeException(nameof(d), d, "Ambient dimension d must be at least 2.");
    }

    private static BigInteger Binomial(int m, int k)
    {
        BigInteger c = BigInteger.One;
        for (int j = 1; j <= k; j++) c = c * (m - k + j) / j; // each partial product is C(m−k+j, j): exact
        return c;
    }
}
