using System.Numerics;
using MeanField.Core;

namespace MeanField.Analysis;

/// <summary>
/// A zonal kernel k(x, y) = k(⟨x, y⟩), stored scaled by e^{−LogScale} so that e^{κ⟨x,y⟩} does not overflow:
/// k = e^{LogScale}·ScaledProfile. For the spectral (circle) formulas it also carries the Funk–Hecke multipliers for
/// d = 2, λ_n = ∫_0^{2π} k(cos θ) cos(nθ) dθ (MATH §1), also scaled by e^{−LogScale}, used for 0 &lt; n ≤ CircleCutoff.
/// </summary>
public sealed record ZonalKernel(Func<double, double> ScaledProfile, double LogScale, Func<int, double> ScaledCircleMultiplier,
    int CircleCutoff)
{
    /// <summary>e^{κ⟨x,y⟩} (κ ≥ 0): λ_n = 2π I_n(κ) (MATH §1.1, d = 2). The cutoff is the first n &gt; κ with
    /// I_n(κ)/I_0(κ) &lt; 1e−18; beyond it I_{n+1}/I_n &lt; 1/2, so the dropped tail is below 2e−18·λ_0.</summary>
    public static ZonalKernel Exponential(double kappa)
    {
        if (!(kappa >= 0)) throw new ArgumentOutOfRangeException(nameof(kappa));
        double i0 = Bessel.ScaledI(0, kappa);
        int cut = 1;
        while (cut < 100000 && !(cut > kappa && Bessel.ScaledI(cut, kappa) < 1e-18 * i0)) cut++;
        return new ZonalKernel(t => Math.Exp(kappa * (t - 1)), kappa, n => 2 * Math.PI * Bessel.ScaledI(n, kappa), cut);
    }

    /// <summary>Any smooth zonal profile k(t); the circle multipliers are computed by the trapezoidal rule on 4096
    /// points (exponentially accurate for analytic k) and cut where |λ_n| &lt; 1e−17·|λ_0|.</summary>
    public static ZonalKernel FromProfile(Func<double, double> profile)
    {
        const int m = 4096;
        var values = new double[m];
        for (int j = 0; j < m; j++) values[j] = profile(Math.Cos(2 * Math.PI * j / m));
        var lambda = new double[m / 2];
        for (int n = 0; n < lambda.Length; n++)
        {
            double s = 0;
            for (int j = 0; j < m; j++) s += values[j] * Math.Cos(2 * Math.PI * (long)n * j / m);
            lambda[n] = s * 2 * Math.PI / m;
        }
        int cut = lambda.Length - 1;
        while (cut > 1 && Math.Abs(lambda[cut]) < 1e-17 * Math.Abs(lambda[0])) cut--;
        return new ZonalKernel(profile, 0, n => n < lambda.Length ? lambda[n] : 0, cut);
    }

    /// <summary>k(t) = e^{LogScale}·ScaledProfile(t).</summary>
    public double Evaluate(double t) => Math.Exp(LogScale) * ScaledProfile(t);
}

/// <summary>
/// Maximum mean discrepancy with a zonal kernel, as the V-statistic MMD²(μ, ν) = ∬ k d(μ−ν) d(μ−ν) (so MMD² ≥ 0 for a
/// positive-definite kernel, and = 0 for identical inputs). Methods return MMD²; <see cref="Distance"/> takes the root.
/// </summary>
public static class Mmd
{
    /// <summary>√max(0, MMD²): rounding can make a near-zero MMD² slightly negative.</summary>
    public static double Distance(double squared) => Math.Sqrt(Math.Max(0, squared));

