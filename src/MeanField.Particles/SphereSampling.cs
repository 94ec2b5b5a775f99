using MeanField.Core;
using System.Numerics;
using MeanField.Core.Random;

namespace MeanField.Particles;

/// <summary>A von Mises–Fisher component on S²: weight, mean direction μ (unit vector in R³) and κ ≥ 0 (∝ e^{κ⟨μ, x⟩}).</summary>
public readonly record struct SphereVonMisesLaw(double Weight, IReadOnlyList<double> Direction, double Kappa);

/// <summary>
/// i.i.d. samples (row-major N×3) of the S² PDE's initial laws: vMF mixtures with arbitrary directions, and densities
/// given by spherical-harmonic coefficients a_l^m (m ≥ 0, layout of <see cref="SphericalHarmonics"/>, density w.r.t. σ).
/// Particle i uses its own segment of the Philox stream (seed, <see cref="RandomStreams.InitialCondition"/>) from word
/// (i+1)·2³², exactly as <see cref="ParticleSampling"/> and <see cref="ZonalSampling"/>, so results do not depend on the
/// thread count and words 0.. stay free for the law's own random coefficients.
/// </summary>
public static class SphereSampling
{
    private static RandomStream StreamFor(ulong seed, int particle) =>
        new(seed, RandomStreams.InitialCondition) { Position = (ulong)(particle + 1) << 32 };

    /// <summary>
    /// A mixture Σ w_j e^{κ_j⟨μ_j, x⟩}/Z_j: a component by its weight, t = ⟨x, μ⟩ by Wood's sampler
    /// (<see cref="ZonalSampling.VonMisesFisherHeight"/>), then x = t μ + √(1−t²) u, u uniform on the circle ⊥ μ.
    /// </summary>
    public static double[] VonMisesFisherMixture(IReadOnlyList<SphereVonMisesLaw> components, int count, ulong seed)
    {
        if (components.Count == 0) throw new ArgumentException("at least one component is needed.", nameof(components));
        var frames = components.Select(c => Frame(c.Direction)).ToArray();
        var x = new double[count * 3];
        for (int i = 0; i < count; i++)
        {
            var rng = StreamFor(seed, i);
            double v = rng.NextDouble(), cumulative = 0;
            int j = components.Count - 1;
            for (int k = 0; k < components.Count; k++)
            {
                cumulative += components[k].Weight;
                if (v < cumulative) { j = k; break; }
            }
            if (!(components[j].Kappa >= 0)) throw new ArgumentOutOfRangeException(nameof(components), components[j].Kappa, "κ must be ≥ 0.");
            var (t, s) = ZonalSampling.VonMisesFisherHeight(components[j].Kappa, 3, rng);
            double psi = 2 * Math.PI * rng.NextDouble(), cos = s * Math.Cos(psi), sin = s * Math.Sin(psi);
            var (mu, e1, e2) = frames[j];
            double norm2 = 0;
            for (int a = 0; a < 3; a++)
            {
                double value = t * mu[a] + cos * e1[a] + sin * e2[a];
                x[3 * i + a] = value;
                norm2 += value * value;
            }
            double inverse = 1 / Math.Sqrt(norm2);
            for (int a = 0; a < 3; a++) x[3 * i + a] *= inverse;
        }
        return x;
    }

    /// <summary>
    /// The real density ρ = Σ_l [a_l^0 Y_l^0 + 2 Σ_{m>0} Re(a_l^m Y_l^m)] by rejection from the uniform law, with acceptance
    /// ρ(x)/M, M = <see cref="DensityBound"/> ≥ ρ. The caller checks ρ ≥ 0 (<see cref="MinimumDensity"/>).
    /// </summary>
    public static double[] HarmonicDensity(Complex[] coefficients, int lmax, int count, ulong seed)
    {
        var h = new SphericalHarmonics(lmax);
        if (coefficients.Length != h.Count) throw new ArgumentException($"coefficients must hold {h.Count} entries.", nameof(coefficients));
        double bound = DensityBound(coefficients, lmax);
        var y = new Complex[h.Count];
        var x = new double[count * 3];
        Span<double> p = stackalloc double[3];
        for (int i = 0; i < count; i++)
        {
            var rng = StreamFor(seed, i);
            while (true)
            {
                double norm2;
                do
                {
                    rng.NextGaussians(p);
                    norm2 = p[0] * p[0] + p[1] * p[1] + p[2] * p[2];
                } while (norm2 < 1e-300);
                double inverse = 1 / Math.Sqrt(norm2);
                for (int a = 0; a < 3; a++) p[a] *= inverse;
                h.Evaluate(p, y);
                if (rng.NextDouble() * bound < Density(coefficients, lmax, y)) break;
            }
            p.CopyTo(x.AsSpan(3 * i, 3));
        }
        return x;
    }

