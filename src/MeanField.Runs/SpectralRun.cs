using MeanField.Core;
using MeanField.IO.Config;
using MeanField.IO.Output;
using MeanField.Spectral.Steppers;

namespace MeanField.Runs;

public sealed record RunOptions
{
    public TextWriter Output { get; init; } = Console.Out;
    public TextWriter Error { get; init; } = Console.Error;
    public bool Interactive { get; init; }
    public bool Quiet { get; init; }
    public string ConfigPath { get; init; } = "";
    public CancellationToken Cancellation { get; init; }
    /// <summary>Continue the run found in the output directory from its last complete write (--resume).</summary>
    public bool Resume { get; init; }
    /// <summary>Which common-noise path to follow (stream CommonNoise + p·2³²); set per path by <see cref="EnsembleRun"/>.</summary>
    public int NoisePath { get; init; }
    /// <summary>Name the written files in the closing "done:" line; false for the stages of a run that merges them (both).</summary>
    public bool ReportFiles { get; init; } = true;
}

public sealed record RunResult(int ExitCode, string Message, IReadOnlyList<string> Files, int Writes, long Steps, double FinalTime);

/// <summary>
/// `meanfield run` for the spectral PDE solvers: config → <see cref="IRunField"/> of the geometry → output times with
/// trackers (spectral tail after every step; negative density, energy monotonicity at writes; non-finite values and
/// step-size collapse from the stepper) → HDF5 sets (docs/output-format.md), with --resume from the last write.
/// </summary>
public static class SpectralRun
{
    public static RunResult Execute(RunConfig config, RunOptions options)
    {
        using var field = CreateField(config, options.ConfigPath, options.NoisePath);
        return Execute(config, field, options);
    }

    public static IRunField CreateField(RunConfig config, string configPath, int noisePath = 0) => config.Geometry switch
    {
        GeometryKind.Circle => new CircleRunField(config, configPath, noisePath),
        GeometryKind.Zonal => new ZonalRunField(config, configPath),
        GeometryKind.Sphere => new SphereRunField(config, configPath, noisePath),
        _ => throw new ConfigException($"{configPath}: geometry: '{config.Geometry.Name()}' has no spectral solver yet"),
    };

