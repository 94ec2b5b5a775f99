using System.Globalization;
using MeanField.Core;
using MeanField.Core.Noise;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace MeanField.IO.Config;

/// <summary>YAML text (+ command-line overrides) → a validated <see cref="RunConfig"/>. All checks happen here, once.</summary>
public static class ConfigLoader
{
    /// <summary>Load a config file. Overrides are "dotted.key=value" (value parsed as YAML); outDirectory replaces output.directory.</summary>
    public static RunConfig LoadFile(string path, IReadOnlyList<string>? overrides = null, string? outDirectory = null)
    {
        if (!File.Exists(path)) throw new ConfigException($"{path}: config file not found");
        string text;
        try { text = File.ReadAllText(path); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new ConfigException($"{path}: cannot read the config file: {e.Message}");
        }
        return LoadText(text, path, Path.GetFileNameWithoutExtension(path), overrides, outDirectory);
    }

    public static RunConfig LoadText(string text, string source, string defaultName,
        IReadOnlyList<string>? overrides = null, string? outDirectory = null)
    {
        var sources = new YamlSources(source);
        var root = Parse(text, source);
        foreach (var option in overrides ?? []) ApplyOverride(root, option, sources);
        string baseDirectory = File.Exists(source) ? Path.GetDirectoryName(Path.GetFullPath(source))! : Directory.GetCurrentDirectory();
        if (!root.Children.ContainsKey(new YamlScalarNode("geometry")))
            throw new ConfigException($"{source}: geometry: missing; every config names its domain (geometry: circle, sphere or zonal), so that an empty or truncated file cannot run silently with every default");
        var config = Bind(new YamlMappingReader(root, "", sources), defaultName, baseDirectory);
        ConfigSchema.RejectKeysWithoutEffect(root, config, sources);
        if (outDirectory is not null) config = config with { Output = config.Output with { Directory = outDirectory } };
        return config;
    }

    /// <summary>A YAML file's root mapping, through the same guard (depth, no aliases) and parser as run configs.</summary>
    public static YamlMappingNode ParseMapping(string text, string source) => Parse(text, source);

    /// <summary>
    /// The config text with "dotted.key=value" overrides applied exactly as --set applies them, written back as YAML
    /// (a sweep point's config). Unvalidated: load the result to check it.
    /// </summary>
    public static string ApplyOverrides(string text, string source, IReadOnlyList<string> overrides)
    {
        var sources = new YamlSources(source);
        var root = Parse(text, source);
        foreach (var option in overrides) ApplyOverride(root, option, sources);
        var writer = new StringWriter { NewLine = "\n" };
        new YamlStream(new YamlDocument(root)).Save(writer, assignAnchors: false);
        return writer.ToString();
    }

    private static YamlMappingNode Parse(string text, string source)
    {
        YamlGuard.Check(text, source);
        var stream = new YamlStream();
        try { stream.Load(new StringReader(text)); }
        catch (YamlException e)
        {
            throw new ConfigException($"{source}:{e.Start.Line}:{e.Start.Column}: invalid YAML: {e.InnerException?.Message ?? e.Message}");
        }
        if (stream.Documents.Count == 0) return new YamlMappingNode();
        if (stream.Documents.Count > 1) throw new ConfigException($"{source}: expected one YAML document, found {stream.Documents.Count}");
        return stream.Documents[0].RootNode switch
        {
            YamlMappingNode m => m,
            YamlScalarNode { Value: null or "" } => new YamlMappingNode(),
            var other => throw new ConfigException($"{source}:{other.Start.Line}:{other.Start.Column}: the config must be a mapping of keys"),
        };
    }

