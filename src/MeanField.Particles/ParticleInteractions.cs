namespace MeanField.Particles;

/// <summary>Chooses and builds the interaction evaluator named by particles.interaction.</summary>
public static class ParticleInteractions
{
    public static readonly IReadOnlyList<string> Kinds = ["auto", "dense", "spectral"];

    /// <summary>Whether spectral summation applies: identity case (no Q, K, V) on the circle. d ≥ 3 uses dense.</summary>
    public static bool SpectralAvailable(ParticleModel model) => model.IsIdentityCase && model.Dimension == 2;

    /// <summary>
    /// auto: spectral when available and cheaper. Per particle, a spectral evaluation costs about as much as 0.5–1·K dense
    /// pairs (measured, docs/performance.md), so N &gt; 2K is a safe threshold for spectral to be cheaper; below it both cost
    /// microseconds, and dense (exact) is chosen.
    /// </summary>
    public static IParticleInteraction Create(ParticleModel model, int count, string kind, double tolerance, int threads = 0)
    {
        switch (kind)
        {
            case "dense":
                return new DenseInteraction(model, count, threads);
            case "spectral":
                if (!SpectralAvailable(model))
                    throw new ArgumentException("spectral summation is implemented for the identity case (no query/key/value) on the circle (dimension 2) only; use dense.");
                return new CircleSpectralInteraction(model, count, tolerance, threads);
            case "auto":
                if (SpectralAvailable(model) && count > 2 * CircleSpectralInteraction.ModesFor(model.Beta, tolerance, count))
                    return new CircleSpectralInteraction(model, count, tolerance, threads);
                return new DenseInteraction(model, count, threads);
            default:
                throw new ArgumentException($"interaction '{kind}' is not one of: {string.Join(", ", Kinds)}.", nameof(kind));
        }
    }
}
