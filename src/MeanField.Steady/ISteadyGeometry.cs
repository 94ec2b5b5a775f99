namespace MeanField.Steady;

/// <summary>
/// A spectral basis seen by the stationary-state solvers: the attention transport N(u) of the mean-field PDE
/// ∂t u = N(u) − D Λ u (diffusion D, Λ = −Δ_S per state entry), which entries are not unknowns (mass and entries that are
/// zero by the layout), the infinitesimal rotations of the sphere acting on a state, and the diagnostics of a branch.
/// Implementations: circle (Fourier), S² (spherical harmonics), S^{d−1} zonal (Gegenbauer).
/// </summary>
public interface ISteadyGeometry
{
    /// <summary>"circle", "sphere" or "zonal".</summary>
    string Name { get; }

    /// <summary>Ambient dimension d (S^{d−1}).</summary>
    int Dimension { get; }

    /// <summary>Length of the real state vector (the layout of the matching spectral solver).</summary>
    int Length { get; }

    /// <summary>N(u): the attention transport, without diffusion, in the operator's time unit.</summary>
    void Transport(ReadOnlySpan<double> u, Span<double> result);

    /// <summary>
    /// True when N is a quadratic form (USA): then central differences of N are exact Jacobian-vector products for any
    /// step, so the linearisation is exact up to rounding.
    /// </summary>
    bool IsQuadratic { get; }

    /// <summary>−Δ_S eigenvalue of each state entry (≥ 0), in the operator's time unit: the diffusion term is −D·Λ⊙u.</summary>
    ReadOnlySpan<double> Laplacian { get; }

    /// <summary>Harmonic degree of each state entry.</summary>
    ReadOnlySpan<int> Degree { get; }

    /// <summary>Entries held at their starting values: the mass, and entries the layout keeps at zero.</summary>
    IReadOnlyList<int> FixedEntries { get; }

    /// <summary>Number of infinitesimal rotations (circle 1, S² 3, zonal 0).</summary>
    int SymmetryCount { get; }

    /// <summary>The generator of rotation <paramref name="index"/> applied to u (a linear map; T u = 0 for an invariant u).</summary>
    void ApplySymmetry(int index, ReadOnlySpan<double> u, Span<double> result);

    /// <summary>The uniform state with the mass of u.</summary>
    double[] Uniform(ReadOnlySpan<double> u);

    /// <summary>Largest retained harmonic degree.</summary>
    int MaxDegree { get; }

    /// <summary>
    /// A_n = ‖degree-n part of the relative density‖_{L²(σ̄)} / (√N_{n,d} · mass): for n = 1 the order parameter
    /// |∫ x ρ dσ| / ∫ ρ dσ; on the circle |f̂_n|/f̂_0.
    /// </summary>
    double HarmonicAmplitude(ReadOnlySpan<double> u, int degree);

    /// <summary>‖ρ − ρ_uniform‖_{L²(σ)} of the density (w.r.t. the surface measure σ) with the same mass.</summary>
    double DistanceFromUniform(ReadOnlySpan<double> u);

    /// <summary>Grid coordinates of <see cref="Density"/> (name → values), e.g. theta; phi and theta on S²; t zonal.</summary>
    IReadOnlyDictionary<string, double[]> Grid { get; }

    /// <summary>Number of grid values of <see cref="Density"/>.</summary>
    int GridSize { get; }

    /// <summary>The density w.r.t. σ on the grid (S²: nlat × nlon row-major).</summary>
    void Density(ReadOnlySpan<double> u, Span<double> grid);
}