    private static void ApplyOverride(YamlMappingNode root, string option, YamlSources sources)
    {
        int eq = option.IndexOf('=');
        if (eq <= 0) throw new ConfigException($"--set {option}: expected KEY=VALUE, e.g. --set model.beta=7");
        string[] keys = option[..eq].Trim().Split('.');
        if (keys.Any(string.IsNullOrWhiteSpace)) throw new ConfigException($"--set {option}: malformed key '{option[..eq]}'");
        YamlGuard.Check(option[(eq + 1)..], $"--set {option}");
        YamlNode value;
        try
        {
            var stream = new YamlStream();
            stream.Load(new StringReader(option[(eq + 1)..]));
            value = stream.Documents.Count == 0 ? new YamlScalarNode("") : stream.Documents[0].RootNode;
        }
        catch (YamlException e)
        {
            throw new ConfigException($"--set {option}: invalid YAML value: {e.InnerException?.Message ?? e.Message}");
        }
        sources.MarkOverride(value, option);

        var mapping = root;
        for (int i = 0; i < keys.Length - 1; i++)
        {
            var key = new YamlScalarNode(keys[i]);
            if (!mapping.Children.TryGetValue(key, out var child))
            {
                child = new YamlMappingNode();
                mapping.Children[key] = child;
            }
            mapping = child as YamlMappingNode
                ?? throw new ConfigException($"--set {option}: '{string.Join('.', keys[..(i + 1)])}' is not a mapping");
        }
        var leaf = new YamlScalarNode(keys[^1]);
        sources.MarkOverride(leaf, option);
        mapping.Children.Remove(new YamlScalarNode(keys[^1]));
        mapping.Children[leaf] = value;
    }

