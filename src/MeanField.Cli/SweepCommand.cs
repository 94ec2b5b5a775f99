using System.CommandLine;
using MeanField.IO.Config;
using MeanField.Runs;
using MeanField.Sweeps;

namespace MeanField.Cli;

/// <summary>`meanfield sweep SWEEP.yaml`: run a parameter sweep (docs/sweeps.md) locally or as a Slurm job array.</summary>
internal static class SweepCommand
{
    public static Command Create(TextWriter output, TextWriter error)
    {
        var file = new Argument<string>("sweep") { Description = "sweep file (YAML: base, grid, zip, seeds, summary, output, slurm; docs/sweeps.md)" };
        var executor = new Option<string>("--executor") { Description = "local (a pool of child processes) or slurm (one job array)", DefaultValueFactory = _ => "local" };
        executor.AcceptOnlyFromAmong("local", "slurm");
        var jobs = new Option<int?>("--jobs") { Description = "points at a time for --executor local (default: cores / particles.threads)" };
        var resume = new Option<bool>("--resume") { Description = "run only the points that are not completed, then gather" };
        var dryRun = new Option<bool>("--dry-run") { Description = "validate every point and print the table of points; run nothing" };
        var gather = new Option<bool>("--gather") { Description = "only gather the points' files into sweep.csv and sweep.h5" };
        var command = new Command("sweep", "Run a sweep of configs (grid × seeds) and gather one table (sweep.csv, sweep.h5).")
            { file, executor, jobs, resume, dryRun, gather };
        command.SetAction(parse =>
        {
            using var cancel = new CancellationTokenSource();
            ConsoleCancelEventHandler onCancel = (_, e) => { e.Cancel = true; cancel.Cancel(); };
            Console.CancelKeyPress += onCancel;
            try
            {
                int? j = parse.GetValue(jobs);
                if (j is < 1) { error.WriteLine($"--jobs: must be ≥ 1, got {j}"); return ExitCodes.ConfigError; }
                var plan = SweepPlan.Create(SweepFile.Load(parse.GetValue(file)!));
                if (parse.GetValue(dryRun)) { output.Write(plan.Table()); return ExitCodes.Success; }
                if (parse.GetValue(gather))
                {
                    var rows = SweepTable.Gather(plan, SweepRunner.RecordedExecutor(plan));
                    output.WriteLine($"gathered {rows.Count} rows into {SweepTable.CsvPath(plan)} and {SweepTable.H5Path(plan)}");
                    return ExitCodes.Success;
                }
                var result = SweepRunner.Run(plan, new SweepOptions
                {
                    Executor = parse.GetValue(executor) == "slurm" ? SweepExecutor.Slurm : SweepExecutor.Local,
                    Jobs = j, Resume = parse.GetValue(resume), Child = Child(), Output = output, Cancellation = cancel.Token,
                });
                return cancel.IsCancellationRequested ? ExitCodes.Interrupted : ExitCodes.Success;
            }
            catch (ConfigException e) { error.WriteLine($"config error: {e.Message}"); return ExitCodes.ConfigError; }
            catch (SweepException e) { error.WriteLine($"error: {e.Message}"); return ExitCodes.InternalError; }
            finally { Console.CancelKeyPress -= onCancel; }
        });
        return command;
    }

    /// <summary>This meanfield binary.</summary>
    internal static ChildCommand Child() => ChildCommand.ForAssembly(typeof(SweepCommand).Assembly.Location);
}
