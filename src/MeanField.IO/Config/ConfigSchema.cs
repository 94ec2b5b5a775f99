using System.Globalization;
using System.Text;
using MeanField.Core;
using YamlDotNet.RepresentationModel;

namespace MeanField.IO.Config;

/// <summary>
/// One key of the run config: its dotted path, how its resolved value is written, for which runs it has an effect,
/// and its documentation. <see cref="ConfigSchema.Keys"/> is the single list from which the /config writer, the
/// "key without effect" check of the loader, the --resume comparison and the key table of docs/configuration.md
/// all come, so they cannot drift apart.
/// </summary>
public sealed record ConfigKey(string Path, string Default, string Allowed, string Meaning)
{
    /// <summary>The resolved value as YAML flow text (round-trip exact), or null where the key stays absent.</summary>
    public required Func<RunConfig, string?> Value { get; init; }
    /// <summary>Whether the key has an effect for this run; a key given where it has none is an error.</summary>
    public Func<RunConfig, bool> Applies { get; init; } = _ => true;
    /// <summary>The runs it has an effect for, in words (the "applies to" column).</summary>
    public string AppliesTo { get; init; } = "every run";
    /// <summary>What to set instead where the key has no effect (appended to the error), or null.</summary>
    public Func<RunConfig, string?> Instead { get; init; } = _ => null;
}

/// <summary>The run-config schema: every key of <see cref="RunConfig"/>, in file order.</summary>
public static class ConfigSchema
{
    private static bool Spectral(RunConfig c) => c.Solver.Kind is SolverKind.Spectral or SolverKind.Both;
    private static bool Particles(RunConfig c) => c.Solver.Kind is SolverKind.Particles or SolverKind.Both;
    private static bool Noise(RunConfig c) => c.Model.CommonNoise is not null;
    private static bool MlpNoise(RunConfig c) => c.Model.CommonNoise is { Kind: NoiseKind.Mlp };
    private static bool MlpSampler(RunConfig c) => c.Model.CommonNoise is { Sampler: NoiseSampler.Mlp } && c.Solver.Kind == SolverKind.Particles;
    private static string? Initial(RunConfig c, params InitialKind[] kinds) =>
        kinds.Contains(c.Initial.Kind) ? null : $"initial.kind is {c.Initial.Kind.Name()}";

    // Particle laws given by a truncated expansion, whose degrees solver.resolution bounds.
    private static readonly InitialKind[] SampledSpectralLaws = [InitialKind.PerturbedUniform, InitialKind.Fourier, InitialKind.Harmonics, InitialKind.Gegenbauer];
    private static bool SampledSpectralLaw(RunConfig c) => SampledSpectralLaws.Contains(c.Initial.Kind);

    private const string SpectralRuns = "solver.kind spectral and both";
    private const string ParticleRuns = "solver.kind particles and both";
    private static string NotSpectral(RunConfig c) => $"solver.kind {c.Solver.Kind.Name()} runs no spectral solver";