    private static RunConfig Bind(YamlMappingReader root, string defaultName, string baseDirectory)
    {
        string name = root.String("name", defaultName);
        if (string.IsNullOrWhiteSpace(name) || name.IndexOfAny(Path.GetInvalidFileNameChars()) >= 0 || name.Contains('/'))
            throw root.Error(root.Node("name"), "name", $"'{name}' is not usable as a file name");

        var s = root.Mapping("solver");
        var kind = s.Choice("kind", SolverKind.Spectral);
        // kind both runs the SPDE/PDE and the particles on one noise path: geometry, dimension and initial law are the
        // spectral solver's (whose laws the particles also sample on S¹ and S²).
        bool particles = kind == SolverKind.Particles;
        var geometry = root.Choice("geometry", GeometryKind.Circle);
        var rules = GeometryRules.All[geometry];
        if (kind == SolverKind.Both && rules.ParticlesRefusal is { } refusal)
            throw s.Error(s.Node("kind"), "kind", $"both needs a geometry particles can follow ({refusal}); use geometry circle or sphere");
        if (particles && rules.ParticlesRefusal is { } refused)
            throw root.Error(root.Node("geometry"), "geometry", $"{refused}: use geometry: sphere with solver.kind particles");
        var (dimensionRule, resolutionRule) = particles ? rules.Particles!.Value : (rules.Dimension, rules.Resolution);
        bool zonal = geometry == GeometryKind.Zonal, sphereSpectral = geometry == GeometryKind.Sphere && !particles;
        int dimension = root.Int("dimension", dimensionRule.Default, dimensionRule.Valid, dimensionRule.Requirement);

        var m = root.Mapping("model");
        string attention = m.Choice("attention", "usa", ["sa", "usa"]);
        var model = new ModelConfig
        {
            Attention = attention == "sa" ? AttentionKind.SA : AttentionKind.USA,
            Beta = m.Double("beta", 1.0, MeanFieldModel.IsValidBeta, MeanFieldModel.BetaRule),
            Diffusion = m.Double("diffusion", 0.0, d => d >= 0, "must be ≥ 0"),
            AttentionScale = m.Double("attention_scale", 1.0, x => Math.Abs(x) <= 1e6, "must be a finite number (1 attractive, 0 off, −1 repulsive)"),
            Query = m.Matrix("query", dimension),
            Key = m.Matrix("key", dimension),
            Value = m.Matrix("value", dimension),
            CommonNoise = m.Has("common_noise") ? BindCommonNoise(m.Mapping("common_noise"), geometry, dimension, kind) : null,
        };
        foreach (string matrix in new[] { "query", "key", "value" })
            if (!particles && m.Has(matrix))
                throw m.Error(m.Node(matrix), matrix, "query/key/value matrices are only supported by solver.kind: particles (the spectral solver is the identity case)");
        m.Finish();

        var solver = new SolverConfig
        {
            Kind = kind,
            Resolution = s.Int("resolution", resolutionRule.Default, resolutionRule.Valid, resolutionRule.Requirement),
            Stepper = s.Choice("stepper", model.CommonNoise is null ? StepperKind.Dopri5 : StepperKind.GaussSplitting),
            Dt = s.Double("dt", 1e-3, x => x > 0, "must be > 0"),
            Tolerance = s.Double("tolerance", 1e-9, x => x > 0 && x < 1, "must lie in (0, 1)"),
            TEnd = s.Double("t_end", 1.0, x => x > 0, "must be > 0"),
            OnUnderresolved = s.Choice("on_underresolved", UnderresolvedAction.Stop),
            TailTolerance = s.Double("tail_tolerance", 1e-6, x => x > 0 && x < 1, "must lie in (0, 1)"),
            NegativeTolerance = s.Double("negative_tolerance", 1e-6, x => x >= 0, "must be ≥ 0"),
            Fft = s.Choice("fft", FftChoice.Auto),
        };
        bool stochasticStepper = solver.Stepper.IsStochastic();
        if (!particles && model.CommonNoise is not null && !stochasticStepper)
            throw s.Error(s.Node("stepper"), "stepper", $"'{solver.Stepper.Name()}' is deterministic and model.common_noise is set; use gauss_splitting (default), midpoint_splitting, heun (Stratonovich) or euler_maruyama (Itô) with a fixed solver.dt");
        if (!particles && model.CommonNoise is null && stochasticStepper)
            throw s.Error(s.Node("stepper"), "stepper", $"'{solver.Stepper.Name()}' is a stochastic stepper and needs model.common_noise; use rk4 or dopri5");
        if (!particles && solver.Stepper != StepperKind.Dopri5)
            RequireFeasibleSteps(s, "dt", solver.TEnd, solver.Dt);
        s.Finish();
        // Largest mode an initial law may use: the retained wavenumber (circle) or the largest degree (zonal, sphere).
        int kmax = zonal || sphereSpectral ? solver.Resolution : (solver.Resolution - 1) / 3;

        var particleConfig = BindParticles(root.Mapping("particles"), particles, model, dimension);
        if (particles || (kind == SolverKind.Both && model.CommonNoise is null)) RequireFeasibleSteps(root.Mapping("particles"), "dt", solver.TEnd, particleConfig.Dt);
        var initial = BindInitial(root.Mapping("initial"), kmax, solver.Resolution, geometry, particles, dimension, particleConfig, baseDirectory);

        var o = root.Mapping("output");
        var output = new OutputConfig
        {
            Directory = o.String("directory", Path.Combine("out", name)),
            Interval = o.Double("interval", 0.01, x => x > 0, "must be > 0"),
            MaxWrites = o.Int("max_writes", 1000, x => x >= 1, "must be ≥ 1"),
            Positions = o.Bool("positions", true),
            PositionStride = o.Int("position_stride", 1, x => x >= 1, "must be ≥ 1"),
            ClusterEpsilon = o.Double("cluster_epsilon", 1e-3, x => x > 0 && x < 2, "must lie in (0, 2)"),
            HarmonicDegree = o.Int("harmonic_degree", 16, x => x >= 0 && x <= 1023, "must lie between 0 and 1023"),
            Plots = o.Bool("plots", false),
            Hdf5Library = o.Choice("hdf5_library", MeanField.IO.Output.Hdf5Library.Auto),
            SetSeconds = o.Double("set_seconds", 60, x => x > 0 && x <= 1e9, "must lie in (0, 1e9]"),
            Swmr = o.Bool("swmr", false),
        };
        if (string.IsNullOrWhiteSpace(output.Directory)) throw o.Error(o.Node("directory"), "directory", "must not be empty");
        o.Finish();

        ulong seed = root.ULong("seed", 0);
        var e = root.Mapping("ensemble");
        var ensemble = new EnsembleConfig
        {
            Paths = e.Int("paths", 1, x => x >= 1 && x <= 100_000, "must be between 1 and 100000"),
            KeepPaths = e.Bool("keep_paths", false),
        };
        if (ensemble.Paths > 1 && model.CommonNoise is null)
            throw e.Error(e.Node("paths"), "paths", $"{ensemble.Paths} paths need model.common_noise (without it every path is the same deterministic run)");
        e.Finish();
        root.Finish();
        return new RunConfig
        {
            Name = name, Geometry = geometry, Dimension = dimension, Model = model, Initial = initial,
            Solver = solver, Particles = particleConfig, Output = output, Seed = seed, Ensemble = ensemble,
        };
    }

