using MeanField.Core.Noise;
using MeanField.IO.Config;
using MeanField.Particles.Noise;

namespace MeanField.Runs;

/// <summary>
/// Builds the particles' common-noise sampler from model.common_noise (MATH §2.2–2.3, §3.3): sampler harmonic on S¹ (d = 2)
/// and S² (d = 3) uses the Karhunen–Loève fields and the <see cref="CommonNoisePath"/> (seed, components, dt) an SPDE with the
/// same config draws, so both see one Brownian path; sampler mlp draws the random MLP layer of width `width` (any d).
/// </summary>
internal static class ParticleCommonNoise
{
    /// <summary>The sampler for a particle run with step dt, or null without common noise.</summary>
    public static ICommonNoiseSampler? Create(RunConfig config, double dt, string configPath, int noisePath = 0)
    {
        var c = config.Model.CommonNoise;
        if (c is null) return null;
        int d = config.Dimension;
        int threads = config.Particles.Threads;
        if (c.Sampler == NoiseSampler.Mlp)
            return new MlpNoiseSampler(c.Activation, d, c.Width, c.SigmaU, c.SigmaW, config.Seed, dt, noisePath, threads);
        switch (d)
        {
            case 2:
            {
                var field = CommonNoiseFields.Circle(c);
                return new CircleHarmonicSampler(field, new CommonNoisePath(config.Seed, field.Components, dt, noisePath));
            }
            case 3:
            {
                var field = CommonNoiseFields.Sphere(c);
                return new SphereHarmonicSampler(field, new CommonNoisePath(config.Seed, field.Components, dt, noisePath), threads);
            }
            default:
                throw new ConfigException($"{configPath}: model.common_noise.sampler: harmonic is implemented on S¹ and S² only; dimension is {d}: use sampler mlp");
        }
    }

    /// <summary>The harmonic sampler's path (for /tasks/noise_increments), or null for the MLP sampler.</summary>
    public static CommonNoisePath? Path(ICommonNoiseSampler? sampler) => sampler switch
    {
        CircleHarmonicSampler s => s.Path,
        SphereHarmonicSampler s => s.Path,
        _ => null,
    };
}