    public static IReadOnlyList<ConfigKey> Keys { get; } =
    [
        new("name", "config file name without extension", "usable as a file name", "output files are `NAME.h5` or `NAME_sK.h5`") { Value = c => Quote(c.Name) },
        new("geometry", "none: required", "`circle`, `sphere`, `zonal`", "the domain: S¹; S² for the spectral solver or S^{d−1} ⊂ R^d for particles; zonal densities on S^{d−1} (functions of t = ⟨x, e⟩, spectral solver only). An empty config is an error") { Value = c => c.Geometry.Name() },
        new("dimension", "`2` (circle), `3` (zonal, sphere)", "2 for circle; 2 … 65536 for zonal; 3 for sphere with the spectral solver, 2 … 4096 for sphere with particles", "ambient dimension d") { Value = c => Int(c.Dimension) },
        new("model.attention", "`usa`", "`sa`, `usa`", "softmax-normalised or unnormalised attention (MATH §2.1, §3.1)") { Value = c => c.Model.Attention == AttentionKind.SA ? "sa" : "usa" },
        new("model.beta", "`1.0`", "(0, 700]", "inverse temperature; e^β must be finite in double precision") { Value = c => F(c.Model.Beta) },
        new("model.diffusion", "`0.0`", "≥ 0", "D in D·Δρ (idiosyncratic noise, D = 1/κ_R of MATH §3.4); particles: each token's Brownian motion has generator D·Δ_S") { Value = c => F(c.Model.Diffusion) },
        new("model.attention_scale", "`1.0`", "finite", "s in V = s·I (particles with matrices: V = s·V): the attention velocity is multiplied by s (1 attractive, 0 attention off, −1 repulsive)") { Value = c => F(c.Model.AttentionScale) },
        Matrix("model.query", c => c.Model.Query, "Q"),
        Matrix("model.key", c => c.Model.Key, "K"),
        Matrix("model.value", c => c.Model.Value, "V"),
        new("model.common_noise.kind", "none (no `common_noise` mapping)", "`mlp`, `fields`", "environmental noise shared by all tokens (MATH §2.2–2.3, §3.3); see \"Common noise\" below")
            { Value = c => c.Model.CommonNoise?.Kind.Name(), Applies = Noise, AppliesTo = "runs with common noise" },
        MlpKey("model.common_noise.activation", "`relu`", "`relu`, `gelu`, `silu`, `sigmoid`, `tanh`, `erf`, `identity`", "φ of the random MLP layer G(x) = (1/√m) W φ(Ux/√d + b_U) + b_W",
            n => MeanField.Core.Noise.MlpActivations.Name(n.Activation)),
        MlpKey("model.common_noise.sigma_u", "`0.0`", "[0, 100]", "standard deviation of the bias b_U", n => F(n.SigmaU)),
        MlpKey("model.common_noise.sigma_w", "`0.0`", "[0, 100]", "standard deviation of the bias b_W", n => F(n.SigmaW)),
        new("model.common_noise.modes", "`16`", "0 … 512", "truncation of the Karhunen–Loève expansion: largest Fourier mode (circle) or harmonic degree (S²); the Itô correction uses the truncated κ(1)")
        {
            Value = c => c.Model.CommonNoise is { } n ? Int(n.Modes) : null,
            Applies = c => MlpNoise(c) && !MlpSampler(c),
            AppliesTo = "kind mlp, except particles with sampler mlp",
            Instead = c => MlpSampler(c) ? "sampler mlp draws the layer itself (its size is model.common_noise.width)" : "kind fields gives its modes in model.common_noise.amplitudes",
        },
        new("model.common_noise.amplitudes", "`[]`", "circle: rows `[m, a_cos, a_sin]` (m = 0 takes `[0, a, 0]`, a rigid rotation); S²: rows `[n, C_n]`, C_n ≥ 0", "explicit noise fields (see \"Common noise\" below)")
        {
            Value = c => c.Model.CommonNoise is { } n ? Rows(n.Amplitudes.Select(r => r.Select(F))) : null,
            Applies = c => c.Model.CommonNoise is { Kind: NoiseKind.Fields }, AppliesTo = "kind fields",
            Instead = _ => "kind mlp computes the fields from the kernel (activation, sigma_u, sigma_w, modes)",
        },
        new("model.common_noise.sampler", "`harmonic` (d = 2, 3), `mlp` (d ≥ 4)", "`harmonic`, `mlp`", "particles: the same harmonic fields as the SPDE (one shared path), or the random MLP layer itself with fresh weights every step")
        {
            Value = c => c.Model.CommonNoise?.Sampler.Name(), Applies = c => Noise(c) && c.Solver.Kind == SolverKind.Particles, AppliesTo = "solver.kind particles with common noise",
            Instead = c => $"solver.kind {c.Solver.Kind.Name()} uses the harmonic noise fields of the SPDE",
        },
        new("model.common_noise.width", "`256`", "1 … 2²⁰", "hidden width m of the random MLP layer")
        {
            Value = c => c.Model.CommonNoise is { } n ? Int(n.Width) : null, Applies = MlpSampler, AppliesTo = "solver.kind particles with sampler mlp",
            Instead = _ => "only sampler mlp draws a layer of finite width",
        },
        new("initial.kind", "`perturbed_uniform`", "circle: `uniform`, `perturbed_uniform`, `von_mises`, `fourier`; sphere: `uniform`, `perturbed_uniform`, `von_mises`, `harmonics`; zonal: `uniform`, `perturbed_uniform`, `von_mises`, `gegenbauer`; particles also `equiangular`, `from_file` (and `gegenbauer` for d ≥ 3)", "initial law") { Value = c => c.Initial.Kind.Name() },
        InitialKey("initial.amplitude", "`1.0e-3`", "≥ 0", "relative size A of the random perturbation", c => F(c.Initial.Amplitude), InitialKind.PerturbedUniform),
        InitialKey("initial.modes", "`min(32, ⌊K/2⌋)`", "1 … K", "highest perturbed wavenumber (or degree); the default stays below the top third of retained modes, where the resolution monitor looks", c => Int(c.Initial.Modes), InitialKind.PerturbedUniform),
        InitialKey("initial.components", "`[]`", "list of `{weight, mean, kappa}` (sphere: `{weight, direction, kappa}`)", "von Mises(–Fisher) mixture; weights > 0 summing to 1", c => Components(c.Initial.Components), InitialKind.VonMises),
        InitialKey("initial.coefficients", "`[]`", "fourier: `[k, re, im]`; gegenbauer: `[n, c]`; harmonics: `[l, m, re, im]`", "the law's expansion coefficients (see the geometry's section)", Coefficients, InitialKind.Fourier, InitialKind.Gegenbauer, InitialKind.Harmonics),
        InitialKey("initial.rho0", "`0.0`", "(−1/(N−1), 1)", "⟨x_i, x_j⟩ = ρ0 for i ≠ j; needs N ≤ d", c => F(c.Initial.Rho0), InitialKind.Equiangular),
        InitialKey("initial.file", "`''`", "an existing HDF5 file", "relative to the config file's directory (to the working directory when given with `--set`); stored absolute", c => Quote(c.Initial.File), InitialKind.FromFile),
        InitialKey("initial.dataset", "`tasks/positions`", "float64 dataset N×d, or writes×N×d", "a writes×N×d dataset starts from its last write; rows must be unit vectors to 1e-6", c => Quote(c.Initial.Dataset), InitialKind.FromFile),
        new("solver.kind", "`spectral`", "`spectral`, `particles`, `both`", "the density PDE, N particles (`particles.*`), or both on one noise path in one file") { Value = c => c.Solver.Kind.Name() },
        new("solver.resolution", "`256` (circle), `63` (sphere), `64` (zonal)", "circle: even, 8 … 2²²; sphere: lmax 2 … 1023; zonal: 2 … 4096", "circle: grid points n (wavenumbers up to K = ⌊(n−1)/3⌋); sphere: lmax; zonal: the largest Gegenbauer degree; particles: the sampled law's degrees go up to ⌊(n−1)/3⌋ (and the default initial.modes follows)")
        {
            Value = c => Int(c.Solver.Resolution), Applies = c => Spectral(c) || (c.Solver.Kind == SolverKind.Particles && SampledSpectralLaw(c)),
            AppliesTo = $"{SpectralRuns}; particles with initial.kind {string.Join(", ", SampledSpectralLaws.Select(k => k.Name()))}",
            Instead = c => Spectral(c) ? null : $"initial.kind {c.Initial.Kind.Name()} has no expansion to truncate",
        },
        SpectralKey("solver.stepper", "`dopri5`; `gauss_splitting` with common noise", "`rk4`, `dopri5`; with common noise `gauss_splitting`, `midpoint_splitting`, `heun`, `euler_maruyama`", "time integrator of the spectral solver (see \"Choosing a stochastic stepper\" below)", c => c.Solver.Stepper.Name()),
        SpectralKey("solver.dt", "`1.0e-3`", "> 0", "rk4 and the stochastic steppers: the (largest) fixed step; dopri5: the first trial step", c => F(c.Solver.Dt),
            c => c.Solver.Kind == SolverKind.Particles ? "particles.dt sets the particles' step" : null),
        new("solver.tolerance", "`1.0e-9`", "(0, 1)", "dopri5: local error per step, relative to the largest coefficient")
        {
            Value = c => F(c.Solver.Tolerance), Applies = c => Spectral(c) && c.Solver.Stepper == StepperKind.Dopri5, AppliesTo = "solver.stepper dopri5",
            Instead = c => Spectral(c) ? $"solver.stepper {c.Solver.Stepper.Name()} takes fixed steps of solver.dt" : NotSpectral(c),
        },
        new("solver.t_end", "`1.0`", "> 0", "final time (every solver)") { Value = c => F(c.Solver.TEnd) },
        SpectralKey("solver.on_underresolved", "`stop`", "`stop`, `warn`", "what to do when the solution outgrows the resolution", c => c.Solver.OnUnderresolved.Name()),
        SpectralKey("solver.tail_tolerance", "`1.0e-6`", "(0, 1)", "largest acceptable spectral tail (checked after every step)", c => F(c.Solver.TailTolerance)),
        SpectralKey("solver.negative_tolerance", "`1.0e-6`", "≥ 0", "largest acceptable negative density, relative to the uniform density (checked at writes)", c => F(c.Solver.NegativeTolerance)),
        new("solver.fft", "`auto`", "`auto`, `fftw`, `managed`", "FFT backend: FFTW (libfftw3.so.3) when present, else the managed FFT")
        {
            Value = c => c.Solver.Fft.Name(), Applies = c => Spectral(c) && c.Geometry != GeometryKind.Zonal, AppliesTo = "spectral solvers on the circle and the sphere",
            Instead = c => Spectral(c) ? "the zonal solver uses no FFT" : NotSpectral(c),
        },
        ParticleKey("particles.count", "`1000` (from_file: the file's rows)", "1 … 10⁸", "N, the number of tokens", c => c.Particles.Count is int n ? Int(n) : null),
        ParticleKey("particles.integrator", "`rk4`; `heun` with common noise", "`rk4`, `heun`, `layer`", "see \"Particles\" below; `rk4` is deterministic only", c => c.Particles.Integrator.Name()),
        new("particles.dt", "`1.0e-3`", "> 0", "the largest step: each output interval is split into equal steps ≤ dt")
        {
            Value = c => F(c.Particles.Dt), Applies = c => c.Solver.Kind == SolverKind.Particles || (c.Solver.Kind == SolverKind.Both && !Noise(c)),
            AppliesTo = "solver.kind particles; both without common noise",
            Instead = c => c.Solver.Kind == SolverKind.Both
                ? "with common noise solver.kind both steps the particles with solver.dt, the noise path's grid"
                : "solver.dt sets the spectral solver's step",
        },
        ParticleKey("particles.interaction", "`auto`", "`auto`, `dense`, `spectral`", "how the attention sums are evaluated", c => c.Particles.Interaction.Name()),
        new("particles.tolerance", "`1.0e-12`", "(0, 1)", "spectral sums: truncation error of each drift, relative to its dense sum")
        {
            Value = c => F(c.Particles.Tolerance), Applies = c => Particles(c) && c.Particles.Interaction != InteractionKind.Dense, AppliesTo = "particles.interaction auto and spectral",
            Instead = c => Particles(c) ? "particles.interaction dense sums exactly" : $"solver.kind {c.Solver.Kind.Name()} runs no particles",
        },
        ParticleKey("particles.threads", "`0`", "0 … 1024", "worker threads, 0 = one per logical core; results are bit-identical for any value", c => Int(c.Particles.Threads)),
        new("particles.replicas", "`1`", "1 … 10⁶", "R independent systems of `particles.count` tokens in one run, replica r seeded with SplitMix64(SplitMix64(seed) ⊕ r) (exactly the single run with that seed); per-replica diagnostics with a leading replica axis plus their mean and standard error (see \"Replicas\" below); no common noise, no `--resume`")
        {
            Value = c => Int(c.Particles.Replicas), Applies = c => c.Solver.Kind == SolverKind.Particles, AppliesTo = "solver.kind particles",
            Instead = c => $"solver.kind {c.Solver.Kind.Name()} runs one system",
        },
        RandomMatrixKey("particles.random_matrices.query_key", "none (no `random_matrices` mapping)", "`gaussian`, `goe`", "each system's own random Q, K from its seed: gaussian Q = s·G_Q/d^{1/4}, K = s·G_K/d^{1/4} (QᵀK = s²G_QᵀG_K/√d, rotf's randomKQ 1); goe Q = I, K = s(G + Gᵀ)/√2 (rotf's randomKQ 3); see \"Random matrices\" below",
            m => m.QueryKey.Name()),
        RandomMatrixKey("particles.random_matrices.value", "`identity`", "`identity`, `gaussian`, `goe`, `wishart`", "V: I; s·G/√d; s(G + Gᵀ)/√(2d); s·GGᵀ/√d (rotf's randomV 1)", m => m.Value.Name()),
        RandomMatrixKey("particles.random_matrices.scale", "`1.0`", "(0, 10⁶]", "s in the laws above", m => F(m.Scale)),
        RandomMatrixKey("particles.random_matrices.redraw", "`false`", "`true`, `false`", "new Q, K, V every step (independent layers: a depth-dependent transformer), else one draw per system", m => Bool(m.Redraw)),
        new("output.directory", "`out/NAME`", "non-empty", "relative paths are relative to the working directory") { Value = c => Quote(c.Output.Directory) },
        new("output.interval", "`0.01`", "> 0", "simulation time between writes; writes land exactly on multiples, plus t_end") { Value = c => F(c.Output.Interval) },
        new("output.max_writes", "`1000`", "≥ 1", "writes per file before the output is split into sets") { Value = c => Int(c.Output.MaxWrites) },
        new("output.hdf5_library", "`auto`", "`auto`, `native`, `managed`", "HDF5 writer: libhdf5 (row by row, flushed after every write, `--resume` appends in place) when it loads, else PureHDF (whole sets at once); `native` fails without libhdf5") { Value = c => YamlNames.Name(c.Output.Hdf5Library) },
        new("output.set_seconds", "`60`", "(0, 1e9]", "managed writer only: a set is also closed after this much wall time, so a crash loses at most that much") { Value = c => F(c.Output.SetSeconds) },
        new("output.swmr", "`false`", "`true`, `false`", "native writer only: latest-format files in SWMR mode, so `h5py.File(path, \"r\", swmr=True)` can watch a running run; non-SWMR readers (h5dump, h5py without swmr) refuse the file while it is open or after a kill until `--resume` or `h5clear -s` (docs/output-format.md)") { Value = c => Bool(c.Output.Swmr) },
        ParticleKey("output.positions", "`true`", "`true`, `false`", "write `/tasks/positions` (and `/tasks/angles` on the circle)", c => Bool(c.Output.Positions)),
        ParticleKey("output.position_stride", "`1`", "≥ 1", "write every k-th particle's position", c => Int(c.Output.PositionStride)),
        ParticleKey("output.cluster_epsilon", "`1.0e-3`", "(0, 2)", "clusters are connected components of the graph ⟨x_i, x_j⟩ > 1 − ε", c => F(c.Output.ClusterEpsilon)),
        new("output.harmonic_degree", "`16`", "0 … 1023", "the largest degree L of `/tasks/empirical_sh_coefficients` (and of the S² distance of solver.kind both)")
        {
            Value = c => Int(c.Output.HarmonicDegree), Applies = c => Particles(c) && c.Dimension == 3, AppliesTo = "particles with dimension 3",
            Instead = c => Particles(c) ? $"dimension is {c.Dimension}" : $"solver.kind {c.Solver.Kind.Name()} runs no particles",
        },
        new("output.plots", "`false`", "`true`, `false`", "write the figures of `meanfield plot` next to the output at the end of the run") { Value = c => Bool(c.Output.Plots) },
        new("seed", "`0`", "0 … 2⁶⁴−1", "seeds every random draw (Philox4x32-10, one stream per purpose)") { Value = c => c.Seed.ToString(CultureInfo.InvariantCulture) },
        new("ensemble.paths", "`1`", "1 … 100000", "independent noise paths (path p is Brownian tree p of the seed); the output holds mean and standard error over paths")
        {
            Value = c => Int(c.Ensemble.Paths), Applies = Noise, AppliesTo = "runs with common noise",
            Instead = _ => "without model.common_noise every path is the same deterministic run",
        },
        new("ensemble.keep_paths", "`false`", "`true`, `false`", "keep each path's own file `DIR/paths/NAME_pNNNN.h5` after averaging")
        {
            Value = c => Bool(c.Ensemble.KeepPaths), Applies = c => Noise(c) && c.Ensemble.Paths > 1, AppliesTo = "ensemble.paths > 1",
            Instead = _ => "a single path writes one file",
        },
    ];

