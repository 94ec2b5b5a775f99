using MeanField.Core;
using MeanField.Core.Noise;

namespace MeanField.IO.Config;

/// <summary>A validated run configuration. Every key has a default; docs/configuration.md lists them.</summary>
public sealed record RunConfig
{
    public required string Name { get; init; }
    public GeometryKind Geometry { get; init; } = GeometryKind.Circle;
    public int Dimension { get; init; } = 2;
    public ModelConfig Model { get; init; } = new();
    public InitialConfig Initial { get; init; } = new();
    public SolverConfig Solver { get; init; } = new();
    public ParticlesConfig Particles { get; init; } = new();
    public required OutputConfig Output { get; init; }
    public ulong Seed { get; init; }
    public EnsembleConfig Ensemble { get; init; } = new();
}

/// <summary>ensemble.paths independent common-noise paths (path p uses stream CommonNoise + p·2³²); 1 = a single run.</summary>
public sealed record EnsembleConfig
{
    public int Paths { get; init; } = 1;
    /// <summary>Keep each path's own output file (DIR/paths/NAME_pNNNN.h5) after averaging.</summary>
    public bool KeepPaths { get; init; }
}

public sealed record ModelConfig
{
    public AttentionKind Attention { get; init; } = AttentionKind.USA;
    public double Beta { get; init; } = 1.0;
    public double Diffusion { get; init; }
    /// <summary>The attention velocity is multiplied by this (V = s·I): 1 attractive, 0 off, −1 repulsive.</summary>
    public double AttentionScale { get; init; } = 1.0;
    /// <summary>Q, K, V as row-major d×d (particles only); null means the identity. The exponent is β⟨Qx, Ky⟩.</summary>
    public IReadOnlyList<double>? Query { get; init; }
    public IReadOnlyList<double>? Key { get; init; }
    public IReadOnlyList<double>? Value { get; init; }
    /// <summary>model.common_noise: environmental noise shared by all tokens (MATH §2.2–2.3, §3.3); null = none.</summary>
    public CommonNoiseConfig? CommonNoise { get; init; }
}

/// <summary>
/// The common noise. kind mlp: the random MLP field of width m → ∞ (MATH §2.2), kernel κ from activation, sigma_u,
/// sigma_w, expanded in Karhunen–Loève fields up to `modes` (Fourier mode on the circle, degree on S²).
/// kind fields: explicit amplitudes, circle [m, a_cos, a_sin] (m = 0 is a rigid rotation, a_sin = 0), S² [n, C_n].
/// Particles sample it either through the same harmonic fields (sampler harmonic, d = 2, 3; the path is then shared
/// with the SPDE) or as the random MLP layer itself with fresh weights every step (sampler mlp, width m; any d).
/// </summary>
public sealed record CommonNoiseConfig
{
    public NoiseKind Kind { get; init; } = NoiseKind.Mlp;
    public MlpActivation Activation { get; init; } = MlpActivation.Relu;
    public double SigmaU { get; init; }
    public double SigmaW { get; init; }
    /// <summary>Truncation: the largest Fourier mode (circle) or harmonic degree (S²) of the noise fields.</summary>
    public int Modes { get; init; } = 16;
    /// <summary>kind fields: circle rows [m, a_cos, a_sin]; S² rows [n, C_n].</summary>
    public IReadOnlyList<IReadOnlyList<double>> Amplitudes { get; init; } = [];
    /// <summary>Particles: harmonic (default for d = 2, 3) or mlp (the only choice for d ≥ 4).</summary>
    public NoiseSampler Sampler { get; init; } = NoiseSampler.Harmonic;
    /// <summary>Sampler mlp: the hidden width m of the random layer.</summary>
    public int Width { get; init; } = 256;
}

public sealed record VonMisesComponent(double Weight, double Mean, double Kappa)
{
    /// <summary>geometry sphere: the mean direction (a vector in R^3, normalised on reading); the angle Mean is unused there.</summary>
    public IReadOnlyList<double>? Direction { get; init; }

