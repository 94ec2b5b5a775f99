namespace MeanField.Sweeps;

public enum SweepExecutor { Local, Slurm }

/// <summary>Options of one `meanfield sweep` invocation.</summary>
public sealed record SweepOptions
{
    public SweepExecutor Executor { get; init; } = SweepExecutor.Local;
    /// <summary>Points at a time for the local executor; null: cores / particles.threads of the base (at least 1).</summary>
    public int? Jobs { get; init; }
    public bool Resume { get; init; }
    public required ChildCommand Child { get; init; }
    public TextWriter Output { get; init; } = TextWriter.Null;
    public CancellationToken Cancellation { get; init; }
    /// <summary>Called as each local point ends (tests use it to interrupt a sweep part-way).</summary>
    public Action<SweepPoint, int>? PointFinished { get; init; }
}

/// <summary>The outcome: how many points were started, and the gathered rows.</summary>
public sealed record SweepResult(int Started, IReadOnlyList<SweepRow> Rows);

/// <summary>Writes the point configs, runs the points that need it on the executor, gathers the table.</summary>
public static class SweepRunner
{
    public static SweepResult Run(SweepPlan plan, SweepOptions options)
    {
        plan.WriteConfigs();
        var todo = options.Resume
            ? plan.Points.Where(p => SweepTable.ReadRow(plan, p).Status != SweepTable.Completed).ToArray()
            : plan.Points.ToArray();
        foreach (var p in todo) PointFiles.Clear(plan.PointDirectory(p));
        string executor = options.Executor == SweepExecutor.Slurm ? "slurm" : "local";
        File.WriteAllText(Path.Combine(plan.Sweep.OutputDirectory, "executor"), executor + "\n");
        options.Output.WriteLine($"sweep {plan.Sweep.Name}: {todo.Length} of {plan.Points.Count} points to run ({executor}), output {plan.Sweep.OutputDirectory}");
        int started = 0;
        if (todo.Length > 0)
        {
            if (options.Executor == SweepExecutor.Slurm)
            {
                SlurmExecutor.Run(plan, todo, options.Child, options.Output, options.Cancellation);
                started = todo.Length;
            }
            else
            {
                int jobs = options.Jobs ?? DefaultJobs(plan);
                started = LocalExecutor.Run(plan, todo, options.Child, jobs, options.Cancellation, (p, code) =>
                {
                    options.Output.WriteLine($"point {p.Id} ended with exit code {code}");
                    options.PointFinished?.Invoke(p, code);
                });
            }
        }
        var rows = SweepTable.Gather(plan, executor);
        options.Output.WriteLine($"gathered {rows.Count} rows ({rows.Count(r => r.Status == SweepTable.Completed)} completed) into {SweepTable.CsvPath(plan)} and {SweepTable.H5Path(plan)}");
        return new SweepResult(started, rows);
    }

    /// <summary>Default local parallelism: cores / particles.threads of the base config (threads 0 = every core).</summary>
    public static int DefaultJobs(SweepPlan plan)
    {
        var config = MeanField.IO.Config.ConfigLoader.LoadText(plan.Sweep.BaseText, plan.Sweep.BasePath, "base");
        int threads = config.Particles.Threads == 0 ? Environment.ProcessorCount : config.Particles.Threads;
        return Math.Max(1, Environment.ProcessorCount / Math.Max(1, threads));
    }

    /// <summary>The executor recorded by the last run (for --gather's provenance), else "local".</summary>
    public static string RecordedExecutor(SweepPlan plan)
    {
        string path = Path.Combine(plan.Sweep.OutputDirectory, "executor");
        return File.Exists(path) ? File.ReadAllText(path).Trim() : "local";
    }
}
