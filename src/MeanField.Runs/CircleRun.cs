using System.Numerics;
using MeanField.Core;
using MeanField.IO.Config;
using MeanField.IO.Output;
using MeanField.Spectral.Circle;
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
}

public sealed record RunResult(int ExitCode, string Message, IReadOnlyList<string> Files, int Writes, long Steps, double FinalTime);

/// <summary>
/// `meanfield run` for geometry circle: config → <see cref="CircleSpectralSolver"/> → output times with trackers
/// (resolution, negative density, energy monotonicity, non-finite values) → HDF5 sets (docs/output-format.md).
/// </summary>
public static class CircleRun
{
    /// <summary>Number of Fourier modes written per output in /tasks/fourier_modes (k = 0..32).</summary>
    public const int WrittenModes = 33;

    public static RunResult Execute(RunConfig config, RunOptions options)
    {
        var s = config.Solver;
        var model = new MeanFieldModel(config.Model.Attention, config.Model.Beta, config.Model.Diffusion);
        var basis = new FourierCircleBasis(s.Resolution);
        var coefficients = CircleInitialCondition.Coefficients(config.Initial, config.Seed, basis.MaxWavenumber);
        CircleSpectralSolver solver;
        try
        {
            solver = new CircleSpectralSolver(model, s.Resolution, coefficients, new StepperOptions(s.Stepper, s.Dt, s.Tolerance), s.Fft);
        }
        catch (InvalidOperationException e)   // e.g. fft: fftw without the library
        {
            throw new ConfigException($"{options.ConfigPath}: solver.fft: {e.Message}");
        }
        using var _ = solver;
        CheckInitialCondition(config, solver, options.ConfigPath);

        var times = OutputTimes(s.TEnd, config.Output.Interval);
        var tasks = Tasks(s.Resolution, basis.StateLength);
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
            solver.Stepper.Restore(checkpoint.Time, checkpoint.State, checkpoint.Iteration, checkpoint.ControllerState);
            writes = checkpoint.WriteNumber;
            previousEnergy = checkpoint.Energy;
            wallOffset = checkpoint.WallTime;
        }

        var progress = new ProgressReporter(options.Output, options.Interactive, s.TEnd, options.Quiet);
        var density = new double[s.Resolution];
        var writer = new OutputSetWriter(new OutputSetOptions
        {
            Directory = config.Output.Directory,
            BaseName = config.Name,
            MaxWritesPerSet = config.Output.MaxWrites,
            ExpectedWrites = times.Count,
            RootAttributes = Attributes(config, solver, options),
            ConfigYaml = configYaml,
            Grid = new Dictionary<string, double[]> { ["theta"] = basis.Theta },
            Tasks = tasks,
            FirstSetNumber = firstSet,
        });
        if (checkpoint is not null && (singleFile || checkpoint.WritesInFile < config.Output.MaxWrites))
            RunResume.Replay(checkpoint.File, writer, tasks);

        double uniform = 1 / (2 * Math.PI);
        bool warnedUnderresolved = false, warnedEnergy = false;
        string? stopReason = null;
        int exitCode = ExitCodes.Success;

        void Warn(string text) => progress.Message(options.Error, $"warning: {text}");

        // Checked after every accepted step: cheap (coefficients only). Stops the stepper when under-resolved.
        bool Observe(double time, ReadOnlySpan<double> state)
        {
            progress.Update(time, solver.Stepper.LastStep, solver.Stepper.Steps);
            double tail = CircleSpectralSolver.SpectralTail(basis, state);
            if (tail <= s.TailTolerance) return true;
            return Underresolved(time, $"spectral tail {tail:E2} > solver.tail_tolerance {s.TailTolerance:E1}");
        }

        bool Underresolved(double time, string what)
        {
            string text = $"solution under-resolved at t = {time:G6}: {what}; " +
                          $"increase solver.resolution to at least {2 * s.Resolution}";
            if (s.OnUnderresolved == "stop")
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
            var d = solver.Diagnose(WrittenModes);
            solver.Density(density);
            writer.BeginWrite(new OutputScales(time, writes + 1, solver.Stepper.Steps, solver.Stepper.LastStep, wallOffset + progress.ElapsedSeconds));
            writer.SetTask("density", density);
            writer.SetTask("fourier_modes", d.Modes);
            writer.SetTask("energy", [d.Energy]);
            writer.SetTask("mass", [d.Mass]);
            writer.SetTask("spectral_tail", [d.SpectralTail]);
            writer.SetTask("min_density", [d.MinDensity]);
            writer.SetTask("net_flux", [d.NetFlux]);
            writer.SetTask("first_moment", [d.FirstMoment]);
            writer.SetTask("state", solver.State);
            writer.SetTask("stepper_state", solver.Stepper.ControllerState);
            writer.CommitWrite();
            writes++;
            // Energy is non-decreasing for SA and USA without noise (MATH §3.2); allow rounding-level dips.
            if (model.Diffusion == 0 && d.Energy < previousEnergy * (1 - 1e-10) && !warnedEnergy)
            {
                Warn($"energy decreased at t = {time:G6} ({previousEnergy:R} → {d.Energy:R}); the time step may be too large");
                warnedEnergy = true;
            }
            previousEnergy = d.Energy;
            if (d.MinDensity < -s.NegativeTolerance * uniform)
                Underresolved(time, $"density is negative (min {d.MinDensity:E2} < −solver.negative_tolerance × 1/2π)");
        }

