namespace MeanField.Core;

/// <summary>
/// Gegenbauer polynomials on [−1, 1] for the sphere S^{d−1} (MATH §1, §9.3), d ≥ 2 the ambient dimension.
/// </summary>
/// <remarks>
/// Two normalisations are used:
/// <list type="bullet">
/// <item>P_n = P_n^{(d)} with P_n(1) = 1 (MATH §1): C_n^{(d−2)/2}(t)/C_n^{(d−2)/2}(1) for d ≥ 3, cos(nθ) at t = cos θ for
///   d = 2. Three-term recurrence P_{n+1} = [(2n+d−2) t P_n − n P_{n−1}]/(n+d−2), P_0 = 1, P_1 = t; |P_n| ≤ 1 on [−1, 1],
///   so nothing overflows (for large d, P_n(t) ≈ tⁿ away from t = ±1 and may underflow).</item>
/// <item>q_n = √N_{n,d} P_n, orthonormal for the probability measure ŵ(t) dt = w_d(t) dt / ∫w_d, w_d = (1−t²)^{(d−3)/2},
///   which is the law of t = ⟨x, e⟩ for x uniform on S^{d−1} (∫ P_n² dσ̄ = 1/N_{n,d} by the addition theorem).
///   Recurrence t q_k = b_{k+1} q_{k+1} + b_k q_{k−1} with b_k² = k(k+d−3)/((2k+d−2)(2k+d−4)) for k ≥ 2 and b_1² = 1/d
///   (the Jacobi matrix of Golub–Welsch). For large d and |t| not small, q_n(t) can exceed the double range
///   (q_n ≈ (t√d)ⁿ/√n!): <see cref="EvaluateOrthonormal"/> returns mantissas and a log-scale.</item>
/// </list>
/// </remarks>
public static class Gegenbauer
{
    /// <summary>Rescale the orthonormal recurrence by 2^−RescaleBits once a value exceeds 2^RescaleBits (exact in binary).</summary>
    public const int RescaleBits = 300;
    private static readonly double RescaleThreshold = Math.ScaleB(1.0, RescaleBits);
    private static readonly double RescaleFactor = Math.ScaleB(1.0, -RescaleBits);
    private static readonly double RescaleLog = RescaleBits * Math.Log(2.0);

    /// <summary>The integer c with logScale = c·300·ln 2 (log-scales of <see cref="EvaluateOrthonormal"/> are exact multiples).</summary>
    public static int RescaleCount(double logScale) => (int)Math.Round(logScale / RescaleLog);

    /// <summary>P_n^{(d)}(t), normalised P_n(1) = 1.</summary>
    public static double P(int n, int d, double t)
    {
        Check(n, d);
        if (n == 0) return 1.0;
        double pm = 1.0, p = t;
        for (int k = 1; k < n; k++)
        {
            double next = ((2.0 * k + d - 2) * t * p - k * pm) / (k + d - 2.0);
            pm = p;
            p = next;
        }
        return p;
    }

    /// <summary>
    /// P_0..P_{m−1}(t) into <paramref name="values"/> (m = its length) and, if <paramref name="derivatives"/> is not
    /// empty, P_k'(t) into it (same length).
    /// </summary>
    public static void Evaluate(int d, double t, Span<double> values, Span<double> derivatives = default)
    {
        SphereGeometry.CheckDimension(d);
        int m = values.Length;
        bool withDerivative = !derivatives.IsEmpty;
        if (withDerivative && derivatives.Length != m) throw new ArgumentException("derivatives must have the length of values.");
        if (m == 0) return;
        values[0] = 1.0;
        if (withDerivative) derivatives[0] = 0.0;
        if (m == 1) return;
        values[1] = t;
        if (withDerivative) derivatives[1] = 1.0;
        for (int k = 1; k < m - 1; k++)
        {
            double a = 2.0 * k + d - 2, c = k + d - 2.0;
            values[k + 1] = (a * t * values[k] - k * values[k - 1]) / c;
            if (withDerivative) derivatives[k + 1] = (a * (values[k] + t * derivatives[k]) - k * derivatives[k - 1]) / c;
        }
    }

