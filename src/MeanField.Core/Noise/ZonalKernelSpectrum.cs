namespace MeanField.Core.Noise;

/// <summary>
/// Funk–Hecke coefficients C_n of a zonal covariance kernel κ(⟨x,y⟩) on S^{d−1} (MATH §2.2):
///   κ(⟨x,y⟩) = Σ_n C_n Σ_i Y_{n,i}(x) Y_{n,i}(y) = Σ_n C_n N_{n,d}/|S^{d−1}| P_n(⟨x,y⟩),
///   C_n = |S^{d−2}| ∫ κ(t) P_n(t) (1−t²)^{(d−3)/2} dt = |S^{d−1}| E_{t∼⟨x,e⟩}[κ(t) P_n(t)],
/// with Y_{n,i} orthonormal for the surface measure and P_n(1) = 1. C_n ≥ 0 for a covariance (Schoenberg), so the
/// Karhunen–Loève fields √C_n Y_{n,i} exist; truncating at degree n_max leaves κ_trunc(1) = Σ C_n N_{n,d}/|S^{d−1}|,
/// the value the Itô correction must use (MATH §3.3 truncation rule).
/// </summary>
public static class ZonalKernelSpectrum
{
    /// <summary>C_0..C_{maxDegree} by Gauss–Gegenbauer quadrature; tiny negative round-off is clamped to 0.</summary>
    /// <remarks>
    /// The MLP kernels are smooth inside (−1, 1) but only C^1 at t = 1 for ReLU ((1−t)^{3/2}), so the rule uses many
    /// more nodes than the degree (error ~ nodes^{−4}, below 1e−10 relative at the default).
    /// </remarks>
    public static double[] DegreeVariances(Func<double, double> kappa, int dimension, int maxDegree, int nodes = 0)
    {
        if (maxDegree < 0) throw new ArgumentOutOfRangeException(nameof(maxDegree), maxDegree, "maxDegree must be ≥ 0.");
        var rule = GaussGegenbauer.Create(dimension, nodes > 0 ? nodes : Math.Max(2048, 4 * maxDegree + 64));
        double area = SphereGeometry.SurfaceArea(dimension);
        var c = new double[maxDegree + 1];
        var p = new double[maxDegree + 1];
        for (int j = 0; j < rule.Count; j++)
        {
            double w = rule.Weights[j];
            if (w == 0) continue;
            double k = kappa(rule.Nodes[j]) * w;
            Gegenbauer.Evaluate(dimension, rule.Nodes[j], p);
            for (int n = 0; n <= maxDegree; n++) c[n] += k * p[n];
        }
        for (int n = 0; n <= maxDegree; n++)
        {
            c[n] *= area;
            // Round-off of a (tiny) non-negative coefficient: a covariance has C_n ≥ 0.
            if (c[n] < 0 && c[n] > -1e-12 * Math.Abs(c[0])) c[n] = 0;
        }
        return c;
    }

    /// <summary>κ_trunc(1) = Σ_{n ≤ n_max} C_n N_{n,d}/|S^{d−1}|.</summary>
    public static double TruncatedKappaAtOne(ReadOnlySpan<double> degreeVariances, int dimension)
    {
        double area = SphereGeometry.SurfaceArea(dimension), sum = 0;
        for (int n = 0; n < degreeVariances.Length; n++) sum += degreeVariances[n] * SphereGeometry.HarmonicDimension(n, dimension);
        return sum / area;
    }
}
