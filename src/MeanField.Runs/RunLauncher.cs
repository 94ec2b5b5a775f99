using MeanField.IO.Config;

namespace MeanField.Runs;

/// <summary>`meanfield run`: picks the run for the config — an ensemble over noise paths, or one path of the spectral solver, the particles, or both.</summary>
public static class RunLauncher
{
    public static RunResult Execute(RunConfig config, RunOptions options) =>
        config.Ensemble.Paths > 1 ? EnsembleRun.Execute(config, options, ExecutePath) : ExecutePath(config, options);

    private static RunResult ExecutePath(RunConfig config, RunOptions options) => config.Solver.Kind switch
    {
        SolverKind.Particles => ParticleRun.Execute(config, options),
        SolverKind.Both => CoupledRun.Execute(config, options),
        _ => SpectralRun.Execute(config, options),
    };
}
