using MeanField.IO.Config;

namespace MeanField.Runs;

/// <summary>`meanfield run`: picks the run for the config — an ensemble over noise paths, or one path of the spectral solver, the particles, or both.</summary>
public static class RunLauncher
{
    /// <summary>
    /// Takes the output directory's lock (<see cref="OutputDirectoryLock"/>: a second run there is refused), then either
    /// deletes every file of an earlier run of the same name there (a fresh run: sets of two runs never mix) or, with
    /// --resume, checks that the files there belong to one run and continues its run_id; releases the lock however it ends.
    /// </summary>
    public static RunResult Execute(RunConfig config, RunOptions options)
    {
        string runId = Guid.NewGuid().ToString("D");
        using var directoryLock = OutputDirectoryLock.Acquire(config.Output.Directory, config.Name, options.Resume ? "(resuming)" : runId,
            warning => options.Error.WriteLine($"warning: {warning}"));
        if (options.Resume)
        {
            if (config.Ensemble.Paths <= 1 && RunResume.RunIdOf(config.Output.Directory, config.Name) is { } resumed) runId = resumed;
            directoryLock.SetRunId(runId);
        }
        else
        {
            var deleted = RunDirectory.DeletePreviousRun(config.Output.Directory, config.Name);
            if (deleted.Count > 0 && !options.Quiet)
                options.Error.WriteLine($"note: deleted {deleted.Count} file(s) of an earlier run '{config.Name}' in {config.Output.Directory} " +
                                        $"({string.Join(", ", deleted.Take(4).Select(f => Path.GetRelativePath(config.Output.Directory, f)))}{(deleted.Count > 4 ? ", …" : "")})");
        }
        options = options with { RunId = runId };
        return config.Ensemble.Paths > 1 ? EnsembleRun.Execute(config, options, ExecutePath) : ExecutePath(config, options);
    }

    private static RunResult ExecutePath(RunConfig config, RunOptions options) => config.Solver.Kind switch
    {
        SolverKind.Particles => ParticleRun.Execute(config, options),
        SolverKind.Both => CoupledRun.Execute(config, options),
        _ => SpectralRun.Execute(config, options),
    };
}