    /// <summary>The most fixed steps a run may take to t_end: beyond this a run would not end in any reasonable time.</summary>
    public const double MaxSteps = 1e9;

    // A fixed step so small that t_end needs more than MaxSteps steps (dt: 1e-300 ran for ever without a progress line).
    private static void RequireFeasibleSteps(YamlMappingReader r, string key, double tEnd, double dt)
    {
        double steps = tEnd / dt;
        if (steps > MaxSteps)
            throw r.Error(r.Node(key), key, $"{dt.ToString("R", CultureInfo.InvariantCulture)} needs {steps:G3} steps to solver.t_end = {tEnd.ToString("R", CultureInfo.InvariantCulture)}; at most {MaxSteps:G3} fixed steps are allowed: raise the step or lower t_end");
    }

    private static CommonNoiseConfig BindCommonNoise(YamlMappingReader c, GeometryKind geometry, int dimension, SolverKind solverKind)
    {
        if (geometry == GeometryKind.Zonal)
            throw c.Error(c.Node("kind"), "common_noise", "common noise breaks axial symmetry, so geometry zonal cannot carry it; use geometry circle, sphere (d = 3), or particles");
        bool particlesOnly = solverKind == SolverKind.Particles;
        var kind = c.Choice("kind", NoiseKind.Mlp);
        string activation = c.Choice("activation", "relu", MlpActivations.Names);
        var config = new CommonNoiseConfig
        {
            Kind = kind,
            Activation = MlpActivations.Parse(activation),
            SigmaU = c.Double("sigma_u", 0.0, x => x >= 0 && x <= 100, "must lie in [0, 100]"),
            SigmaW = c.Double("sigma_w", 0.0, x => x >= 0 && x <= 100, "must lie in [0, 100]"),
            Modes = c.Int("modes", 16, x => x >= 0 && x <= 512, "must lie between 0 and 512"),
            Sampler = c.Choice("sampler", dimension >= 4 ? NoiseSampler.Mlp : NoiseSampler.Harmonic),
            Width = c.Int("width", 256, x => x >= 1 && x <= 1 << 20, "must lie between 1 and 1048576"),
            Amplitudes = c.List("amplitudes", (node, key) =>
            {
                int size = dimension == 2 ? 3 : 2;
                if (node is not YamlSequenceNode { Children.Count: var count } row || count != size)
                    throw c.Error(node, key, dimension == 2 ? "expected [m, a_cos, a_sin]" : "expected [n, C_n]");
                int mode = c.ParseInt(row[0], key, x => x >= 0 && x <= 512, "the mode/degree must lie between 0 and 512");
                var values = new List<double> { mode };
                for (int i = 1; i < size; i++)
                    values.Add(c.ParseDouble(row[i], key, x => dimension == 2 || x >= 0, "C_n must be ≥ 0 (a covariance)"));
                if (dimension == 2 && mode == 0 && values[2] != 0) throw c.Error(node, key, "sin(0·θ) = 0: mode 0 takes [0, a, 0]");
                return (IReadOnlyList<double>)values;
            }),
        };
        if (kind == NoiseKind.Fields)
        {
            if (config.Amplitudes.Count == 0)
                throw c.Error(c.Node("amplitudes") ?? c.Node("kind"), "amplitudes", dimension == 2 ? "kind fields needs rows [m, a_cos, a_sin]" : "kind fields needs rows [n, C_n]");
            if (dimension >= 4)
                throw c.Error(c.Node("kind"), "kind", $"fields are harmonic amplitudes on S¹ or S²; dimension is {dimension}: use kind mlp (sampler mlp)");
            var duplicate = config.Amplitudes.GroupBy(r => (int)r[0]).FirstOrDefault(g => g.Count() > 1);
            if (duplicate is not null) throw c.Error(c.Node("amplitudes"), "amplitudes", $"mode {duplicate.Key} is given twice");
            if (config.Sampler == NoiseSampler.Mlp) throw c.Error(c.Node("sampler"), "sampler", "sampler mlp draws the random MLP layer and needs kind mlp");
        }
        else if (c.Has("amplitudes"))
            throw c.Error(c.Node("amplitudes"), "amplitudes", "amplitudes are for kind fields; kind mlp computes them from the kernel");
        if (config.Sampler == NoiseSampler.Harmonic && dimension >= 4)
            throw c.Error(c.Node("sampler"), "sampler", $"a harmonic expansion of the noise is implemented on S¹ and S² only; dimension is {dimension}: use sampler mlp");
        if (config.Sampler == NoiseSampler.Mlp && !particlesOnly)
            throw c.Error(c.Node("sampler"), "sampler", $"sampler mlp is for solver.kind particles; solver.kind {solverKind.Name()} shares the harmonic noise path between SPDE and particles");
        c.Finish();
        return config;
    }

