using MathNet.Numerics;
using MeanField.Core;

namespace MeanField.Validation.LongContext;

/// <summary>
/// Closed forms and quadratures for softmax attention over n iid uniform keys on S^{d−1} (MATH §8, P4): the local law
/// of D = 1 − ⟨q, K⟩ near 0, the critical inverse temperature, the subcritical radial bias A_d(β) and the tangential
/// fluctuation variance of the attention output O = Σ_j w_j K_j (V = I).
/// </summary>
public static class LongContextTheory
{
    /// <summary>α = (d−1)/2, the exponent of P(D ≤ ε) ≈ a_d ε^α.</summary>
    public static double LocalExponent(int dimension)
    {
        CheckDimension(dimension);
        return 0.5 * (dimension - 1);
    }

    /// <summary>a_d = |S^{d−2}| 2^{(d−3)/2} / (α |S^{d−1}|) (MATH §8): a_2 = √2/π, a_3 = 1/2, a_4 = 0.60021.</summary>
    public static double LocalConstant(int dimension)
    {
        double alpha = LocalExponent(dimension);
        // |S^{k−1}| = 2π^{k/2}/Γ(k/2), with k = d−1 and k = d (k = 1 gives |S^0| = 2).
        double logRatio = 0.5 * (dimension - 1) * Math.Log(Math.PI) - SpecialFunctions.GammaLn(0.5 * (dimension - 1))
                          - 0.5 * dimension * Math.Log(Math.PI) + SpecialFunctions.GammaLn(0.5 * dimension);
        return Math.Exp(logRatio + 0.5 * (dimension - 3) * Math.Log(2.0)) / alpha;
    }

    /// <summary>β_n = c·n^{2/(d−1)} = c·n^{1/α}: the critical scaling of MATH §8 with constant c.</summary>
    public static double CriticalBeta(int dimension, double c, double n)
    {
        if (!(c > 0) || !double.IsFinite(c)) throw new ArgumentOutOfRangeException(nameof(c), c, "c must be positive and finite.");
        if (!(n >= 1)) throw new ArgumentOutOfRangeException(nameof(n), n, "n must be ≥ 1.");
        return c * Math.Pow(n, 1 / LocalExponent(dimension));
    }

    /// <summary>A_d(β) = I_{d/2}(β)/I_{d/2−1}(β), the vMF mean resultant length (MATH §1.1), from the Bessel ratio.</summary>
    public static double RadialBiasBessel(int dimension, double beta)
    {
        CheckDimension(dimension);
        CheckBeta(beta);
        return Math.Exp(Bessel.LogRatio(0.5 * dimension, 0.5 * dimension - 1, beta));
    }

    /// <summary>
    /// A_d(β) = E[t e^{βt}]/E[e^{βt}] with t = ⟨q, K⟩ under the uniform law (density ∝ (1−t²)^{(d−3)/2}), by
    /// Gauss–Gegenbauer quadrature: independent of the Bessel code. The rule has enough nodes to integrate e^{βt} to
    /// rounding level (its Chebyshev coefficients ~ I_k(β) are negligible beyond k ≈ β + 10√β + 40).
    /// </summary>
    public static double RadialBiasQuadrature(int dimension, double beta)
    {
        CheckDimension(dimension);
        CheckBeta(beta);
        var rule = RuleFor(dimension, beta);
        // e^{β(t−1)} keeps every term ≤ 1; the common factor e^β cancels in the ratio.
        double num = rule.Average(t => t * Math.Exp(beta * (t - 1)));
        double den = rule.Average(t => Math.Exp(beta * (t - 1)));
        return num / den;
    }

    /// <summary>1 − (d−1)/(2β): the large-β expansion of A_d(β) (error O(β^{−2})).</summary>
    public static double RadialBiasAsymptotic(int dimension, double beta)
    {
        CheckDimension(dimension);
        CheckBeta(beta);
        return 1 - (dimension - 1) / (2 * beta);
    }

    /// <summary>
    /// The tangential variance per direction of O at leading order in 1/n (delta method):
    /// E[e^{2βt}(1−t²)] / ((d−1)·n·E[e^{βt}]²), the expectations over t = ⟨q, K⟩ by quadrature. Exact in β.
    /// </summary>
    public static double TangentialVarianceLeadingOrder(int dimension, double beta, double n)
    {
        CheckDimension(dimension);
        CheckBeta(beta);
        if (!(n >= 1)) throw new ArgumentOutOfRangeException(nameof(n), n, "n must be ≥ 1.");
        var rule = RuleFor(dimension, 2 * beta);
        double e2 = rule.Average(t => Math.Exp(2 * beta * (t - 1)) * (1 - t * t));
        double e1 = rule.Average(t => Math.Exp(beta * (t - 1)));
        return e2 / ((dimension - 1) * n * e1 * e1);
    }

    /// <summary>MATH §8's large-β form of the tangential variance: 2^{−α} β^{α−1} / (2 a_d Γ(α+1) n).</summary>
    public static double TangentialVarianceAsymptotic(int dimension, double beta, double n)
    {
        CheckBeta(beta);
        double alpha = LocalExponent(dimension);
        return Math.Pow(2, -alpha) * Math.Pow(beta, alpha - 1) / (2 * LocalConstant(dimension) * SpecialFunctions.Gamma(alpha + 1) * n);
    }

    private static GaussGegenbauer RuleFor(int dimension, double beta)
        => GaussGegenbauer.Create(dimension, (int)Math.Ceiling(0.5 * (beta + 10 * Math.Sqrt(beta)) + 40));

    internal static void CheckDimension(int dimension)
    {
        if (dimension < 2) throw new ArgumentOutOfRangeException(nameof(dimension), dimension, "the dimension d must be ≥ 2.");
    }

    private static void CheckBeta(double beta)
    {
        if (!(beta > 0) || !double.IsFinite(beta)) throw new ArgumentOutOfRangeException(nameof(beta), beta, "β must be positive and finite.");
    }
}