    private static ConfigKey Matrix(string path, Func<RunConfig, IReadOnlyList<double>?> matrix, string name) =>
        new(path, "identity", "d×d matrix: a list of d rows of d numbers", $"{name} of MATH §2.1 (see \"Particles\" below for the β convention)")
        {
            Value = c => matrix(c) is { } m ? Rows(Enumerable.Range(0, c.Dimension).Select(r => Enumerable.Range(0, c.Dimension).Select(j => F(m[r * c.Dimension + j])))) : null,
            Applies = c => c.Solver.Kind == SolverKind.Particles, AppliesTo = "solver.kind particles",
            Instead = _ => "the spectral solver is the identity case",
        };

    private static ConfigKey MlpKey(string path, string fallback, string allowed, string meaning, Func<CommonNoiseConfig, string> value) =>
        new(path, fallback, allowed, meaning)
        {
            Value = c => c.Model.CommonNoise is { } n ? value(n) : null, Applies = MlpNoise, AppliesTo = "model.common_noise.kind mlp",
            Instead = _ => "kind fields gives its fields in model.common_noise.amplitudes",
        };

    private static ConfigKey InitialKey(string path, string fallback, string allowed, string meaning, Func<RunConfig, string> value, params InitialKind[] kinds) =>
        new(path, fallback, allowed, meaning)
        {
            Value = value, Applies = c => kinds.Contains(c.Initial.Kind), AppliesTo = $"initial.kind {string.Join(", ", kinds.Select(k => k.Name()))}",
            Instead = c => Initial(c, kinds),
        };

