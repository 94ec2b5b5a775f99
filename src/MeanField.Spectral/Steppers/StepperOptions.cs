using MeanField.Core;

namespace MeanField.Spectral.Steppers;

/// <summary>Which deterministic time integrator to use. Dt is the fixed step (rk4) or the first trial step (dopri5).</summary>
public sealed record StepperOptions(StepperKind Kind, double Dt, double Tolerance)
{
    /// <summary>The deterministic kinds; the others are schemes of <see cref="StochasticOptions"/>.</summary>
    public static IReadOnlyList<StepperKind> Kinds => StepperKinds.Deterministic;

    public TimeStepper Create(ISemilinearSystem system, ReadOnlySpan<double> initialState, double initialTime) => Kind switch
    {
        StepperKind.Rk4 => new FixedStepStepper(system, ButcherTableau.ClassicalRk4, initialState, initialTime, Dt),
        StepperKind.Dopri5 => new AdaptiveStepper(system, ButcherTableau.DormandPrince54, initialState, initialTime, Tolerance, Dt),
        _ => throw new ArgumentException($"stepper '{Kind.Name()}' needs common noise (StochasticOptions); deterministic steppers: {string.Join(", ", Kinds.Select(k => k.Name()))}"),
    };
}
