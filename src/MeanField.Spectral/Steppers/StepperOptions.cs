namespace MeanField.Spectral.Steppers;

/// <summary>Which time integrator to use. Dt is the fixed step (rk4) or the first trial step (dopri5).</summary>
public sealed record StepperOptions(string Kind, double Dt, double Tolerance)
{
    public static readonly IReadOnlyList<string> Kinds = ["rk4", "dopri5"];

    public TimeStepper Create(ISemilinearSystem system, ReadOnlySpan<double> initialState, double initialTime) => Kind switch
    {
        "rk4" => new FixedStepStepper(system, ButcherTableau.ClassicalRk4, initialState, initialTime, Dt),
        "dopri5" => new AdaptiveStepper(system, ButcherTableau.DormandPrince54, initialState, initialTime, Tolerance, Dt),
        _ => throw new ArgumentException($"unknown stepper '{Kind}'; allowed: {string.Join(", ", Kinds)}"),
    };
}
