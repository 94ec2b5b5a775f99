namespace MeanField.Particles;

/// <summary>
/// The dimension of the span of the tokens, as the rotf code's plotdim measures it: the number of eigenvalues of the
/// Gram matrix (⟨x_i, x_j⟩)_{ij} above a tolerance (absolute; the Gram matrix of unit vectors has trace N). The non-zero
/// eigenvalues of XXᵀ (N×N) are those of XᵀX (d×d), so the smaller of the two is diagonalised, by cyclic Jacobi
/// rotations (O(m³), m = min(N, d)).
/// </summary>
public static class SpanDimension
{
    /// <summary>Largest min(N, d) for which the statistic is computed (Jacobi on a 256×256 matrix is a few ms).</summary>
    public const int MaxOrder = 256;

    /// <summary>#{λ &gt; tolerance} over the Gram matrix's eigenvalues; NaN when min(N, d) &gt; <see cref="MaxOrder"/>.</summary>
    public static double Of(ReadOnlySpan<double> x, int d, double tolerance)
    {
        int n = x.Length / d;
        if (n == 0) return 0;
        int m = Math.Min(n, d);
        if (m > MaxOrder) return double.NaN;
        var a = new double[m * m];
        if (d <= n)
        {
            for (int i = 0; i < n; i++)   // XᵀX
            for (int r = 0; r < d; r++)
            for (int c = r; c < d; c++) a[r * d + c] += x[i * d + r] * x[i * d + c];
        }
        else
        {
            for (int i = 0; i < n; i++)   // XXᵀ
            for (int j = i; j < n; j++)
            {
                double s = 0;
                for (int c = 0; c < d; c++) s += x[i * d + c] * x[j * d + c];
                a[i * n + j] = s;
            }
        }
        for (int r = 0; r < m; r++)
        for (int c = 0; c < r; c++) a[r * m + c] = a[c * m + r];
        var eigenvalues = SymmetricEigenvalues(a, m);
        int count = 0;
        foreach (double l in eigenvalues)
            if (l > tolerance) count++;
        return count;
    }

    /// <summary>Eigenvalues of a symmetric m×m matrix (row-major, overwritten) by cyclic Jacobi, to rounding.</summary>
    public static double[] SymmetricEigenvalues(double[] a, int m)
    {
        for (int sweep = 0; sweep < 100; sweep++)
        {
            double off = 0, total = 0;
            for (int r = 0; r < m; r++)
            for (int c = 0; c < m; c++)
            {
                double v = a[r * m + c] * a[r * m + c];
                total += v;
                if (r != c) off += v;
            }
            if (off <= 1e-30 * total || off == 0) break;
            for (int p = 0; p < m - 1; p++)
            for (int q = p + 1; q < m; q++)
            {
                double apq = a[p * m + q];
                if (apq == 0) continue;
                double theta = (a[q * m + q] - a[p * m + p]) / (2 * apq);
                double t = Math.Sign(theta) / (Math.Abs(theta) + Math.Sqrt(theta * theta + 1));
                if (theta == 0) t = 1;
                double c = 1 / Math.Sqrt(t * t + 1), s = t * c;
                for (int k = 0; k < m; k++)   // columns p, q
                {
                    double akp = a[k * m + p], akq = a[k * m + q];
                    a[k * m + p] = c * akp - s * akq;
                    a[k * m + q] = s * akp + c * akq;
                }
                for (int k = 0; k < m; k++)   // rows p, q
                {
                    double apk = a[p * m + k], aqk = a[q * m + k];
                    a[p * m + k] = c * apk - s * aqk;
                    a[q * m + k] = s * apk + c * aqk;
                }
            }
        }
        var eigenvalues = new double[m];
        for (int r = 0; r < m; r++) eigenvalues[r] = a[r * m + r];
        return eigenvalues;
    }
}
