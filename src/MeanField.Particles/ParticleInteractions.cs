using MeanField.Core;
namespace MeanField.Particles;

/// <summary>Chooses and builds the interaction evaluator named by particles.interaction.</summary>
public static class ParticleInteractions
{
    public static readonly IReadOnlyList<string> Kinds = ["auto", "dense", "spectral"];

    /// <summary>Whether spectral summation applies: identity case (no Q, K; V = I or V = −I) on a manifold that has a spectral
    /// sum (the circle: Fourier; S²: spherical harmonics). d ≥ 4 uses dense.</summary>
    public static bool SpectralAvailable(ParticleModel model) => model.Manifold.HasSpectralSum(model);

    /// <summary>Whether auto picks spectral for this model and N (the manifold's cost model, <see cref="ParticleManifold.SpectralIsCheaper"/>).</summary>
    public static bool AutoPicksSpectral(ParticleModel model, int count, double tolerance) =>
        SpectralAvailable(model) && model.Manifold.SpectralIsCheaper(model, count, tolerance);

    /// <summary>auto: spectral when available and cheaper (<see cref="AutoPicksSpectral"/>), else dense (exact).</summary>
    public static IParticleInteraction Create(ParticleModel model, int count, string kind, double tolerance, int threads = 0)
    {
        switch (kind)
        {
            case "dense":
                return new DenseInteraction(model, count, threads);
            case "spectral":
                if (!SpectralAvailable(model))
                    throw new ArgumentException("spectral summation is implemented for the identity case (no query/key; value absent or −I) on the circle (dimension 2) and on S² (dimension 3) only; use dense.");
                return model.Manifold.CreateSpectralSum(model, count, tolerance, threads);
            case "auto":
                return AutoPicksSpectral(model, count, tolerance)
                    ? model.Manifold.CreateSpectralSum(model, count, tolerance, threads)
                    : new DenseInteraction(model, count, threads);
            default:
                throw new ArgumentException($"interaction '{kind}' is not one of: {string.Join(", ", Kinds)}.", nameof(kind));
        }
    }
}
