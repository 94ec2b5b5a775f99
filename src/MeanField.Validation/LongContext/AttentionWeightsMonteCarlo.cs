namespace MeanField.Validation.LongContext;

/// <summary>
/// E[w_max] and E[Σ_j w_j²] of the softmax weights w_j = e^{β⟨q,K_j⟩}/Σ_k e^{β⟨q,K_k⟩}, with Monte Carlo standard
/// errors: for n uniform keys at β = c·n^{2/(d−1)} (<see cref="AttentionWeightsMonteCarlo"/>), or in the Poisson limit
/// n → ∞ (<see cref="PoissonLimitMonteCarlo"/>; then <see cref="KeyCount"/> and <see cref="Beta"/> are null).
/// </summary>
/// <param name="Dimension">d.</param>
/// <param name="C">c in β_n = c·n^{2/(d−1)}.</param>
/// <param name="KeyCount">n (null: the Poisson limit).</param>
/// <param name="Beta">β_n (null: the Poisson limit).</param>
/// <param name="Trials">Independent samples averaged.</param>
/// <param name="MeanMaxWeight">Sample mean of w_max.</param>
/// <param name="MaxWeightStandardError">Its standard error (sample sd/√trials).</param>
/// <param name="MeanSumOfSquares">Sample mean of Σ w_j² (the inverse effective number of keys).</param>
/// <param name="SumOfSquaresStandardError">Its standard error.</param>
public sealed record AttentionWeightStatistics(int Dimension, double C, int? KeyCount, double? Beta, int Trials,
    double MeanMaxWeight, double MaxWeightStandardError, double MeanSumOfSquares, double SumOfSquaresStandardError);

/// <summary>
/// Monte Carlo of the softmax weights of n iid uniform keys on S^{d−1} for a fixed query at the critical scaling
/// β_n = c·n^{2/(d−1)} (MATH §8). Each trial draws D_j = 1 − ⟨q, K_j⟩ from its 1-D law (<see cref="KeySampling"/>) once
/// and evaluates every c on the same keys (common random numbers across c). Weights are computed relative to the
/// nearest key (log-sum-exp): with S_p = Σ_j e^{−pβ(D_j − D_min)}, w_max = 1/S_1 and Σ w² = S_2/S_1².
/// Reproducible: trial i uses its own Philox stream, so the result does not depend on the thread count.
/// </summary>
public static class AttentionWeightsMonteCarlo
{
    private const int StreamKind = 1;

    /// <param name="dimension">d ≥ 2.</param>
    /// <param name="keyCount">n ≥ 1.</param>
    /// <param name="cs">The constants c &gt; 0.</param>
    /// <param name="trials">Independent trials (≥ 2 for a standard error).</param>
    /// <param name="seed">Seed of the Philox streams.</param>
    /// <returns>One record per c, in the order given.</returns>
    public static IReadOnlyList<AttentionWeightStatistics> Run(int dimension, int keyCount, IReadOnlyList<double> cs, int trials, ulong seed)
    {
        LongContextTheory.CheckDimension(dimension);
        if (keyCount < 1) throw new ArgumentOutOfRangeException(nameof(keyCount), keyCount, "n must be ≥ 1.");
        CheckTrials(trials);
        var betas = cs.Select(c => LongContextTheory.CriticalBeta(dimension, c, keyCount)).ToArray();
        var maxWeight = new double[betas.Length, trials];
        var sumSquares = new double[betas.Length, trials];
        Parallel.For(0, trials, () => new double[keyCount], (trial, _, distances) =>
        {
            KeySampling.SampleDistances(KeySampling.StreamFor(seed, StreamKind, dimension, keyCount, trial), dimension, distances);
            double min = double.PositiveInfinity;
            foreach (double v in distances) min = Math.Min(min, v);
            for (int b = 0; b < betas.Length; b++)
            {
                var (wMax, sumSq) = WeightMoments(distances, betas[b], min);
                maxWeight[b, trial] = wMax;
                sumSquares[b, trial] = sumSq;
            }
            return distances;
        }, _ => { });
        return [.. betas.Select((beta, b) => Summarise(dimension, cs[b], keyCount, beta, maxWeight, sumSquares, b))];
    }

    /// <summary>(w_max, Σ w²) for weights ∝ e^{−scale·(x_j − min)}; min must be the smallest x_j.</summary>
    internal static (double MaxWeight, double SumOfSquares) WeightMoments(ReadOnlySpan<double> x, double scale, double min)
    {
        double s1 = 0, s2 = 0;
        foreach (double v in x)
        {
            double e = Math.Exp(-scale * (v - min));
            s1 += e;
            s2 += e * e;
        }
        return (1 / s1, s2 / (s1 * s1));
    }

    internal static AttentionWeightStatistics Summarise(int dimension, double c, int? keyCount, double? beta,
        double[,] maxWeight, double[,] sumSquares, int row)
    {
        var (mw, mwSe) = MeanAndStandardError(maxWeight, row);
        var (ss, ssSe) = MeanAndStandardError(sumSquares, row);
        return new AttentionWeightStatistics(dimension, c, keyCount, beta, maxWeight.GetLength(1), mw, mwSe, ss, ssSe);
    }

