using MeanField.Core;
using MeanField.Core.Noise;

namespace MeanField.Spectral.Steppers;

/// <summary>
/// Strang splitting of the Stratonovich SPDE du = (L u + N(u)) dt + Σ_j G_j u ∘ dB^j over one step h with increments ΔB:
///   drift h/2  →  exact part ½ΔB  →  implicit noise step u' = R(A)u, A = Σ_j G_j ΔB^j  →  exact part ½ΔB  →  drift h/2,
/// the drift half-steps by the integrating-factor Heun method (RK2, L exact), R the <see cref="NoiseStepRule"/>:
/// midpoint_splitting, (I − ½A)u' = (I + ½A)u (Crank–Nicolson in ΔB); gauss_splitting, 2-stage Gauss–Legendre in ΔB.
/// Both are Stratonovich (not Itô) discretisations of the noise flow and unconditionally stable for transport noise
/// (see <see cref="INoiseStepSolver"/>), so the step is limited by the drift only. With one noise component and no
/// drift the noise step is the flow exp(AΔB) up to O(|AΔB|³) (midpoint) or O(|AΔB|⁵) (Gauss), i.e. strong order 1 or
/// 2; the splitting error against a drift and non-commuting components (no Lévy areas) bring it to 1 and ½, like
/// stochastic Heun. Mass is kept exactly by each sub-step; the exactly solved components (the circle's rotation) stay
/// exact, and commute with the drift. Step s uses ΔB of path step s, as <see cref="StochasticStepper"/> does, so a
/// resumed run repeats an uninterrupted one bit for bit (the scheme carries no state between steps).
/// </summary>
internal sealed class ImplicitSplittingStepper : NoiseDrivenStepper
{
    private static ButcherTableau DriftTableau(NoiseStepRule rule) => new()
    {
        Name = rule.Scheme.Name(), Order = 2, C = [0, 1], A = [[], [1]], B = [0.5, 0.5],
    };

    private readonly ICommonNoiseOperator _noise;
    private readonly INoiseStepSolver _solver;
    private readonly double[] _half, _noised;

    public ImplicitSplittingStepper(ISemilinearSystem drift, ICommonNoiseOperator noise, NoiseStepRule rule,
        StochasticOptions options, ReadOnlySpan<double> initialState, double initialTime)
        : base(drift, DriftTableau(rule), noise.Components, options, initialState, initialTime)
    {
        _noise = noise;
        Rule = rule;
        _solver = noise.CreateNoiseStepSolver(drift.Length, rule);
        _half = new double[U.Length];
        _noised = new double[U.Length];
    }

    public NoiseStepRule Rule { get; }

    // Drift half-step, exact rotation over ½ΔB, the implicit noise step, rotation, drift half-step (Strang).
    protected override void TakeStep(double h, ReadOnlySpan<double> increments)
    {
        Method.Reset();
        Method.Step(Time, h / 2, U, _half, default);
        _noise.ApplyExactPart(_half, increments, 0.5);
        try
        {
            _solver.Solve(_half, increments, _noised);
        }
        catch (InvalidOperationException e)
        {
            throw new IntegrationException($"{e.Message} (t = {Time:G6})", Time);
        }
        _noise.ApplyExactPart(_noised, increments, 0.5);
        Method.Reset();
        Method.Step(Time + h / 2, h / 2, _noised, UNew, default);
    }
}
