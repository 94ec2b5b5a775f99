using MeanField.Core;

namespace MeanField.Analysis;

/// <summary>
/// The zonal marginal t = ⟨x, e⟩ of measures on S^{d−1}: the empirical values of a cloud, and W1 on [−1, 1] between
/// the law of t under a zonal PDE density and a cloud's values.
/// </summary>
public static class ZonalMarginal
{
    /// <summary>t_j = ⟨x_j, e⟩ for a row-major N×d cloud and a pole e (normalised here).</summary>
    public static double[] Values(ReadOnlySpan<double> cloud, int dimension, ReadOnlySpan<double> pole)
    {
        if (pole.Length != dimension) throw new ArgumentException("pole must have length d", nameof(pole));
        if (cloud.Length % dimension != 0) throw new ArgumentException("cloud length must be a multiple of d", nameof(cloud));
        double norm = 0;
        foreach (double v in pole) norm += v * v;
        norm = Math.Sqrt(norm);
        if (norm == 0) throw new ArgumentException("zero pole", nameof(pole));
        var t = new double[cloud.Length / dimension];
        for (int i = 0; i < t.Length; i++)
        {
            var x = cloud.Slice(i * dimension, dimension);
            double s = 0;
            for (int k = 0; k < dimension; k++) s += x[k] * pole[k];
            t[i] = Math.Clamp(s / norm, -1, 1);
        }
        return t;
    }

    /// <summary>
    /// W1 on [−1, 1] between the law of t under the zonal density given by its relative values r(t_j) = ρ(t_j)|S^{d−1}|
    /// on the nodes of <paramref name="rule"/> (the PDE's <c>/grid/t</c> and <c>/tasks/relative_density</c>) and the
    /// empirical law of <paramref name="values"/>. r is the polynomial interpolating the nodal values (barycentric form):
    /// exact for the solver's densities, which are polynomials of degree L &lt; number of nodes.
    /// </summary>
    public static double W1(GaussGegenbauer rule, IReadOnlyList<double> relativeDensity, ReadOnlySpan<double> values)
    {
        if (relativeDensity.Count != rule.Count) throw new ArgumentException("one value per node", nameof(relativeDensity));
        var r = Barycentric(rule.Nodes, relativeDensity);
        return W1(rule.Dimension, r, values, rule.Count);
    }