    private static ConfigKey SpectralKey(string path, string fallback, string allowed, string meaning, Func<RunConfig, string> value, Func<RunConfig, string?>? instead = null) =>
        new(path, fallback, allowed, meaning)
        {
            Value = value, Applies = Spectral, AppliesTo = SpectralRuns,
            Instead = c => instead?.Invoke(c) ?? NotSpectral(c),
        };

    private static ConfigKey RandomMatrixKey(string path, string fallback, string allowed, string meaning, Func<RandomMatricesConfig, string> value) =>
        new(path, fallback, allowed, meaning)
        {
            Value = c => c.Particles.RandomMatrices is { } m ? value(m) : null,
            Applies = c => c.Solver.Kind == SolverKind.Particles && c.Particles.RandomMatrices is not null, AppliesTo = "solver.kind particles with random_matrices",
            Instead = c => c.Solver.Kind == SolverKind.Particles ? "set particles.random_matrices.query_key" : $"solver.kind {c.Solver.Kind.Name()} runs no particle system with random matrices",
        };

    private static ConfigKey ParticleKey(string path, string fallback, string allowed, string meaning, Func<RunConfig, string?> value) =>
        new(path, fallback, allowed, meaning)
        {
            Value = value, Applies = Particles, AppliesTo = ParticleRuns,
            Instead = c => $"solver.kind {c.Solver.Kind.Name()} runs no particles",
        };

