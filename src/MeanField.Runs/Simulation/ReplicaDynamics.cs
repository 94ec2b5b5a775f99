using MeanField.Core;
using MeanField.Core.Random;
using MeanField.IO.Config;
using MeanField.IO.Output;
using MeanField.Particles;
using MeanField.Spectral.Steppers;

namespace MeanField.Runs;

/// <summary>
/// particles.replicas = R ≥ 2: R independent systems of N tokens stepped together in one run. Replica r is the single
/// particle run with seed <see cref="RandomStreams.ReplicaSeed"/>(seed, r): its initial positions, idiosyncratic noise and
/// (with particles.random_matrices) its Q, K, V come from that seed through the same code (a <see cref="ParticleStepper"/>
/// and an interaction of its own, single-threaded), so replica r equals that run bit for bit. Threads work over replicas:
/// small systems (N = 32) are far too small to split, while thousands of them fill every core.
/// Written: every diagnostic per replica (leading replica axis) with its mean and standard error over replicas.
/// </summary>
public sealed class ReplicaDynamics : IDynamics
{
    /// <summary>Replicas per parallel chunk: enough work per chunk (each step of a replica is microseconds) to amortise the hand-off.</summary>
    private const int ReplicaChunk = 16;

    private readonly ParticleModel _model;
    private readonly ReplicaSystem[] _systems;
    private readonly ChunkedParallel _parallel;
    private readonly int _replicas, _n, _d, _stride;
    private readonly OutputTask[] _tasks;
    private readonly ITracker[] _trackers;
    private readonly double[][] _values;   // per diagnostic, per replica, at the current write

    /// <summary>The per-replica scalar diagnostics, each written as NAME [R], NAME_mean and NAME_se.</summary>
    private static readonly (string Name, string Description)[] Diagnostics =
    [
        ("energy", "E = (1/(2 beta N^2)) sum_{i,j} e^{beta <Q x_i, K x_j>} of each replica (MATH §2.5)"),
        ("p3_energy", "P3 energy (1/2)(e^beta - (1/N^2) sum_{i,j} e^{beta <x_i, x_j>}) of each replica (MATH §3.2, §5)"),
        ("cluster_count", "connected components of the graph <x_i, x_j> > 1 - output.cluster_epsilon, per replica"),
        ("rotation_rate", "|| (1/N) sum_i (v_i x_i^T - x_i v_i^T) ||_F with v_i the drift, per replica"),
        ("cosine_mean", "mean of <x_i, x_j> over pairs i != j, per replica"),
        ("cosine_min", "min of <x_i, x_j> over pairs i != j, per replica"),
        ("cosine_close_fraction", "fraction of pairs i != j with <x_i, x_j> > 1 - output.cluster_epsilon, per replica"),
        ("span_dimension", "per replica: " + ParticleDynamics.SpanDimensionDescription),
    ];

    public ReplicaDynamics(RunConfig config, RunOptions options)
    {
        var p = config.Particles;
        if (options.Resume)
            throw new ConfigException($"{options.ConfigPath}: --resume of a run with particles.replicas: {p.Replicas} is not supported (rerun it: runs of small systems are short)");
        if (config.Model.CommonNoise is not null)
            throw new ConfigException($"{options.ConfigPath}: particles.replicas: {p.Replicas} with model.common_noise is not supported");
        _replicas = p.Replicas;
        _d = config.Dimension;
        _model = new ParticleModel(config.Model.Attention, _d, config.Model.Beta, config.Model.Diffusion,
            config.Model.Query?.ToArray(), config.Model.Key?.ToArray(), config.Model.Value?.ToArray())
        { AttentionScale = config.Model.AttentionScale };
        var integrator = p.Integrator switch
        {
            IntegratorKind.Rk4 => ParticleIntegrator.Rk4,
            IntegratorKind.Heun => ParticleIntegrator.Heun,
            IntegratorKind.Layer => ParticleIntegrator.Layer,
            _ => throw new ConfigException($"{options.ConfigPath}: particles.integrator: '{p.Integrator.Name()}' is not one of: {string.Join(", ", YamlNames.All<IntegratorKind>())}"),
        };
        _systems = new ReplicaSystem[_replicas];
        for (int r = 0; r < _replicas; r++)
        {
            var single = SingleRunConfig(config, r);
            var x = InitialLaws.InitialLawMapping.ParticlePositions(single, options.ConfigPath);
            IParticleInteraction interaction = p.RandomMatrices is { } law
                ? new RandomMatrixInteraction(_model, law.ToModel(), single.Seed, x.Length / _d, threads: 1)
                : ParticleInteractions.Create(_model, x.Length / _d, p.Interaction.Name(), p.Tolerance, threads: 1);
            _systems[r] = new ReplicaSystem(x, x.Length / _d, interaction, new ParticleStepper(_model, interaction, integrator, x.Length / _d, single.Seed, threads: 1));
        }
        _n = _systems[0].X.Length / _d;
        Config = config with { Particles = p with { Count = _n } };
        Dt = p.Dt;
        _parallel = new ChunkedParallel(p.Threads);
        _stride = config.Output.PositionStride;
        _values = Diagnostics.Select(_ => new double[_replicas]).ToArray();
        _tasks = BuildTasks(Config);
        _trackers = _model.Diffusion == 0 && _model.AttentionScale > 0 && _model.IsIdentityCase && p.RandomMatrices is null
            ? [new EnergyMonotoneTracker("particles.dt")]   // each replica's E is non-decreasing (MATH §2.5), so is their mean
            : [];
    }

