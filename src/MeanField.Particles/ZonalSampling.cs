using MeanField.Core;
using MeanField.Core.Random;

namespace MeanField.Particles;

/// <summary>A zonal von Mises–Fisher component on S^{d−1}: weight and concentration (∝ e^{κ⟨x, e⟩}; κ &lt; 0 centres at −e).</summary>
public readonly record struct ZonalVonMisesLaw(double Weight, double Kappa);

/// <summary>
/// i.i.d. samples (row-major N×d) of zonal laws on S^{d−1}, d ≥ 3: densities that depend only on t = ⟨x, e⟩, with the pole
/// e = e_d, the last coordinate axis (as geometry zonal and the S² solver's z-axis). Each particle is
/// x = t e + √(1−t²) u, u uniform on the unit sphere of e^⊥ (a normalised Gaussian in the first d−1 coordinates), and t
/// drawn from the law's marginal ∝ g(t)(1−t²)^{(d−3)/2}. Particle i uses its own segment of the Philox stream
/// (seed, <see cref="RandomStreams.InitialCondition"/>) from word (i+1)·2³², exactly as <see cref="ParticleSampling"/>,
/// so results do not depend on the thread count and words 0.. stay free for the law's own random parameters.
/// </summary>
public static class ZonalSampling
{
    private static RandomStream StreamFor(ulong seed, int particle) =>
        new(seed, RandomStreams.InitialCondition) { Position = (ulong)(particle + 1) << 32 };

    /// <summary>
    /// A mixture Σ w_j e^{κ_j t}/Z_j: a component by its weight, then Wood's (1994) exact rejection sampler for the
    /// t-marginal (κ &lt; 0: sampled with |κ| and t flipped). Weights must sum to 1.
    /// </summary>
    public static double[] VonMisesFisherMixture(IReadOnlyList<ZonalVonMisesLaw> components, int count, int d, ulong seed)
    {
        Check(d);
        if (components.Count == 0) throw new ArgumentException("at least one component is needed.", nameof(components));
        var x = new double[count * d];
        for (int i = 0; i < count; i++)
        {
            var rng = StreamFor(seed, i);
            double v = rng.NextDouble(), cumulative = 0;
            var law = components[^1];
            foreach (var c in components)
            {
                cumulative += c.Weight;
                if (v < cumulative) { law = c; break; }
            }
            var (t, s) = VonMisesFisherHeight(law.Kappa, d, rng);
            Embed(t, s, x.AsSpan(i * d, d), rng);
        }
        return x;
    }

    /// <summary>
    /// The relative density u(t) = 1 + Σ c_n P_n^{(d)}(t) (P_n(1) = 1; ρ = u/|S^{d−1}|), by rejection from the uniform law's
    /// t-marginal (Beta((d−1)/2, (d−1)/2) on [−1, 1]) with acceptance u(t)/M, M = 1 + Σ|c_n| ≥ u since |P_n| ≤ 1.
    /// The caller checks u ≥ 0 (<see cref="MinimumRelativeDensity"/>). Degrees must be ≥ 1.
    /// </summary>
    public static double[] GegenbauerDensity(IReadOnlyList<(int Degree, double Coefficient)> terms, int count, int d, ulong seed)
    {
        Check(d);
        var c = Dense(terms);
        double bound = 1;
        foreach (double v in c) bound += Math.Abs(v);
        var p = new double[c.Length];
        var x = new double[count * d];
        for (int i = 0; i < count; i++)
        {
            var rng = StreamFor(seed, i);
            double t, s;
            while (true)
            {
                (t, s) = UniformHeight(d, rng);
                if (rng.NextDouble() * bound < RelativeDensity(c, d, t, p)) break;
            }
            Embed(t, s, x.AsSpan(i * d, d), rng);
        }
        return x;
    }

    /// <summary>u(t) = 1 + Σ c_n P_n^{(d)}(t).</summary>
    public static double RelativeDensityAt(IReadOnlyList<(int Degree, double Coefficient)> terms, int d, double t)
    {
        var c = Dense(terms);
        return RelativeDensity(c, d, t, new double[c.Length]);
    }

    /// <summary>
    /// The minimum of u over a grid uniform in θ = arccos t (16L + 64 intervals, endpoints t = ±1 included), fine enough
    /// for a polynomial of degree L; <paramref name="argmin"/> is the t where it is attained.
    /// </summary>
    public static double MinimumRelativeDensity(IReadOnlyList<(int Degree, double Coefficient)> terms, int d, out double argmin)
    {
        var c = Dense(terms);
        var p = new double[c.Length];
        int grid = 16 * c.Length + 64;
        double min = double.PositiveInfinity;
        argmin = 1;
        for (int j = 0; j <= grid; j++)
        {
            double t = j == 0 ? 1 : j == grid ? -1 : Math.Cos(Math.PI * j / grid);
            double u = RelativeDensity(c, d, t, p);
            if (u < min) (min, argmin) = (u, t);
        }
        return min;
    }

