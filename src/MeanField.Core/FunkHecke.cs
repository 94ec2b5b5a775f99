namespace MeanField.Core;

/// <summary>
/// Funk–Hecke eigenvalues of the kernel e^{β⟨x,y⟩} on S^{d−1} (MATH §1.1):
/// Λ_n(β,d) = (2π)^{d/2} β^{1−d/2} I_{n+d/2−1}(β), so that ∫ e^{β⟨x,y⟩} Y_n(y) dσ(y) = Λ_n Y_n(x).
/// </summary>
/// <remarks>
/// All evaluations go through logarithms (<see cref="Bessel.LogI"/>), so d = 4096, β = 1000 are fine. β = 0 is the
/// limit of a constant kernel: Λ_0 = |S^{d−1}|, Λ_n = 0 for n ≥ 1. β &lt; 0 is not supported.
/// </remarks>
public static class FunkHecke
{
    private const double LogTwoPi = 1.8378770664093454836;

    /// <summary>log Λ_n(β,d); −∞ when Λ_n = 0 (β = 0, n ≥ 1).</summary>
    public static double LogEigenvalue(int n, double beta, int d)
    {
        Check(n, beta, d);
        if (beta == 0) return n == 0 ? SphereGeometry.LogSurfaceArea(d) : double.NegativeInfinity;
        double nu0 = 0.5 * d - 1.0;
        return 0.5 * d * LogTwoPi - nu0 * Math.Log(beta) + Bessel.LogI(n + nu0, beta);
    }

    /// <summary>Λ_n(β,d); overflows to +∞ (or underflows to 0) only where the true value does.</summary>
    public static double Eigenvalue(int n, double beta, int d) => Math.Exp(LogEigenvalue(n, beta, d));

    /// <summary>
    /// Λ_n/Λ_0 = I_{n+d/2−1}(β)/I_{d/2−1}(β) = E_{vMF}[P_n^{(d)}(⟨x,y⟩)], from the difference of scaled
    /// logarithms (the e^β factors cancel exactly). 1 for n = 0; 0 for β = 0 and n ≥ 1.
    /// </summary>
    public static double RatioToDegreeZero(int n, double beta, int d) => Math.Exp(LogRatioToDegreeZero(n, beta, d));

    /// <summary>log(Λ_n/Λ_0).</summary>
    public static double LogRatioToDegreeZero(int n, double beta, int d)
    {
        Check(n, beta, d);
        if (n == 0) return 0.0;
        if (beta == 0) return double.NegativeInfinity;
        double nu0 = 0.5 * d - 1.0;
        return Bessel.LogRatio(n + nu0, nu0, beta);
    }

    internal static void Check(int n, double beta, int d)
    {
        SphereGeometry.CheckDimension(d);
        if (n < 0) throw new ArgumentOutOfRangeException(nameof(n), n, "Degree must be non-negative.");
        if (!(beta >= 0) || double.IsPositiveInfinity(beta))
            throw new ArgumentOutOfRangeException(nameof(beta), beta, "β must be finite and non-negative.");
    }
}
