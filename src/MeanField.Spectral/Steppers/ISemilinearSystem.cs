namespace MeanField.Spectral.Steppers;

/// <summary>
/// du/dt = L u + N(t, u) with L diagonal, real and non-positive (diffusion in a spectral basis).
/// Steppers apply L exactly through integrating factors, so diffusion never limits the step.
/// </summary>
public interface ISemilinearSystem
{
    /// <summary>Length of the real state vector.</summary>
    int Length { get; }

    /// <summary>The diagonal of L, one entry per state entry (all ≤ 0). All zeros means no linear part.</summary>
    ReadOnlySpan<double> LinearDiagonal { get; }

    /// <summary>N(t, u) into <paramref name="dudt"/>. Must not allocate: it is the hot path.</summary>
    void EvaluateNonlinear(double t, ReadOnlySpan<double> u, Span<double> dudt);
}
