using System.Numerics;

namespace MeanField.Analysis;

/// <summary>
/// A band-limited density on the circle w.r.t. dθ (docs/output-format.md): ρ(θ) = Σ_{|k|≤K} ρ̂_k e^{ikθ} with
/// ρ̂_{−k} = conj ρ̂_k, given by ρ̂_0..ρ̂_K (the PDE's <c>/tasks/fourier_modes</c>). The coefficients are rescaled so that
/// ρ̂_0 = 1/2π (unit mass; the PDE conserves mass to rounding), so every distance compares probability measures.
/// </summary>
public sealed class CircleDensity
{
    private readonly Complex[] _c;

    /// <summary>From ρ̂_0..ρ̂_K (ρ̂_0 must be positive).</summary>
    public CircleDensity(IReadOnlyList<Complex> coefficients)
    {
        if (coefficients.Count == 0) throw new ArgumentException("need at least ρ̂_0", nameof(coefficients));
        double c0 = coefficients[0].Real;
        if (!(c0 > 0)) throw new ArgumentException("ρ̂_0 must be positive", nameof(coefficients));
        double scale = 1 / (2 * Math.PI * c0);
        _c = new Complex[coefficients.Count];
        for (int k = 0; k < _c.Length; k++) _c[k] = coefficients[k] * scale;
        _c[0] = 1 / (2 * Math.PI);
    }

    /// <summary>ρ̂_0..ρ̂_K after normalisation.</summary>
    public IReadOnlyList<Complex> Coefficients => _c;

    /// <summary>K, the largest wavenumber.</summary>
    public int MaxWavenumber => _c.Length - 1;

    /// <summary>The von Mises law e^{κ cos(θ−μ)}/(2π I_0(κ)): ρ̂_k = (I_k(κ)/I_0(κ)) e^{−ikμ}/2π, truncated at K.</summary>
    public static CircleDensity VonMises(double mean, double kappa, int maxWavenumber)
    {
        var c = new Complex[maxWavenumber + 1];
        double i0 = MeanField.Core.Bessel.ScaledI(0, kappa);
        for (int k = 0; k <= maxWavenumber; k++)
            c[k] = MeanField.Core.Bessel.ScaledI(k, kappa) / i0 * Complex.FromPolarCoordinates(1, -k * mean) / (2 * Math.PI);
        return new CircleDensity(c);
    }

    /// <summary>ρ(θ).</summary>
    public double Density(double theta) => Evaluate(theta).Density;

    /// <summary>F(θ) = ∫_0^θ ρ = ρ̂_0 θ + Σ_{k≠0} ρ̂_k (e^{ikθ} − 1)/(ik), for θ ∈ [0, 2π] (F(2π) = 1).</summary>
    public double Cdf(double theta) => Evaluate(theta).Cdf;

    /// <summary>F(θ) and ρ(θ) in one pass (e^{ikθ} by repeated multiplication: error grows like k ulp).</summary>
    public (double Cdf, double Density) Evaluate(double theta)
    {
        var (s, c) = Math.SinCos(theta);
        var z = new Complex(c, s);
        var zk = Complex.One;
        double cdf = _c[0].Real * theta, rho = _c[0].Real;
        for (int k = 1; k < _c.Length; k++)
        {
            zk *= z;
            // 2 Re(ρ̂_k (e^{ikθ} − 1)/(ik)) and 2 Re(ρ̂_k e^{ikθ}).
            var t = _c[k] * (zk - Complex.One);
            cdf += 2 * t.Imaginary / k;
            rho += 2 * (_c[k] * zk).Real;
        }
        return (cdf, rho);
    }

    /// <summary>Quantiles F^{−1}(u) for increasing levels u (a monotone sweep of safeguarded Newton steps, each started
    /// from the previous quantile). Assumes ρ ≥ 0; where ρ undershoots, the result is a root of F = u, not necessarily
    /// the smallest.</summary>
    internal double[] Quantiles(ReadOnlySpan<double> levels)
    {
        var q = new double[levels.Length];
        double lo = 0;
        for (int i = 0; i < levels.Length; i++)
        {
            double u = levels[i];
            double a = lo, b = 2 * Math.PI;
            double x = Math.Min(Math.Max(lo + (u - Cdf(lo)) * 2 * Math.PI, a), b);
            for (int it = 0; it < 200; it++)
            {
                var (f, d) = Evaluate(x);
                double g = f - u;
                if (g < 0) a = x; else b = x;
                double next = d > 0 ? x - g / d : double.NaN;
                if (!(next > a && next < b)) next = 0.5 * (a + b);
                // Quadratic convergence: a step of 1e−14 leaves an error far below the rounding of F (~1e−16/ρ).
                if (Math.Abs(next - x) <= 1e-14 || b - a <= 4e-16 * Math.Max(1.0, x)) { x = next; break; }
                x = next;
            }
            q[i] = x;
            lo = x;
        }
        return q;
    }
}
