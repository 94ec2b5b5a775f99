using MeanField.Core;
using MeanField.IO.Config;
using MeanField.Spectral.Steppers;

namespace MeanField.Runs;

/// <summary>
/// A PDE solver in one geometry, as <see cref="SpectralDynamics"/> wraps it: advance in time, report the spectral tail
/// after every step, declare its grid and tasks (each with its value). Each geometry is a small adapter
/// (<see cref="CircleRunField"/>, <see cref="SphereRunField"/>, <see cref="ZonalRunField"/>), registered in
/// <see cref="SpectralGeometries"/>.
/// </summary>
internal interface IRunField : IDisposable
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

    /// <summary>The geometry's own tasks, each with its value (the dynamics adds state and stepper_state).</summary>
    IReadOnlyList<OutputTask> Tasks { get; }

    /// <summary>Geometry-specific root attributes (resolution, basis sizes, normalisation, FFT backend, …).</summary>
    IReadOnlyDictionary<string, object> Attributes { get; }

    /// <summary>Compute the diagnostics this write's tasks read; return what the trackers need.</summary>
    WriteSnapshot PrepareWrite();

    /// <summary>Advice when under-resolved at <paramref name="time"/>, e.g. "increase solver.resolution to at least 512".</summary>
    string ResolutionAdvice(double time);

    /// <summary>Advice after a numerical failure of the stepper.</summary>
    string NumericalFailureAdvice(IntegrationException failure);

    /// <summary>
    /// solver.kind both: how this geometry measures the distance between its density at the current write (after
    /// <see cref="PrepareWrite"/>) and the empirical measure of the particles; null where particles cannot follow it.
    /// </summary>
    ParticleDistance? ParticleDistance(RunConfig config) => null;
}

/// <summary>
/// A geometry's PDE–particle distances at a write (solver.kind both): W1 where it is computed (else NaN, documented as
/// not computed) and an L² distance of projections, each with the description its task carries.
/// </summary>
internal sealed record ParticleDistance(string W1Description, string L2Description, bool ComputesW1, Func<double[], (double W1, double L2)> Measure);

/// <summary>The advice the PDE runs give when they stop, shared by every geometry.</summary>
internal static class SpectralAdvice
{
    /// <summary>
    /// Without diffusion a cluster contracts: near ⟨x, y⟩ = 1, ε = 1 − ⟨x, y⟩ obeys ε̇ ≈ −2ε (SA) or −2e^β ε (USA)
    /// (docs/theory.md §2.5), so its angular width shrinks like e^{−t} or e^{−e^β t} and halves every ln 2 (SA) or
    /// ln 2 / e^β (USA): doubling the resolution only buys that much time, and no resolution follows the collapse to a
    /// Dirac mass. Say so instead of asking for ever more modes.
    /// </summary>
    public static string Resolution(RunConfig config, double time, string key, int current)
    {
        string more = $"increase {key} to at least {2 * current}";
        if (config.Model.Diffusion > 0 || time <= 0) return more;
        bool usa = config.Model.Attention == AttentionKind.USA;
        double gain = Math.Log(2) / (usa ? Math.Exp(config.Model.Beta) : 1);
        return $"{more}; but with model.diffusion 0 the density is collapsing to a Dirac mass (a cluster's angular width shrinks like {(usa ? "e^(-e^β t)" : "e^(-t)")}, docs/theory.md §2.5), " +
               $"so each doubling of {key} gains only about Δt = {gain:G3}: add model.diffusion > 0, or end the run earlier (solver.t_end below {time:G4}), " +
               "or follow the clusters with solver.kind: particles";
    }

    /// <summary>USA's rates grow like e^β (docs/theory.md §4.2, §9.1): at large β its natural time unit is e^{−β}.</summary>
    public static string NumericalFailure(RunConfig config)
    {
        string steps = "try a smaller solver.dt (rk4) or solver.tolerance (dopri5), or a higher solver.resolution";
        if (config.Model.Attention != AttentionKind.USA || config.Model.Beta < 20) return steps;
        double unit = Math.Exp(-config.Model.Beta);
        return $"USA at β = {config.Model.Beta:G4} moves on the time scale e^(-β) = {unit:E2} (its rates grow like e^β, docs/theory.md §9.1): " +
               $"set solver.t_end and output.interval in units of it (e.g. solver.t_end: {10 * unit:E1}), or use model.attention: sa; otherwise {steps}";
    }
}