    // Read and validated whatever solver.kind is (so --set solver.kind=particles works on any file); only particle runs use it.
    private static ParticlesConfig BindParticles(YamlMappingReader p, bool particles, ModelConfig model, int dimension)
    {
        var config = new ParticlesConfig
        {
            // Absent means "the default 1000, or the file's row count for from_file", so it stays null here.
            Count = p.Node("count") is { } countNode ? p.ParseInt(countNode, "count", n => n >= 1 && n <= 100_000_000, "must be between 1 and 100000000") : null,
            Integrator = p.Choice("integrator", model.CommonNoise is null ? IntegratorKind.Rk4 : IntegratorKind.Heun),   // heun: Stratonovich, the default with common noise
            Dt = p.Double("dt", 1e-3, x => x > 0, "must be > 0"),
            Interaction = p.Choice("interaction", InteractionKind.Auto),
            Tolerance = p.Double("tolerance", 1e-12, x => x > 0 && x < 1, "must lie in (0, 1)"),
            Threads = p.Int("threads", 0, x => x >= 0 && x <= 1024, "must be between 0 (one per core) and 1024"),
            Replicas = p.Int("replicas", 1, x => x >= 1 && x <= 1_000_000, "must be between 1 and 1000000"),
            RandomMatrices = p.Has("random_matrices") ? BindRandomMatrices(p.Mapping("random_matrices")) : null,
        };
        if (particles && config.RandomMatrices is not null)
        {
            string? given = model.Query is not null ? "query" : model.Key is not null ? "key" : model.Value is not null ? "value" : null;
            if (given is not null)
                throw p.Error(p.Node("random_matrices"), "random_matrices", $"draws Q, K and V itself; model.{given} is also given: drop one of them");
            if (config.Interaction == InteractionKind.Spectral)
                throw p.Error(p.Node("interaction"), "interaction", "spectral summation needs the identity case; particles.random_matrices draws Q and K: use dense or auto");
        }
        // Replicas are independent systems; common noise is one path shared by every token of a system, and which path
        // each replica should see (one shared, or one each) is a modelling choice not made here.
        if (particles && config.Replicas > 1 && model.CommonNoise is not null)
            throw p.Error(p.Node("replicas"), "replicas", $"{config.Replicas} replicas with model.common_noise is not supported; use ensemble.paths for noise paths, or particles.replicas: 1");
        if (model.CommonNoise is not null && config.Integrator == IntegratorKind.Rk4 && (particles || p.Has("integrator")))
            throw p.Error(p.Node("integrator"), "integrator", "rk4 is deterministic and model.common_noise is set; use heun (Stratonovich) or layer (the transformer update, Itô)");
        if (particles && config.Integrator == IntegratorKind.Rk4 && model.Diffusion > 0)
            throw p.Error(p.Node("integrator"), "integrator", $"rk4 is deterministic and model.diffusion is {model.Diffusion.ToString("R", CultureInfo.InvariantCulture)}; use heun (Stratonovich, with noise) or layer");
        // V = −I (P2's forward heat phase) only flips the drift's sign, which the spectral sums support.
        bool minusIdentityValue = model.Value is { } v && Enumerable.Range(0, v.Count).All(i => v[i] == (i % (dimension + 1) == 0 ? -1.0 : 0.0));
        bool identity = model.Query is null && model.Key is null && (model.Value is null || minusIdentityValue);
        if (particles && config.Interaction == InteractionKind.Spectral && !(identity && dimension is 2 or 3))
            throw p.Error(p.Node("interaction"), "interaction",
                $"spectral summation is implemented for the identity case (no model.query/key; model.value absent or −I) on the circle (dimension 2) and on S^2 (dimension 3) only; this run has dimension {dimension}{(identity ? "" : " and explicit matrices")}; use dense or auto");
        p.Finish();
        return config;
    }

