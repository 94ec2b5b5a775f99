using MeanField.Core;
using MeanField.IO.Config;

namespace MeanField.Runs.InitialLaws;

/// <summary>The one place where config.initial becomes an <see cref="InitialLaw"/>.</summary>
public static class InitialLawMapping
{
    public static InitialLaw FromConfig(InitialConfig initial, ulong seed) => initial.Kind switch
    {
        InitialKind.Uniform => new UniformLaw(seed),
        InitialKind.PerturbedUniform => new PerturbedUniformLaw(initial.Amplitude, initial.Modes, seed),
        InitialKind.VonMises => new VonMisesMixtureLaw(initial.Components, seed),
        InitialKind.Fourier => new FourierLaw(initial.Coefficients, seed),
        InitialKind.Harmonics => new HarmonicsLaw(initial.Harmonics, seed),
        InitialKind.Gegenbauer => new GegenbauerLaw(initial.Coefficients, seed),
        InitialKind.Equiangular => new EquiangularLaw(initial.Rho0, seed),
        InitialKind.FromFile => new FromFileLaw(initial.File, initial.Dataset, seed),
        _ => throw new ConfigException($"initial.kind: '{initial.Kind.Name()}' has no law"),
    };

    public static InitialLaw FromConfig(RunConfig config) => FromConfig(config.Initial, config.Seed);

    /// <summary>config.initial → N×d starting positions, N = particles.count (default 1000) or the file's row count.</summary>
    public static double[] ParticlePositions(RunConfig config, string configPath)
    {
        var law = FromConfig(config);
        return law.Sample(law.ParticleCount(config.Particles.Count), config.Dimension, configPath);
    }
}
