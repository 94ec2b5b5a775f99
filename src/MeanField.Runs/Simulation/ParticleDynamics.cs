using MeanField.Core;
using MeanField.Core.Noise;
using MeanField.IO.Config;
using MeanField.IO.Output;
using MeanField.Particles;
using MeanField.Particles.Noise;
using MeanField.Spectral.Steppers;

namespace MeanField.Runs;

/// <summary>
/// N tokens on S^{d−1} with fixed steps (particles.dt, shortened to land exactly on each output time), their
/// diagnostics as tasks (docs/output-format.md, "Particles"), and the written positions as the state --resume
/// continues from.
/// </summary>
internal sealed class ParticleDynamics : IDynamics
{
    /// <summary>Particles above this count take 𝓔_β from the interaction's energy unless it has cancelled (<see cref="P3Energy"/>).</summary>
    public const int DenseP3EnergyLimit = 2048;

    private readonly ParticleModel _model;
    private readonly IParticleInteraction _interaction;
    private readonly ParticleStepper _stepper;
    private readonly ICommonNoiseSampler? _noise;
    private readonly CommonNoisePath? _noisePath;
    private readonly double[] _x, _drift, _weights, _positions, _increments;
    private readonly int _n, _d, _stride;
    private readonly int _noisePathIndex;
    private readonly string _configPath;
    private readonly OutputTask[] _tasks;
    private readonly ITracker[] _trackers;
    private long _incrementsFrom;   // ΔB written at a write is summed over the steps since the previous write
    private double _energy;
    private PairwiseCosines? _cosines;
    private PairwiseCosines Cosines => _cosines ?? throw new InvalidOperationException("PrepareWrite first");

    public ParticleDynamics(RunConfig config, RunOptions options, double? dt = null)
    {
        _configPath = options.ConfigPath;
        if (options.Resume && (!config.Output.Positions || config.Output.PositionStride != 1))
            throw new ConfigException($"{options.ConfigPath}: --resume of a particle run needs output.positions: true and output.position_stride: 1 (the written positions are the state to continue from)");
        var p = config.Particles;
        _d = config.Dimension;
        _x = InitialLaws.InitialLawMapping.ParticlePositions(config, options.ConfigPath);
        _n = _x.Length / _d;
        Config = config with { Particles = p with { Count = _n } };   // the stored config names the N actually run
        Dt = dt ?? p.Dt;
        _model = new ParticleModel(config.Model.Attention, _d, config.Model.Beta, config.Model.Diffusion,
            config.Model.Query?.ToArray(), config.Model.Key?.ToArray(), config.Model.Value?.ToArray())
        { AttentionScale = config.Model.AttentionScale };
        _interaction = p.RandomMatrices is { } law
            ? new RandomMatrixInteraction(_model, law.ToModel(), config.Seed, _n, p.Threads)   // Q, K, V of this run's seed (docs/configuration.md)
            : ParticleInteractions.Create(_model, _n, p.Interaction.Name(), p.Tolerance, p.Threads);
        var integrator = p.Integrator switch
        {
            IntegratorKind.Rk4 => ParticleIntegrator.Rk4,
            IntegratorKind.Heun => ParticleIntegrator.Heun,
            IntegratorKind.Layer => ParticleIntegrator.Layer,
            _ => throw new ConfigException($"{options.ConfigPath}: particles.integrator: '{p.Integrator.Name()}' is not one of: {string.Join(", ", YamlNames.All<IntegratorKind>())}"),
        };
        _noise = ParticleCommonNoise.Create(config, Dt, options.ConfigPath, options.NoisePath);
        if (_noise is not null) CommonNoiseFields.RequireWholeSteps(config, Dt, dt is null ? "particles.dt" : "solver.dt", options.ConfigPath);
        _noisePath = ParticleCommonNoise.Path(_noise);
        _noisePathIndex = options.NoisePath;
        _stepper = new ParticleStepper(_model, _interaction, integrator, _n, config.Seed, p.Threads, _noise);
        _stride = config.Output.PositionStride;
        int written = (_n + _stride - 1) / _stride;
        _drift = new double[_n * _d];
        _weights = new double[_n];
        _positions = new double[written * _d];
        _increments = new double[_noisePath?.Components ?? 0];
        _tasks = BuildTasks(Config, written);
        _trackers = _model.Diffusion == 0 && _noise is null && _model.AttentionScale > 0 && _model.IsIdentityCase && p.RandomMatrices is null
            ? [new EnergyMonotoneTracker(dt is null ? "particles.dt" : "solver.dt")]   // gradient flows: E non-decreasing (MATH §2.5), also for s > 0
            : [];
    }