    /// <summary>
    /// (t, √(1−t²)) for t = ⟨x, e⟩ with x uniform on S^{d−1}: t = 2Z − 1, Z = G₁/(G₁+G₂) ~ Beta(a, a), a = (d−1)/2.
    /// </summary>
    public static (double T, double S) UniformHeight(int d, RandomStream rng)
    {
        double a = 0.5 * (d - 1);
        double g1 = Gamma(a, rng), g2 = Gamma(a, rng), sum = g1 + g2;
        return ((g1 - g2) / sum, 2 * Math.Sqrt(g1 * g2) / sum);
    }

    /// <summary>
    /// (t, √(1−t²)) for t = ⟨x, e⟩ with x ~ vMF(e, κ) on S^{d−1}: Wood (1994), "Simulation of the von Mises Fisher
    /// distribution", Commun. Statist.–Simula. 23(1), 157–164. With m = d − 1 and Z ~ Beta(m/2, m/2):
    /// b = m/(2κ + √(4κ² + m²)), x₀ = (1−b)/(1+b), c = κx₀ + m log(1−x₀²), W = (1 − (1+b)Z)/(1 − (1−b)Z), accepted when
    /// κW + m log(1 − x₀W) − c ≥ log U. 1−x₀² = 4b/(1+b)² and 1−W² = 4bZ(1−Z)/(1−(1−b)Z)² are formed without cancellation.
    /// </summary>
    public static (double T, double S) VonMisesFisherHeight(double kappa, int d, RandomStream rng)
    {
        if (!double.IsFinite(kappa)) throw new ArgumentOutOfRangeException(nameof(kappa), kappa, "κ must be finite.");
        if (kappa == 0) return UniformHeight(d, rng);
        double k = Math.Abs(kappa), m = d - 1, a = 0.5 * m;
        double b = m / (2 * k + Math.Sqrt(4 * k * k + m * m));
        double x0 = (1 - b) / (1 + b);
        double c = k * x0 + m * Math.Log(4 * b / ((1 + b) * (1 + b)));
        while (true)
        {
            double g1 = Gamma(a, rng), g2 = Gamma(a, rng), sum = g1 + g2;
            double z = g1 / sum, zc = g2 / sum;
            double denominator = 1 - (1 - b) * z;
            double w = (1 - (1 + b) * z) / denominator;
            double u = rng.NextDoubleOpen();
            if (k * w + m * Math.Log(1 - x0 * w) - c >= Math.Log(u))
            {
                double s = 2 * Math.Sqrt(b * z * zc) / denominator;
                return (kappa < 0 ? -w : w, Math.Min(s, 1));
            }
        }
    }

    /// <summary>Gamma(a, 1) for a ≥ 1: Marsaglia and Tsang (2000), "A simple method for generating gamma variables".</summary>
    private static double Gamma(double a, RandomStream rng)
    {
        double dd = a - 1.0 / 3, c = 1 / Math.Sqrt(9 * dd);
        while (true)
        {
            double z, v;
            do
            {
                z = rng.NextGaussian();
                v = 1 + c * z;
            } while (v <= 0);
            v = v * v * v;
            double u = rng.NextDoubleOpen(), z2 = z * z;
            if (u < 1 - 0.0331 * z2 * z2 || Math.Log(u) < 0.5 * z2 + dd * (1 - v + Math.Log(v))) return dd * v;
        }
    }

    /// <summary>x = (s u, t) with u a normalised standard Gaussian in the first d−1 coordinates.</summary>
    private static void Embed(double t, double s, Span<double> x, RandomStream rng)
    {
        int d = x.Length;
        var tangent = x[..(d - 1)];
        double norm2;
        do
        {
            rng.NextGaussians(tangent);
            norm2 = 0;
            foreach (double v in tangent) norm2 += v * v;
        } while (norm2 < 1e-300);
        double scale = s / Math.Sqrt(norm2);
        for (int a = 0; a < d - 1; a++) tangent[a] *= scale;
        x[d - 1] = t;
    }

    private static double RelativeDensity(double[] c, int d, double t, double[] p)
    {
        Gegenbauer.Evaluate(d, t, p);
        double u = 1;
        for (int n = 1; n < c.Length; n++) u += c[n] * p[n];
        return u;
    }

    // c[n] for n = 0..max degree (c[0] unused), summing repeated degrees.
    private static double[] Dense(IReadOnlyList<(int Degree, double Coefficient)> terms)
    {
        int max = 0;
        foreach (var (n, _) in terms)
        {
            if (n < 1) throw new ArgumentOutOfRangeException(nameof(terms), n, "degrees must be ≥ 1.");
            max = Math.Max(max, n);
        }
        var c = new double[max + 1];
        foreach (var (n, v) in terms) c[n] += v;
        return c;
    }

    private static void Check(int d)
    {
        if (d < 3) throw new ArgumentOutOfRangeException(nameof(d), d, "zonal laws need d ≥ 3 (on the circle use ParticleSampling).");
    }
}
