using MeanField.IO.Output;
using MeanField.Spectral.Steppers;

namespace MeanField.Runs;

/// <summary>What the trackers need at a write, from <see cref="IDynamics.PrepareWrite"/>.</summary>
/// <param name="Energy">The interaction energy E_β (NaN where it is not defined).</param>
/// <param name="MinDensity">Minimum of the density on the grid, or null for particles.</param>
/// <param name="UniformDensity">The uniform density in the same normalisation.</param>
public sealed record WriteSnapshot(double Energy, double? MinDensity = null, double UniformDensity = 1);

/// <summary>
/// Anything <see cref="Simulation.Run"/> advances and writes: a spectral PDE/SPDE solver in one geometry
/// (<see cref="SpectralDynamics"/>) or a particle system (<see cref="ParticleDynamics"/>). The run loop (output
/// times, trackers, resume, progress, files) is written once against this.
/// </summary>
public interface IDynamics : IDisposable
{
    double Time { get; }
    long Steps { get; }
    double LastStep { get; }

    /// <summary>
    /// Advance to exactly <paramref name="time"/>, calling <paramref name="afterStep"/> after every accepted step
    /// (false stops the advance). Throws <see cref="IntegrationException"/> on a numerical failure.
    /// </summary>
    AdvanceOutcome AdvanceTo(double time, Func<bool> afterStep, CancellationToken cancellation);

    /// <summary>Every task the run writes, including the state that --resume continues from.</summary>
    IReadOnlyList<OutputTask> Tasks { get; }

    IReadOnlyDictionary<string, double[]> Grid { get; }

    /// <summary>Root attributes of this dynamics (solver, resolution, backends, noise, …); the run adds provenance.</summary>
    IReadOnlyDictionary<string, object> Attributes { get; }

    /// <summary>The checks this dynamics needs, in the order they run; <see cref="Simulation"/> adds none of its own but the finite check.</summary>
    IReadOnlyList<ITracker> Trackers { get; }

    /// <summary>Compute what this write's tasks read (diagnostics shared by several tasks) and what the trackers need.</summary>
    WriteSnapshot PrepareWrite();

    /// <summary>Continue from write <paramref name="write"/> of <paramref name="file"/> (--resume).</summary>
    void Restore(RunFile file, int write);

    /// <summary>What to try after a numerical failure, e.g. "try a smaller particles.dt".</summary>
    string NumericalFailureAdvice(IntegrationException failure);

    /// <summary>The details of the closing line: steps, evaluations, rates.</summary>
    string Summary(double wallSeconds);
}