    public bool Equals(VonMisesComponent? other) =>
        other is not null && Weight == other.Weight && Mean == other.Mean && Kappa == other.Kappa &&
        (Direction ?? []).SequenceEqual(other.Direction ?? []);

    public override int GetHashCode() => HashCode.Combine(Weight, Mean, Kappa);
}

/// <summary>geometry sphere: a_l^m (orthonormal harmonics, Condon–Shortley phase) of the initial density, 1 ≤ l, 0 ≤ m ≤ l.</summary>
public sealed record HarmonicCoefficient(int L, int M, double Re, double Im);

/// <summary>
/// circle (fourier): c_k in ρ(θ) = (1/2π)(1 + Σ_k 2 Re(c_k e^{ikθ}));
/// zonal (gegenbauer): c_n in ρ = (1/|S^{d−1}|)(1 + Σ_n c_n P_n^{(d)}(t)), with Im = 0.
/// </summary>
public sealed record FourierCoefficient(int K, double Re, double Im);

public sealed record InitialConfig
{
    /// <summary>Kinds the spectral solver accepts on the circle.</summary>
    public static readonly IReadOnlyList<InitialKind> CircleKinds = [InitialKind.Uniform, InitialKind.PerturbedUniform, InitialKind.VonMises, InitialKind.Fourier];
    public static readonly IReadOnlyList<InitialKind> ZonalKinds = [InitialKind.Uniform, InitialKind.PerturbedUniform, InitialKind.VonMises, InitialKind.Gegenbauer];
    public static readonly IReadOnlyList<InitialKind> SphereKinds = [InitialKind.Uniform, InitialKind.PerturbedUniform, InitialKind.VonMises, InitialKind.Harmonics];
    /// <summary>
    /// Kinds the particle solver accepts: on the circle (d = 2) also the circle laws of the PDE, on S² (d = 3) the S² PDE's
    /// laws (plus gegenbauer, zonal about e_3), on S^{d−1} (d ≥ 4) the zonal laws of geometry zonal (about the pole e = e_d).
    /// </summary>
    public static IReadOnlyList<InitialKind> ParticleKinds(int dimension) => dimension switch
    {
        2 => [InitialKind.Uniform, InitialKind.PerturbedUniform, InitialKind.VonMises, InitialKind.Fourier, InitialKind.Equiangular, InitialKind.FromFile],
        3 => [InitialKind.Uniform, InitialKind.PerturbedUniform, InitialKind.VonMises, InitialKind.Harmonics, InitialKind.Gegenbauer, InitialKind.Equiangular, InitialKind.FromFile],
        _ => [InitialKind.Uniform, InitialKind.PerturbedUniform, InitialKind.VonMises, InitialKind.Gegenbauer, InitialKind.Equiangular, InitialKind.FromFile],
    };
    public InitialKind Kind { get; init; } = InitialKind.PerturbedUniform;
    public double Amplitude { get; init; } = 1e-3;
    public int Modes { get; init; } = 32;
    public IReadOnlyList<VonMisesComponent> Components { get; init; } = [];
    public IReadOnlyList<FourierCoefficient> Coefficients { get; init; } = [];
    /// <summary>geometry sphere, kind harmonics: entries [l, m, re, im] of initial.coefficients.</summary>
    public IReadOnlyList<HarmonicCoefficient> Harmonics { get; init; } = [];
    /// <summary>equiangular: ⟨x_i, x_j⟩ = rho0 for i ≠ j.</summary>
    public double Rho0 { get; init; }
    /// <summary>from_file: HDF5 file (absolute after loading) and dataset (N×d, or writes×N×d whose last write is used).</summary>
    public string File { get; init; } = "";
    public string Dataset { get; init; } = "tasks/positions";
}

