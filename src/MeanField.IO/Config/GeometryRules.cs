namespace MeanField.IO.Config;

/// <summary>An integer key's default, its rule, and the requirement a config error states when the rule fails.</summary>
internal sealed record IntRule(int Default, Func<int, bool> Valid, string Requirement);

/// <summary>
/// What one geometry accepts in a run config: its dimension and solver.resolution for the spectral solver (and for
/// solver.kind both, whose geometry is the PDE's), and for particle runs either their own rules or the reason particles
/// cannot run there. The loader applies these and nothing geometry-specific of its own for these keys; one entry per
/// <see cref="GeometryKind"/> in <see cref="All"/>.
/// </summary>
internal sealed record GeometryRules(GeometryKind Kind, IntRule Dimension, IntRule Resolution)
{
    /// <summary>Rules of solver.kind particles, or null when particles cannot run in this geometry (<see cref="ParticlesRefusal"/>).</summary>
    public (IntRule Dimension, IntRule Resolution)? Particles { get; init; }

    /// <summary>Why particles cannot follow this geometry (solver.kind particles or both); null where they can.</summary>
    public string? ParticlesRefusal { get; init; }

    /// <summary>The grid rule of particle runs (it bounds the degrees of an expansion law, solver.resolution applies to them).</summary>
    private static readonly IntRule EvenGrid = new(256, n => n >= 8 && n % 2 == 0 && n <= 1 << 22, "must be an even number of grid points between 8 and 4194304");

    /// <summary>Largest ambient dimension accepted for particles on S^{d−1} (geometry sphere).</summary>
    public const int MaxParticleDimension = 4096;

    /// <summary>The circle's dimension rule, the same for the PDE and for particles.</summary>
    private static readonly IntRule CircleDimension = new(2, d => d == 2, "must be 2 for geometry circle (use geometry: sphere or zonal for d ≥ 3)");

    public static readonly IReadOnlyDictionary<GeometryKind, GeometryRules> All = new Dictionary<GeometryKind, GeometryRules>
    {
        [GeometryKind.Circle] = new(GeometryKind.Circle, CircleDimension, EvenGrid) { Particles = (CircleDimension, EvenGrid) },
        [GeometryKind.Sphere] = new(GeometryKind.Sphere,
            new IntRule(3, d => d == 3, "must be 3 for geometry sphere with solver.kind spectral (the harmonic solver is on S^2; use geometry zonal for axisymmetric densities on S^(d-1), or solver.kind particles)"),
            new IntRule(63, n => n >= 2 && n <= 1023, "is lmax for geometry sphere and must lie between 2 and 1023"))
        {
            Particles = (new IntRule(3, d => d >= 2 && d <= MaxParticleDimension, $"must be between 2 and {MaxParticleDimension} for geometry sphere (S^(d-1) in R^d)"), EvenGrid),
        },
        [GeometryKind.Zonal] = new(GeometryKind.Zonal,
            new IntRule(3, d => d >= 2 && d <= 1 << 16, "must be between 2 and 65536 for geometry zonal"),
            new IntRule(64, n => n >= 2 && n <= 4096, "is the largest Gegenbauer degree for geometry zonal and must lie between 2 and 4096"))
        {
            ParticlesRefusal = "geometry zonal is an axisymmetric PDE reduction; particles live on the full sphere",
        },
    };
}
