using System.Numerics;

namespace MeanField.Core;

/// <summary>
/// Orthonormal spherical harmonics Y_l^m on S² (∫|Y|² dσ = 1, Condon–Shortley phase: Y_1^1 = −√(3/8π) sin θ e^{iφ}),
/// m ≥ 0, in the m-major layout index(l, m) = m(2L+3−m)/2 + (l−m): the one definition of the S² coefficient layout,
/// used by the spectral transform, the particle sums and samplers, and the output files.
/// </summary>
/// <remarks>
/// Evaluated pole-free at a unit vector x = (x₀, x₁, x₂) as Y_l^m(x) = P̃_l^m(x₂) (x₀ + i x₁)^m, where
/// P̃_l^m(z) = N_l^m P_l^m(z)/(1−z²)^{m/2} is a polynomial in z (sin^m θ e^{imφ} = (x₀ + i x₁)^m on the unit sphere), from the
/// standard normalised recurrences: P̃_0^0 = 1/√(4π), P̃_m^m = −√((2m+1)/(2m)) P̃_{m−1}^{m−1},
/// P̃_{m+1}^m = √(2m+3) z P̃_m^m, P̃_l^m = a_l^m z P̃_{l−1}^m − (a_l^m/a_{l−1}^m) P̃_{l−2}^m with a_l^m = √((4l²−1)/(l²−m²)).
/// </remarks>
public sealed class SphericalHarmonics
{
    private readonly double[] _a, _b;   // per index: P̃_l = _a z P̃_{l−1} − _b P̃_{l−2} (l ≥ m+1; _b = 0 at l = m+1)
    private readonly double[] _sectoral; // P̃_m^m, m = 0..L

    public SphericalHarmonics(int lmax)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(lmax);
        Lmax = lmax;
        Count = CountFor(lmax);
        _a = new double[Count];
        _b = new double[Count];
        _sectoral = new double[lmax + 1];
        _sectoral[0] = 1 / Math.Sqrt(4 * Math.PI);
        for (int m = 1; m <= lmax; m++) _sectoral[m] = -Math.Sqrt((2.0 * m + 1) / (2.0 * m)) * _sectoral[m - 1];
        for (int m = 0; m <= lmax; m++)
        {
            if (m + 1 <= lmax) _a[Index(m + 1, m)] = Math.Sqrt(2.0 * m + 3);
            for (int l = m + 2; l <= lmax; l++)
            {
                double al = A(l, m), al1 = A(l - 1, m);
                _a[Index(l, m)] = al;
                _b[Index(l, m)] = al / al1;
            }
        }
    }

    public int Lmax { get; }

    /// <summary>(L+1)(L+2)/2: the number of (l, m) with 0 ≤ m ≤ l ≤ L.</summary>
    public int Count { get; }

    public static int CountFor(int lmax) => (lmax + 1) * (lmax + 2) / 2;

    public int Index(int l, int m) => Index(Lmax, l, m);

    public static int Index(int lmax, int l, int m) => m * (2 * lmax + 3 - m) / 2 + (l - m);

    /// <summary>The recurrence coefficients, for kernels that run it themselves (vectorised over points).</summary>
    public ReadOnlySpan<double> RecurrenceA => _a;
    public ReadOnlySpan<double> RecurrenceB => _b;
    public ReadOnlySpan<double> Sectoral => _sectoral;

    /// <summary>Y_l^m(x) for 0 ≤ m ≤ l ≤ L at the point x/|x| (x ≠ 0), into values[index(l, m)].</summary>
    public void Evaluate(ReadOnlySpan<double> x, Span<Complex> values)
    {
        if (x.Length != 3) throw new ArgumentException("x must be a vector in R^3.", nameof(x));
        if (values.Length < Count) throw new ArgumentException($"values must hold {Count} entries.", nameof(values));
        double r = Math.Sqrt(x[0] * x[0] + x[1] * x[1] + x[2] * x[2]);
        double x0 = x[0] / r, x1 = x[1] / r, z = x[2] / r;
        var w = Complex.One;
        var e = new Complex(x0, x1);
        int L = Lmax;
        for (int m = 0; m <= L; m++)
        {
            int o = Index(m, m);
            double p2 = 0, p1 = _sectoral[m];
            values[o] = p1 * w;
            for (int l = m + 1; l <= L; l++)
            {
                int i = o + (l - m);
                double p = _a[i] * z * p1 - _b[i] * p2;
                values[i] = p * w;
                p2 = p1;
                p1 = p;
            }
            w *= e;
        }
    }

    /// <summary>
    /// Empirical moments a_l^m = (1/N) Σ_j conj(Y_l^m(x_j)), m ≥ 0, layout index(l, m): the analogue of the S² PDE's
    /// a_l^m = ∫ ρ conj(Y_l^m) dσ for the empirical measure (a_0^0 = 1/√(4π)). Positions row-major N×3.
    /// </summary>
    public static Complex[] EmpiricalCoefficients(ReadOnlySpan<double> positions, int lmax)
    {
        if (positions.Length % 3 != 0 || positions.Length == 0) throw new ArgumentException("positions must hold N×3 values, N ≥ 1.", nameof(positions));
        var h = new SphericalHarmonics(lmax);
        int n = positions.Length / 3;
        var sums = new Complex[h.Count];
        var y = new Complex[h.Count];
        for (int j = 0; j < n; j++)
        {
            h.Evaluate(positions.Slice(3 * j, 3), y);
            for (int k = 0; k < sums.Length; k++) sums[k] += y[k];
        }
        for (int k = 0; k < sums.Length; k++) sums[k] = Complex.Conjugate(sums[k]) / n;
        return sums;
    }

    private static double A(int l, int m) => Math.Sqrt((4.0 * l * l - 1) / ((double)l * l - (double)m * m));
}