    /// <summary>The config with particles.count set to the N actually run (what /config stores).</summary>
    public RunConfig Config { get; }

    /// <summary>The largest step: particles.dt, or solver.dt when a coupled run shares the SPDE's noise grid.</summary>
    public double Dt { get; }

    public int Count => _n;
    public double Time { get; private set; }
    public long Steps => _stepper.Steps;
    public double LastStep { get; private set; }
    public ReadOnlySpan<double> Positions => _x;

    public AdvanceOutcome AdvanceTo(double time, Func<bool> afterStep, CancellationToken cancellation)
    {
        // Equal steps ≤ dt that land exactly on the output time.
        double start = Time, span = time - start;
        long steps = EqualSteps.Count(span, Dt);
        double h = span / steps;
        for (long s = 0; s < steps; s++)
        {
            if (cancellation.IsCancellationRequested) return AdvanceOutcome.Cancelled;
            (_interaction as RandomMatrixInteraction)?.UseLayer(_stepper.Steps);
            _stepper.Step(_x, h);
            LastStep = h;
            Time = s + 1 == steps ? time : start + (s + 1) * h;
            if (!AllFinite(_x)) throw new IntegrationException($"a position became non-finite at t = {Time:G6}", Time);
            if (!afterStep()) return AdvanceOutcome.StoppedByObserver;
        }
        return AdvanceOutcome.ReachedTarget;
    }

    public string NumericalFailureAdvice(IntegrationException failure) => StepAdvice(_model);

    /// <summary>What to change when a position becomes non-finite (also the replicas' advice).</summary>
    internal static string StepAdvice(ParticleModel model) =>
        "try a smaller particles.dt" + (model.IsIdentityCase ? "" : " (with query/key matrices e^{β⟨Qx,Ky⟩} may overflow: scale them down)");

    public IReadOnlyList<OutputTask> Tasks => _tasks;
    public IReadOnlyList<ITracker> Trackers => _trackers;

    public IReadOnlyDictionary<string, double[]> Grid => Config.Output.Positions
        ? new Dictionary<string, double[]> { ["particle_index"] = Enumerable.Range(0, _positions.Length / _d).Select(i => (double)(i * _stride)).ToArray() }
        : new Dictionary<string, double[]>();

    public WriteSnapshot PrepareWrite()
    {
        (_interaction as RandomMatrixInteraction)?.UseLayer(_stepper.Steps);   // a write sees the next step's matrices
        _interaction.Evaluate(_x, _drift, _weights);
        _energy = ParticleDiagnostics.Energy(_weights, _model.Beta);
        _cosines = ParticleDiagnostics.Cosines(_x, _d, Config.Output.ClusterEpsilon);
        return new WriteSnapshot(_energy);
    }

    public void Restore(RunFile file, int write)
    {
        // The state is the full set of positions (stride 1) and the step count, which keys the noise.
        var state = RunResume.Slice(file.Cube("tasks/positions"), write);
        if (state.Length != _x.Length)
            throw new ConfigException($"--resume: {file.Path} holds {state.Length / _d} particles, the config gives {_n}");
        state.CopyTo(_x, 0);
        long steps = file.IntegerVector("scales/iteration")[write];
        _stepper.RestoreStepCount(steps);
        _incrementsFrom = steps;
        Time = file.Vector("scales/sim_time")[write];
        LastStep = file.Vector("scales/timestep")[write];
    }