    /// <summary>MMD² between two clouds on S^{d−1} (row-major N×d): mean k(a,a') + mean k(b,b') − 2 mean k(a,b).
    /// O(N² d), rows in parallel, reduced in a fixed order (deterministic).</summary>
    public static double SquaredBetweenClouds(ReadOnlySpan<double> cloudA, ReadOnlySpan<double> cloudB, int dimension, ZonalKernel kernel)
    {
        if (cloudA.Length % dimension != 0 || cloudB.Length % dimension != 0)
            throw new ArgumentException("cloud lengths must be multiples of the dimension");
        var a = cloudA.ToArray();
        var b = cloudB.ToArray();
        int d = dimension;
        double Mean(double[] x, double[] y)
        {
            int nx = x.Length / d, ny = y.Length / d;
            var rows = new double[nx];
            Parallel.For(0, nx, i =>
            {
                var xi = x.AsSpan(i * d, d);
                double s = 0;
                for (int j = 0; j < ny; j++)
                {
                    var yj = y.AsSpan(j * d, d);
                    double dot = 0;
                    for (int k = 0; k < d; k++) dot += xi[k] * yj[k];
                    s += kernel.ScaledProfile(Math.Clamp(dot, -1, 1));
                }
                rows[i] = s;
            });
            double t = 0;
            foreach (double r in rows) t += r;
            return t / ((double)nx * ny);
        }
        return Math.Exp(kernel.LogScale) * (Mean(a, a) + Mean(b, b) - 2 * Mean(a, b));
    }

    /// <summary>MMD² between two clouds of angles on the circle (k evaluated at cos(θ − φ)). O(N²).</summary>
    public static double SquaredBetweenCircleClouds(ReadOnlySpan<double> anglesA, ReadOnlySpan<double> anglesB, ZonalKernel kernel)
    {
        return SquaredBetweenClouds(ToPoints(anglesA), ToPoints(anglesB), 2, kernel);
    }

    /// <summary>
    /// MMD² between a PDE density on the circle and the empirical measure of N angles, spectrally on the PDE side:
    /// with k(cos δ) = (1/2π) Σ_n λ_n e^{inδ} and η = μ − ν,
    /// MMD² = ∬ k dη dη = (1/2π) Σ_n λ_n |∫e^{inθ}dη|² = 2π Σ_{n∈ℤ} λ_n |ρ̂_n − c̃_n|² = 4π Σ_{n≥1} λ_n |ρ̂_n − c̃_n|²,
    /// where ρ̂_n = (1/2π)∫ρe^{−inθ} (ρ̂_n = 0 for n &gt; K) and c̃_n = (1/2π)(1/N)Σ_j e^{−inθ_j}; n = 0 drops out
    /// (both have unit mass). For e^{κ cos}: MMD² = 8π² Σ_{n≥1} I_n(κ) |ρ̂_n − c̃_n|². The sum stops at
    /// <see cref="ZonalKernel.CircleCutoff"/> (tail ≤ (1/π) Σ_{n&gt;cut} |λ_n| since |ρ̂_n − c̃_n| ≤ 1/π). O(N·cutoff).
    /// </summary>
    public static double SquaredCircleDensityVsCloud(CircleDensity density, ReadOnlySpan<double> angles, ZonalKernel kernel)
    {
        int n = angles.Length;
        if (n == 0) throw new ArgumentException("empty cloud", nameof(angles));
        int cut = kernel.CircleCutoff;
        var c = new Complex[cut + 1];
        foreach (double theta in angles)
        {
            var (s, co) = Math.SinCos(theta);
            var z = new Complex(co, -s); // e^{−iθ}
            var zk = Complex.One;
            for (int k = 1; k <= cut; k++) { zk *= z; c[k] += zk; }
        }
        double sum = 0;
        for (int k = 1; k <= cut; k++)
        {
            var rho = k <= density.MaxWavenumber ? density.Coefficients[k] : Complex.Zero;
            var diff = rho - c[k] / (2 * Math.PI * n);
            sum += kernel.ScaledCircleMultiplier(k) * (diff.Real * diff.Real + diff.Imaginary * diff.Imaginary);
        }
        return Math.Exp(kernel.LogScale) * 4 * Math.PI * sum;
    }

    private static double[] ToPoints(ReadOnlySpan<double> angles)
    {
        var p = new double[2 * angles.Length];
        for (int i = 0; i < angles.Length; i++)
        {
            var (s, c) = Math.SinCos(angles[i]);
            p[2 * i] = c;
            p[2 * i + 1] = s;
        }
        return p;
    }
}