public sealed record SolverConfig
{
    /// <summary>The fixed-step stochastic steppers, used when model.common_noise is set.</summary>
    public static IReadOnlyList<StepperKind> StochasticSteppers => StepperKinds.Stochastic;
    public SolverKind Kind { get; init; } = SolverKind.Spectral;
    public int Resolution { get; init; } = 256;
    public StepperKind Stepper { get; init; } = StepperKind.Dopri5;
    public double Dt { get; init; } = 1e-3;
    public double Tolerance { get; init; } = 1e-9;
    public double TEnd { get; init; } = 1.0;
    public UnderresolvedAction OnUnderresolved { get; init; } = UnderresolvedAction.Stop;
    /// <summary>Largest acceptable spectral tail (relative L² size of the top third of retained modes).</summary>
    public double TailTolerance { get; init; } = 1e-6;
    /// <summary>Largest acceptable negative density, relative to the uniform density 1/2π.</summary>
    public double NegativeTolerance { get; init; } = 1e-6;
    public FftChoice Fft { get; init; } = FftChoice.Auto;
}

/// <summary>The particle simulator (solver.kind: particles). solver.t_end is the final time for both solvers.</summary>
public sealed record ParticlesConfig
{
    /// <summary>N; null = 1000, or the row count of initial.file for from_file.</summary>
    public int? Count { get; init; }
    public IntegratorKind Integrator { get; init; } = IntegratorKind.Rk4;
    public double Dt { get; init; } = 1e-3;
    public InteractionKind Interaction { get; init; } = InteractionKind.Auto;
    public double Tolerance { get; init; } = 1e-12;
    /// <summary>Worker threads; 0 = one per logical core. Results do not depend on it.</summary>
    public int Threads { get; init; }
    /// <summary>R independent systems of <see cref="Count"/> tokens stepped together; replica r has seed RandomStreams.ReplicaSeed(seed, r). 1 = a single system.</summary>
    public int Replicas { get; init; } = 1;
    /// <summary>Random Q, K, V per system drawn from its seed (particles.random_matrices), or null for model.query/key/value.</summary>
    public RandomMatricesConfig? RandomMatrices { get; init; }
}

/// <summary>particles.random_matrices: the laws of each system's Q, K, V (<see cref="MeanField.Core.RandomMatrixModel"/>).</summary>
public sealed record RandomMatricesConfig(MeanField.Core.RandomQueryKeyLaw QueryKey, MeanField.Core.RandomValueLaw Value, double Scale, bool Redraw)
{
    public MeanField.Core.RandomMatrixModel ToModel() => new(QueryKey, Value, Scale, Redraw);
}

public sealed record OutputConfig
{
    public required string Directory { get; init; }
    public double Interval { get; init; } = 0.01;
    public int MaxWrites { get; init; } = 1000;
    /// <summary>The HDF5 writer: libhdf5 when it loads (auto), or always native / always PureHDF (managed).</summary>
    public MeanField.IO.Output.Hdf5Library Hdf5Library { get; init; } = MeanField.IO.Output.Hdf5Library.Auto;
    /// <summary>Managed writer only: wall-clock seconds after which a set is closed, bounding what a crash loses.</summary>
    public double SetSeconds { get; init; } = 60;
    /// <summary>Native writer only: latest-format files in SWMR write mode, readable live with h5py swmr=True (see docs/output-format.md).</summary>
    public bool Swmr { get; init; }
    /// <summary>Particles: write /tasks/positions (and /tasks/angles on the circle).</summary>
    public bool Positions { get; init; } = true;
    /// <summary>Particles: write every k-th particle's position.</summary>
    public int PositionStride { get; init; } = 1;
    /// <summary>Particles: i and j are in one cluster when joined by a chain of pairs with ⟨x_i, x_j⟩ &gt; 1 − ε.</summary>
    public double ClusterEpsilon { get; init; } = 1e-3;
    /// <summary>Particles on S² (d = 3): the largest degree L of /tasks/empirical_sh_coefficients.</summary>
    public int HarmonicDegree { get; init; } = 16;
    /// <summary>Write the PNG figures of `meanfield plot` next to the output when the run ends.</summary>
    public bool Plots { get; init; }
}