    /// <summary>The config of the single run that replica r is: seed RandomStreams.ReplicaSeed(seed, r), one replica.</summary>
    public static RunConfig SingleRunConfig(RunConfig config, int replica) =>
        config with { Seed = RandomStreams.ReplicaSeed(config.Seed, replica), Particles = config.Particles with { Replicas = 1 } };

    /// <summary>The config with particles.count set to the N actually run (what /config stores).</summary>
    public RunConfig Config { get; }

    public double Dt { get; }
    public int Replicas => _replicas;
    public double Time { get; private set; }
    public long Steps => _systems[0].Stepper.Steps;
    public double LastStep { get; private set; }

    /// <summary>Replica r's positions (row-major N×d).</summary>
    public ReadOnlySpan<double> Positions(int replica) => _systems[replica].X;

    public AdvanceOutcome AdvanceTo(double time, Func<bool> afterStep, CancellationToken cancellation)
    {
        // The same equal steps ≤ dt that land on the output time as ParticleDynamics takes.
        double start = Time, span = time - start;
        long steps = EqualSteps.Count(span, Dt);
        double h = span / steps;
        for (long s = 0; s < steps; s++)
        {
            if (cancellation.IsCancellationRequested) return AdvanceOutcome.Cancelled;
            int nonFinite = -1;
            _parallel.For(_replicas, ReplicaChunk, (_, first, end) =>
            {
                for (int r = first; r < end; r++)
                {
                    var system = _systems[r];
                    (system.Interaction as RandomMatrixInteraction)?.UseLayer(system.Stepper.Steps);
                    system.Stepper.Step(system.X, h);
                    if (!ParticleDynamics.AllFinite(system.X)) Interlocked.CompareExchange(ref nonFinite, r, -1);
                }
            });
            LastStep = h;
            Time = s + 1 == steps ? time : start + (s + 1) * h;
            if (nonFinite >= 0) throw new IntegrationException($"a position of replica {nonFinite} became non-finite at t = {Time:G6}", Time);
            if (!afterStep()) return AdvanceOutcome.StoppedByObserver;
        }
        return AdvanceOutcome.ReachedTarget;
    }

    public string NumericalFailureAdvice(IntegrationException failure) => ParticleDynamics.StepAdvice(_model);

    public IReadOnlyList<OutputTask> Tasks => _tasks;
    public IReadOnlyList<ITracker> Trackers => _trackers;

    public IReadOnlyDictionary<string, double[]> Grid
    {
        get
        {
            var grid = new Dictionary<string, double[]> { ["replica"] = Enumerable.Range(0, _replicas).Select(r => (double)r).ToArray() };
            if (Config.Output.Positions)
                grid["particle_index"] = Enumerable.Range(0, (_n + _stride - 1) / _stride).Select(i => (double)(i * _stride)).ToArray();
            return grid;
        }
    }

    public WriteSnapshot PrepareWrite()
    {
        double eps = Config.Output.ClusterEpsilon;
        int d = _d;
        _parallel.For(_replicas, ReplicaChunk, (_, first, end) =>
        {
            for (int r = first; r < end; r++)
            {
                var s = _systems[r];
                // As ParticleDynamics.PrepareWrite and its tasks compute them for one system.
                (s.Interaction as RandomMatrixInteraction)?.UseLayer(s.Stepper.Steps);
                s.Interaction.Evaluate(s.X, s.Drift, s.Weights);
                double energy = ParticleDiagnostics.Energy(s.Weights, _model.Beta);
                var cosines = ParticleDiagnostics.Cosines(s.X, d, eps);
                _values[0][r] = energy;
                _values[1][r] = ParticleDynamics.P3Energy(s.X, d, _model, energy);
                _values[2][r] = _model.Manifold.ClusterCount(s.X, eps);
                _values[3][r] = ParticleDiagnostics.RotationRate(s.X, s.Drift, d);
                _values[4][r] = cosines.Mean;
                _values[5][r] = cosines.Min;
                _values[6][r] = cosines.CloseFraction;
                _values[7][r] = SpanDimension.Of(s.X, d, eps);
            }
        });
        return new WriteSnapshot(Mean(_values[0]));
    }

