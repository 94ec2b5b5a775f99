namespace MeanField.Spectral.Zonal;

/// <summary>Diagnostics of a zonal density on S^{d−1} at one time (MATH §3.2, §9.3). Layout: <see cref="ZonalGegenbauerBasis"/>.</summary>
public sealed record ZonalDiagnostics
{
    /// <summary>∫ f dσ = |S^{d−2}| ∫ g w_d dt = Σ_j ŵ_j u(t_j), by the grid quadrature (1 for a probability law).</summary>
    public required double Mass { get; init; }

    /// <summary>E_β = (1/2β) ∬ e^{β⟨x,y⟩} dμ dμ = ½ Σ_n a_n c_n², a_n = ρ_0Λ_n/β (physical units; +∞ if beyond double).</summary>
    public required double Energy { get; init; }

    /// <summary>log E_β (finite for any β, d).</summary>
    public required double LogEnergy { get; init; }

    /// <summary>√(Σ_{n &gt; 2L/3} c_n² / Σ_n c_n²): relative L²(σ̄) size of the top third of the degrees.</summary>
    public required double SpectralTail { get; init; }

    /// <summary>min_j u(t_j) of the relative density u = g|S^{d−1}| (1 for the uniform law), over the nodes with ŵ_j ≥ 1e−16·max ŵ (all nodes for small d; see ZonalSpectralSolver.SignificantLogWeight).</summary>
    public required double MinRelativeDensity { get; init; }

    /// <summary>min_j g(t_j), density w.r.t. σ (= MinRelativeDensity/|S^{d−1}|; not representable for d ≳ 1600).</summary>
    public required double MinDensity { get; init; }

    /// <summary>E_μ[⟨x, e⟩] = c_1/√d: |∫ x dμ|, the order parameter (signed along the pole e).</summary>
    public required double PolarMoment { get; init; }

    /// <summary>Orthonormal coefficients c_n, n = 0..count−1 (zero beyond L).</summary>
    public required double[] Modes { get; init; }

    /// <summary>MATH §9.3 coefficients g_n = c_n √N_{n,d}/|S^{d−1}| (g = Σ g_n P_n^{(d)}), n = 0..count−1; may overflow for large d.</summary>
    public required double[] GegenbauerModes { get; init; }
}
