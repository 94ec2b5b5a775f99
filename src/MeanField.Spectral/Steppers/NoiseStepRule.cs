using System.Numerics;
using MeanField.Core;

namespace MeanField.Spectral.Steppers;

/// <summary>
/// The rational approximation R(A) ≈ exp(A) of the noise flow over one step, A = A(ΔB) = Σ_j G_j ΔB^j, that an
/// <see cref="INoiseStepSolver"/> applies: u_new = D(A)⁻¹ N(A) u with D(A) = Π_i (I − c_i A). Both rules are diagonal
/// Padé approximants, i.e. Gauss–Legendre collocation in ΔB: symmetric (Stratonovich-consistent), |R(iy)| = 1 for
/// real y, so a mode whose transport eigenvalue is iy (the skew part of the Galerkin transport, which grows with the
/// wavenumber) is neither amplified nor damped, whatever k·|G ΔB|; they keep quadratic invariants of a skew A exactly.
/// </summary>
public sealed record NoiseStepRule
{
    private NoiseStepRule(StepperKind scheme, double[] numerator, Complex[] shifts, int order)
    {
        Scheme = scheme;
        Numerator = numerator;
        Shifts = shifts;
        Order = order;
    }

    /// <summary>The scheme name of <see cref="ImplicitSplittingStepper"/> with this rule (solver.stepper).</summary>
    public StepperKind Scheme { get; }

    /// <summary>N(z) = Σ_p Numerator[p] z^p.</summary>
    public IReadOnlyList<double> Numerator { get; }

    /// <summary>The c_i of D(z) = Π_i (1 − c_i z): one real value, or one complex-conjugate pair given by its first member.</summary>
    public IReadOnlyList<Complex> Shifts { get; }

    /// <summary>Order of R(z) − e^z = O(z^{Order+1}).</summary>
    public int Order { get; }

    /// <summary>Implicit midpoint / Crank–Nicolson in ΔB: R(z) = (1 + z/2)/(1 − z/2), order 2.</summary>
    public static NoiseStepRule Midpoint { get; } = new(StepperKind.MidpointSplitting, [1, 0.5], [new Complex(0.5, 0)], 2);

    /// <summary>
    /// 2-stage Gauss–Legendre in ΔB: R(z) = (1 + z/2 + z²/12)/(1 − z/2 + z²/12), order 4; D(z) = (1 − cz)(1 − c̄z) with
    /// c = (3 + i√3)/12.
    /// </summary>
    public static NoiseStepRule GaussLegendre2 { get; } = new(StepperKind.GaussSplitting, [1, 0.5, 1.0 / 12], [new Complex(0.25, Math.Sqrt(3) / 12)], 4);

    public static IReadOnlyList<NoiseStepRule> All { get; } = [Midpoint, GaussLegendre2];

    /// <summary>The rule of a scheme, or null when it is not one of these schemes.</summary>
    public static NoiseStepRule? Find(StepperKind scheme) => All.FirstOrDefault(r => r.Scheme == scheme);

    /// <summary>True for a single real shift; false for a conjugate pair (Shifts holds c, D = (1 − cz)(1 − c̄z)).</summary>
    public bool RealShift => Shifts[0].Imaginary == 0;
}