    private static string Coefficients(RunConfig c) =>
        c.Initial.Kind == InitialKind.Harmonics
            ? Rows(c.Initial.Harmonics.Select(h => new[] { Int(h.L), Int(h.M), F(h.Re), F(h.Im) }))
            : c.Initial.Kind == InitialKind.Gegenbauer
                ? Rows(c.Initial.Coefficients.Select(k => new[] { Int(k.K), F(k.Re) }))
                : Rows(c.Initial.Coefficients.Select(k => new[] { Int(k.K), F(k.Re), F(k.Im) }));

    private static string Components(IReadOnlyList<VonMisesComponent> components) =>
        "[" + string.Join(", ", components.Select(v => v.Direction is { } direction
            ? $"{{weight: {F(v.Weight)}, direction: [{string.Join(", ", direction.Select(F))}], kappa: {F(v.Kappa)}}}"
            : $"{{weight: {F(v.Weight)}, mean: {F(v.Mean)}, kappa: {F(v.Kappa)}}}")) + "]";

    private static string Rows(IEnumerable<IEnumerable<string>> rows) => "[" + string.Join(", ", rows.Select(r => "[" + string.Join(", ", r) + "]")) + "]";

    // Round-trip formatting: reading the stored YAML back gives the same doubles bit for bit.
    private static string F(double x) => x.ToString("R", CultureInfo.InvariantCulture);
    private static string Int(int x) => x.ToString(CultureInfo.InvariantCulture);
    private static string Bool(bool x) => x ? "true" : "false";
    private static string Quote(string s) => $"'{s.Replace("'", "''")}'";