        try
        {
            if (checkpoint is null) Write(0);
            for (int i = Math.Max(firstIndex, 1); i < times.Count && stopReason is null; i++)
            {
                var outcome = solver.AdvanceTo(times[i], Observe, options.Cancellation);
                if (outcome == AdvanceOutcome.Cancelled)
                {
                    stopReason = $"interrupted at t = {solver.Time:G6}; the output holds every write up to t = {times[i - 1]:G6}";
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
        finally
        {
            writer.Close();
        }

        var st = solver.Stepper;
        double wall = progress.ElapsedSeconds;
        string files = string.Join(", ", writer.CompletedFiles);
        string summary = $"{(stopReason is null ? "done" : "stopped")}: t = {solver.Time:G6}, {writes} writes, {st.Steps} steps " +
                         $"({st.RejectedSteps} rejected), {st.Evaluations} RHS evaluations in {wall:F2} s " +
                         $"({(wall > 0 ? st.Evaluations / wall : 0):F0}/s), output {files}";
        if (stopReason is not null) progress.Message(options.Error, $"error: {stopReason}");
        progress.Finish(summary);
        return new RunResult(exitCode, stopReason ?? summary, writer.CompletedFiles, writes, st.Steps, solver.Time);
    }

    /// <summary>0, Δ, 2Δ, … ≤ t_end (each exactly k·Δ), plus t_end itself when it is not a multiple of Δ.</summary>
    public static IReadOnlyList<double> OutputTimes(double tEnd, double interval)
    {
        long count = (long)Math.Floor(tEnd / interval * (1 + 1e-12));
        if (count > 10_000_000) throw new ConfigException($"output.interval {interval} gives {count} writes up to t_end {tEnd}; at most 10^7 are allowed");
        var times = new List<double>();
        for (long k = 0; k <= count; k++) times.Add(k * interval);
        if (tEnd - times[^1] > 1e-12 * tEnd) times.Add(tEnd);
        else times[^1] = Math.Min(times[^1], tEnd);
        return times;
    }

    private static int FindTime(IReadOnlyList<double> times, double time, string file)
    {
        for (int i = 0; i < times.Count; i++)
            if (times[i] == time) return i;
        throw new ConfigException($"--resume: the last write of {file} is at t = {time:R}, which is not an output time of this config (output.interval changed?)");
    }

    private static void CheckInitialCondition(RunConfig config, CircleSpectralSolver solver, string path)
    {
        var d = solver.Diagnose(1);
        var s = config.Solver;
        if (d.SpectralTail > s.TailTolerance)
            throw new ConfigException($"{path}: initial: the initial density is under-resolved (spectral tail {d.SpectralTail:E2} > solver.tail_tolerance {s.TailTolerance:E1}); increase solver.resolution (now {s.Resolution}) or smooth the initial law");
        if (d.MinDensity < -s.NegativeTolerance / (2 * Math.PI))
            throw new ConfigException($"{path}: initial: the initial density is negative (min {d.MinDensity:E3}); reduce initial.amplitude or the fourier coefficients");
    }

    private static IReadOnlyList<TaskDefinition> Tasks(int n, int stateLength) =>
    [
        new("density", [n], false, "density f(theta_j) w.r.t. dtheta on the grid /grid/theta; integral = 1"),
        new("fourier_modes", [WrittenModes], true, "Fourier coefficients f_k, k = 0..32, f(theta) = sum_k f_k e^{ik theta}, f_0 = 1/2pi; zero above the retained wavenumber"),
        new("energy", [], false, "E_beta = (1/2beta) iint e^{beta cos(theta-phi)} f f = (2pi^2/beta) sum_k I_|k|(beta) |f_k|^2"),
        new("mass", [], false, "integral of the density (grid quadrature); 1 up to rounding"),
        new("spectral_tail", [], false, "sqrt(sum_{2K/3<|k|<=K} |f_k|^2 / sum_{|k|<=K} |f_k|^2), K the largest retained wavenumber"),
        new("min_density", [], false, "minimum of the density on the grid"),
        new("net_flux", [], false, "integral of f V dtheta: rate of change of the lifted mean angle; 0 for USA"),
        new("first_moment", [], true, "integral of e^{i theta} f dtheta (circular first moment / order parameter)"),
        new("state", [stateLength], false, "solver state for --resume: Re f_0, Im f_0, Re f_1, Im f_1, ... up to the largest retained wavenumber K"),
        new("stepper_state", [TimeStepper.ControllerStateLength], false, "time-stepper memory for --resume: last step, proposed next step, controller error memory"),
    ];

    private static IReadOnlyDictionary<string, object> Attributes(RunConfig c, CircleSpectralSolver solver, RunOptions options) =>
        new Dictionary<string, object>
        {
            ["format"] = Provenance.FormatName,
            ["format_version"] = Provenance.FormatVersion,
            ["software_version"] = Provenance.SoftwareVersion,
            ["git_commit"] = Provenance.GitCommit,
            ["created_utc"] = DateTime.UtcNow.ToString("yyyy-MM-ddTHH:mm:ssZ"),
            ["command_line"] = Provenance.CommandLine,
            ["config_path"] = options.ConfigPath,
            ["name"] = c.Name,
            ["seed"] = (long)c.Seed,
            ["geometry"] = c.Geometry,
            ["dimension"] = c.Dimension,
            ["attention"] = c.Model.Attention == AttentionKind.SA ? "sa" : "usa",
            ["beta"] = c.Model.Beta,
            ["diffusion"] = c.Model.Diffusion,
            ["resolution"] = c.Solver.Resolution,
            ["max_wavenumber"] = solver.Basis.MaxWavenumber,
            ["stepper"] = c.Solver.Stepper,
            ["dt"] = c.Solver.Dt,
            ["tolerance"] = c.Solver.Tolerance,
            ["fft_backend"] = solver.Operator.FftBackend,
            ["density_normalisation"] = "density w.r.t. dtheta on [0, 2pi), integral 1 (uniform = 1/2pi)",
        };
}
