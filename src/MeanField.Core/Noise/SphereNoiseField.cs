using System.Numerics;

namespace MeanField.Core.Noise;

/// <summary>
/// The common noise on S² (d = 3) in Karhunen–Loève form (MATH §2.2–2.3):
///   G(x, dt) = P_x Σ_{n ≤ L} Σ_i Σ_{α=1..3} √C_n Y_{n,i}(x) e_α dB^{n,i,α},
/// a tangent velocity field whose covariance before projection is κ_trunc(⟨x,y⟩) I₃.
/// </summary>
/// <remarks>
/// Real orthonormal harmonics (surface measure), from the complex Y_n^m with the Condon–Shortley phase:
/// Y_{n,0} = Y_n^0; for m ≥ 1, i = 2m−1 is √2 Re Y_n^m and i = 2m is √2 Im Y_n^m.
/// Component index j = 3(n² + i) + (α − 1), i = 0..2n, so there are 3(L+1)² components.
/// The scalar field w_α = Σ_{n,i} √C_n Y_{n,i} ΔB^{n,i,α} is real, and its complex coefficients (m ≥ 0, the layout of
/// the S² transform) are a_n^0 = b_{n,0} and a_n^m = (b_{n,2m−1} − i b_{n,2m})/√2, b = √C_n ΔB
/// (since w = a⁰Y⁰ + Σ_{m≥1} 2 Re(a^m Y^m)). κ_trunc(1) = Σ_n C_n (2n+1)/(4π) enters the Itô correction.
/// </remarks>
public sealed class SphereNoiseField
{
    private readonly double[] _c;   // C_n, n = 0..L

    public SphereNoiseField(ReadOnlySpan<double> degreeVariances)
    {
        if (degreeVariances.Length == 0) throw new ArgumentException("at least degree 0 is needed.", nameof(degreeVariances));
        foreach (double c in degreeVariances)
            if (!(c >= 0) || double.IsInfinity(c)) throw new ArgumentException("degree variances C_n must be finite and ≥ 0.", nameof(degreeVariances));
        _c = degreeVariances.ToArray();
    }

    /// <summary>The field of a covariance kernel κ truncated at degree L.</summary>
    public static SphereNoiseField FromKernel(Func<double, double> kappa, int maxDegree) =>
        new(ZonalKernelSpectrum.DegreeVariances(kappa, 3, maxDegree));

    public int MaxDegree => _c.Length - 1;
    public int Components => 3 * (MaxDegree + 1) * (MaxDegree + 1);
    public double DegreeVariance(int n) => _c[n];

    /// <summary>κ_trunc(1) = Σ_n C_n (2n+1)/(4π).</summary>
    public double TruncatedKappaAtOne => ZonalKernelSpectrum.TruncatedKappaAtOne(_c, 3);

    /// <summary>j = 3(n² + i) + α, with real harmonic index i ∈ [0, 2n] and ambient direction α ∈ {0, 1, 2}.</summary>
    public static int ComponentIndex(int n, int i, int alpha) => 3 * (n * n + i) + alpha;

    /// <summary>a_n^m (m ≥ 0, orthonormal, Condon–Shortley) of the scalar field w_α for one set of increments.</summary>
    public Complex ScalarCoefficient(int n, int m, int alpha, ReadOnlySpan<double> increments)
    {
        if (increments.Length != Components) throw new ArgumentException($"expected {Components} increments.", nameof(increments));
        if (n > MaxDegree) return Complex.Zero;
        double s = Math.Sqrt(_c[n]);
        if (m == 0) return s * increments[ComponentIndex(n, 0, alpha)];
        return new Complex(s * increments[ComponentIndex(n, 2 * m - 1, alpha)], -s * increments[ComponentIndex(n, 2 * m, alpha)]) / Math.Sqrt(2);
    }
}
