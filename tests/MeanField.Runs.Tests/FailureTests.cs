using MeanField.IO.Config;
using MeanField.IO.Output;
using MeanField.Spectral.Steppers;
using PureHDF;
using static MeanField.Runs.Tests.RunTestSupport;

namespace MeanField.Runs.Tests;

public class FailureTests
{
    private const string Config = """
        name: failing
        geometry: circle
        model: {attention: usa, beta: 2.0}
        initial: {kind: perturbed_uniform, amplitude: 1.0e-2, modes: 4}
        solver: {resolution: 64, t_end: 0.5}
        output: {interval: 0.05}
        """;

    /// <summary>The circle field, except that a NaN appears in the state once the solver passes <c>at</c>.</summary>
    private sealed class NaNInjectingField(IRunField inner, double at) : IRunField
    {
        public TimeStepper Stepper => inner.Stepper;
        public double Time => inner.Time;
        public AdvanceOutcome AdvanceTo(double time, StepObserver? observer, CancellationToken cancellation)
        {
            var outcome = inner.AdvanceTo(time, observer, cancellation);
            if (inner.Time >= at)
            {
                // What the stepper does when a step produces a non-finite value (TimeStepper.Commit).
                var state = inner.Stepper.State.ToArray();
                state[3] = double.NaN;
                inner.Restore(inner.Time, state, inner.Stepper.Steps, inner.Stepper.ControllerState);
                throw new IntegrationException($"non-finite value in the state after the step from t = {inner.Time:G6}", inner.Time);
            }
            return outcome;
        }
        public double SpectralTail(ReadOnlySpan<double> state) => inner.SpectralTail(state);
        public void Restore(double time, ReadOnlySpan<double> state, long steps, ReadOnlySpan<double> controllerState) => inner.Restore(time, state, steps, controllerState);
        public IReadOnlyDictionary<string, double[]> Grid => inner.Grid;
        public IReadOnlyList<OutputTask> Tasks => inner.Tasks;
        public IReadOnlyDictionary<string, object> Attributes => inner.Attributes;
        public WriteSnapshot PrepareWrite() => inner.PrepareWrite();
        public string ResolutionAdvice(double time) => inner.ResolutionAdvice(time);
        public string NumericalFailureAdvice(IntegrationException failure) => inner.NumericalFailureAdvice(failure);
        public void Dispose() => inner.Dispose();
    }

    /// <summary>The circle field, except that the output directory disappears once the run passes <c>at</c>.</summary>
    private sealed class DirectoryVanishingField(IRunField inner, string directory, double at) : IRunField
    {
        public TimeStepper Stepper => inner.Stepper;
        public double Time => inner.Time;
        public AdvanceOutcome AdvanceTo(double time, StepObserver? observer, CancellationToken cancellation) => inner.AdvanceTo(time, observer, cancellation);
        public double SpectralTail(ReadOnlySpan<double> state) => inner.SpectralTail(state);
        public void Restore(double time, ReadOnlySpan<double> state, long steps, ReadOnlySpan<double> controllerState) => inner.Restore(time, state, steps, controllerState);
        public IReadOnlyDictionary<string, double[]> Grid => inner.Grid;
        public IReadOnlyList<OutputTask> Tasks => inner.Tasks;
        public IReadOnlyDictionary<string, object> Attributes => inner.Attributes;
        public string ResolutionAdvice(double time) => inner.ResolutionAdvice(time);
        public string NumericalFailureAdvice(IntegrationException failure) => inner.NumericalFailureAdvice(failure);
        public void Dispose() => inner.Dispose();
        public WriteSnapshot PrepareWrite()
        {
            if (inner.Time >= at && Directory.Exists(directory)) Directory.Delete(directory, recursive: true);
            return inner.PrepareWrite();
        }
    }

    /// <summary>
    /// The circle field, except that once past <c>at</c> the state seen by the trackers holds a NaN (no exception from the stepper),
    /// or, with <c>taskOnly</c>, only the written energy becomes NaN.
    /// </summary>
    private sealed class SilentNaNField(IRunField inner, double at, bool taskOnly) : IRunField
    {
        public TimeStepper Stepper => inner.Stepper;
        public double Time => inner.Time;
        public AdvanceOutcome AdvanceTo(double time, StepObserver? observer, CancellationToken cancellation) => inner.AdvanceTo(time, observer, cancellation);
        public double SpectralTail(ReadOnlySpan<double> state)
        {
            if (taskOnly || inner.Time < at) return inner.SpectralTail(state);
            var poisoned = state.ToArray();   // what the trackers see of a state a NaN has entered
            poisoned[3] = double.NaN;
            return inner.SpectralTail(poisoned);
        }
        public void Restore(double time, ReadOnlySpan<double> state, long steps, ReadOnlySpan<double> controllerState) => inner.Restore(time, state, steps, controllerState);
        public IReadOnlyDictionary<string, double[]> Grid => inner.Grid;
        public IReadOnlyList<OutputTask> Tasks => inner.Tasks.Select(t => t.Name == "energy" && taskOnly
            ? OutputTask.Scalar("energy", t.Definition.Description, () => inner.Time >= at ? double.NaN : ((RealTask)t).Value()[0]) : t).ToArray();
        public IReadOnlyDictionary<string, object> Attributes => inner.Attributes;
        public WriteSnapshot PrepareWrite() => inner.PrepareWrite();
        public string ResolutionAdvice(double time) => inner.ResolutionAdvice(time);
        public string NumericalFailureAdvice(IntegrationException failure) => inner.NumericalFailureAdvice(failure);
        public void Dispose() => inner.Dispose();
    }

