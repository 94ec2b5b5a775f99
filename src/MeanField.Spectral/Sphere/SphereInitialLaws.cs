using System.Numerics;
using MeanField.Core;
using MeanField.Core.Random;

namespace MeanField.Spectral.Sphere;

/// <summary>A von Mises–Fisher component: density e^{κ⟨μ,x⟩}/Z(κ) (w.r.t. σ), Z = 4π sinh κ/κ, with weight w.</summary>
/// <param name="Mean">Mean direction μ ∈ R³ (normalised here; must be non-zero).</param>
public sealed record VonMisesFisherComponent(double[] Mean, double Kappa, double Weight);

/// <summary>
/// Initial laws on S² as coefficients a_l^m (m-major layout of <see cref="SphericalHarmonicTransform"/>, density w.r.t. σ,
/// uniform a_0^0 = 1/√(4π)). Every law is exact in coefficient space: no quadrature error enters at t = 0.
/// </summary>
public static class SphereInitialLaws
{
    private static readonly double Rho0 = 1 / (4 * Math.PI);
    private static readonly double A00 = 1 / Math.Sqrt(4 * Math.PI);

    public static Complex[] Uniform(int lmax)
    {
        var c = new Complex[SphericalHarmonicTransform.CoefficientCount(lmax)];
        c[0] = A00;
        return c;
    }

    /// <summary>
    /// ρ = ρ₀ (1 + A Σ_{n=1}^{modes} Σ_{m} …): for n = 1..modes and m = 0..n (in that order) draw U ~ U[0,1), φ ~ U[0,2π)
    /// from RandomStream(seed, InitialCondition) and set a_n^m = ρ₀ A √(4π/(2n+1)) U e^{iφ} (m ≥ 1) or ρ₀ A √(4π/(2n+1)) U cos φ (m = 0).
    /// The factor √(4π/(2n+1)) makes each degree's L∞ size at most ~A ρ₀ (2n+1 terms).
    /// </summary>
    public static Complex[] PerturbedUniform(int lmax, int modes, double amplitude, ulong seed)
    {
        if (modes < 0 || modes > lmax) throw new ArgumentOutOfRangeException(nameof(modes), modes, $"modes must lie in [0, lmax = {lmax}].");
        var rng = new RandomStream(seed, RandomStreams.InitialCondition);
        var c = Uniform(lmax);
        for (int n = 1; n <= modes; n++)
        {
            double scale = Rho0 * amplitude * Math.Sqrt(4 * Math.PI / (2 * n + 1));
            for (int m = 0; m <= n; m++)
            {
                double u = rng.NextDouble(), phase = 2 * Math.PI * rng.NextDouble();
                c[SphericalHarmonicTransform.Index(lmax, n, m)] = m == 0
                    ? scale * u * Math.Cos(phase)
                    : scale * u * Complex.FromPolarCoordinates(1, phase);
            }
        }
        return c;
    }

    /// <summary>
    /// Σ_i w_i e^{κ_i⟨μ_i,x⟩}/Z(κ_i). By Funk–Hecke (applied to the degree-n harmonic conj Y_n^m),
    ///   a_n^m = Σ_i w_i (Λ_n(κ_i)/Λ_0(κ_i)) conj(Y_n^m(μ_i)),   Λ_n/Λ_0 = I_{n+1/2}(κ)/I_{1/2}(κ),
    /// truncated at degree L (the mass is Σ w_i exactly).
    /// </summary>
    public static Complex[] VonMisesFisherMixture(int lmax, IEnumerable<VonMisesFisherComponent> components)
    {
        var c = new Complex[SphericalHarmonicTransform.CoefficientCount(lmax)];
        var y = new Complex[c.Length];
        var ratio = new double[lmax + 1];
        foreach (var v in components)
        {
            if (v.Mean is not { Length: 3 }) throw new ArgumentException("a vMF mean direction needs three components.");
            double norm = Math.Sqrt(v.Mean[0] * v.Mean[0] + v.Mean[1] * v.Mean[1] + v.Mean[2] * v.Mean[2]);
            if (!(norm > 0)) throw new ArgumentException("a vMF mean direction must be non-zero.");
            if (!(v.Kappa >= 0)) throw new ArgumentOutOfRangeException(nameof(components), v.Kappa, "κ must be ≥ 0.");
            double theta = Math.Acos(Math.Clamp(v.Mean[2] / norm, -1, 1)), phi = Math.Atan2(v.Mean[1], v.Mean[0]);
            SphericalHarmonicTransform.EvaluateHarmonics(lmax, theta, phi, y);
            for (int n = 0; n <= lmax; n++) ratio[n] = FunkHecke.RatioToDegreeZero(n, v.Kappa, 3);
            for (int m = 0; m <= lmax; m++)
                for (int n = m; n <= lmax; n++)
                {
                    int i = SphericalHarmonicTransform.Index(lmax, n, m);
                    c[i] += v.Weight * ratio[n] * Complex.Conjugate(y[i]);
                }
        }
        for (int n = 0; n <= lmax; n++) c[n] = c[n].Real;   // m = 0 coefficients are real
        return c;
    }

    /// <summary>Explicit a_l^m (absolute values, m ≥ 0); a_0^0 = 1/√(4π) unless given.</summary>
    public static Complex[] Explicit(int lmax, IEnumerable<(int L, int M, Complex Value)> coefficients)
    {
        var c = Uniform(lmax);
        foreach (var (l, m, value) in coefficients)
        {
            if (m < 0 || m > l || l > lmax) throw new ArgumentOutOfRangeException(nameof(coefficients), $"(l, m) = ({l}, {m}) is outside 0 ≤ m ≤ l ≤ {lmax}.");
            c[SphericalHarmonicTransform.Index(lmax, l, m)] = m == 0 ? value.Real : value;
        }
        return c;
    }
}
