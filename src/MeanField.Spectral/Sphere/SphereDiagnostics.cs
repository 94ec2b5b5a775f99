namespace MeanField.Spectral.Sphere;

/// <summary>Diagnostics of a density on S² at one time (MATH §3.2, §9.2).</summary>
public sealed record SphereDiagnostics
{
    /// <summary>∫ ρ dσ by the grid quadrature (= √(4π) a_0^0 for the band-limited density).</summary>
    public required double Mass { get; init; }
    /// <summary>E_β = (1/2β) ∬ e^{β⟨x,y⟩} ρ(x)ρ(y) dσ dσ = (1/2β) Σ_n Λ_n Σ_{m=−n}^{n} |a_n^m|², Λ_n = 4π i_n(β).</summary>
    public required double Energy { get; init; }
    /// <summary>√(Σ_{2L/3 &lt; n ≤ L} S_n / Σ_{n ≤ L} S_n), S_n the degree spectrum: relative L² size of the top third of the degrees.</summary>
    public required double SpectralTail { get; init; }
    /// <summary>min ρ over the grid.</summary>
    public required double MinDensity { get; init; }
    /// <summary>S_n = Σ_{m=−n}^{n} |a_n^m|² = |a_n^0|² + 2 Σ_{m≥1} |a_n^m|², n = 0..L (rotation invariant; Σ S_n = ‖ρ‖²_{L²}).</summary>
    public required double[] DegreeSpectrum { get; init; }
    /// <summary>∫ x ρ dσ ∈ R³ (the mean of the token distribution): from the degree-1 coefficients.</summary>
    public required double[] FirstMoment { get; init; }
}
