using MeanField.Core.Noise;
using MeanField.IO.Config;
using MeanField.Particles.Noise;

namespace MeanField.Runs;

/// <summary>
/// Builds the particles' common-noise sampler from model.common_noise (MATH §2.2–2.3, §3.3): sampler harmonic on S¹ (d = 2)
/// and S² (d = 3) uses the Karhunen–Loève fields and the <see cref="CommonNoisePath"/> (seed, components, dt) an SPDE with the
/// same config draws, so both see one Brownian path; sampler mlp draws the random MLP layer of width `width` (any d).
/// </summary>
public static class ParticleCommonNoise
{
    /// <summary>The circle field: kind mlp → the stationary field of the MLP kernel (d = 2) truncated at `modes`; kind fields → the rows [m, a_cos, a_sin].</summary>
    public static CircleNoiseField CircleField(CommonNoiseConfig c)
    {
        if (c.Kind == "mlp") return CircleNoiseField.FromKernel(Kernel(c, 2).Kappa, c.Modes);
        int top = c.Amplitudes.Max(r => (int)r[0]);
        var cos = new double[top + 1];
        var sin = new double[top + 1];
        foreach (var row in c.Amplitudes)
        {
            cos[(int)row[0]] = row[1];
            sin[(int)row[0]] = row[2];
        }
        return new CircleNoiseField(cos, sin);
    }

    /// <summary>The S² field: kind mlp → C_n of the MLP kernel (d = 3) up to degree `modes`; kind fields → the rows [n, C_n].</summary>
    public static SphereNoiseField SphereField(CommonNoiseConfig c)
    {
        if (c.Kind == "mlp") return SphereNoiseField.FromKernel(Kernel(c, 3).Kappa, c.Modes);
        int top = c.Amplitudes.Max(r => (int)r[0]);
        var variances = new double[top + 1];
        foreach (var row in c.Amplitudes) variances[(int)row[0]] = row[1];
        return new SphereNoiseField(variances);
    }

    public static MlpNoiseKernel Kernel(CommonNoiseConfig c, int dimension) => new(c.Activation, dimension, c.SigmaU, c.SigmaW);

    /// <summary>The sampler for a particle run with step dt, or null without common noise.</summary>
    public static ICommonNoiseSampler? Create(RunConfig config, double dt, string configPath)
    {
        var c = config.Model.CommonNoise;
        if (c is null) return null;
        int d = config.Dimension;
        int threads = config.Particles.Threads;
        if (c.Sampler == "mlp")
            return new MlpNoiseSampler(c.Activation, d, c.Width, c.SigmaU, c.SigmaW, config.Seed, dt, threads: threads);
        switch (d)
        {
            case 2:
            {
                var field = CircleField(c);
                return new CircleHarmonicSampler(field, new CommonNoisePath(config.Seed, field.Components, dt));
            }
            case 3:
            {
                var field = SphereField(c);
                return new SphereHarmonicSampler(field, new CommonNoisePath(config.Seed, field.Components, dt), threads);
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
