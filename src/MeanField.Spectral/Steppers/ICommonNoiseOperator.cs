namespace MeanField.Spectral.Steppers;

/// <summary>
/// The common-noise part of a Stratonovich SPDE du = (L u + N(u)) dt + Σ_j G_j u ∘ dB^j (MATH §3.3), with every G_j
/// linear in u, as <see cref="StochasticStepper"/> needs it. A geometry may solve some components exactly (the circle's
/// rigid rotation a₀ dB₀); those are left out of <see cref="AddNoise"/> and of the Itô correction.
/// </summary>
public interface ICommonNoiseOperator
{
    /// <summary>Number of Brownian components B^j (the length of an increment vector).</summary>
    int Components { get; }

    /// <summary>dudt += Σ_j G_j(u) w_j over the components not solved exactly (w = ΔB/h: the operator is linear in w).</summary>
    void AddNoise(ReadOnlySpan<double> u, ReadOnlySpan<double> weights, Span<double> dudt);

    /// <summary>Apply the exactly solved components in place, for the increments times <paramref name="fraction"/>.</summary>
    void ApplyExactPart(Span<double> u, ReadOnlySpan<double> increments, double fraction);

    /// <summary>The diagonal part of the Itô correction ½ Σ_j G_j G_j (components not solved exactly), ≤ 0 entrywise.</summary>
    ReadOnlySpan<double> ItoCorrectionDiagonal { get; }

    /// <summary>True when <see cref="AddItoCorrection"/> has work to do (the correction is not all diagonal).</summary>
    bool HasNonDiagonalItoCorrection { get; }

    /// <summary>dudt += the non-diagonal rest of ½ Σ_j G_j G_j u.</summary>
    void AddItoCorrection(ReadOnlySpan<double> u, Span<double> dudt);

    /// <summary>
    /// dudt = N(u) + Σ_j G_j(u) w_j, what <see cref="StochasticStepper"/> evaluates per stage. By default the drift, then
    /// <see cref="AddNoise"/>; a geometry whose drift and noise are both fluxes may form them in one grid pass (the sphere).
    /// </summary>
    void EvaluateDriftAndNoise(ISemilinearSystem drift, double t, ReadOnlySpan<double> u, ReadOnlySpan<double> weights, Span<double> dudt)
    {
        drift.EvaluateNonlinear(t, u, dudt);
        AddNoise(u, weights, dudt);
    }

    /// <summary>
    /// The solver of the implicit noise step x = R(A(ΔB)) u of <see cref="ImplicitSplittingStepper"/>; by default
    /// matrix-free GMRES on <see cref="AddNoise"/>, a geometry may solve it directly (the circle's banded system).
    /// </summary>
    INoiseStepSolver CreateNoiseStepSolver(int stateLength, NoiseStepRule rule) => new KrylovNoiseStepSolver(this, stateLength, rule);
}