    /// <summary>
    /// The orthonormal recurrence coefficients b_0..b_{count−1} (b_0 = 0): t q_k = b_{k+1} q_{k+1} + b_k q_{k−1}.
    /// They are the off-diagonal of the Jacobi matrix of the weight (1−t²)^{(d−3)/2}.
    /// </summary>
    public static double[] RecurrenceCoefficients(int d, int count)
    {
        SphereGeometry.CheckDimension(d);
        var b = new double[count];
        for (int k = 1; k < count; k++) b[k] = RecurrenceCoefficient(k, d);
        return b;
    }

    /// <summary>b_k (k ≥ 1); b_1 = 1/√d, and for d = 2: b_k = 1/2 for k ≥ 2 (Chebyshev).</summary>
    public static double RecurrenceCoefficient(int k, int d)
    {
        if (k < 1) throw new ArgumentOutOfRangeException(nameof(k), k, "k must be ≥ 1.");
        if (k == 1) return 1.0 / Math.Sqrt(d);
        double kk = k;
        return Math.Sqrt(kk * (kk + d - 3) / ((2 * kk + d - 2) * (2 * kk + d - 4)));
    }

    /// <summary>
    /// Orthonormal polynomials at t: q_k(t) = mantissa[k]·e^{logScale[k]} and q_k'(t) = derivative[k]·e^{logScale[k]}
    /// for k = 0..m−1 (m = mantissa.Length; <paramref name="derivative"/> may be empty). The log-scale is a multiple of
    /// 300 ln 2, raised whenever a value passes 2^300, so nothing overflows for any d and degree.
    /// </summary>
    /// <param name="b">Recurrence coefficients from <see cref="RecurrenceCoefficients"/>, length ≥ m.</param>
    public static void EvaluateOrthonormal(ReadOnlySpan<double> b, double t, Span<double> mantissa, Span<double> derivative,
        Span<double> logScale)
    {
        int m = mantissa.Length;
        bool withDerivative = !derivative.IsEmpty;
        if (b.Length < m || logScale.Length != m || (withDerivative && derivative.Length != m))
            throw new ArgumentException("inconsistent lengths.");
        if (m == 0) return;
        double qm = 0, q = 1, dm = 0, dq = 0, scale = 0;
        mantissa[0] = 1;
        logScale[0] = 0;
        if (withDerivative) derivative[0] = 0;
        for (int k = 0; k < m - 1; k++)
        {
            double inv = 1.0 / b[k + 1];
            double qn = (t * q - b[k] * qm) * inv;
            double dn = (q + t * dq - b[k] * dm) * inv;
            qm = q; q = qn; dm = dq; dq = dn;
            if (Math.Abs(q) > RescaleThreshold || Math.Abs(dq) > RescaleThreshold)
            {
                q *= RescaleFactor; qm *= RescaleFactor; dq *= RescaleFactor; dm *= RescaleFactor;
                scale += RescaleLog;
            }
            mantissa[k + 1] = q;
            logScale[k + 1] = scale;
            if (withDerivative) derivative[k + 1] = dq;
        }
    }

    /// <summary>log ∫_{−1}^{1} (1−t²)^{(d−3)/2} dt = log B(½, (d−1)/2) = log(|S^{d−1}|/|S^{d−2}|) (π for d = 2).</summary>
    public static double LogWeightIntegral(int d)
    {
        SphereGeometry.CheckDimension(d);
        if (d == 2) return Math.Log(Math.PI);
        if (d == 3) return Math.Log(2.0);
        return SphereGeometry.LogSurfaceArea(d) - SphereGeometry.LogSurfaceArea(d - 1);
    }

    private static void Check(int n, int d)
    {
        SphereGeometry.CheckDimension(d);
        if (n < 0) throw new ArgumentOutOfRangeException(nameof(n), n, "Degree must be non-negative.");
    }
}