    private static RandomMatricesConfig BindRandomMatrices(YamlMappingReader m)
    {
        if (!m.Has("query_key")) throw m.Error(m.Node("value") ?? m.Node("scale") ?? m.Node("redraw"), "query_key", "random_matrices needs query_key: gaussian or goe");
        var model = new RandomMatricesConfig(
            m.Choice("query_key", RandomQueryKeyLaw.Gaussian),
            m.Choice("value", RandomValueLaw.Identity),
            m.Double("scale", 1.0, x => x > 0 && x <= 1e6, "must lie in (0, 1e6]"),
            m.Bool("redraw", false));
        m.Finish();
        return model;
    }

    // Every initial key is read (and validated) whatever the kind, so switching kind with --set keeps a file valid;
    private static IReadOnlyList<double> UnitVector(YamlMappingReader r, string key, int dimension)
    {
        var node = r.Node(key);
        if (node is null) return [0, 0, 1];
        if (node is not YamlSequenceNode { Children.Count: var count } seq || count != dimension)
            throw r.Error(node, key, $"expected a list of {dimension} numbers (a direction in R^{dimension})");
        var v = seq.Children.Select(x => r.ParseDouble(x, key, _ => true, "")).ToArray();
        double norm = Math.Sqrt(v.Sum(x => x * x));
        if (!(norm > 0)) throw r.Error(node, key, "must not be the zero vector");
        // A vector already unit to rounding is kept as given, so that reading the stored /config again is the identity.
        return Math.Abs(norm - 1) < 1e-15 ? v : v.Select(x => x / norm).ToArray();
    }

