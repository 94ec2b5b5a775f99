using System.Numerics;

namespace MeanField.Spectral.Circle;

/// <summary>Diagnostics of a circle density at one time (MATH §3.2, §9.1).</summary>
public sealed record CircleDiagnostics
{
    /// <summary>∫ f dθ by the grid quadrature.</summary>
    public required double Mass { get; init; }
    /// <summary>E_β = (1/2β) ∬ e^{β cos(θ−φ)} f(θ) f(φ) dθ dφ = (2π²/β) Σ_k I_|k|(β) |f̂_k|².</summary>
    public required double Energy { get; init; }
    /// <summary>√(Σ_{2K/3 &lt; |k| ≤ K} |f̂_k|² / Σ_{|k| ≤ K} |f̂_k|²): relative L² size of the top third of the retained modes.</summary>
    public required double SpectralTail { get; init; }
    /// <summary>min_j f(θ_j).</summary>
    public required double MinDensity { get; init; }
    /// <summary>∫ f V dθ: the rate of change of the lifted mean angle; zero for USA (MATH §9.1).</summary>
    public required double NetFlux { get; init; }
    /// <summary>∫ e^{iθ} f dθ = 2π conj(f̂_1): the circular first moment (order parameter); not conserved.</summary>
    public required Complex FirstMoment { get; init; }
    /// <summary>f̂_k for k = 0..count−1.</summary>
    public required Complex[] Modes { get; init; }
}
