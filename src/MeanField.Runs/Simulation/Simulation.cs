using MeanField.IO.Config;
using MeanField.IO.Output;
using MeanField.Spectral.Steppers;

namespace MeanField.Runs;

/// <summary>
/// The one run loop: output times from the config → advance the <see cref="IDynamics"/> to each → trackers after every
/// step and at every write (before it is stored) → HDF5 sets (docs/output-format.md), with --resume from the last
/// write. Every solver kind runs through it; what differs is the dynamics.
/// </summary>
public static class Simulation
{
    public static RunResult Run(RunConfig config, IDynamics dynamics, RunOptions options, IReadOnlyDictionary<string, object>? extraAttributes = null)
    {
        var times = OutputTimes(config.Solver.TEnd, config.Output.Interval);
        var tasks = dynamics.Tasks;
        var definitions = tasks.Select(t => t.Definition).ToArray();
        var trackers = new List<ITracker> { new FiniteTracker() };
        trackers.AddRange(dynamics.Trackers);
        string configYaml = ConfigYaml.Write(config);
        bool singleFile = times.Count <= config.Output.MaxWrites;
        int firstIndex = 1, firstSet = 1, writes = 0;
        double wallOffset = 0;
        RunCheckpoint? checkpoint = null;
        if (options.Resume)
        {
            checkpoint = RunResume.Read(config, configYaml);
            firstIndex = FindTime(times, checkpoint.Time, checkpoint.File) + 1;
            bool partialSet = singleFile || checkpoint.WritesInFile < config.Output.MaxWrites;
            firstSet = singleFile ? 1 : checkpoint.SetNumber + (partialSet ? 0 : 1);
            using (var file = RunFile.Open(checkpoint.File)) dynamics.Restore(file, checkpoint.WritesInFile - 1);
            foreach (var tracker in trackers) tracker.Restore(checkpoint.Energy);
            writes = checkpoint.WriteNumber;
            wallOffset = checkpoint.WallTime;
        }

        var attributes = Provenance.RunAttributes(config, options.ConfigPath);
        foreach (var (key, value) in dynamics.Attributes) attributes[key] = value;
        if (extraAttributes is not null)
            foreach (var (key, value) in extraAttributes) attributes[key] = value;

        var progress = new ProgressReporter(options.Output, options.Interactive, config.Solver.TEnd, options.Quiet);
        var writer = new OutputSetWriter(new OutputSetOptions
        {
            Directory = config.Output.Directory,
            BaseName = config.Name,
            MaxWritesPerSet = config.Output.MaxWrites,
            ExpectedWrites = times.Count,
            RootAttributes = attributes,
            ConfigYaml = configYaml,
            Grid = dynamics.Grid,
            Tasks = definitions,
            FirstSetNumber = firstSet,
            RunId = checkpoint?.RunId ?? options.RunId,
        }.WithOutputKeys(config.Output, append: checkpoint is not null));
        RunEnding.AnnounceWriter(progress, options, writer, config.Output.SetSeconds);
        // The native writer continues the interrupted set file in place; the managed one rewrites it.
        if (checkpoint is not null && (singleFile || checkpoint.WritesInFile < config.Output.MaxWrites) && !writer.AppendsInPlace)
            RunResume.Replay(checkpoint.File, writer, definitions);

        StopVerdict? stop = null;
        string? failure = null;
        void Warn(string text) => progress.Message(options.Error, $"warning: {text}");

        // Every tracker runs; the first stop wins, warnings are printed as they come.
        bool Judge(Func<ITracker, TrackerVerdict> ask)
        {
            foreach (var tracker in trackers)
            {
                switch (ask(tracker))
                {
                    case StopVerdict s: stop ??= s; break;
                    case WarnVerdict w: Warn(w.Message); break;
                }
            }
            return stop is null;
        }

        bool AfterStep()
        {
            progress.Update(dynamics.Time, dynamics.LastStep, dynamics.Steps);
            double time = dynamics.Time;
            return Judge(t => t.AfterStep(time));
        }

        void Write(double time)
        {
            var snapshot = dynamics.PrepareWrite();
            var values = new TaskValue[tasks.Count];
            for (int i = 0; i < tasks.Count; i++) values[i] = tasks[i].Evaluate();
            if (!Judge(t => t.AtWrite(time, snapshot, values)) && stop!.ExitCode != ExitCodes.Underresolved) return;
            writer.BeginWrite(new OutputScales(time, writes + 1, dynamics.Steps, dynamics.LastStep, wallOffset + progress.ElapsedSeconds));
            foreach (var v in values) v.WriteTo(writer);
            writer.CommitWrite();
            writes++;
        }

        try
        {
            if (checkpoint is null) Write(0);
            for (int i = firstIndex; i < times.Count && stop is null; i++)
            {
                var outcome = dynamics.AdvanceTo(times[i], AfterStep, options.Cancellation);
                if (outcome == AdvanceOutcome.Cancelled)
                {
                    stop = new StopVerdict($"interrupted at t = {dynamics.Time:G6}; the output holds every write up to t = {times[i - 1]:G6}" +
                                           (options.ResumeAdvice ? " (continue with --resume)" : ""), ExitCodes.Interrupted);
                    break;
                }
                if (outcome == AdvanceOutcome.StoppedByObserver) break;
                Write(times[i]);
            }
        }
        catch (IntegrationException e)
        {
            stop = new StopVerdict($"numerical failure: {e.Message}; {dynamics.NumericalFailureAdvice(e)}", ExitCodes.NumericalFailure);
        }
        catch (OutputException e)
        {
            stop = new StopVerdict(RunEnding.OutputError(dynamics.Time, e), ExitCodes.OutputError);
        }
        catch (Exception e) when ((failure = e.Message) is null)
        {
            throw;   // never reached: the filter only records an unexpected error's message for run_status
        }
        finally
        {
            writer.Close(RunEnding.Status(failure, stop?.Cause, stop?.ExitCode ?? ExitCodes.Success, dynamics.Time));
        }

        return RunEnding.Finish(progress, options, writer, stop?.Cause, stop?.ExitCode ?? ExitCodes.Success,
            dynamics.Summary(progress.ElapsedSeconds), writes, dynamics.Steps, dynamics.Time);
    }

    /// <summary>
    /// 0, Δ, 2Δ, … up to t_end, each computed as k·Δ, plus t_end itself when it is not a multiple of Δ. A multiple
    /// within 1e-12 relative of t_end counts as t_end but keeps its k·Δ value, so a run extended with --resume
    /// passes through exactly the same times as one that went there directly.
    /// </summary>
    public static IReadOnlyList<double> OutputTimes(double tEnd, double interval)
    {
        long count = (long)Math.Floor(tEnd / interval * (1 + 1e-12));
        if (count > 10_000_000) throw new ConfigException($"output.interval {interval} gives {count} writes up to t_end {tEnd}; at most 10^7 are allowed");
        var times = new List<double>();
        for (long k = 0; k <= count; k++) times.Add(k * interval);
        if (tEnd - times[^1] > 1e-12 * tEnd) times.Add(tEnd);
        return times;
    }

    private static int FindTime(IReadOnlyList<double> times, double time, string file)
    {
        for (int i = 0; i < times.Count; i++)
            if (times[i] == time) return i;
        throw new ConfigException($"--resume: the last write of {file} is at t = {time:R}, which is not an output time of this config (output.interval changed?)");
    }
}
