namespace MeanField.Core;

/// <summary>
/// n-point Gauss–Gegenbauer quadrature (Gauss–Jacobi with α = β = (d−3)/2) for the weight w_d(t) = (1−t²)^{(d−3)/2} on
/// [−1, 1] (MATH §9.3): Σ_j W_j p(t_j) = ∫ p w_d dt for every polynomial p of degree ≤ 2n−1.
/// d = 2 is Gauss–Chebyshev (first kind), d = 3 Gauss–Legendre.
/// </summary>
/// <remarks>
/// Method: the nodes are the eigenvalues of the symmetric tridiagonal Jacobi matrix (Golub–Welsch; implicit QL,
/// eigenvalues only, O(n²)), polished by Newton steps on the orthonormal recurrence; the weights are the Christoffel
/// numbers ŵ_j = 1/Σ_{k&lt;n} q_k(t_j)², evaluated in log form. This gives every weight to full relative accuracy,
/// including the tiny ones: for large d the weights span hundreds or thousands of orders of magnitude (d = 4096,
/// n = 1000: down to about e^{−1600}), so they are kept as logarithms (<see cref="LogWeights"/>); the plain values
/// <see cref="Weights"/> underflow to 0 where the true value is below the double range.
/// All weights here are normalised: Σ_j ŵ_j = 1, i.e. the rule integrates against the probability ŵ = w_d/∫w_d,
/// which is the law of ⟨x, e⟩ for x uniform on S^{d−1}. Multiply by e^{<see cref="LogWeightIntegral"/>} for w_d dt.
/// </remarks>
public sealed class GaussGegenbauer
{
    private GaussGegenbauer(int dimension, double[] nodes, double[] logWeights, double[] weights)
    {
        Dimension = dimension;
        Nodes = nodes;
        LogWeights = logWeights;
        Weights = weights;
        LogWeightIntegral = Gegenbauer.LogWeightIntegral(dimension);
    }

    /// <summary>The ambient dimension d.</summary>
    public int Dimension { get; }

    /// <summary>n, the number of nodes.</summary>
    public int Count => Nodes.Length;

    /// <summary>Nodes t_0 &lt; … &lt; t_{n−1}, symmetric about 0.</summary>
    public double[] Nodes { get; }

    /// <summary>log ŵ_j of the normalised weights (Σ ŵ_j = 1).</summary>
    public double[] LogWeights { get; }

    /// <summary>ŵ_j (computed directly, not through the logarithm, so normal-range weights carry full relative accuracy); 0 where below the double range.</summary>
    public double[] Weights { get; }

    /// <summary>log ∫ w_d dt = log B(½, (d−1)/2): the raw weights are ŵ_j·e^{LogWeightIntegral}.</summary>
    public double LogWeightIntegral { get; }

    /// <summary>Σ_j ŵ_j f(t_j) ≈ ∫ f w_d dt / ∫ w_d dt.</summary>
    public double Average(Func<double, double> f)
    {
        double s = 0;
        for (int j = 0; j < Nodes.Length; j++) if (Weights[j] != 0) s += Weights[j] * f(Nodes[j]);
        return s;
    }