    /// <summary>Sample mean and sd/√m of row <paramref name="row"/>, summed in index order (deterministic).</summary>
    internal static (double Mean, double StandardError) MeanAndStandardError(double[,] values, int row)
    {
        int m = values.GetLength(1);
        double mean = 0;
        for (int i = 0; i < m; i++) mean += values[row, i];
        mean /= m;
        if (m < 2) return (mean, double.NaN);
        double ss = 0;
        for (int i = 0; i < m; i++) ss += (values[row, i] - mean) * (values[row, i] - mean);
        return (mean, Math.Sqrt(ss / (m - 1) / m));
    }

    internal static void CheckTrials(int trials)
    {
        if (trials < 1) throw new ArgumentOutOfRangeException(nameof(trials), trials, "trials must be ≥ 1.");
    }
}

/// <summary>
/// The n → ∞ limit of <see cref="AttentionWeightsMonteCarlo"/> simulated directly (MATH §8): {n^{1/α} D_j} tends to a
/// Poisson process with mean measure a_d s^α, whose ordered points are ξ_k = (Γ_k/a_d)^{1/α} (Γ_k partial sums of
/// Exp(1)), and w_(k) → e^{−cξ_k}/Σ_l e^{−cξ_l}. An independent check of MATH's Poisson-limit table. Points are added
/// until c_min(ξ_k − ξ_1) exceeds <see cref="Cutoff"/>; the neglected tail is below e^{−Cutoff}·poly(ξ), far under
/// the Monte Carlo error.
/// </summary>
public static class PoissonLimitMonteCarlo
{
    /// <summary>c(ξ_K − ξ_1) at which the sum stops.</summary>
    public const double Cutoff = 45;

    private const int StreamKind = 2;

    /// <returns>One record per c (KeyCount and Beta null), in the order given.</returns>
    public static IReadOnlyList<AttentionWeightStatistics> Run(int dimension, IReadOnlyList<double> cs, int samples, ulong seed)
    {
        double alpha = LongContextTheory.LocalExponent(dimension);
        double a = LongContextTheory.LocalConstant(dimension);
        AttentionWeightsMonteCarlo.CheckTrials(samples);
        if (cs.Count == 0 || cs.Any(c => !(c > 0) || !double.IsFinite(c))) throw new ArgumentException("every c must be positive and finite.", nameof(cs));
        double cMin = cs.Min();
        var maxWeight = new double[cs.Count, samples];
        var sumSquares = new double[cs.Count, samples];
        Parallel.For(0, samples, () => new List<double>(), (sample, _, xi) =>
        {
            xi.Clear();
            var rng = KeySampling.StreamFor(seed, StreamKind, dimension, 0, sample);
            double gamma = 0;
            do
            {
                gamma -= Math.Log(rng.NextDoubleOpen());
                xi.Add(Math.Pow(gamma / a, 1 / alpha));
            } while (cMin * (xi[^1] - xi[0]) <= Cutoff);
            var points = System.Runtime.InteropServices.CollectionsMarshal.AsSpan(xi);
            for (int b = 0; b < cs.Count; b++)
            {
                var (wMax, sumSq) = AttentionWeightsMonteCarlo.WeightMoments(points, cs[b], points[0]);
                maxWeight[b, sample] = wMax;
                sumSquares[b, sample] = sumSq;
            }
            return xi;
        }, _ => { });
        return [.. cs.Select((c, b) => AttentionWeightsMonteCarlo.Summarise(dimension, c, null, null, maxWeight, sumSquares, b))];
    }

    /// <summary>
    /// MATH §8's Poisson-limit table (E[w_max], E[Σ w²]) for d ∈ {2, 3, 4} and c ∈ {0.1, 0.3, 1, 3}, quoted with its
    /// stated Monte Carlo error of about 0.005–0.01; null elsewhere.
    /// </summary>
    public static (double MaxWeight, double SumOfSquares)? ReferenceTable(int dimension, double c)
    {
        int column = Array.IndexOf(TableCs, c);
        if (column < 0 || dimension < 2 || dimension > 4) return null;
        return Table[dimension - 2][column];
    }

    /// <summary>The Monte Carlo error MATH §8 states for its table (upper end).</summary>
    public const double ReferenceTableError = 0.01;

    private static readonly double[] TableCs = [0.1, 0.3, 1, 3];

    private static readonly (double, double)[][] Table =
    [
        [(0.653, 0.571), (0.806, 0.750), (0.913, 0.884), (0.958, 0.943)],
        [(0.179, 0.103), (0.421, 0.295), (0.730, 0.637), (0.893, 0.849)],
        [(0.035, 0.014), (0.151, 0.072), (0.489, 0.348), (0.789, 0.707)],
    ];
}