    /// <summary>The keys that have an effect for this run, with their resolved values, in file order.</summary>
    public static IReadOnlyList<(string Path, string Value)> Values(RunConfig config) =>
        Keys.Where(k => k.Applies(config)).Select(k => (k.Path, Value: k.Value(config)))
            .Where(kv => kv.Value is not null).Select(kv => (kv.Path, kv.Value!)).ToArray();

    /// <summary>
    /// The keys whose resolved values differ between two configs (a key without effect in one of them counts as
    /// absent there), skipping <paramref name="ignored"/>: what --resume refuses to change.
    /// </summary>
    public static IReadOnlyList<(string Path, string? First, string? Second)> Differences(RunConfig first, RunConfig second, params string[] ignored)
    {
        var a = Values(first).ToDictionary(kv => kv.Path, kv => kv.Value);
        var b = Values(second).ToDictionary(kv => kv.Path, kv => kv.Value);
        return Keys.Select(k => k.Path).Where(p => !ignored.Contains(p))
            .Select(p => (Path: p, First: a.GetValueOrDefault(p), Second: b.GetValueOrDefault(p)))
            .Where(d => d.First != d.Second).ToArray();
    }

    /// <summary>The config as YAML: every key that has an effect for the run, nested by its dotted path.</summary>
    public static string Yaml(RunConfig config)
    {
        var s = new StringBuilder();
        string[] open = [];
        foreach (var (path, value) in Values(config))
        {
            string[] parts = path.Split('.');
            int shared = 0;
            while (shared < open.Length && shared < parts.Length - 1 && open[shared] == parts[shared]) shared++;
            for (int i = shared; i < parts.Length - 1; i++) s.Append(' ', 2 * i).Append(parts[i]).AppendLine(":");
            s.Append(' ', 2 * (parts.Length - 1)).Append(parts[^1]).Append(": ").AppendLine(value);
            open = parts[..^1];
        }
        return s.ToString();
    }