    /// <summary>The n-point rule for S^{d−1} (n ≥ 1, d ≥ 2).</summary>
    public static GaussGegenbauer Create(int dimension, int count)
    {
        SphereGeometry.CheckDimension(dimension);
        if (count < 1) throw new ArgumentOutOfRangeException(nameof(count), count, "count must be ≥ 1.");
        int n = count;
        double[] b = Gegenbauer.RecurrenceCoefficients(dimension, n + 1);
        var nodes = new double[n];
        if (dimension == 2)
        {
            // Gauss–Chebyshev in closed form: t_j = −cos((2j+1)π/(2n)), equal weights.
            for (int j = 0; j < n; j++) nodes[j] = -Math.Cos((2 * j + 1) * Math.PI / (2 * n));
        }
        else
        {
            var diag = new double[n];
            var off = new double[n];
            for (int i = 0; i < n - 1; i++) off[i] = b[i + 1];
            SymmetricTridiagonalEigenvalues(diag, off);
            Array.Sort(diag);
            Array.Copy(diag, nodes, n);
        }

        var mant = new double[n + 1];
        var dmant = new double[n + 1];
        var logs = new double[n + 1];
        var logWeights = new double[n];
        for (int j = 0; j < n; j++)
        {
            double t = nodes[j];
            if (dimension != 2)
            {
                // Newton polish on q_n (the log-scale cancels in q_n/q_n'); the QL eigenvalue is already within a few ulp.
                for (int it = 0; it < 3; it++)
                {
                    Gegenbauer.EvaluateOrthonormal(b, t, mant, dmant, logs);
                    if (dmant[n] == 0) break;
                    double step = mant[n] / dmant[n];
                    if (!(Math.Abs(step) < 1e-8)) break;   // a polish only: never move towards a neighbouring root
                    t -= step;
                    if (Math.Abs(step) <= 1e-17 * Math.Max(1, Math.Abs(t))) break;
                }
            }
            nodes[j] = t;
        }
        Symmetrise(nodes);
        if (n % 2 == 1) nodes[n / 2] = 0.0;

        // Christoffel numbers 1/Σ_{k<n} q_k(t_j)², with q_k = mant_k·2^{300 c_k} (c_k the rescaling count, non-decreasing):
        // Σ = S_j·2^{600 C_j}, so ŵ_j = 2^{−600 C_j}/S_j exactly up to the rounding of S_j (no exp/log round trip).
        var sums = new double[n];
        var counts = new int[n];
        for (int j = 0; j < n; j++)
        {
            Gegenbauer.EvaluateOrthonormal(b, nodes[j], mant.AsSpan(0, n), default, logs.AsSpan(0, n));
            int top = Gegenbauer.RescaleCount(logs[n - 1]);
            double sum = 0;
            for (int k = 0; k < n; k++)
            {
                double m = mant[k];
                if (m == 0) continue;
                int shift = 2 * (Gegenbauer.RescaleCount(logs[k]) - top);
                sum += shift == 0 ? m * m : Math.ScaleB(m * m, shift * Gegenbauer.RescaleBits);
            }
            sums[j] = sum;
            counts[j] = top;
        }
        // Symmetric weights (average the mirrored pair), then normalise so that Σ ŵ = 1 (the Christoffel numbers
        // already sum to 1 up to rounding).
        var weights = new double[n];
        for (int j = 0; j < n; j++)
            logWeights[j] = -(Math.Log(sums[j]) + 2 * counts[j] * Gegenbauer.RescaleBits * Math.Log(2.0));
        for (int j = 0; j < n / 2; j++)
        {
            int i = n - 1 - j;
            double avg = 0.5 * (logWeights[j] + logWeights[i]);
            logWeights[j] = logWeights[i] = avg;
            if (counts[j] == counts[i]) sums[j] = sums[i] = 2 / (1 / sums[j] + 1 / sums[i]);
        }
        for (int j = 0; j < n; j++) weights[j] = Math.ScaleB(1 / sums[j], -2 * counts[j] * Gegenbauer.RescaleBits);
        double maxLog = logWeights.Max();
        double total = 0;
        foreach (double lw in logWeights) total += Math.Exp(lw - maxLog);
        double logTotal = maxLog + Math.Log(total);
        double direct = 0;
        foreach (double w in weights) direct += w;
        for (int j = 0; j < n; j++)
        {
            logWeights[j] -= logTotal;
            weights[j] /= direct;
        }
        return new GaussGegenbauer(dimension, nodes, logWeights, weights);
    }

    private static void Symmetrise(double[] nodes)
    {
        int n = nodes.Length;
        for (int j = 0; j < n / 2; j++)
        {
            double t = 0.5 * (nodes[n - 1 - j] - nodes[j]);
            nodes[j] = -t;
            nodes[n - 1 - j] = t;
        }
    }

    /// <summary>
    /// Eigenvalues of the symmetric tridiagonal matrix with diagonal <paramref name="d"/> and off-diagonal
    /// <paramref name="e"/> (e[i] couples i and i+1; e[n−1] unused), by the implicit QL method with Wilkinson shifts
    /// (tqli without eigenvectors). Results overwrite d, unsorted.
    /// </summary>
    internal static void SymmetricTridiagonalEigenvalues(double[] d, double[] e)
    {
        int n = d.Length;
        if (n == 0) return;
        e[n - 1] = 0;
        for (int l = 0; l < n; l++)
        {
            int iter = 0;
            int m;
            do
            {
                for (m = l; m < n - 1; m++)
                {
                    double dd = Math.Abs(d[m]) + Math.Abs(d[m + 1]);
                    if (Math.Abs(e[m]) <= 1e-17 * dd) break;
                    if (e[m] == 0) break;
                }
                if (m != l)
                {
                    if (iter++ == 60) throw new InvalidOperationException("tridiagonal QL did not converge.");
                    double g = (d[l + 1] - d[l]) / (2.0 * e[l]);
                    double r = Hypot(g, 1.0);
                    g = d[m] - d[l] + e[l] / (g + (g >= 0 ? Math.Abs(r) : -Math.Abs(r)));
                    double s = 1.0, c = 1.0, p = 0.0;
                    int i;
                    bool underflow = false;
                    for (i = m - 1; i >= l; i--)
                    {
                        double f = s * e[i];
                        double bb = c * e[i];
                        r = Hypot(f, g);
                        e[i + 1] = r;
                        if (r == 0.0)
                        {
                            d[i + 1] -= p;
                            e[m] = 0.0;
                            underflow = true;
                            break;
                        }
                        s = f / r;
                        c = g / r;
                        g = d[i + 1] - p;
                        r = (d[i] - g) * s + 2.0 * c * bb;
                        p = s * r;
                        d[i + 1] = g + p;
                        g = c * r - bb;
                    }
                    if (underflow) continue;
                    d[l] -= p;
                    e[l] = g;
                    e[m] = 0.0;
                }
            } while (m != l);
        }
    }

    private static double Hypot(double a, double b)
    {
        double x = Math.Abs(a), y = Math.Abs(b);
        if (x < y) (x, y) = (y, x);
        if (x == 0) return 0;
        double r = y / x;
        return x * Math.Sqrt(1 + r * r);
    }
}