    public string Summary(double wall)
    {
        string kernel = _interaction.SpectralModes > 0 ? $"spectral, {_model.Manifold.SpectralOrderSymbol} = {_interaction.SpectralModes}" : "dense";
        return $"t = {Time:G6}, N = {_n}, {_stepper.Steps} {Config.Particles.Integrator.Name()} steps, " +
               $"{_stepper.Evaluations} drift evaluations ({kernel}) in {wall:F2} s ({(wall > 0 ? _stepper.Evaluations / wall : 0):F0}/s)";
    }

    private OutputTask[] BuildTasks(RunConfig c, int written)
    {
        int d = c.Dimension;
        double eps = c.Output.ClusterEpsilon;
        var tasks = new List<OutputTask>();
        if (c.Output.Positions)
        {
            tasks.Add(OutputTask.Real("positions", [written, d], "x_i in R^d, |x_i| = 1, for the particles listed in /grid/particle_index (every output.position_stride-th)", () =>
            {
                for (int i = 0, w = 0; i < _n; i += _stride, w++) _x.AsSpan(i * d, d).CopyTo(_positions.AsSpan(w * d, d));
                return _positions;
            }));
        }
        // What exists in this dimension only (angles and Fourier modes on S¹, a_l^m on S²) comes from the manifold.
        var options = new ObservableOptions(c.Output.Positions, _stride, written, ParticleRun.WrittenModes, c.Output.HarmonicDegree);
        var snapshot = new ParticleSnapshot(_x, _drift);
        foreach (var o in _model.Manifold.Observables(options))
        {
            tasks.Add(o.ComplexValue is { } complex
                ? OutputTask.Complex(o.Name, o.Shape, o.Description, () => complex(snapshot))
                : o.Shape.Length == 0
                    ? OutputTask.Scalar(o.Name, o.Description, () => o.RealValue!(snapshot)[0])
                    : OutputTask.Real(o.Name, o.Shape, o.Description, () => o.RealValue!(snapshot)));
        }
        tasks.Add(OutputTask.Scalar("energy", "E = (1/(2 beta N^2)) sum_{i,j} e^{beta <Q x_i, K x_j>} (identity case Q = K = I, MATH §2.5)", () => _energy));
        tasks.Add(OutputTask.Scalar("cluster_count", "connected components of the graph <x_i, x_j> > 1 - output.cluster_epsilon", () => _model.Manifold.ClusterCount(_x, eps)));
        tasks.Add(OutputTask.Scalar("rotation_rate", "|| (1/N) sum_i (v_i x_i^T - x_i v_i^T) ||_F with v_i the drift: 0 for USA (MATH §2.5)", () => ParticleDiagnostics.RotationRate(_x, _drift, d)));
        tasks.Add(OutputTask.Scalar("p3_energy", "P3 energy (1/2)(e^beta - (1/N^2) sum_{i,j} e^{beta <x_i, x_j>}) >= 0, 0 iff all particles coincide (MATH §3.2, §5)", () => P3Energy(_x, d, _model, _energy)));
        tasks.Add(OutputTask.Scalar("cosine_mean", "mean of <x_i, x_j> over pairs i != j: (|sum x_i|^2 - N)/(N(N-1))", () => Cosines.Mean));
        tasks.Add(OutputTask.Scalar("cosine_min", $"min of <x_i, x_j> over pairs i != j of the first min(N, {PairwiseCosines.DefaultPairLimit}) particles", () => Cosines.Min));
        tasks.Add(OutputTask.Scalar("cosine_close_fraction", "fraction of those pairs with <x_i, x_j> > 1 - output.cluster_epsilon", () => Cosines.CloseFraction));
        tasks.Add(OutputTask.Scalar("span_dimension", SpanDimensionDescription, () => SpanDimension.Of(_x, d, eps)) with { NaNMeansNotComputed = true });
        if (_noisePath is not null)
            tasks.Add(OutputTask.Real("noise_increments", [_noisePath.Components], "common-noise Brownian increments dB^j summed over the steps since the previous write (zeros at the first write); components as the SPDE's (circle: 0 rotation, 2m-1 cos, 2m sin; S^2: 3(n^2+i)+alpha)", () =>
            {
                if (_stepper.Steps > _incrementsFrom) _noisePath.Increments(_incrementsFrom, checked((int)(_stepper.Steps - _incrementsFrom)), _increments);
                else Array.Clear(_increments);
                _incrementsFrom = _stepper.Steps;
                return _increments;
            }));
        return [.. tasks];
    }