    /// <summary>
    /// W1 on [−1, 1] between the law of t with density ∝ r(t)(1−t²)^{(d−3)/2} (r a smooth relative density; it is
    /// normalised here) and the empirical law of <paramref name="values"/>.
    /// </summary>
    /// <remarks>
    /// Method: in the angle ψ = arccos t the law has the smooth density h(ψ) ∝ r(cos ψ) sin^{d−2}ψ for every d ≥ 2
    /// (no endpoint singularity), and W1 = ∫_0^π |H(ψ) − G(ψ)| sin ψ dψ with H, G the CDFs in ψ. H is tabulated at the
    /// edges of C uniform cells (C = max(2048, 32(P+1), 256√d), P = <paramref name="polynomialDegree"/>) by 8-point
    /// Gauss–Legendre per cell and interpolated by cubic Hermite (H' = h): the interpolation error is
    /// ≤ Δ⁴ max|h'''|/384, Δ = π/C, which is below 1e−10 for d ≤ 4096 with r of degree ≤ P. The |H − G| integral is then
    /// done as on the circle (split at roots, Gauss–Legendre). Requires r ≥ 0 for the root argument (see
    /// <see cref="CircleWasserstein.W1(CircleDensity, ReadOnlySpan{double})"/>).
    /// </remarks>
    public static double W1(int dimension, Func<double, double> relativeDensity, ReadOnlySpan<double> values, int polynomialDegree = 0)
    {
        if (dimension < 2) throw new ArgumentOutOfRangeException(nameof(dimension));
        int n = values.Length;
        if (n == 0) throw new ArgumentException("empty sample", nameof(values));
        int cells = Math.Max(2048, Math.Max(32 * (polynomialDegree + 1), (int)Math.Ceiling(256 * Math.Sqrt(dimension))));
        double dx = Math.PI / cells;
        double H(double psi) // unnormalised density in ψ
        {
            double s = Math.Sin(psi);
            return relativeDensity(Math.Cos(psi)) * (dimension == 2 ? 1 : Math.Pow(s, dimension - 2));
        }
        var cum = new double[cells + 1];
        var dens = new double[cells + 1];
        var (gx, gw) = GaussLegendre.Rule8;
        for (int c = 0; c < cells; c++)
        {
            double a = c * dx, s = 0;
            for (int k = 0; k < gx.Length; k++) s += gw[k] * H(a + 0.5 * dx * (1 + gx[k]));
            cum[c + 1] = cum[c] + 0.5 * dx * s;
        }
        double total = cum[cells];
        if (!(total > 0)) throw new ArgumentException("the density has no mass");
        for (int c = 0; c <= cells; c++) { cum[c] /= total; dens[c] = H(c * dx) / total; }

        (double, double) Cdf(double psi)
        {
            int c = Math.Clamp((int)(psi / dx), 0, cells - 1);
            double s = (psi - c * dx) / dx, s2 = s * s, s3 = s2 * s;
            double h00 = 2 * s3 - 3 * s2 + 1, h10 = s3 - 2 * s2 + s, h01 = -2 * s3 + 3 * s2, h11 = s3 - s2;
            double v = h00 * cum[c] + h10 * dx * dens[c] + h01 * cum[c + 1] + h11 * dx * dens[c + 1];
            double d = ((6 * s2 - 6 * s) * cum[c] + (6 * s - 6 * s2) * cum[c + 1]) / dx
                       + (3 * s2 - 4 * s + 1) * dens[c] + (3 * s2 - 2 * s) * dens[c + 1];
            return (v, d);
        }

        var psis = new double[n];
        for (int i = 0; i < n; i++) psis[i] = Math.Acos(Math.Clamp(values[i], -1, 1));
        Array.Sort(psis);
        // Panels: cell edges merged with the particle angles; step = #{ψ_j < right edge}/N (see CircleWasserstein.W1).
        var edges = new List<double>(n + cells + 1) { 0 };
        var steps = new List<double>(n + cells);
        int j = 0;
        for (int c = 1; c <= cells; c++)
        {
            double e = c == cells ? Math.PI : c * dx;
            while (j < n && psis[j] < e)
            {
                steps.Add((double)j / n);
                edges.Add(psis[j]);
                j++;
                while (j < n && psis[j] == psis[j - 1]) j++;
            }
            steps.Add((double)j / n);
            edges.Add(e);
        }
        var engine = new StepL1(edges.ToArray(), steps.ToArray(), x => Cdf(x), Math.Sin);
        return engine.AbsoluteIntegral(0);
    }

    /// <summary>Barycentric Lagrange interpolant through (x_j, y_j), weights in log form (no overflow for many nodes).</summary>
    private static Func<double, double> Barycentric(double[] x, IReadOnlyList<double> y)
    {
        int m = x.Length;
        var logw = new double[m];
        var sign = new double[m];
        for (int j = 0; j < m; j++)
        {
            double l = 0, s = 1;
            for (int k = 0; k < m; k++)
            {
                if (k == j) continue;
                double d = x[j] - x[k];
                l -= Math.Log(Math.Abs(d));
                if (d < 0) s = -s;
            }
            logw[j] = l;
            sign[j] = s;
        }
        double max = logw.Max();
        var w = new double[m];
        for (int j = 0; j < m; j++) w[j] = sign[j] * Math.Exp(logw[j] - max);
        var yy = y.ToArray();
        return t =>
        {
            double num = 0, den = 0;
            for (int j = 0; j < m; j++)
            {
                double d = t - x[j];
                if (d == 0) return yy[j];
                double c = w[j] / d;
                num += c * yy[j];
                den += c;
            }
            return num / den;
        };
    }
}
