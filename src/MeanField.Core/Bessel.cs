namespace MeanField.Core;

/// <summary>
/// Modified Bessel functions of the first kind I_ν(x) for real order ν ≥ 0 and argument x ≥ 0, in scaled and
/// logarithmic forms that neither overflow nor underflow (ν up to thousands, x up to 10⁴ and beyond).
/// </summary>
/// <remarks>
/// Method (self-contained; MathNet is used only as a cross-check in the tests):
/// <list type="bullet">
/// <item>s = √(ν² + x²) ≥ 25: uniform asymptotic (Debye) expansion, DLMF 10.41.3,
///   I_ν(x) ≈ e^{νη} (2πs)^{−1/2} Σ_k U_k(p)/ν^k with p = ν/s. The k-th term equals V_k(p²)/s^k for a
///   polynomial V_k whose maximum on [0,1] is its value at p = 0 (the Hankel coefficient), so the series is an
///   expansion in 1/s uniformly in ν/x: it covers large ν, large x and both together. Up to 24 terms are used;
///   at s = 25 the truncation error is below 1e−19.</item>
/// <item>s &lt; 25: the power series (x/2)^ν/Γ(ν+1) Σ_k (x²/4)^k/(k!(ν+1)_k), whose terms are all positive
///   (no cancellation).</item>
/// </list>
/// Accuracy (against 40-digit mpmath references, 1410 points with ν ≤ 3000, x ≤ 5000; see the tests):
/// <see cref="LogScaledI"/> is within 2 ulp of max(1, |value|) in the Debye region and 14 ulp in the series
/// region, so <see cref="ScaledI"/> has relative error ≲ 3e−15·max(1, |log value|). <see cref="LogI"/> adds x
/// back, so its absolute error is ≲ 1.2e−16·(ν + x) (it is a small difference of large terms when I_ν(x) ≈ 1).
/// </remarks>
public static class Bessel
{
    /// <summary>Switch between the power series and the Debye expansion, in s = √(ν² + x²).</summary>
    private const double DebyeRadius = 25.0;

    /// <summary>Highest Debye term U_K used.</summary>
    private const int DebyeTerms = 24;

    private const double LogTwoPi = 1.8378770664093454836;

    // DebyeV[k][i] is the coefficient of (p²)^i in V_k(p²) = U_k(p)/p^k; DebyeBound[k] = 2|V_k(0)| = 2 max |V_k|.
    private static readonly double[][] DebyeV;
    private static readonly double[] DebyeBound;

    static Bessel()
    {
        (DebyeV, DebyeBound) = BuildDebyePolynomials(DebyeTerms);
    }

    /// <summary>log(e^{−x} I_ν(x)). Returns 0 for ν = x = 0 and −∞ for x = 0 &lt; ν.</summary>
    public static double LogScaledI(double nu, double x)
    {
        Validate(nu, x);
        if (x == 0) return nu == 0 ? 0.0 : double.NegativeInfinity;
        double s = Math.Sqrt(nu * nu + x * x);
        return s >= DebyeRadius ? LogScaledDebye(nu, x, s) : LogScaledSeries(nu, x);
    }

    /// <summary>log I_ν(x). Returns 0 for ν = x = 0 and −∞ for x = 0 &lt; ν.</summary>
    public static double LogI(double nu, double x)
    {
        double l = LogScaledI(nu, x);
        if (double.IsPositiveInfinity(x)) return x;
        return x == 0 ? l : l + x;
    }

    /// <summary>e^{−x} I_ν(x); underflows to 0 only where the true value is below the double range.</summary>
    public static double ScaledI(double nu, double x) => Math.Exp(LogScaledI(nu, x));

    /// <summary>I_ν(x); +∞ only where the true value exceeds the double range.</summary>
    public static double I(double nu, double x) => Math.Exp(LogI(nu, x));

    /// <summary>log(I_μ(x)/I_ν(x)), computed from the scaled logarithms so the e^x factors cancel exactly.</summary>
    public static double LogRatio(double mu, double nu, double x) => LogScaledI(mu, x) - LogScaledI(nu, x);

    /// <summary>e^{−x} I_{k+ν₀}(x) for k = 0..count−1.</summary>
    /// <remarks>
    /// Each entry is evaluated directly (no recurrence), so there is no error accumulation along k and entries
    /// that underflow are exactly 0. Cost is ≈0.1–0.3 µs per entry: count = 2000 takes under a millisecond
    /// (measured; about 30× faster than MathNet per order).
    /// </remarks>
    public static double[] ScaledIArray(int count, double nuOffset, double x)
    {
        if (count < 0) throw new ArgumentOutOfRangeException(nameof(count), count, "count must be non-negative.");
        var result = new double[count];
        ScaledIArray(result, nuOffset, x);
        return result;
    }

    /// <summary>Fills <paramref name="destination"/>[k] = e^{−x} I_{k+ν₀}(x).</summary>
    public static void ScaledIArray(Span<double> destination, double nuOffset, double x)
    {
        Validate(nuOffset, x);
        for (int k = 0; k < destination.Length; k++)
        {
            double v = Math.Exp(LogScaledI(k + nuOffset, x));
            destination[k] = v;
            // I_ν(x) decreases in ν, so once an entry underflows all later ones do too.
            if (v == 0)
            {
                destination[(k + 1)..].Clear();
                break;
            }
        }
    }

    private static void Validate(double nu, double x)
    {
        if (!(nu >= 0) || double.IsPositiveInfinity(nu))
            throw new ArgumentOutOfRangeException(nameof(nu), nu, "Order must be finite and non-negative.");
        if (!(x >= 0))
            throw new ArgumentOutOfRangeException(nameof(x), x, "Argument must be non-negative.");
    }

