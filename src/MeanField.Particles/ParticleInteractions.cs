using MeanField.Core;
namespace MeanField.Particles;

/// <summary>Chooses and builds the interaction evaluator named by particles.interaction.</summary>
public static class ParticleInteractions
{
    public static readonly IReadOnlyList<string> Kinds = ["auto", "dense", "spectral"];

    /// <summary>Whether spectral summation applies: identity case (no Q, K; V = I or V = −I) on the circle (Fourier) or on S²
    /// (spherical harmonics). d ≥ 4 uses dense.</summary>
    public static bool SpectralAvailable(ParticleModel model) => model.IsSignedIdentityCase && model.Dimension is 2 or 3;

    /// <summary>
    /// auto on S²: a spectral evaluation costs about 0.6 dense pair interactions per particle and (l, m) pair (measured
    /// single-threaded at N = 4000–16000, β = 50, L ≈ 66: 1.1 ns per particle·(l, m) against 1.7–1.8 ns per dense pair), so
    /// with the margin SphereCostPerPair = 1 spectral is chosen when N &gt; (L+1)(L+2)/2, i.e. N·L²/2 &lt; N² dense pairs.
    /// </summary>
    public const double SphereCostPerPair = 1.0;

    /// <summary>Whether auto picks spectral for this model and N (and which evaluator that would be).</summary>
    public static bool AutoPicksSpectral(ParticleModel model, int count, double tolerance)
    {
        if (!SpectralAvailable(model)) return false;
        if (model.Dimension == 2) return count > 2 * CircleSpectralInteraction.ModesFor(model.Beta, tolerance, count);
        return count > SphereCostPerPair * SphericalHarmonics.CountFor(SphereSpectralInteraction.DegreeFor(model.Beta, tolerance, count));
    }

    /// <summary>
    /// auto: spectral when available and cheaper (<see cref="AutoPicksSpectral"/>). On the circle, per particle, a spectral evaluation costs about as much as 0.5–1·K dense
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
                    throw new ArgumentException("spectral summation is implemented for the identity case (no query/key; value absent or −I) on the circle (dimension 2) and on S² (dimension 3) only; use dense.");
                return Spectral(model, count, tolerance, threads);
            case "auto":
                return AutoPicksSpectral(model, count, tolerance)
                    ? Spectral(model, count, tolerance, threads)
                    : new DenseInteraction(model, count, threads);
            default:
                throw new ArgumentException($"interaction '{kind}' is not one of: {string.Join(", ", Kinds)}.", nameof(kind));
        }
    }

    private static IParticleInteraction Spectral(ParticleModel model, int count, double tolerance, int threads) =>
        model.Dimension == 2
            ? new CircleSpectralInteraction(model, count, tolerance, threads)
            : new SphereSpectralInteraction(model, count, tolerance, threads);
}