    public void Restore(RunFile file, int write) =>
        throw new ConfigException("--resume of a run with particles.replicas > 1 is not supported");

    public string Summary(double wall)
    {
        long evaluations = _systems.Sum(s => s.Stepper.Evaluations);
        return $"t = {Time:G6}, {_replicas} replicas × N = {_n}, {Steps} {Config.Particles.Integrator.Name()} steps each, " +
               $"{evaluations} drift evaluations ({_systems[0].Interaction.Name}) in {wall:F2} s ({(wall > 0 ? evaluations / wall : 0):F0}/s)";
    }

    private OutputTask[] BuildTasks(RunConfig c)
    {
        int d = c.Dimension, written = (_n + _stride - 1) / _stride;
        var tasks = new List<OutputTask>();
        if (c.Output.Positions)
        {
            var positions = new double[_replicas * written * d];
            tasks.Add(OutputTask.Real("positions", [_replicas, written, d], "x_i of every replica (replica, particle, component); particles as /grid/particle_index", () =>
            {
                for (int r = 0; r < _replicas; r++)
                for (int i = 0, w = 0; i < _n; i += _stride, w++)
                    _systems[r].X.AsSpan(i * d, d).CopyTo(positions.AsSpan((r * written + w) * d, d));
                return positions;
            }));
            if (_model.Manifold is CircleManifold)   // angles exist on S¹ only
            {
                var angles = new double[_replicas * written];
                tasks.Add(OutputTask.Real("angles", [_replicas, written], "theta_i = atan2(x_i1, x_i0) in [0, 2pi) of every replica, same particles as positions", () =>
                {
                    for (int r = 0; r < _replicas; r++) ParticleDiagnostics.Angles(_systems[r].X, _stride).CopyTo(angles, r * written);
                    return angles;
                }));
            }
        }
        for (int k = 0; k < Diagnostics.Length; k++)
        {
            var values = _values[k];
            var (name, description) = Diagnostics[k];
            bool notComputed = name.StartsWith("cosine_", StringComparison.Ordinal) || name == "span_dimension";   // NaN where one system's is
            tasks.Add(OutputTask.Real(name, [_replicas], description, () => values) with { NaNMeansNotComputed = notComputed });
            tasks.Add(OutputTask.Scalar(name + "_mean", $"mean over replicas of {name}", () => Mean(values)) with { NaNMeansNotComputed = notComputed });
            tasks.Add(OutputTask.Scalar(name + "_se", $"standard error of {name}_mean: sample standard deviation over replicas (R - 1 in the denominator) / sqrt(R)",
                () => StandardError(values)) with { NaNMeansNotComputed = notComputed });
        }
        return [.. tasks];
    }

    /// <summary>Mean in replica order (fixed, so the result does not depend on the thread count).</summary>
    public static double Mean(ReadOnlySpan<double> values)
    {
        double s = 0;
        foreach (double v in values) s += v;
        return s / values.Length;
    }

    /// <summary>√(Σ (v − mean)² / (R − 1)) / √R; NaN for R &lt; 2.</summary>
    public static double StandardError(ReadOnlySpan<double> values)
    {
        int count = values.Length;
        if (count < 2) return double.NaN;
        double mean = Mean(values), s = 0;
        foreach (double v in values) s += (v - mean) * (v - mean);
        return Math.Sqrt(s / (count - 1) / count);
    }

    public IReadOnlyDictionary<string, object> Attributes
    {
        get
        {
            var c = Config;
            return new Dictionary<string, object>
            {
                ["solver"] = "particles",
                ["kernel"] = ParticleDynamics.KernelName(c),
                ["particle_count"] = _n,
                ["replicas"] = _replicas,
                ["replica_seed"] = "replica r has seed SplitMix64(SplitMix64(seed) xor r): it is the single run with that seed",
                ["integrator"] = c.Particles.Integrator.Name(),
                ["dt"] = Dt,
                ["interaction"] = _systems[0].Interaction.Name,
                ["spectral_modes"] = _systems[0].Interaction.SpectralModes,
                ["tolerance"] = c.Particles.Tolerance,
                ["position_stride"] = c.Output.PositionStride,
                ["cluster_epsilon"] = c.Output.ClusterEpsilon,
                ["attention_scale"] = c.Model.AttentionScale,
                ["noise_sampler"] = "none",
                ["noise_components"] = 0,
            };
        }
    }

    public void Dispose() { }

    /// <summary>One replica: its positions, its interaction and stepper (single-threaded), and the write's scratch.</summary>
    private sealed class ReplicaSystem(double[] x, int count, IParticleInteraction interaction, ParticleStepper stepper)
    {
        public double[] X { get; } = x;
        public IParticleInteraction Interaction { get; } = interaction;
        public ParticleStepper Stepper { get; } = stepper;
        public double[] Drift { get; } = new double[x.Length];
        public double[] Weights { get; } = new double[count];
    }
}