    private static double LogScaledDebye(double nu, double x, double s)
    {
        double p = nu / s;
        double p2 = p * p;
        double invS = 1.0 / s;
        double sum = 1.0;
        double invSk = 1.0;
        for (int k = 1; k <= DebyeTerms; k++)
        {
            invSk *= invS;
            // DebyeBound[k] ≥ max over p of |V_k| (attained at p = 0, checked for k ≤ 30), and DebyeBound[k]/s^k
            // keeps decreasing for k < 2s, so once it is negligible every later term is too.
            if (DebyeBound[k] * invSk < 1e-18 * sum) break;
            double[] c = DebyeV[k];
            double v = c[^1];
            for (int i = c.Length - 2; i >= 0; i--) v = v * p2 + c[i];
            sum += v * invSk;
        }
        // νη − x with η = √(1+z²) + ln(z/(1+√(1+z²))), z = x/ν, written without cancellation:
        // ν√(1+z²) − x = ν²/(x+s) and ν ln(z/(1+√(1+z²))) = −ν asinh(ν/x).
        double lead = nu == 0 ? 0.0 : nu * nu / (x + s) - nu * Math.Asinh(nu / x);
        return lead - 0.5 * (LogTwoPi + Math.Log(s)) + Math.Log(sum);
    }

    private static double LogScaledSeries(double nu, double x)
    {
        // Here ν, x < 25: at most ~60 terms, all positive, the sum stays below e^25.
        double q = 0.25 * x * x;
        double term = 1.0, sum = 1.0;
        for (int k = 1; k < 200; k++)
        {
            term *= q / (k * (nu + k));
            sum += term;
            if (term < 1e-17 * sum) break;
        }
        double logLeading = nu == 0 ? 0.0 : nu * Math.Log(0.5 * x) - SpecialMath.LogGamma(nu + 1);
        return logLeading + Math.Log(sum) - x;
    }

    /// <summary>
    /// Debye polynomials from the recurrence U_{k+1}(p) = ½p²(1−p²)U_k'(p) + ⅛∫₀^p (1−5t²)U_k(t) dt, U_0 = 1
    /// (DLMF 10.41.10). U_k has only the powers p^k, p^{k+2}, …, p^{3k}; we store V_k(p²) = U_k(p)/p^k.
    /// </summary>
    private static (double[][] V, double[] Bound) BuildDebyePolynomials(int kmax)
    {
        var v = new double[kmax + 1][];
        var bound = new double[kmax + 1];
        double[] u = [1.0]; // coefficients of U_k in powers of p (index = power)
        v[0] = [1.0];
        bound[0] = 1.0;
        for (int k = 0; k < kmax; k++)
        {
            var next = new double[u.Length + 3];
            for (int j = 1; j < u.Length; j++)
            {
                double d = j * u[j]; // derivative coefficient of p^{j−1}
                next[j + 1] += 0.5 * d;
                next[j + 3] -= 0.5 * d;
            }
            for (int j = 0; j < u.Length; j++)
            {
                next[j + 1] += u[j] / (8.0 * (j + 1));
                next[j + 3] -= 5.0 * u[j] / (8.0 * (j + 3));
            }
            u = next;
            int kk = k + 1;
            var vk = new double[kk + 1];
            for (int i = 0; i <= kk; i++) vk[i] = u[kk + 2 * i];
            v[kk] = vk;
            bound[kk] = 2.0 * Math.Abs(vk[0]);
        }
        return (v, bound);
    }
}

/// <summary>Small special-function helpers shared by the core classes.</summary>
internal static class SpecialMath
{
    private const double HalfLogTwoPi = 0.91893853320467274178;
    private const double SqrtPi = 1.7724538509055160273;

    /// <summary>log Γ(z) for z &gt; 0.</summary>
    /// <remarks>
    /// Integers and half-integers up to 30 use exact-factor products (a few ulp); otherwise Stirling's series
    /// with 8 Bernoulli terms after shifting z to ≥ 15 (truncation &lt; 1e−20, absolute error a few ulp of the
    /// larger of lnΓ(z) and the shift).
    /// </remarks>
    public static double LogGamma(double z)
    {
        if (!(z > 0)) throw new ArgumentOutOfRangeException(nameof(z), z, "LogGamma requires z > 0.");
        if (z <= 30)
        {
            double twoZ = 2 * z;
            if (twoZ == Math.Floor(twoZ))
            {
                if (z == Math.Floor(z))
                {
                    double f = 1.0; // (z−1)!
                    for (int j = 2; j < (int)z; j++) f *= j;
                    return Math.Log(f);
                }
                double g = SqrtPi; // Γ(1/2) Π (j − 1/2)
                for (double t = 0.5; t < z - 0.25; t += 1.0) g *= t;
                return Math.Log(g);
            }
        }
        if (z >= 15) return Stirling(z);
        double prod = 1.0;
        while (z < 15)
        {
            prod *= z;
            z += 1.0;
        }
        return Stirling(z) - Math.Log(prod);
    }

    private static double Stirling(double z)
    {
        double iz = 1.0 / z, iz2 = iz * iz;
        // Σ B_{2k} / (2k(2k−1) z^{2k−1}), k = 1..8
        double series = iz * (1.0 / 12 + iz2 * (-1.0 / 360 + iz2 * (1.0 / 1260 + iz2 * (-1.0 / 1680
                      + iz2 * (1.0 / 1188 + iz2 * (-691.0 / 360360 + iz2 * (1.0 / 156 + iz2 * (-3617.0 / 122400))))))));
        return (z - 0.5) * Math.Log(z) - z + HalfLogTwoPi + series;
    }
}