    /// <summary>M = Σ_l √((2l+1)/4π)(|a_l^0| + 2 Σ_{m>0} |a_l^m|) ≥ |ρ|, since |Y_l^m| ≤ √((2l+1)/4π).</summary>
    public static double DensityBound(Complex[] coefficients, int lmax)
    {
        double bound = 0;
        for (int l = 0; l <= lmax; l++)
        {
            double sum = coefficients[SphericalHarmonics.Index(lmax, l, 0)].Magnitude;
            for (int m = 1; m <= l; m++) sum += 2 * coefficients[SphericalHarmonics.Index(lmax, l, m)].Magnitude;
            bound += Math.Sqrt((2 * l + 1) / (4 * Math.PI)) * sum;
        }
        return bound;
    }

    /// <summary>ρ at the unit vector x.</summary>
    public static double DensityAt(Complex[] coefficients, int lmax, ReadOnlySpan<double> x)
    {
        var h = new SphericalHarmonics(lmax);
        var y = new Complex[h.Count];
        h.Evaluate(x, y);
        return Density(coefficients, lmax, y);
    }

    /// <summary>
    /// The minimum of ρ over a θ–φ grid (4L + 32 intervals in θ ∈ [0, π], poles included; 8L + 32 in φ), with the
    /// (θ, φ) where it is attained.
    /// </summary>
    public static double MinimumDensity(Complex[] coefficients, int lmax, out double theta, out double phi)
    {
        var h = new SphericalHarmonics(lmax);
        var y = new Complex[h.Count];
        int nt = 4 * lmax + 32, np = 8 * lmax + 32;
        double min = double.PositiveInfinity;
        theta = phi = 0;
        Span<double> x = stackalloc double[3];
        for (int i = 0; i <= nt; i++)
        {
            double th = Math.PI * i / nt;
            int nphi = i == 0 || i == nt ? 1 : np;
            for (int j = 0; j < nphi; j++)
            {
                double ph = 2 * Math.PI * j / np;
                x[0] = Math.Sin(th) * Math.Cos(ph);
                x[1] = Math.Sin(th) * Math.Sin(ph);
                x[2] = Math.Cos(th);
                h.Evaluate(x, y);
                double f = Density(coefficients, lmax, y);
                if (f < min) (min, theta, phi) = (f, th, ph);
            }
        }
        return min;
    }

    private static double Density(Complex[] a, int lmax, Complex[] y)
    {
        double f = 0;
        for (int m = 0; m <= lmax; m++)
        {
            double factor = m == 0 ? 1 : 2;
            for (int l = m; l <= lmax; l++)
            {
                int i = SphericalHarmonics.Index(lmax, l, m);
                f += factor * (a[i].Real * y[i].Real - a[i].Imaginary * y[i].Imaginary);
            }
        }
        return f;
    }

    // μ and an orthonormal basis (e1, e2) of μ^⊥.
    private static (double[] Mu, double[] E1, double[] E2) Frame(IReadOnlyList<double> direction)
    {
        if (direction is not { Count: 3 }) throw new ArgumentException("a vMF mean direction needs three components.");
        double norm = Math.Sqrt(direction[0] * direction[0] + direction[1] * direction[1] + direction[2] * direction[2]);
        if (!(norm > 0)) throw new ArgumentException("a vMF mean direction must be non-zero.");
        var mu = new[] { direction[0] / norm, direction[1] / norm, direction[2] / norm };
        // Cross μ with the coordinate axis least aligned with it.
        int k = Math.Abs(mu[0]) <= Math.Abs(mu[1]) && Math.Abs(mu[0]) <= Math.Abs(mu[2]) ? 0 : Math.Abs(mu[1]) <= Math.Abs(mu[2]) ? 1 : 2;
        var axis = new double[3];
        axis[k] = 1;
        var e1 = Cross(mu, axis);
        double n1 = Math.Sqrt(e1[0] * e1[0] + e1[1] * e1[1] + e1[2] * e1[2]);
        for (int a = 0; a < 3; a++) e1[a] /= n1;
        return (mu, e1, Cross(mu, e1));
    }

    private static double[] Cross(double[] u, double[] v) =>
        [u[1] * v[2] - u[2] * v[1], u[2] * v[0] - u[0] * v[2], u[0] * v[1] - u[1] * v[0]];
}
