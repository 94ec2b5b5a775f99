using MeanField.IO.Output;
using MeanField.Spectral.Steppers;

namespace MeanField.Runs;

/// <summary>What a field's trackers need at a write.</summary>
public sealed record FieldSnapshot(double Energy, double SpectralTail, double MinDensity, double UniformDensity);

/// <summary>
/// A PDE solver in one geometry, as <see cref="SpectralRun"/> sees it: advance in time, report the spectral tail
/// after every step, describe and write its grid and tasks. The run loop (output times, trackers, resume, progress,
/// files) is written once against this; each geometry is a small adapter (<see cref="CircleRunField"/>, …).
/// </summary>
public interface IRunField : IDisposable
{
    TimeStepper Stepper { get; }

    /// <summary>Physical simulation time.</summary>
    double Time { get; }

    AdvanceOutcome AdvanceTo(double time, StepObserver? observer, CancellationToken cancellation);

    /// <summary>Relative L² size of the top third of the retained modes of a state (cheap: checked every step).</summary>
    double SpectralTail(ReadOnlySpan<double> state);

    /// <summary>Restore a checkpoint (physical time, state, steps, controller state) written by an earlier run.</summary>
    void Restore(double time, ReadOnlySpan<double> state, long steps, ReadOnlySpan<double> controllerState);

    IReadOnlyDictionary<string, double[]> Grid { get; }

    /// <summary>The geometry's own tasks (the run adds state and stepper_state).</summary>
    IReadOnlyList<TaskDefinition> Tasks { get; }

    /// <summary>Geometry-specific root attributes (resolution, basis sizes, normalisation, FFT backend, …).</summary>
    IReadOnlyDictionary<string, object> Attributes { get; }

    /// <summary>Set every task of <see cref="Tasks"/> for the current write and return what the trackers need.</summary>
    FieldSnapshot WriteTasks(OutputSetWriter writer);

    /// <summary>Advice when under-resolved, e.g. "increase solver.resolution to at least 512".</summary>
    string ResolutionAdvice { get; }
}
