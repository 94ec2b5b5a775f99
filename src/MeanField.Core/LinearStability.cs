namespace MeanField.Core;

/// <summary>
/// Linear stability of the uniform state for the identity case (QᵀK = βI, V = I), MATH §4.1–4.3 and §7.
/// </summary>
/// <remarks>
/// Degree-n perturbations grow like e^{γ_n t} with γ_n = n(n+d−2) (a_n − D), where D = κ_R^{−1} ≥ 0 is the
/// idiosyncratic diffusion coefficient (generator D Δ_S) and
/// <list type="bullet">
/// <item>USA: a_n = ρ_0 Λ_n/β = Γ(d/2) 2^{d/2−1} β^{−d/2} I_{n+d/2−1}(β),</item>
/// <item>SA:  a_n = I_{n+d/2−1}(β) / (β I_{d/2−1}(β)).</item>
/// </list>
/// a_n is also the diffusion threshold (γ_n = 0 at D = a_n). Everything is computed in log form, so β up to
/// 1000+ and d up to 4096+ are fine; USA rates (∝ e^β) overflow to +∞ only if the true value does. β = 0 is the
/// limit a_1 = 1/d, a_{n≥2} = 0 for both kinds.
/// </remarks>
public static class LinearStability
{
    private const double Ln2 = 0.69314718055994530942;

    /// <summary>log a_n = log of the diffusion threshold D at which γ_n = 0 (n ≥ 1); −∞ when a_n = 0.</summary>
    public static double LogDiffusionThreshold(AttentionKind a, int n, double beta, int d)
    {
        FunkHecke.Check(n, beta, d);
        if (n < 1) throw new ArgumentOutOfRangeException(nameof(n), n, "The threshold is defined for n ≥ 1.");
        if (beta == 0) return n == 1 ? -Math.Log(d) : double.NegativeInfinity;
        double nu0 = 0.5 * d - 1.0;
        double logBeta = Math.Log(beta);
        return a switch
        {
            AttentionKind.USA => SpecialMath.LogGamma(0.5 * d) + nu0 * Ln2 - 0.5 * d * logBeta + Bessel.LogI(n + nu0, beta),
            AttentionKind.SA => Bessel.LogRatio(n + nu0, nu0, beta) - logBeta,
            _ => throw new ArgumentOutOfRangeException(nameof(a), a, "Unknown attention kind."),
        };
    }

    /// <summary>
    /// The diffusion D = κ_{R,n}^{−1} at which γ_n = 0 (MATH §4.3); the κ_R threshold is its reciprocal.
    /// </summary>
    public static double DiffusionThreshold(AttentionKind a, int n, double beta, int d)
        => Math.Exp(LogDiffusionThreshold(a, n, beta, d));

    /// <summary>log λ_n, the undamped (D = 0) rate; −∞ for n = 0.</summary>
    public static double LogGrowthRateUndamped(AttentionKind a, int n, double beta, int d)
    {
        FunkHecke.Check(n, beta, d);
        if (n == 0) return double.NegativeInfinity;
        return Math.Log(SphereGeometry.LaplacianEigenvalue(n, d)) + LogDiffusionThreshold(a, n, beta, d);
    }

    /// <summary>
    /// γ_n = λ_n − D·n(n+d−2) (MATH §4.1, §4.3 with D = κ_R^{−1}); 0 for n = 0.
    /// </summary>
    public static double GrowthRate(AttentionKind a, int n, double beta, int d, double diffusion = 0)
    {
        CheckDiffusion(diffusion);
        FunkHecke.Check(n, beta, d);
        if (n == 0) return 0.0;
        double m = SphereGeometry.LaplacianEigenvalue(n, d);
        double logA = LogDiffusionThreshold(a, n, beta, d);
        // D below 1e−18·a cannot change the double result; this also keeps exp(logA) from overflowing below.
        if (diffusion == 0 || logA - Math.Log(diffusion) > 41.5) return Math.Exp(Math.Log(m) + logA);
        return m * (Math.Exp(logA) - diffusion);
    }

    /// <summary>
    /// n* = argmax_{n ≥ 1} γ_n (smallest n on ties).
    /// </summary>
    /// <remarks>
    /// For D = 0, γ_n = n(n+d−2)·a_n is log-concave in n (n ↦ I_{n+ν}(β) is log-concave by the Turán inequality
    /// for I), hence unimodal, with n* ≈ √(2β) for large β. The scan starts at n = 1 and stops once n exceeds
    /// n*_so_far + max(16, n*_so_far) without improvement: a wide margin past the peak, which also covers the
    /// damped case D &gt; 0 (there the argmax only moves down).
    /// </remarks>
    public static int DominantIndex(AttentionKind a, double beta, int d, double diffusion = 0)
    {
        CheckDiffusion(diffusion);
        FunkHecke.Check(1, beta, d);
        int best = 1;
        var bestRate = SignedLogRate(a, 1, beta, d, diffusion);
        for (int n = 2; n <= best + Math.Max(16, best); n++)
        {
            var r = SignedLogRate(a, n, beta, d, diffusion);
            if (IsGreater(r, bestRate))
            {
                best = n;
                bestRate = r;
            }
        }
        return best;
    }

    /// <summary>
    /// Mun–Rosenzweig linear-stability threshold K_#^{(d)}(β) = β^{d/2}/(2^{d/2} Γ(d/2) I_{d/2}(β)) = κ_{R,1}^{USA}/2
    /// (MATH §7; K = κ_R/2). Tends to d/2 as β → 0.
    /// </summary>
    public static double MunRosenzweigKSharp(double beta, int d)
        => Math.Exp(-Ln2 - LogDiffusionThreshold(AttentionKind.USA, 1, beta, d));

    // γ_n as (sign, log|γ_n|) so that rates beyond the double range still compare correctly.
    private static (int Sign, double LogAbs) SignedLogRate(AttentionKind a, int n, double beta, int d, double diffusion)
    {
        double logM = Math.Log(SphereGeometry.LaplacianEigenvalue(n, d));
        double logA = LogDiffusionThreshold(a, n, beta, d);
        if (diffusion == 0) return (double.IsNegativeInfinity(logA) ? 0 : 1, logM + logA);
        double logD = Math.Log(diffusion);
        if (logA > logD) return (1, logM + logA + Math.Log(1 - Math.Exp(logD - logA)));
        if (logA < logD) return (-1, logM + logD + Math.Log(1 - Math.Exp(logA - logD)));
        return (0, double.NegativeInfinity);
    }

    private static bool IsGreater((int Sign, double LogAbs) x, (int Sign, double LogAbs) y)
    {
        if (x.Sign != y.Sign) return x.Sign > y.Sign;
        return x.Sign switch
        {
            > 0 => x.LogAbs > y.LogAbs,
            < 0 => x.LogAbs < y.LogAbs,
            _ => false,
        };
    }

    private static void CheckDiffusion(double diffusion)
    {
        if (!(diffusion >= 0) || double.IsPositiveInfinity(diffusion))
            throw new ArgumentOutOfRangeException(nameof(diffusion), diffusion, "Diffusion must be finite and non-negative.");
    }
}
