namespace MeanField.Steady;

/// <summary>y = A x for a matrix-free operator.</summary>
internal delegate void LinearMap(ReadOnlySpan<double> x, Span<double> y);

/// <summary>Outcome of one GMRES solve.</summary>
internal readonly record struct GmresOutcome(bool Converged, int Iterations, double RelativeResidual);

/// <summary>
/// Restarted GMRES with right diagonal preconditioning (A M⁻¹ z = b, x = M⁻¹ z): modified Gram–Schmidt applied twice
/// (the Krylov basis stays orthogonal to rounding, so tight tolerances are reachable) and Givens rotations.
/// </summary>
internal static class Gmres
{
    public static GmresOutcome Solve(LinearMap a, ReadOnlySpan<double> b, Span<double> x, ReadOnlySpan<double> inversePreconditioner,
        double relativeTolerance, int restart, int maxIterations)
    {
        int n = b.Length;
        restart = Math.Max(1, Math.Min(restart, n));
        double bNorm = Norm(b);
        x.Clear();
        if (bNorm == 0) return new GmresOutcome(true, 0, 0);
        var v = new double[restart + 1][];
        for (int i = 0; i <= restart; i++) v[i] = new double[n];
        var h = new double[(restart + 1) * restart];
        var cs = new double[restart];
        var sn = new double[restart];
        var g = new double[restart + 1];
        var w = new double[n];
        var z = new double[n];
        var r = new double[n];
        int total = 0;
        double rel = 1;
        while (total < maxIterations)
        {
            // r = b − A x
            a(x, r);
            for (int i = 0; i < n; i++) r[i] = b[i] - r[i];
            double beta = Norm(r);
            rel = beta / bNorm;
            if (rel <= relativeTolerance) return new GmresOutcome(true, total, rel);
            for (int i = 0; i < n; i++) v[0][i] = r[i] / beta;
            Array.Clear(g);
            g[0] = beta;
            int k = 0;
            for (; k < restart && total < maxIterations; k++, total++)
            {
                for (int i = 0; i < n; i++) z[i] = v[k][i] * inversePreconditioner[i];
                a(z, w);
                for (int pass = 0; pass < 2; pass++)
                    for (int j = 0; j <= k; j++)
                    {
                        double d = Dot(w, v[j]);
                        h[j * restart + k] += d;
                        for (int i = 0; i < n; i++) w[i] -= d * v[j][i];
                    }
                double wn = Norm(w);
                h[(k + 1) * restart + k] = wn;
                if (wn > 0) for (int i = 0; i < n; i++) v[k + 1][i] = w[i] / wn;
                for (int j = 0; j < k; j++)
                {
                    double t = cs[j] * h[j * restart + k] + sn[j] * h[(j + 1) * restart + k];
                    h[(j + 1) * restart + k] = -sn[j] * h[j * restart + k] + cs[j] * h[(j + 1) * restart + k];
                    h[j * restart + k] = t;
                }
                double hk = h[k * restart + k], hk1 = h[(k + 1) * restart + k];
                double den = Math.Sqrt(hk * hk + hk1 * hk1);
                cs[k] = den == 0 ? 1 : hk / den;
                sn[k] = den == 0 ? 0 : hk1 / den;
                h[k * restart + k] = den;
                h[(k + 1) * restart + k] = 0;
                g[k + 1] = -sn[k] * g[k];
                g[k] = cs[k] * g[k];
                rel = Math.Abs(g[k + 1]) / bNorm;
                if (rel <= relativeTolerance || wn == 0) { k++; total++; break; }
            }
            // Back substitution, then x += M⁻¹ V y.
            var y = new double[k];
            for (int i = k - 1; i >= 0; i--)
            {
                double s = g[i];
                for (int j = i + 1; j < k; j++) s -= h[i * restart + j] * y[j];
                y[i] = h[i * restart + i] == 0 ? 0 : s / h[i * restart + i];
            }
            for (int j = 0; j < k; j++)
                for (int i = 0; i < n; i++) x[i] += y[j] * v[j][i] * inversePreconditioner[i];
            Array.Clear(h);
            if (rel <= relativeTolerance)
            {
                // The recurrence's residual can drift from the true one; confirm it.
                a(x, r);
                for (int i = 0; i < n; i++) r[i] = b[i] - r[i];
                double trueRel = Norm(r) / bNorm;
                if (trueRel <= 10 * relativeTolerance) return new GmresOutcome(true, total, trueRel);
                rel = trueRel;
            }
        }
        return new GmresOutcome(rel <= relativeTolerance, total, rel);
    }

    public static double Dot(ReadOnlySpan<double> a, ReadOnlySpan<double> b)
    {
        double s = 0;
        for (int i = 0; i < a.Length; i++) s += a[i] * b[i];
        return s;
    }

    public static double Norm(ReadOnlySpan<double> a) => Math.Sqrt(Dot(a, a));
}
