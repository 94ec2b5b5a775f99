using System.Numerics;

namespace MeanField.Particles;

/// <summary>Observables of a particle configuration (positions row-major N×d).</summary>
public static class ParticleDiagnostics
{
    /// <summary>
    /// E = (1/(2βN²)) Σ_{i,j} e^{β⟨Q x_i, K x_j⟩} (MATH §2.5; identity case: Q = K = I) from the per-particle mean weights
    /// (1/N) Σ_j e^{β⟨Q x_i, K x_j⟩} that <see cref="IParticleInteraction.Evaluate"/> returns.
    /// </summary>
    public static double Energy(ReadOnlySpan<double> meanWeights, double beta)
    {
        double s = 0;
        foreach (double w in meanWeights) s += w;
        return s / (2 * beta * meanWeights.Length);
    }

    /// <summary>
    /// P3's energy 𝓔_β = ½ (e^β − (1/N²) Σ_{i,j} e^{β⟨x_i,x_j⟩}) (MATH §3.2, §5; always the identity kernel), summed
    /// as ½ e^β (1/N²) Σ_{i,j} (1 − e^{−β|x_i − x_j|²/2}): for unit vectors 1 − ⟨x_i,x_j⟩ = |x_i − x_j|²/2, which keeps full
    /// relative precision near synchronisation where e^β − e^{β⟨x_i,x_j⟩} would cancel. Cost N²d/2.
    /// </summary>
    public static double P3Energy(ReadOnlySpan<double> x, int d, double beta)
    {
        int n = x.Length / d;
        if (n == 0) return 0;
        double sum = 0;
        for (int i = 0; i < n; i++)
        {
            var xi = x.Slice(i * d, d);
            double row = 0;
            for (int j = i + 1; j < n; j++)
            {
                var xj = x.Slice(j * d, d);
                double dist2 = 0;
                for (int c = 0; c < d; c++)
                {
                    double t = xi[c] - xj[c];
                    dist2 += t * t;
                }
                row -= double.ExpM1(-0.5 * beta * dist2);
            }
            sum += row;
        }
        return Math.Exp(beta) * sum / ((double)n * n);   // ½ × 2 (each unordered pair counted once)
    }

    /// <summary>𝓔_β = ½ e^β − β E_β from the GLPR energy E_β = (1/(2βN²)) Σ e^{β⟨x_i,x_j⟩} (MATH §3.2): O(1) when E_β is known
    /// (identity case), but it loses relative precision as 𝓔_β → 0 (absolute error ≈ 1e-16 e^β).</summary>
    public static double P3EnergyFromEnergy(double energy, double beta) => 0.5 * Math.Exp(beta) - beta * energy;

    /// <summary>
    /// Pairwise cosine statistics over pairs i ≠ j: the mean (|Σ x_i|² − N)/(N(N−1)) over all N (O(Nd)); the minimum and the
    /// fraction of pairs with ⟨x_i,x_j⟩ &gt; 1 − ε over the first min(N, <paramref name="pairLimit"/>) particles (O(pairLimit²d);
    /// particles are exchangeable, so for larger N this is a subsample). NaN for N &lt; 2.
    /// </summary>
    public static PairwiseCosines Cosines(ReadOnlySpan<double> x, int d, double epsilon, int pairLimit = PairwiseCosines.DefaultPairLimit)
    {
        int n = x.Length / d;
        if (n < 2) return new PairwiseCosines(double.NaN, double.NaN, double.NaN, n);
        Span<double> total = d <= 1024 ? stackalloc double[d] : new double[d];
        total.Clear();
        for (int i = 0; i < n; i++)
            for (int c = 0; c < d; c++) total[c] += x[i * d + c];
        double squared = 0;
        foreach (double t in total) squared += t * t;
        double mean = (squared - n) / ((double)n * (n - 1));

        int m = Math.Min(n, pairLimit);
        double min = double.PositiveInfinity, threshold = 1 - epsilon;
        long close = 0;
        for (int i = 0; i < m; i++)
        {
            var xi = x.Slice(i * d, d);
            for (int j = i + 1; j < m; j++)
            {
                var xj = x.Slice(j * d, d);
                double dot = 0;
                for (int c = 0; c < d; c++) dot += xi[c] * xj[c];
                if (dot < min) min = dot;
                if (dot > threshold) close++;
            }
        }
        return new PairwiseCosines(mean, min, close / (m * (m - 1) / 2.0), m);
    }

