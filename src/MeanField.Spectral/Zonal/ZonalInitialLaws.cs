using MeanField.Core;

namespace MeanField.Spectral.Zonal;

/// <summary>
/// Initial zonal probability laws on S^{d−1} as orthonormal coefficients c_0..c_L of the relative density
/// u = g|S^{d−1}| (layout in <see cref="ZonalGegenbauerBasis"/>; c_0 = 1 = total mass).
/// </summary>
public static class ZonalInitialLaws
{
    /// <summary>The uniform law: u ≡ 1.</summary>
    public static double[] Uniform(int maxDegree)
    {
        var c = new double[maxDegree + 1];
        c[0] = 1;
        return c;
    }

    /// <summary>
    /// u(t) = 1 + Σ ε_n P_n^{(d)}(t) (P_n(1) = 1, so ε_n is the relative perturbation at the pole):
    /// c_n = ε_n/√N_{n,d}. Degrees must be 1..L.
    /// </summary>
    public static double[] Perturbed(int dimension, int maxDegree, IEnumerable<(int Degree, double Amplitude)> modes)
    {
        var c = Uniform(maxDegree);
        foreach (var (n, eps) in modes)
        {
            if (n < 1 || n > maxDegree) throw new ArgumentOutOfRangeException(nameof(modes), n, $"degrees must lie in 1..{maxDegree}.");
            c[n] += eps * Math.Exp(-0.5 * SphereGeometry.LogHarmonicDimension(n, dimension));
        }
        return c;
    }

    /// <summary>
    /// The zonal von Mises–Fisher law f ∝ e^{κ⟨x,e⟩} (κ may be negative: concentrated at −e). Its relative density is
    /// u = e^{κt}/E_σ̄[e^{κt}], whose P-coefficients are N_n Λ_n(κ)/Λ_0(κ) = N_n I_{n+d/2−1}(|κ|)/I_{d/2−1}(|κ|)
    /// (Funk–Hecke, MATH §1.1), so c_n = sign(κ)^n √N_{n,d} I_{n+d/2−1}(|κ|)/I_{d/2−1}(|κ|), in log form.
    /// Truncated at degree L (choose L well above |κ|^{1/2}… |κ| so that the tail is negligible).
    /// </summary>
    public static double[] VonMisesFisher(int dimension, int maxDegree, double kappa)
    {
        if (!double.IsFinite(kappa)) throw new ArgumentOutOfRangeException(nameof(kappa), kappa, "κ must be finite.");
        var c = Uniform(maxDegree);
        if (kappa == 0) return c;
        double a = Math.Abs(kappa);
        for (int n = 1; n <= maxDegree; n++)
        {
            double log = 0.5 * SphereGeometry.LogHarmonicDimension(n, dimension) + FunkHecke.LogRatioToDegreeZero(n, a, dimension);
            double v = Math.Exp(log);
            c[n] = kappa < 0 && n % 2 == 1 ? -v : v;
        }
        return c;
    }

    /// <summary>From MATH §9.3 coefficients g_n (g = Σ g_n P_n, density w.r.t. σ): c_n = g_n |S^{d−1}|/√N_{n,d}.</summary>
    public static double[] FromGegenbauerCoefficients(int dimension, int maxDegree, ReadOnlySpan<double> g)
    {
        if (g.Length > maxDegree + 1) throw new ArgumentException("more coefficients than degrees 0..L.");
        var c = new double[maxDegree + 1];
        double logArea = SphereGeometry.LogSurfaceArea(dimension);
        for (int n = 0; n < g.Length; n++)
            c[n] = g[n] == 0 ? 0 : g[n] * Math.Exp(logArea - 0.5 * SphereGeometry.LogHarmonicDimension(n, dimension));
        return c;
    }
}
