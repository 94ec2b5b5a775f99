using System.Numerics;
using MeanField.Core;

namespace MeanField.Analysis;

/// <summary>
/// Relative coefficient errors ‖a − b‖/‖b‖ (b is the reference), each in the norm that equals the L² norm of the
/// field it represents, so the three agree with the relative L² error of the densities.
/// Missing trailing coefficients count as zero.
/// </summary>
public static class CoefficientErrors
{
    /// <summary>
    /// Circle, ρ̂_0..ρ̂_K of real fields: ‖a‖² = |a_0|² + 2 Σ_{k≥1} |a_k|² (ρ̂_{−k} = conj ρ̂_k counted), which is
    /// ‖ρ‖²_{L²(dθ)}/2π by Parseval.
    /// </summary>
    public static double RelativeCircle(IReadOnlyList<Complex> a, IReadOnlyList<Complex> b)
    {
        int n = Math.Max(a.Count, b.Count);
        double num = 0, den = 0;
        for (int k = 0; k < n; k++)
        {
            var x = k < a.Count ? a[k] : Complex.Zero;
            var y = k < b.Count ? b[k] : Complex.Zero;
            double w = k == 0 ? 1 : 2;
            num += w * Sq(x - y);
            den += w * Sq(y);
        }
        return Math.Sqrt(num / den);
    }

    /// <summary>
    /// Zonal S^{d−1}, g_n in ρ = Σ_n g_n P_n^{(d)}(⟨x,e⟩) (P_n(1) = 1): ‖ρ‖²_{L²(σ)} = |S^{d−1}| Σ_n g_n²/N_{n,d}
    /// (addition theorem), so the weights are 1/N_{n,d} (|S^{d−1}| cancels).
    /// </summary>
    public static double RelativeGegenbauer(IReadOnlyList<double> a, IReadOnlyList<double> b, int dimension)
    {
        if (dimension < 2) throw new ArgumentOutOfRangeException(nameof(dimension), dimension, "d must be ≥ 2");
        int n = Math.Max(a.Count, b.Count);
        double num = 0, den = 0;
        for (int k = 0; k < n; k++)
        {
            double x = k < a.Count ? a[k] : 0, y = k < b.Count ? b[k] : 0;
            double w = Math.Exp(-SphereGeometry.LogHarmonicDimension(k, dimension));
            num += w * (x - y) * (x - y);
            den += w * y * y;
        }
        return Math.Sqrt(num / den);
    }

    /// <summary>
    /// S², the solver's layout (MeanField.Spectral SphereHarmonicBasis): u[2i] = Re a_l^m, u[2i+1] = Im a_l^m,
    /// i = m(2L+3−m)/2 + (l−m), 0 ≤ m ≤ l ≤ L, orthonormal Y_l^m. For a real field a_l^{−m} = (−1)^m conj a_l^m, so
    /// ‖ρ‖²_{L²(σ)} = Σ_l |a_l^0|² + 2 Σ_{m≥1} |a_l^m|²: m ≥ 1 is counted twice. Both vectors must have the same L.
    /// </summary>
    public static double RelativeSphereHarmonics(IReadOnlyList<double> a, IReadOnlyList<double> b)
    {
        if (a.Count != b.Count || a.Count % 2 != 0) throw new ArgumentException("vectors must have the same even length");
        int count = a.Count / 2;
        int maxDegree = (int)Math.Round((Math.Sqrt(8.0 * count + 1) - 3) / 2);
        if ((maxDegree + 1) * (maxDegree + 2) / 2 != count) throw new ArgumentException("length is not 2·(L+1)(L+2)/2");
        double num = 0, den = 0;
        int i = 0;
        for (int m = 0; m <= maxDegree; m++)
            for (int l = m; l <= maxDegree; l++, i++)
            {
                double w = m == 0 ? 1 : 2;
                double dr = a[2 * i] - b[2 * i], di = a[2 * i + 1] - b[2 * i + 1];
                num += w * (dr * dr + di * di);
                den += w * (b[2 * i] * b[2 * i] + b[2 * i + 1] * b[2 * i + 1]);
            }
        return Math.Sqrt(num / den);
    }

    private static double Sq(Complex z) => z.Real * z.Real + z.Imaginary * z.Imaginary;
}
