namespace MeanField.Validation.LongContext;

/// <summary>
/// Monte Carlo of the attention output O = Σ_j w_j K_j (V = I) for n uniform keys at a fixed β (MATH §8, subcritical
/// regime 1 ≪ β ≪ n^{2/(d−1)}).
/// </summary>
/// <param name="Dimension">d.</param>
/// <param name="Beta">β.</param>
/// <param name="KeyCount">n.</param>
/// <param name="Trials">Independent trials.</param>
/// <param name="MeanRadial">Sample mean of ⟨q, O⟩ (→ A_d(β) as n → ∞).</param>
/// <param name="RadialStandardError">Its standard error.</param>
/// <param name="TangentialVariance">Sample mean of |P_q O|²/(d−1): the variance per tangential direction (the mean of P_q O is 0 by symmetry).</param>
/// <param name="TangentialVarianceStandardError">Its standard error.</param>
public sealed record AttentionOutputStatistics(int Dimension, double Beta, int KeyCount, int Trials,
    double MeanRadial, double RadialStandardError, double TangentialVariance, double TangentialVarianceStandardError);

/// <summary>
/// Samples O = Σ_j w_j K_j with K_j = Z_j/|Z_j| (<see cref="KeySampling.SampleKeys"/>) and q = e_1; weights relative to
/// the nearest key (log-sum-exp). Compare with <see cref="LongContextTheory.RadialBiasQuadrature"/> and
/// <see cref="LongContextTheory.TangentialVarianceLeadingOrder"/>. Reproducible per trial, like the weight Monte Carlo.
/// </summary>
public static class AttentionOutputMonteCarlo
{
    private const int StreamKind = 3;

    public static AttentionOutputStatistics Run(int dimension, double beta, int keyCount, int trials, ulong seed)
    {
        LongContextTheory.CheckDimension(dimension);
        if (!(beta > 0) || !double.IsFinite(beta)) throw new ArgumentOutOfRangeException(nameof(beta), beta, "β must be positive and finite.");
        if (keyCount < 1) throw new ArgumentOutOfRangeException(nameof(keyCount), keyCount, "n must be ≥ 1.");
        AttentionWeightsMonteCarlo.CheckTrials(trials);
        int m = dimension - 1;
        var results = new double[2, trials];
        Parallel.For(0, trials, () => (new double[keyCount], new double[keyCount * m], new double[m]), (trial, _, buffers) =>
        {
            var (distances, tangential, output) = buffers;
            // The stream label mixes β in, so different β are independent experiments.
            var rng = KeySampling.StreamFor(seed, StreamKind, dimension, keyCount ^ BitConverter.DoubleToInt64Bits(beta), trial);
            KeySampling.SampleKeys(rng, dimension, distances, tangential);
            double min = double.PositiveInfinity;
            foreach (double v in distances) min = Math.Min(min, v);
            Array.Clear(output);
            double s = 0, radial = 0;
            for (int j = 0; j < keyCount; j++)
            {
                double e = Math.Exp(-beta * (distances[j] - min));
                s += e;
                radial += e * (1 - distances[j]);
                for (int i = 0; i < m; i++) output[i] += e * tangential[j * m + i];
            }
            double tan2 = 0;
            for (int i = 0; i < m; i++) tan2 += output[i] * output[i];
            results[0, trial] = radial / s;
            results[1, trial] = tan2 / (s * s * m);
            return buffers;
        }, _ => { });
        var (r, rSe) = AttentionWeightsMonteCarlo.MeanAndStandardError(results, 0);
        var (t, tSe) = AttentionWeightsMonteCarlo.MeanAndStandardError(results, 1);
        return new AttentionOutputStatistics(dimension, beta, keyCount, trials, r, rSe, t, tSe);
    }
}