    /// <summary>
    /// Rejects every key of the file that has no effect for the run it describes, naming the key, the runs it
    /// applies to and what to set instead.
    /// </summary>
    internal static void RejectKeysWithoutEffect(YamlMappingNode root, RunConfig config, YamlSources sources)
    {
        foreach (var key in Keys)
        {
            var node = Find(root, key.Path);
            if (node is null || key.Applies(config)) continue;
            string instead = key.Instead(config) is { } hint ? $"; {hint}" : "";
            throw new ConfigException($"{sources.Locate(node)}: {key.Path}: has no effect in this run ({Describe(config)}): it applies to {key.AppliesTo}{instead}; remove it");
        }
    }

    private static string Describe(RunConfig c) =>
        $"geometry {c.Geometry.Name()}, dimension {c.Dimension}, solver.kind {c.Solver.Kind.Name()}" +
        (c.Model.CommonNoise is { } n ? $", common noise kind {n.Kind.Name()}" : ", no common noise") + $", initial.kind {c.Initial.Kind.Name()}";

    // The key node of a dotted path in the file, or null where the file does not give it.
    private static YamlNode? Find(YamlMappingNode root, string path)
    {
        YamlMappingNode? mapping = root;
        string[] parts = path.Split('.');
        for (int i = 0; i < parts.Length; i++)
        {
            var entry = mapping!.Children.FirstOrDefault(kv => kv.Key is YamlScalarNode s && s.Value == parts[i]);
            if (entry.Key is null) return null;
            if (i == parts.Length - 1) return entry.Key;
            mapping = entry.Value as YamlMappingNode;
            if (mapping is null) return null;
        }
        return null;
    }

    /// <summary>The key table of docs/configuration.md.</summary>
    public static string MarkdownTable()
    {
        var s = new StringBuilder();
        s.AppendLine("| key | default | allowed | applies to | meaning |");
        s.AppendLine("|---|---|---|---|---|");
        foreach (var k in Keys)
            s.AppendLine($"| `{k.Path}` | {k.Default} | {k.Allowed} | {k.AppliesTo} | {k.Meaning} |");
        return s.ToString();
    }
}
