using MeanField.Core;

namespace MeanField.Validation.NoisyTransition;

/// <summary>
/// Closed forms of the Mun–Rosenzweig noisy-transformer transition (MATH §7, §4.3; USA attention): the critical β_*
/// separating continuous from discontinuous transitions, the linear-stability threshold K_#(β), and the n = 1 growth
/// rate of (FP) in the solvers' convention (generator D·Δ_S with D = 1/κ_R = 1/(2K)).
/// </summary>
public static class MunRosenzweigTheory
{
    /// <summary>
    /// β_*^{(d)}: the unique root of I_{d/2+1}(β)/I_{d/2}(β) = 1/d. The ratio increases from 0 to 1 in β, so the
    /// root is bracketed and found by bisection on log(ratio) + log d to the last bits (MATH §7 table:
    /// β_*^{(2)} = 2.4469183113, β_*^{(3)} = 1.8161545254, …, ≈ 1 + 2/d for large d).
    /// </summary>
    public static double CriticalBeta(int dimension)
    {
        if (dimension < 2) throw new ArgumentOutOfRangeException(nameof(dimension), dimension, "the dimension d must be ≥ 2.");
        double nu = 0.5 * dimension, logD = Math.Log(dimension);
        double F(double beta) => Bessel.LogRatio(nu + 1, nu, beta) + logD;
        double lo = 1e-3, hi = 8;
        while (F(hi) < 0) hi *= 2;
        while (F(lo) > 0) lo /= 2;
        while (true)
        {
            double mid = 0.5 * (lo + hi);
            if (mid <= lo || mid >= hi) return mid;
            if (F(mid) < 0) lo = mid; else hi = mid;
        }
    }

    /// <summary>K_#^{(d)}(β) = β^{d/2}/(2^{d/2} Γ(d/2) I_{d/2}(β)) (MATH §7); → d/2 as β → 0.</summary>
    public static double KSharp(double beta, int dimension) => LinearStability.MunRosenzweigKSharp(beta, dimension);

    /// <summary>The diffusion D = 1/κ_R of (FP) for MR's coupling K: κ_R = 2K (MATH §7), so D = 1/(2K).</summary>
    public static double DiffusionForCoupling(double k)
    {
        if (!(k > 0) || !double.IsFinite(k)) throw new ArgumentOutOfRangeException(nameof(k), k, "K must be positive and finite.");
        return 1 / (2 * k);
    }

    /// <summary>MR's coupling for a diffusion D: K = 1/(2D).</summary>
    public static double CouplingForDiffusion(double diffusion)
    {
        if (!(diffusion > 0) || !double.IsFinite(diffusion)) throw new ArgumentOutOfRangeException(nameof(diffusion), diffusion, "D must be positive and finite.");
        return 1 / (2 * diffusion);
    }

    /// <summary>
    /// The n = 1 growth rate of (FP) at coupling K, in the solvers' time: (d−1)(ρ_0Λ_1/β − 1/(2K)) (MATH §7). In MR's
    /// own time units (drift K·(…), noise dB) the rate is K times this.
    /// </summary>
    public static double GrowthRate(int dimension, double beta, double k)
        => LinearStability.GrowthRate(AttentionKind.USA, 1, beta, dimension, DiffusionForCoupling(k));
}
