using System.Numerics;
using MeanField.Core.Random;

namespace MeanField.Particles;

/// <summary>A von Mises component of a mixture on the circle: weight, mean direction, concentration.</summary>
public readonly record struct VonMisesLaw(double Weight, double Mean, double Kappa);

/// <summary>
/// Seeded initial positions (row-major N×d). Particle i draws from its own segment of the Philox stream
/// (seed, <see cref="RandomStreams.InitialCondition"/>), starting at word (i+1)·2³², so rejection samplers need no shared
/// state, results do not depend on the thread count, and words 0.. stay free for the law's own random parameters
/// (perturbed_uniform draws its Fourier coefficients there, exactly as the PDE does).
/// </summary>
public static class ParticleSampling
{
    private static RandomStream StreamFor(ulong seed, int particle) =>
        new(seed, RandomStreams.InitialCondition) { Position = (ulong)(particle + 1) << 32 };

    /// <summary>Uniform on S^{d−1}: normalised standard Gaussian vectors.</summary>
    public static double[] Uniform(int count, int d, ulong seed)
    {
        var x = new double[count * d];
        for (int i = 0; i < count; i++)
        {
            var rng = StreamFor(seed, i);
            var xi = x.AsSpan(i * d, d);
            double norm2;
            do
            {
                rng.NextGaussians(xi);
                norm2 = 0;
                foreach (double v in xi) norm2 += v * v;
            } while (norm2 < 1e-300);
            double inv = 1 / Math.Sqrt(norm2);
            for (int c = 0; c < d; c++) xi[c] *= inv;
        }
        return x;
    }

    /// <summary>
    /// i.i.d. angles from ρ(θ) = Σ_{|k|≤K} ρ̂_k e^{ikθ} (density w.r.t. dθ, ρ̂_0 = 1/2π, ρ̂_{−k} = conj ρ̂_k) by rejection from
    /// the uniform law with the bound ρ ≤ ρ̂_0 + 2 Σ |ρ̂_k|. The caller checks ρ ≥ 0.
    /// </summary>
    public static double[] CircleDensity(IReadOnlyList<Complex> coefficients, int count, ulong seed)
    {
        double bound = coefficients[0].Real;
        for (int k = 1; k < coefficients.Count; k++) bound += 2 * coefficients[k].Magnitude;
        var x = new double[2 * count];
        for (int i = 0; i < count; i++)
        {
            var rng = StreamFor(seed, i);
            double theta;
            while (true)
            {
                theta = 2 * Math.PI * rng.NextDouble();
                if (rng.NextDouble() * bound < CircleDensityAt(coefficients, theta)) break;
            }
            (x[2 * i + 1], x[2 * i]) = Math.SinCos(theta);
        }
        return x;
    }

    /// <summary>ρ(θ) = ρ̂_0 + 2 Σ_{k≥1} Re(ρ̂_k e^{ikθ}).</summary>
    public static double CircleDensityAt(IReadOnlyList<Complex> coefficients, double theta)
    {
        double f = coefficients[0].Real;
        for (int k = 1; k < coefficients.Count; k++) f += 2 * (coefficients[k] * Complex.FromPolarCoordinates(1, k * theta)).Real;
        return f;
    }

    /// <summary>
    /// i.i.d. angles from a mixture Σ w_j e^{κ_j cos(θ−μ_j)}/(2π I_0(κ_j)): a component by its weight, then the exact
    /// Best–Fisher (1979) rejection sampler (κ = 0: uniform). Weights must sum to 1.
    /// </summary>
    public static double[] VonMisesMixture(IReadOnlyList<VonMisesLaw> components, int count, ulong seed)
    {
        var x = new double[2 * count];
        for (int i = 0; i < count; i++)
        {
            var rng = StreamFor(seed, i);
            double u = rng.NextDouble(), cumulative = 0;
            var law = components[^1];
            foreach (var c in components)
            {
                cumulative += c.Weight;
                if (u < cumulative) { law = c; break; }
            }
            double theta = law.Mean + VonMisesDeviation(law.Kappa, rng);
            (x[2 * i + 1], x[2 * i]) = Math.SinCos(theta);
        }
        return x;
    }

    private static double VonMisesDeviation(double kappa, RandomStream rng)
    {
        if (kappa == 0) return 2 * Math.PI * rng.NextDouble();
        double tau = 1 + Math.Sqrt(1 + 4 * kappa * kappa);
        double rho = (tau - Math.Sqrt(2 * tau)) / (2 * kappa);
        double r = (1 + rho * rho) / (2 * rho);
        while (true)
        {
            double z = Math.Cos(Math.PI * rng.NextDouble());
            double f = (1 + r * z) / (r + z);
            double c = kappa * (r - f);
            double u2 = rng.NextDoubleOpen();
            if (c * (2 - c) - u2 > 0 || Math.Log(c / u2) + 1 - c >= 0)
            {
                double angle = Math.Acos(Math.Clamp(f, -1, 1));
                return rng.NextDouble() < 0.5 ? -angle : angle;
            }
        }
    }

    /// <summary>
    /// N unit vectors in R^d with ⟨x_i, x_j⟩ = ρ0 for all i ≠ j: the rows of the Cholesky factor of the Gram matrix
    /// (1 − ρ0) I + ρ0 11ᵀ, padded with zeros. Needs N ≤ d and −1/(N−1) &lt; ρ0 &lt; 1 (the Gram matrix is then positive
    /// definite). For ρ0 = 0 these are the first N standard basis vectors.
    /// </summary>
    public static double[] Equiangular(int count, int d, double rho0)
    {
        if (count > d) throw new ArgumentException($"an equiangular family of {count} vectors needs dimension ≥ {count}, got {d}.", nameof(count));
        if (!(rho0 < 1) || (count > 1 && !(rho0 > -1.0 / (count - 1))))
            throw new ArgumentOutOfRangeException(nameof(rho0), rho0, $"rho0 must lie in (−1/(N−1), 1) = ({-1.0 / Math.Max(count - 1, 1):R}, 1).");
        var l = new double[count * count];
        for (int i = 0; i < count; i++)
        for (int j = 0; j <= i; j++)
        {
            double s = i == j ? 1.0 : rho0;
            for (int k = 0; k < j; k++) s -= l[i * count + k] * l[j * count + k];
            l[i * count + j] = i == j ? Math.Sqrt(s) : s / l[j * count + j];
        }
        var x = new double[count * d];
        for (int i = 0; i < count; i++)
        for (int j = 0; j <= i; j++) x[i * d + j] = l[i * count + j];
        return x;
    }
}
