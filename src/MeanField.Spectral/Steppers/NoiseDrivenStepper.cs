using MeanField.Core.Noise;

namespace MeanField.Spectral.Steppers;

/// <summary>
/// What every fixed-step SPDE stepper shares: the Brownian path and its increments per solver step, the step grid
/// t_s = s·h that output times must lie on, and the loop that draws ΔB, takes one step and commits it. A scheme is one
/// subclass that says how a step maps U to UNew given ΔB (<see cref="StochasticStepper"/>: Heun and Euler–Maruyama;
/// <see cref="ImplicitSplittingStepper"/>: the implicit transport-noise splittings).
/// </summary>
internal abstract class NoiseDrivenStepper : TimeStepper
{
    private readonly double[] _increments;

    protected NoiseDrivenStepper(ISemilinearSystem system, ButcherTableau tableau, int components, StochasticOptions options,
        ReadOnlySpan<double> initialState, double initialTime)
        : base(system, tableau, initialState, initialTime)
    {
        if (!(options.Dt > 0) || !double.IsFinite(options.Dt)) throw new ArgumentOutOfRangeException(nameof(options), options.Dt, "dt must be positive and finite.");
        if (options.IncrementsPerStep < 1) throw new ArgumentOutOfRangeException(nameof(options), options.IncrementsPerStep, "IncrementsPerStep must be ≥ 1.");
        Options = options;
        Path = new CommonNoisePath(options.Seed, components, options.Dt, options.Path);
        _increments = new double[Path.Components];
    }

    public StochasticOptions Options { get; }

    /// <summary>The Brownian path the increments come from (its Dt is the path's step, not necessarily the solver's).</summary>
    public CommonNoisePath Path { get; }

    /// <summary>The fixed step h = IncrementsPerStep · Dt.</summary>
    public double Step => Options.Step;

    protected override double[] ControllerMemory() => [0, 0];

    protected override void RestoreControllerMemory(ReadOnlySpan<double> memory) { }

    /// <summary>ΔB over solver step s (the sum of IncrementsPerStep path increments).</summary>
    public void Increments(long step, Span<double> increments) =>
        Path.Increments(step * Options.IncrementsPerStep, Options.IncrementsPerStep, increments);

    /// <summary>One step of size h from U (at Time) into UNew, driven by the increments ΔB of this step.</summary>
    protected abstract void TakeStep(double h, ReadOnlySpan<double> increments);

    /// <summary>
    /// Steps of exactly h up to <paramref name="target"/>, which must lie a whole number of steps ahead (the noise
    /// increments are tied to the step grid t_s = s·h; the config checks output times against solver.dt).
    /// </summary>
    public sealed override AdvanceOutcome AdvanceTo(double target, StepObserver? observer = null, CancellationToken cancellation = default)
    {
        double span = target - Time, h = Step;
        if (span <= 0) return AdvanceOutcome.ReachedTarget;
        long count = (long)Math.Round(span / h);
        if (count < 1 || Math.Abs(count * h - span) > 1e-9 * Math.Max(span, h))
            throw new ArgumentException($"t = {target:R} is not a whole number of stochastic steps h = {h:R} after t = {Time:R}", nameof(target));
        double start = Time;
        for (long i = 1; i <= count; i++)
        {
            if (cancellation.IsCancellationRequested) return AdvanceOutcome.Cancelled;
            Increments(Steps, _increments);
            TakeStep(h, _increments);
            Commit(h, i == count ? target : start + i * h);
            if (observer is not null && !observer(Time, U)) return AdvanceOutcome.StoppedByObserver;
        }
        return AdvanceOutcome.ReachedTarget;
    }
}
