using MeanField.Core.Noise;
using MeanField.Spectral.Steppers;

namespace MeanField.Spectral;

/// <summary>
/// The one solver shell of every geometry: a drift (an <see cref="ISemilinearSystem"/>: the mean-field operator in the
/// geometry's basis), optionally a common-noise operator, and the stepper that advances the state — deterministic
/// (<see cref="StepperOptions"/>) or along path <see cref="StochasticOptions.Path"/> of a Brownian tree
/// (<see cref="StochasticOptions"/>). A geometry's solver derives from it, builds its basis and operators, calls
/// <see cref="Start(ISemilinearSystem, ReadOnlySpan{double}, StepperOptions)"/> or
/// <see cref="Start(ISemilinearSystem, ICommonNoiseOperator, ReadOnlySpan{double}, StochasticOptions)"/> once, and adds
/// only its diagnostics.
/// </summary>
public abstract class SemilinearSolver
{
    private TimeStepper? _stepper;

    public TimeStepper Stepper => _stepper ?? throw new InvalidOperationException("the solver has not been started");

    /// <summary>The Brownian path of the common noise; null for the deterministic PDE.</summary>
    public CommonNoisePath? NoisePath { get; private set; }

    /// <summary>Time of the state, in the drift's time unit.</summary>
    public double Time => Stepper.Time;

    public ReadOnlySpan<double> State => Stepper.State;

    public AdvanceOutcome AdvanceTo(double time, StepObserver? observer = null, CancellationToken cancellation = default) =>
        Stepper.AdvanceTo(time, observer, cancellation);

    /// <summary>The deterministic PDE from <paramref name="initialState"/> at t = 0.</summary>
    protected void Start(ISemilinearSystem drift, ReadOnlySpan<double> initialState, StepperOptions stepper)
    {
        if (_stepper is not null) throw new InvalidOperationException("the solver has been started already");
        _stepper = stepper.Create(drift, initialState, 0.0);
    }

    /// <summary>The SPDE du = (L u + N(u)) dt + Σ_j G_j u ∘ dB^j from <paramref name="initialState"/> at t = 0.</summary>
    protected void Start(ISemilinearSystem drift, ICommonNoiseOperator noise, ReadOnlySpan<double> initialState, StochasticOptions stochastic)
    {
        if (_stepper is not null) throw new InvalidOperationException("the solver has been started already");
        (_stepper, NoisePath) = stochastic.CreateStepper(drift, noise, initialState, 0.0);
    }
}