    /// <summary>
    /// 𝓔_β: the dense pair sum (exact to rounding, N²d/2) for N ≤ <see cref="DenseP3EnergyLimit"/> or explicit matrices; otherwise
    /// ½e^β − βE from the interaction's energy (identity case, free), recomputed densely when that has cancelled below 1e-8 e^β
    /// and N ≤ 2·10⁴.
    /// </summary>
    internal static double P3Energy(double[] x, int d, ParticleModel model, double energy)
    {
        int n = x.Length / d;
        if (n <= DenseP3EnergyLimit || !model.IsIdentityCase) return ParticleDiagnostics.P3Energy(x, d, model.Beta);
        double fromEnergy = ParticleDiagnostics.P3EnergyFromEnergy(energy, model.Beta);
        return fromEnergy < 1e-8 * Math.Exp(model.Beta) && n <= 20_000 ? ParticleDiagnostics.P3Energy(x, d, model.Beta) : fromEnergy;
    }

    internal const string SpanDimensionDescription =
        "number of eigenvalues > output.cluster_epsilon of the Gram matrix (<x_i, x_j>)_{ij} (trace N): the dimension of the tokens' span, as the rotf code's plotdim; NaN when min(N, d) > 256";

    /// <summary>Whether every coordinate is finite (a position that is not stops the run as a numerical failure).</summary>
    internal static bool AllFinite(double[] x)
    {
        foreach (double v in x)
            if (!double.IsFinite(v)) return false;
        return true;
    }

    /// <summary>The kernel attribute of particle runs: identity, explicit matrices, or random matrices per system.</summary>
    internal static string KernelName(RunConfig c) =>
        c.Particles.RandomMatrices is not null ? "random matrices (see /config)"
        : c.Model.Query is null && c.Model.Key is null && c.Model.Value is null ? "identity" : "matrices (see /config)";

    public IReadOnlyDictionary<string, object> Attributes
    {
        get
        {
            var c = Config;
            var attributes = new Dictionary<string, object>
            {
                ["solver"] = "particles",
                ["kernel"] = KernelName(c),
                ["particle_count"] = _n,
                ["integrator"] = c.Particles.Integrator.Name(),
                ["dt"] = Dt,
                ["interaction"] = _interaction.Name,
                ["spectral_modes"] = _interaction.SpectralModes,
                ["tolerance"] = c.Particles.Tolerance,
                ["position_stride"] = c.Output.PositionStride,
                ["cluster_epsilon"] = c.Output.ClusterEpsilon,
                ["harmonic_degree"] = _model.Manifold is TwoSphereManifold ? c.Output.HarmonicDegree : 0,   // empirical a_l^m exist on S² only
                ["attention_scale"] = c.Model.AttentionScale,
                ["noise_sampler"] = _noise?.Name ?? "none",
                ["noise_components"] = _noisePath?.Components ?? 0,
                ["noise_width"] = _noise is MlpNoiseSampler mlp ? mlp.Width : 0,
            };
            if (_noise is not null) attributes["noise_path"] = _noisePathIndex;
            // The noise's kernel, as SPDE runs write it: figures compute P3's exponents from it (MATH §5).
            if (c.Model.CommonNoise is { } commonNoise)
            {
                attributes["noise_kind"] = commonNoise.Kind.Name();
                if (commonNoise.Kind == NoiseKind.Mlp)
                {
                    attributes["noise_activation"] = MlpActivations.Name(commonNoise.Activation);
                    attributes["noise_sigma_u"] = commonNoise.SigmaU;
                    attributes["noise_sigma_w"] = commonNoise.SigmaW;
                }
            }
            return attributes;
        }
    }

    public void Dispose() { }
}
