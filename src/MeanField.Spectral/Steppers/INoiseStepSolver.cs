namespace MeanField.Spectral.Steppers;

/// <summary>
/// The noise step of <see cref="ImplicitSplittingStepper"/>: u_new = R(A(ΔB)) u for a <see cref="NoiseStepRule"/>, with
/// A(ΔB) = Σ_j G_j ΔB^j over the components not solved exactly (midpoint: (I − ½A) u_new = (I + ½A) u).
/// The Galerkin transport operator has a Hermitian part bounded by ‖div G‖∞ (only the skew part grows with the
/// wavenumber), so R(A) is bounded for every ΔB and resolution: the step is stable where the explicit Heun step is not.
/// Two implementations: <see cref="CircleBandedNoiseStepSolver"/> (direct, banded) and
/// <see cref="KrylovNoiseStepSolver"/> (GMRES, any operator).
/// </summary>
public interface INoiseStepSolver
{
    /// <summary>u_new from u for the increments ΔB of one step (result must not alias u).</summary>
    void Solve(ReadOnlySpan<double> u, ReadOnlySpan<double> increments, Span<double> result);
}
