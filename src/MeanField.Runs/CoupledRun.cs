using MeanField.IO.Config;
using MeanField.IO.Output;

namespace MeanField.Runs;

/// <summary>
/// solver.kind: both — the PDE/SPDE and the particle system from the same initial law, on one common-noise path,
/// advanced together through <see cref="Simulation.Run"/> as one <see cref="CoupledDynamics"/>, in one file, with their
/// distance at every write: what conditional propagation of chaos is checked on (MATH §3.3).
/// </summary>
/// <remarks>
/// The PDE's tasks keep their names, the particles' get the prefix particle_, and /tasks/noise_increments, which both
/// draw, must agree bit for bit at every write (checked: it proves the path is shared). With common noise the
/// particles step with solver.dt, the SPDE's step, because the path is keyed by step on that grid. The distances are
/// the geometry's (<see cref="IRunField.ParticleDistance"/>): circle, the exact W1 between the PDE density and the
/// empirical measure of the written particles and the L² norm of the difference of the projections on modes |k| ≤ 32;
/// S², the L² norm of the difference of the projections on degrees ≤ min(lmax, output.harmonic_degree).
/// </remarks>
internal static class CoupledRun
{
    public static RunResult Execute(RunConfig config, RunOptions options)
    {
        string where = options.ConfigPath;
        if (options.Resume)
            throw new ConfigException($"{where}: --resume is not supported for solver.kind both; rerun (both runs are reproducible from the seed)");
        if (!config.Output.Positions)
            throw new ConfigException($"{where}: output.positions: solver.kind both compares the PDE with the written particle positions; set output.positions: true");
        var pdeConfig = config with { Solver = config.Solver with { Kind = SolverKind.Spectral } };
        var particleConfig = config with { Solver = config.Solver with { Kind = SolverKind.Particles } };
        using var field = SpectralRun.CreateField(pdeConfig, where, options.NoisePath);
        var pde = new SpectralDynamics(pdeConfig, field);
        var particles = new ParticleDynamics(particleConfig, options, config.Model.CommonNoise is null ? null : config.Solver.Dt);
        using var coupled = new CoupledDynamics(config, pde, particles);
        return Simulation.Run(config with { Particles = config.Particles with { Count = particles.Count } }, coupled, options);
    }
}
