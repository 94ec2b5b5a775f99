namespace MeanField.Runs;

/// <summary>What a tracker says about the run: go on, warn once, or stop with a named cause and exit code.</summary>
public abstract record TrackerVerdict
{
    public static readonly TrackerVerdict Continue = new ContinueVerdict();
    public static TrackerVerdict Warn(string message) => new WarnVerdict(message);
    public static TrackerVerdict Stop(string cause, int exitCode) => new StopVerdict(cause, exitCode);
}

internal sealed record ContinueVerdict : TrackerVerdict;
internal sealed record WarnVerdict(string Message) : TrackerVerdict;
internal sealed record StopVerdict(string Cause, int ExitCode) : TrackerVerdict;

/// <summary>
/// A check that observes a run (as py-pde's trackers do): after every accepted step (must be cheap) and at every
/// write, before anything of that write is stored, so a stopped run never writes the values that stopped it.
/// </summary>
public interface ITracker
{
    string Name { get; }
    TrackerVerdict AfterStep(double time) => TrackerVerdict.Continue;
    TrackerVerdict AtWrite(double time, WriteSnapshot snapshot, IReadOnlyList<TaskValue> values) => TrackerVerdict.Continue;
    /// <summary>Continue from a resumed write with the energy it held.</summary>
    void Restore(double energy) { }
}

/// <summary>Non-finite values are never written: a write with a NaN or ∞ in any task stops the run (exit 4).</summary>
internal sealed class FiniteTracker : ITracker
{
    public string Name => "finite";

    public TrackerVerdict AtWrite(double time, WriteSnapshot snapshot, IReadOnlyList<TaskValue> values)
    {
        foreach (var v in values)
            if (!v.Task.NaNMeansNotComputed && !v.IsFinite())
                return TrackerVerdict.Stop($"numerical failure at t = {time:G6}: task {v.Task.Name} holds a non-finite value (not written)", ExitCodes.NumericalFailure);
        return TrackerVerdict.Continue;
    }
}

/// <summary>
/// The relative size of the top third of the retained modes, after every step (coefficients only). Above
/// solver.tail_tolerance the run is under-resolved: stop with exit 3, or warn once (solver.on_underresolved: warn).
/// A non-finite tail is a numerical failure (exit 4), not under-resolution.
/// </summary>
internal sealed class SpectralTailTracker(Func<double> tail, double tolerance, bool stop, Func<double, string> advice) : ITracker
{
    private bool _warned;
    public string Name => "spectral_tail";

    public TrackerVerdict AfterStep(double time)
    {
        double t = tail();
        if (t <= tolerance) return TrackerVerdict.Continue;
        if (!double.IsFinite(t))
            return TrackerVerdict.Stop($"numerical failure at t = {time:G6}: the solution became non-finite; try a smaller solver.dt (rk4) or solver.tolerance (dopri5)", ExitCodes.NumericalFailure);
        return Underresolved.Verdict(time, $"spectral tail {t:E2} > solver.tail_tolerance {tolerance:E1}", advice(time), stop, ref _warned);
    }
}

/// <summary>A density below −solver.negative_tolerance × the uniform density at a write is under-resolution.</summary>
internal sealed class NegativeDensityTracker(double tolerance, bool stop, Func<double, string> advice) : ITracker
{
    private bool _warned;
    public string Name => "negative_density";

    public TrackerVerdict AtWrite(double time, WriteSnapshot snapshot, IReadOnlyList<TaskValue> values)
    {
        if (snapshot.MinDensity is not { } min || min >= -tolerance * snapshot.UniformDensity) return TrackerVerdict.Continue;
        return Underresolved.Verdict(time, $"density is negative (min {min:E2} < −solver.negative_tolerance × uniform density)", advice(time), stop, ref _warned);
    }
}

/// <summary>
/// Deterministic SA and USA with attractive attention are gradient flows: E_β is non-decreasing (MATH §3.2). A dip
/// beyond rounding warns once that the step is too large.
/// </summary>
internal sealed class EnergyMonotoneTracker(string stepKey) : ITracker
{
    private double _previous = double.NegativeInfinity;
    private bool _warned;
    public string Name => "energy_monotone";

    public void Restore(double energy) => _previous = energy;

    public TrackerVerdict AtWrite(double time, WriteSnapshot snapshot, IReadOnlyList<TaskValue> values)
    {
        double energy = snapshot.Energy, previous = _previous;
        _previous = energy;
        if (_warned || !(energy < previous * (1 - 1e-10))) return TrackerVerdict.Continue;
        _warned = true;
        return TrackerVerdict.Warn($"energy decreased at t = {time:G6} ({previous:R} → {energy:R}); {stepKey} may be too large");
    }
}

internal static class Underresolved
{
    public static TrackerVerdict Verdict(double time, string what, string advice, bool stop, ref bool warned)
    {
        string text = $"solution under-resolved at t = {time:G6}: {what}; {advice}";
        if (stop) return TrackerVerdict.Stop(text, ExitCodes.Underresolved);
        if (warned) return TrackerVerdict.Continue;
        warned = true;
        return TrackerVerdict.Warn(text + " (continuing: solver.on_underresolved is warn)");
    }
}