    [Test]
    public void A_NaN_in_the_state_is_a_numerical_failure_not_under_resolution()
    {
        string dir = TempDirectory();
        var config = ConfigLoader.LoadText(Config, "failing.yaml", "failing", outDirectory: dir);
        var error = new StringWriter();
        using var field = new SilentNaNField(SpectralRun.CreateField(config, "failing.yaml"), at: 0.2, taskOnly: false);
        var result = SpectralRun.Execute(config, field, new RunOptions { Quiet = true, Error = error });
        Assert.That(result.ExitCode, Is.EqualTo(ExitCodes.NumericalFailure), error.ToString());
        Assert.That(error.ToString(), Does.Contain("numerical failure").And.Contain("non-finite").And.Not.Contain("under-resolved"));
    }

    [Test]
    public void A_non_finite_task_value_is_never_written_and_stops_with_exit_4()
    {
        string dir = TempDirectory();
        var config = ConfigLoader.LoadText(Config, "failing.yaml", "failing", outDirectory: dir);
        var error = new StringWriter();
        using var field = new SilentNaNField(SpectralRun.CreateField(config, "failing.yaml"), at: 0.2, taskOnly: true);
        var result = SpectralRun.Execute(config, field, new RunOptions { Quiet = true, Error = error });
        Assert.That(result.ExitCode, Is.EqualTo(ExitCodes.NumericalFailure), error.ToString());
        Assert.That(error.ToString(), Does.Contain("task energy holds a non-finite value"));
        using var h5 = H5File.OpenRead(Path.Combine(dir, "failing.h5"));
        Assert.That(h5.Dataset("scales/sim_time").Read<double[]>(), Is.EqualTo(new[] { 0, 0.05, 0.1, 3 * 0.05 }));
        foreach (double e in h5.Dataset("tasks/energy").Read<double[]>()) Assert.That(double.IsFinite(e));
    }

    [Test]
    public void USA_at_large_beta_names_its_time_scale_not_only_the_tolerance()
    {
        var config = ConfigLoader.LoadText(Config, "usa50.yaml", "usa50", ["model.beta=50", "solver.resolution=256", "solver.t_end=1", "output.interval=0.1"], outDirectory: TempDirectory());
        var error = new StringWriter();
        var result = SpectralRun.Execute(config, new RunOptions { Quiet = true, Error = error });
        Assert.That(result.ExitCode, Is.EqualTo(ExitCodes.NumericalFailure), error.ToString());
        // e^-50 = 1.9287e-22: the scale a user must set t_end on.
        Assert.That(error.ToString(), Does.Contain("time scale e^(-β) = 1.93E-022").And.Contain("solver.t_end"));
    }

    [Test]
    public void A_collapsing_cluster_without_diffusion_is_named_as_such_not_fixed_by_more_modes()
    {
        var config = ConfigLoader.LoadText(Config, "usa10.yaml", "usa10", ["model.beta=10", "solver.resolution=256", "solver.t_end=1", "output.interval=0.01"], outDirectory: TempDirectory());
        var error = new StringWriter();
        var result = SpectralRun.Execute(config, new RunOptions { Quiet = true, Error = error });
        Assert.That(result.ExitCode, Is.EqualTo(ExitCodes.Underresolved), error.ToString());
        // Doubling buys ln 2 / e^10 = 3.15e-5 of simulated time.
        Assert.That(error.ToString(), Does.Contain("collapsing to a Dirac mass").And.Contain("Δt = 3.15E-05").And.Contain("model.diffusion"));
    }

    [Test]
    public void OutputFailureMidRunStopsWithExitCode5AndTheTime()
    {
        string dir = Path.Combine(TempDirectory(), "out");
        var config = ConfigLoader.LoadText(Config, "failing.yaml", "failing", ["output.max_writes=2"], outDirectory: dir);
        var error = new StringWriter();
        using var field = new DirectoryVanishingField(SpectralRun.CreateField(config, "failing.yaml"), dir, at: 0.2);
        var result = SpectralRun.Execute(config, field, new RunOptions { Quiet = true, Error = error });
        Assert.That(result.ExitCode, Is.EqualTo(ExitCodes.OutputError));
        Assert.That(error.ToString(), Does.Contain("output error at t = 0.2").And.Contain("output.directory"));
    }

    [Test]
    public void InjectedNaNStopsTheRunWithExitCode4AndAValidFile()
    {
        string dir = TempDirectory();
        var config = ConfigLoader.LoadText(Config, "failing.yaml", "failing", outDirectory: dir);
        var error = new StringWriter();
        using var field = new NaNInjectingField(SpectralRun.CreateField(config, "failing.yaml"), at: 0.2);
        var result = SpectralRun.Execute(config, field, new RunOptions { Quiet = true, Error = error });

        Assert.That(result.ExitCode, Is.EqualTo(ExitCodes.NumericalFailure));
        Assert.That(error.ToString(), Does.Contain("numerical failure").And.Contain("non-finite").And.Contain("t = 0.2"));
        Assert.That(error.ToString(), Does.Contain("solver.dt").Or.Contain("solver.tolerance"));
        using var h5 = H5File.OpenRead(Path.Combine(dir, "failing.h5"));
        var times = h5.Dataset("scales/sim_time").Read<double[]>();
        Assert.That(times, Is.EqualTo(new[] { 0, 0.05, 0.1, 3 * 0.05 }));   // every write (k·Δ) before the failure, nothing after
        var density = h5.Dataset("tasks/density").Read<double[,]>();
        foreach (double x in density) Assert.That(double.IsFinite(x));
    }
}