    // a key only takes effect for the kind that uses it (docs/configuration.md).
    private static InitialConfig BindInitial(YamlMappingReader r, int kmax, int resolution, GeometryKind geometry, bool particles, int dimension,
        ParticlesConfig particleConfig, string baseDirectory)
    {
        // Particles on S² (d = 3) take the S² PDE's laws, with the same keys; on S^{d−1}, d ≥ 4, geometry zonal's laws
        // (pole e = e_d). gegenbauer (zonal about e_3) stays available at d = 3, with its [n, c] coefficients.
        bool zonal = geometry == GeometryKind.Zonal, sphere = geometry == GeometryKind.Sphere && (!particles || dimension == 3);
        bool zonalLaws = zonal || (particles && dimension >= 4);
        var kindValue = r.Choice("kind", InitialKind.PerturbedUniform);
        bool gegenbauerPairs = zonalLaws || (particles && dimension == 3 && kindValue == InitialKind.Gegenbauer);
        string limit = zonal || (sphere && !particles) ? $"solver.resolution {resolution} is the largest degree"
            : particles && dimension >= 3 ? $"particle runs take degrees up to ⌊(solver.resolution − 1)/3⌋ = {kmax}"
            : $"solver.resolution {resolution} retains wavenumbers up to {kmax}";
        var kinds = particles ? InitialConfig.ParticleKinds(dimension) : zonal ? InitialConfig.ZonalKinds : sphere ? InitialConfig.SphereKinds : InitialConfig.CircleKinds;
        var initial = new InitialConfig
        {
            Kind = kindValue,
            Amplitude = r.Double("amplitude", 1e-3, a => a >= 0, "must be ≥ 0"),
            // Default: modes below the top third of the retained ones, so the default law passes the resolution check.
            Modes = r.Int("modes", Math.Max(1, Math.Min(32, kmax / 2)), k => k >= 1 && k <= kmax, $"must be between 1 and {kmax} ({limit})"),
            Components = r.List("components", (node, key) =>
            {
                if (node is not YamlMappingNode map) throw r.Error(node, key, "expected a mapping {weight, mean, kappa}");
                var c = new YamlMappingReader(map, r.Key(key), r.Sources);
                var component = sphere
                    ? new VonMisesComponent(
                        c.Double("weight", 1.0, w => w > 0, "must be > 0"),
                        0.0,
                        c.Double("kappa", 1.0, k => k >= 0 && k <= 1e4, "must lie in [0, 10000]"))
                    { Direction = UnitVector(c, "direction", 3) }
                    : zonalLaws
                    ? new VonMisesComponent(
                        c.Double("weight", 1.0, w => w > 0, "must be > 0"),
                        c.Double("mean", 0.0, m => m == 0, $"must be 0 for {(zonal ? "geometry zonal" : $"particles with dimension {dimension}")} (laws are axisymmetric about the pole e = e_d; a negative kappa centres at −e)"),
                        c.Double("kappa", 1.0, k => Math.Abs(k) <= 1e4, "must lie in [−10000, 10000]"))
                    : new VonMisesComponent(
                        c.Double("weight", 1.0, w => w > 0, "must be > 0"),
                        c.Double("mean", 0.0, _ => true, ""),
                        c.Double("kappa", 1.0, k => k >= 0 && k <= 1e4, "must lie in [0, 10000]"));
                c.Finish();
                return component;
            }),
            Harmonics = sphere && !gegenbauerPairs ? r.List("coefficients", (node, key) =>
            {
                if (node is not YamlSequenceNode { Children.Count: 4 } entry) throw r.Error(node, key, "expected [l, m, re, im]");
                int l = r.ParseInt(entry[0], key, x => x >= 1 && x <= kmax, $"l must be between 1 and {kmax} ({limit})");
                return new HarmonicCoefficient(l,
                    r.ParseInt(entry[1], key, x => x >= 0 && x <= l, $"m must be between 0 and l = {l}"),
                    r.ParseDouble(entry[2], key, _ => true, ""),
                    r.ParseDouble(entry[3], key, _ => true, ""));
            }) : [],
            Coefficients = sphere && !gegenbauerPairs ? [] : r.List("coefficients", (node, key) =>
            {
                // circle (fourier): [k, re, im]; zonal (gegenbauer): [n, c].
                int size = gegenbauerPairs ? 2 : 3;
                if (node is not YamlSequenceNode entry || entry.Children.Count != size)
                    throw r.Error(node, key, gegenbauerPairs ? "expected [n, c]" : "expected [k, re, im]");
                return new FourierCoefficient(
                    r.ParseInt(entry[0], key, k => k >= 1 && k <= kmax, $"{(gegenbauerPairs ? "n" : "k")} must be between 1 and {kmax} ({limit})"),
                    r.ParseDouble(entry[1], key, _ => true, ""),
                    gegenbauerPairs ? 0 : r.ParseDouble(entry[2], key, _ => true, ""));
            }),
            Rho0 = r.Double("rho0", 0.0, x => x > -1 && x < 1, "must lie in (−1, 1)"),
            File = r.String("file", ""),
            Dataset = r.String("dataset", "tasks/positions"),
        };
        var kindNode = r.Node("kind");
        if (!kinds.Contains(initial.Kind))
        {
            string why = initial.Kind switch
            {
                InitialKind.Equiangular or InitialKind.FromFile => "it gives particle positions and needs solver.kind: particles",
                InitialKind.Fourier when particles => $"it is a law on the circle and dimension is {dimension}",
                InitialKind.Gegenbauer when particles => $"it is a zonal law on S^(d-1), d ≥ 3, and dimension is {dimension}",
                _ => particles ? $"particles with dimension {dimension}" : $"geometry {geometry.Name()}",
            };
            throw r.Error(kindNode, "kind", $"'{initial.Kind.Name()}' is not one of: {string.Join(", ", kinds.Select(k => k.Name()))} ({why})");
        }
        if (initial.Kind == InitialKind.Equiangular)
        {
            int n = particleConfig.Count ?? 1000;
            if (n > dimension)
                throw r.Error(kindNode, "kind", $"equiangular needs particles.count ≤ dimension (at most d vectors can be equiangular in R^d); particles.count is {n}, dimension {dimension}");
            if (n > 1 && !(initial.Rho0 > -1.0 / (n - 1)))
                throw r.Error(r.Node("rho0"), "rho0", $"must be > −1/(N−1) = {(-1.0 / (n - 1)).ToString("R", CultureInfo.InvariantCulture)} for N = {n} (the Gram matrix must be positive definite), got {initial.Rho0.ToString("R", CultureInfo.InvariantCulture)}");
        }
        if (initial.Kind == InitialKind.FromFile)
        {
            var fileNode = r.Node("file");
            if (string.IsNullOrWhiteSpace(initial.File))
                throw r.Error(fileNode ?? kindNode, "file", "from_file needs initial.file: an HDF5 file with a dataset of N×d positions (initial.dataset)");
            // Relative to the config file's directory; a --set value is relative to the working directory.
            bool fromCommandLine = r.Sources.Locate(fileNode).StartsWith("--set", StringComparison.Ordinal);
            string full = Path.GetFullPath(initial.File, fromCommandLine ? Directory.GetCurrentDirectory() : baseDirectory);
            if (!System.IO.File.Exists(full)) throw r.Error(fileNode, "file", $"'{initial.File}' does not exist (looked for {full})");
            initial = initial with { File = full };
        }
        if (initial.Kind == InitialKind.VonMises)
        {
            if (initial.Components.Count == 0)
                throw r.Error(r.Node("components"), "components", "von_mises needs at least one component {weight, mean, kappa}");
            double total = initial.Components.Sum(c => c.Weight);
            if (Math.Abs(total - 1) > 1e-9)
                throw r.Error(r.Node("components"), "components", $"weights must sum to 1, they sum to {total:R}");
        }
        if (initial.Kind == InitialKind.Harmonics)
        {
            if (initial.Harmonics.Count == 0)
                throw r.Error(r.Node("coefficients"), "coefficients", "harmonics needs a list of [l, m, re, im]");
            var duplicate = initial.Harmonics.GroupBy(c => (c.L, c.M)).FirstOrDefault(g => g.Count() > 1);
            if (duplicate is not null)
                throw r.Error(r.Node("coefficients"), "coefficients", $"(l, m) = {duplicate.Key} is given twice");
        }
        if (initial.Kind is InitialKind.Fourier or InitialKind.Gegenbauer)
        {
            if (initial.Coefficients.Count == 0)
                throw r.Error(r.Node("coefficients"), "coefficients", gegenbauerPairs ? "gegenbauer needs a list of [n, c]" : "fourier needs a list of [k, re, im]");
            var duplicate = initial.Coefficients.GroupBy(c => c.K).FirstOrDefault(g => g.Count() > 1);
            if (duplicate is not null)
                throw r.Error(r.Node("coefficients"), "coefficients", $"{(gegenbauerPairs ? "degree" : "wavenumber")} {duplicate.Key} is given twice");
        }
        r.Finish();
        return initial;
    }
}