    public static RunResult Execute(RunConfig config, IRunField field, RunOptions options)
    {
        var s = config.Solver;
        var times = OutputTimes(s.TEnd, config.Output.Interval);
        var tasks = field.Tasks.Concat(
        [
            new TaskDefinition("state", [field.Stepper.State.Length], false, "solver state for --resume (layout: root attribute state_layout)"),
            new TaskDefinition("stepper_state", [TimeStepper.ControllerStateLength], false, "time-stepper memory for --resume: last step, proposed next step, controller error memory"),
        ]).ToArray();
        string configYaml = ConfigYaml.Write(config);
        bool singleFile = times.Count <= config.Output.MaxWrites;
        int firstIndex = 0, firstSet = 1, writes = 0;
        double previousEnergy = double.NegativeInfinity, wallOffset = 0;
        RunCheckpoint? checkpoint = null;
        if (options.Resume)
        {
            checkpoint = RunResume.Read(config, configYaml);
            firstIndex = FindTime(times, checkpoint.Time, checkpoint.File) + 1;
            bool partialSet = singleFile || checkpoint.WritesInFile < config.Output.MaxWrites;
            firstSet = singleFile ? 1 : checkpoint.SetNumber + (partialSet ? 0 : 1);
            field.Restore(checkpoint.Time, checkpoint.State, checkpoint.Iteration, checkpoint.ControllerState);
            writes = checkpoint.WriteNumber;
            previousEnergy = checkpoint.Energy;
            wallOffset = checkpoint.WallTime;
        }

        var progress = new ProgressReporter(options.Output, options.Interactive, s.TEnd, options.Quiet);
        var writer = new OutputSetWriter(new OutputSetOptions
        {
            Directory = config.Output.Directory,
            BaseName = config.Name,
            MaxWritesPerSet = config.Output.MaxWrites,
            ExpectedWrites = times.Count,
            RootAttributes = Attributes(config, field, options),
            ConfigYaml = configYaml,
            Grid = field.Grid,
            Tasks = tasks,
            FirstSetNumber = firstSet,
        }.WithOutputKeys(config.Output, append: checkpoint is not null));
        RunEnding.AnnounceWriter(progress, options, writer, config.Output.SetSeconds);
        // The native writer continues the interrupted set file in place; the managed one rewrites it.
        if (checkpoint is not null && (singleFile || checkpoint.WritesInFile < config.Output.MaxWrites) && !writer.AppendsInPlace)
            RunResume.Replay(checkpoint.File, writer, tasks);

        bool warnedUnderresolved = false, warnedEnergy = false;
        string? stopReason = null, failure = null;
        int exitCode = ExitCodes.Success;
        var stepper = field.Stepper;

        void Warn(string text) => progress.Message(options.Error, $"warning: {text}");

        // Checked after every accepted step: cheap (coefficients only). Stops the stepper when under-resolved.
        bool Observe(double time, ReadOnlySpan<double> state)
        {
            progress.Update(field.Time, stepper.LastStep, stepper.Steps);
            double tail = field.SpectralTail(state);
            if (tail <= s.TailTolerance) return true;
            return Underresolved(field.Time, $"spectral tail {tail:E2} > solver.tail_tolerance {s.TailTolerance:E1}");
        }

        bool Underresolved(double time, string what)
        {
            string text = $"solution under-resolved at t = {time:G6}: {what}; {field.ResolutionAdvice}";
            if (s.OnUnderresolved == UnderresolvedAction.Stop)
            {
                stopReason = text;
                exitCode = ExitCodes.Underresolved;
                return false;
            }
            if (!warnedUnderresolved) Warn(text + " (continuing: solver.on_underresolved is warn)");
            warnedUnderresolved = true;
            return true;
        }

        void Write(double time)
        {
            writer.BeginWrite(new OutputScales(time, writes + 1, stepper.Steps, stepper.LastStep, wallOffset + progress.ElapsedSeconds));
            var snapshot = field.WriteTasks(writer);
            writer.SetTask("state", stepper.State);
            writer.SetTask("stepper_state", stepper.ControllerState);
            writer.CommitWrite();
            writes++;
            // Energy is non-decreasing for SA and USA without noise and with attractive attention (MATH §3.2); allow rounding-level dips.
            if (config.Model.Diffusion == 0 && config.Model.CommonNoise is null && config.Model.AttentionScale > 0 && snapshot.Energy < previousEnergy * (1 - 1e-10) && !warnedEnergy)
            {
                Warn($"energy decreased at t = {time:G6} ({previousEnergy:R} → {snapshot.Energy:R}); the time step may be too large");
                warnedEnergy = true;
            }
            previousEnergy = snapshot.Energy;
            if (snapshot.MinDensity < -s.NegativeTolerance * snapshot.UniformDensity)
                Underresolved(time, $"density is negative (min {snapshot.MinDensity:E2} < −solver.negative_tolerance × uniform density)");
        }

        try
        {
            if (checkpoint is null) Write(0);
            for (int i = Math.Max(firstIndex, 1); i < times.Count && stopReason is null; i++)
            {
                var outcome = field.AdvanceTo(times[i], Observe, options.Cancellation);
                if (outcome == AdvanceOutcome.Cancelled)
                {
                    stopReason = $"interrupted at t = {field.Time:G6}; the output holds every write up to t = {times[i - 1]:G6} (continue with --resume)";
                    exitCode = ExitCodes.Interrupted;
                    break;
                }
                if (outcome == AdvanceOutcome.StoppedByObserver) break;
                Write(times[i]);
            }
        }
        catch (IntegrationException e)
        {
            stopReason = $"numerical failure: {e.Message}; try a smaller solver.dt (rk4) or solver.tolerance (dopri5), or a higher solver.resolution";
            exitCode = ExitCodes.NumericalFailure;
        }
        catch (OutputException e)
        {
            stopReason = RunEnding.OutputError(field.Time, e);
            exitCode = ExitCodes.OutputError;
        }
        catch (Exception e) when ((failure = e.Message) is null)
        {
            throw; // never reached: the filter only records the message for run_status
        }
        finally
        {
            writer.Close(RunEnding.Status(failure, stopReason, exitCode, field.Time));
        }

        double wall = progress.ElapsedSeconds;
        return RunEnding.Finish(progress, options, writer, stopReason, exitCode,
            $"t = {field.Time:G6}, {writes} writes, {stepper.Steps} steps ({stepper.RejectedSteps} rejected), " +
            $"{stepper.Evaluations} RHS evaluations in {wall:F2} s ({(wall > 0 ? stepper.Evaluations / wall : 0):F0}/s)",
            writes, stepper.Steps, field.Time);
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

    private static IReadOnlyDictionary<string, object> Attributes(RunConfig c, IRunField field, RunOptions options)
    {
        var attributes = Provenance.RunAttributes(c, options.ConfigPath);
        attributes["stepper"] = c.Solver.Stepper.Name();
        attributes["dt"] = c.Solver.Dt;
        attributes["tolerance"] = c.Solver.Tolerance;
        foreach (var (key, value) in field.Attributes) attributes[key] = value;
        return attributes;
    }
}
