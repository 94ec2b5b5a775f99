using MeanField.IO.Config;

namespace MeanField.Runs;

/// <summary>`meanfield run` with solver.kind particles: <see cref="ParticleDynamics"/> (or <see cref="ReplicaDynamics"/> for particles.replicas &gt; 1) through <see cref="Simulation.Run"/>.</summary>
internal static class ParticleRun
{
    /// <summary>Empirical Fourier modes written per output on the circle (k = 0..32, as the PDE's fourier_modes).</summary>
    public const int WrittenModes = CircleRunField.WrittenModes;

    /// <summary>Particles above this count take 𝓔_β from the interaction's energy unless it has cancelled (<see cref="ParticleDynamics"/>).</summary>
    public const int DenseP3EnergyLimit = ParticleDynamics.DenseP3EnergyLimit;

    public static RunResult Execute(RunConfig config, RunOptions options)
    {
        if (config.Particles.Replicas > 1)
        {
            var replicas = new ReplicaDynamics(config, options);
            return Simulation.Run(replicas.Config, replicas, options);
        }
        var dynamics = new ParticleDynamics(config, options);
        return Simulation.Run(dynamics.Config, dynamics, options);
    }
}
