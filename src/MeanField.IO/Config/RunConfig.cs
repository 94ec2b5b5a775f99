using MeanField.Core;

namespace MeanField.IO.Config;

/// <summary>A validated run configuration. Every key has a default; docs/configuration.md lists them.</summary>
public sealed record RunConfig
{
    public required string Name { get; init; }
    public string Geometry { get; init; } = "circle";
    public int Dimension { get; init; } = 2;
    public ModelConfig Model { get; init; } = new();
    public InitialConfig Initial { get; init; } = new();
    public SolverConfig Solver { get; init; } = new();
    public required OutputConfig Output { get; init; }
    public ulong Seed { get; init; }
}

public sealed record ModelConfig
{
    public AttentionKind Attention { get; init; } = AttentionKind.USA;
    public double Beta { get; init; } = 1.0;
    public double Diffusion { get; init; }
}

public sealed record VonMisesComponent(double Weight, double Mean, double Kappa);

/// <summary>
/// circle (fourier): c_k in ρ(θ) = (1/2π)(1 + Σ_k 2 Re(c_k e^{ikθ}));
/// zonal (gegenbauer): c_n in ρ = (1/|S^{d−1}|)(1 + Σ_n c_n P_n^{(d)}(t)), with Im = 0.
/// </summary>
public sealed record FourierCoefficient(int K, double Re, double Im);

public sealed record InitialConfig
{
    public static readonly IReadOnlyList<string> Kinds = ["uniform", "perturbed_uniform", "von_mises", "fourier", "gegenbauer"];
    public static readonly IReadOnlyList<string> CircleKinds = ["uniform", "perturbed_uniform", "von_mises", "fourier"];
    public static readonly IReadOnlyList<string> ZonalKinds = ["uniform", "perturbed_uniform", "von_mises", "gegenbauer"];
    public string Kind { get; init; } = "perturbed_uniform";
    public double Amplitude { get; init; } = 1e-3;
    public int Modes { get; init; } = 32;
    public IReadOnlyList<VonMisesComponent> Components { get; init; } = [];
    public IReadOnlyList<FourierCoefficient> Coefficients { get; init; } = [];
}

public sealed record SolverConfig
{
    public static readonly IReadOnlyList<string> Kinds = ["spectral"];
    public static readonly IReadOnlyList<string> UnderresolvedActions = ["stop", "warn"];
    public static readonly IReadOnlyList<string> FftBackends = ["auto", "fftw", "managed"];
    public string Kind { get; init; } = "spectral";
    public int Resolution { get; init; } = 256;
    public string Stepper { get; init; } = "dopri5";
    public double Dt { get; init; } = 1e-3;
    public double Tolerance { get; init; } = 1e-9;
    public double TEnd { get; init; } = 1.0;
    public string OnUnderresolved { get; init; } = "stop";
    /// <summary>Largest acceptable spectral tail (relative L² size of the top third of retained modes).</summary>
    public double TailTolerance { get; init; } = 1e-6;
    /// <summary>Largest acceptable negative density, relative to the uniform density 1/2π.</summary>
    public double NegativeTolerance { get; init; } = 1e-6;
    public string Fft { get; init; } = "auto";
}

public sealed record OutputConfig
{
    public required string Directory { get; init; }
    public double Interval { get; init; } = 0.01;
    public int MaxWrites { get; init; } = 1000;
}
