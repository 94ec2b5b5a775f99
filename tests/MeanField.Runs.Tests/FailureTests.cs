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
        public IReadOnlyList<TaskDefinition> Tasks => inner.Tasks;
        public IReadOnlyDictionary<string, object> Attributes => inner.Attributes;
        public FieldSnapshot WriteTasks(OutputSetWriter writer) => inner.WriteTasks(writer);
        public string ResolutionAdvice => inner.ResolutionAdvice;
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
        public IReadOnlyList<TaskDefinition> Tasks => inner.Tasks;
        public IReadOnlyDictionary<string, object> Attributes => inner.Attributes;
        public string ResolutionAdvice => inner.ResolutionAdvice;
        public void Dispose() => inner.Dispose();
        public FieldSnapshot WriteTasks(OutputSetWriter writer)
        {
            if (inner.Time >= at && Directory.Exists(directory)) Directory.Delete(directory, recursive: true);
            return inner.WriteTasks(writer);
        }
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