    /// <summary>
    /// c̃_k = (1/2π)(1/N) Σ_j e^{−ikθ_j}, k = 0..count−1: the empirical measure's Fourier coefficients with the PDE's
    /// normalisation ρ̂_k = (1/2π) ∫ ρ e^{−ikθ} dθ (so c̃_0 = 1/2π). Circle only.
    /// </summary>
    public static Complex[] EmpiricalModes(ReadOnlySpan<double> x, int count)
    {
        int n = x.Length / 2;
        var sums = new Complex[count];
        for (int j = 0; j < n; j++)
        {
            double r = Math.Sqrt(x[2 * j] * x[2 * j] + x[2 * j + 1] * x[2 * j + 1]);
            var z = new Complex(x[2 * j] / r, -x[2 * j + 1] / r);
            var p = Complex.One;
            for (int k = 0; k < count; k++)
            {
                sums[k] += p;
                p *= z;
            }
        }
        for (int k = 0; k < count; k++) sums[k] /= 2 * Math.PI * n;
        return sums;
    }

    /// <summary>θ_i ∈ [0, 2π) of every stride-th particle (circle).</summary>
    public static double[] Angles(ReadOnlySpan<double> x, int stride)
    {
        int n = x.Length / 2;
        var theta = new double[(n + stride - 1) / stride];
        for (int i = 0, w = 0; i < n; i += stride, w++)
        {
            double t = Math.Atan2(x[2 * i + 1], x[2 * i]);
            theta[w] = t < 0 ? t + 2 * Math.PI : t;
        }
        return theta;
    }

    /// <summary>(1/N) Σ_i θ̇_i with θ̇_i = x_{i,0} ẋ_{i,1} − x_{i,1} ẋ_{i,0}: the rate of the mean lifted angle (0 for USA, MATH §2.5).</summary>
    public static double NetFlux(ReadOnlySpan<double> x, ReadOnlySpan<double> drift)
    {
        int n = x.Length / 2;
        double s = 0;
        for (int i = 0; i < n; i++) s += x[2 * i] * drift[2 * i + 1] - x[2 * i + 1] * drift[2 * i];
        return s / n;
    }

    /// <summary>‖(1/N) Σ_i (ẋ_i x_iᵀ − x_i ẋ_iᵀ)‖_F: the total angular velocity, 0 for USA (MATH §2.5, §10 row 19). Cost N·d².</summary>
    public static double RotationRate(ReadOnlySpan<double> x, ReadOnlySpan<double> drift, int d)
    {
        int n = x.Length / d;
        var m = new double[d * d];
        for (int i = 0; i < n; i++)
        {
            var xi = x.Slice(i * d, d);
            var vi = drift.Slice(i * d, d);
            for (int a = 0; a < d; a++)
            for (int b = a + 1; b < d; b++)
                m[a * d + b] += vi[a] * xi[b] - xi[a] * vi[b];
        }
        double s = 0;
        foreach (double v in m) s += v * v;
        return Math.Sqrt(2 * s) / n;   // the matrix is antisymmetric: both triangles count
    }

    /// <summary>
    /// Number of connected components of the graph with an edge i–j when ⟨x_i, x_j⟩ &gt; 1 − ε, by the manifold's method
    /// (<see cref="ParticleManifold.ClusterCount"/>: sorted angles on the circle, a coordinate sweep with union–find otherwise).
    /// </summary>
    public static int ClusterCount(ReadOnlySpan<double> x, int d, double epsilon) => ParticleManifold.For(d).ClusterCount(x, epsilon);
}

/// <summary>Pairwise cosine statistics (<see cref="ParticleDiagnostics.Cosines"/>); Min and CloseFraction over the first Sampled particles.</summary>
public readonly record struct PairwiseCosines(double Mean, double Min, double CloseFraction, int Sampled)
{
    /// <summary>Particles whose pairs enter the minimum and the close fraction: 4096² d/2 ≈ 8·10⁶ d multiply–adds per write.</summary>
    public const int DefaultPairLimit = 4096;
}
