using System.Numerics;

namespace MeanField.Validation.Campaigns;

/// <summary>
/// Cluster detection on the circle, the same for PDE and particles: the density with Fourier coefficients ρ̂_k (ρ̂_0 = 1/2π)
/// smoothed by a wrapped Gaussian of width σ (ρ̂_k ← e^{−k²σ²/2} ρ̂_k), evaluated on a grid; clusters are the arcs
/// where it exceeds a threshold (a multiple of the uniform density 1/2π) holding at least a given mass.
/// </summary>
internal static class CircleClusters
{
    public const int Grid = 1440;

    /// <summary>The smallest K with e^{−K²σ²/2} ≤ 1e−8 (the smoothed series is then exact to that level).</summary>
    public static int ModesFor(double sigma) => (int)Math.Ceiling(Math.Sqrt(2 * Math.Log(1e8)) / sigma);

    public static double[] Smoothed(IReadOnlyList<Complex> rhoHat, double sigma, int grid = Grid)
    {
        int kmax = Math.Min(rhoHat.Count - 1, ModesFor(sigma));
        var weighted = new Complex[kmax + 1];
        for (int k = 1; k <= kmax; k++) weighted[k] = 2 * Math.Exp(-0.5 * k * k * sigma * sigma) * rhoHat[k];
        var values = new double[grid];
        for (int j = 0; j < grid; j++)
        {
            double theta = 2 * Math.PI * j / grid, v = rhoHat[0].Real;
            var z = new Complex(Math.Cos(theta), Math.Sin(theta));
            var zk = Complex.One;
            for (int k = 1; k <= kmax; k++) { zk *= z; v += (weighted[k] * zk).Real; }
            values[j] = v;
        }
        return values;
    }

    /// <summary>
    /// Clusters of the smoothed density: the arcs where it exceeds threshold/(2π) whose mass is at least
    /// <paramref name="minMass"/> (so sub-bumps on one cluster and small arcs of left-over mass do not count); each
    /// cluster's centre is the arc's maximum (parabolic interpolation). Angles in [0, 2π).
    /// </summary>
    public static double[] Clusters(double[] values, double threshold, double minMass)
    {
        int m = values.Length;
        double level = threshold / (2 * Math.PI), cell = 2 * Math.PI / m;
        int start = Array.FindIndex(values, v => v <= level);
        if (start < 0) return [];   // no gap: the density is everywhere above the level (no clusters yet)
        var centres = new List<double>();
        int j = 0;
        while (j < m)
        {
            int idx = (start + j) % m;
            if (values[idx] <= level) { j++; continue; }
            double mass = 0;
            int best = idx;
            while (j < m && values[(start + j) % m] > level)
            {
                int i = (start + j) % m;
                mass += values[i] * cell;
                if (values[i] > values[best]) best = i;
                j++;
            }
            if (mass < minMass) continue;
            double left = values[(best + m - 1) % m], mid = values[best], right = values[(best + 1) % m];
            double curvature = left - 2 * mid + right, offset = curvature < 0 ? 0.5 * (left - right) / curvature : 0;
            centres.Add(((best + offset) * cell % (2 * Math.PI) + 2 * Math.PI) % (2 * Math.PI));
        }
        return centres.ToArray();
    }

    /// <summary>k* centres (2πj + arg c)/k* from c = c_{k*}(0) = (1/N) Σ e^{i k* θ_j} = 2π conj ρ̂_{k*} (MATH §4.2).</summary>
    public static double[] PredictedCentres(Complex rhoHatKStar, int kStar)
    {
        double phase = Complex.Conjugate(rhoHatKStar).Phase;
        return Enumerable.Range(0, kStar).Select(j => ((2 * Math.PI * j + phase) / kStar % (2 * Math.PI) + 2 * Math.PI) % (2 * Math.PI)).ToArray();
    }

    /// <summary>Geodesic distance on the circle.</summary>
    public static double Distance(double a, double b)
    {
        double d = Math.Abs(Math.IEEERemainder(a - b, 2 * Math.PI));
        return d;
    }

    /// <summary>max over predicted centres of the distance to the nearest measured one (π when none was measured).</summary>
    public static double CentreError(double[] predicted, double[] measured) =>
        measured.Length == 0 ? Math.PI : predicted.Max(p => measured.Min(q => Distance(p, q)));
}
