using MeanField.Core;
using MeanField.Core.Noise;
using MeanField.IO.Config;
using MeanField.IO.Output;
using MeanField.Particles;
using MeanField.Particles.Noise;

namespace MeanField.Runs;

/// <summary>
/// `meanfield run` with solver.kind particles: config → N tokens on S^{d−1} → fixed-step integration → HDF5 writes at exact
/// multiples of output.interval (docs/output-format.md, "Particles").
/// </summary>
public static class ParticleRun
{
    /// <summary>Empirical Fourier modes written per output on the circle (k = 0..32, as the PDE's fourier_modes).</summary>
    public const int WrittenModes = CircleRunField.WrittenModes;

    public static RunResult Execute(RunConfig config, RunOptions options)
    {
        if (options.Resume && (!config.Output.Positions || config.Output.PositionStride != 1))
            throw new ConfigException($"{options.ConfigPath}: --resume of a particle run needs output.positions: true and output.position_stride: 1 (the written positions are the state to continue from)");
        var p = config.Particles;
        int d = config.Dimension;
        var x = ParticleInitialPositions.Create(config, options.ConfigPath);
        int n = x.Length / d;
        config = config with { Particles = p with { Count = n } };   // the stored config names the N actually run
        var model = new ParticleModel(config.Model.Attention, d, config.Model.Beta, config.Model.Diffusion,
            config.Model.Query?.ToArray(), config.Model.Key?.ToArray(), config.Model.Value?.ToArray())
        { AttentionScale = config.Model.AttentionScale };
        var interaction = ParticleInteractions.Create(model, n, p.Interaction.Name(), p.Tolerance, p.Threads);
        var integrator = p.Integrator switch
        {
            IntegratorKind.Rk4 => ParticleIntegrator.Rk4,
            IntegratorKind.Heun => ParticleIntegrator.Heun,
            IntegratorKind.Layer => ParticleIntegrator.Layer,
            _ => throw new ConfigException($"{options.ConfigPath}: particles.integrator: '{p.Integrator.Name()}' is not one of: {string.Join(", ", YamlNames.All<IntegratorKind>())}"),
        };
        double tEnd = config.Solver.TEnd;
        var times = SpectralRun.OutputTimes(tEnd, config.Output.Interval);
        var commonNoise = ParticleCommonNoise.Create(config, p.Dt, options.ConfigPath, options.NoisePath);
        if (commonNoise is not null) CommonNoiseFields.RequireWholeSteps(config, p.Dt, "particles.dt", options.ConfigPath);
        var noisePath = ParticleCommonNoise.Path(commonNoise);
        var stepper = new ParticleStepper(model, interaction, integrator, n, config.Seed, p.Threads, commonNoise);

        int stride = config.Output.PositionStride;
        int written = (n + stride - 1) / stride;
        bool circle = d == 2;
        var tasks = Tasks(config, written, noisePath?.Components ?? 0);
        string configYaml = ConfigYaml.Write(config);
        bool singleFile = times.Count <= config.Output.MaxWrites;
        int firstIndex = 1, firstSet = 1, writes = 0;
        double previousEnergy = double.NegativeInfinity, wallOffset = 0, time = 0, lastStep = 0;
        RunCheckpoint? checkpoint = null;
        if (options.Resume)
        {
            // The state is the full set of positions (stride 1) and the step count, which keys the noise.
            checkpoint = RunResume.Read(config, configYaml, (run, w) =>
                (RunResume.Slice(run.Cube("tasks/positions"), w), [run.Vector("scales/timestep")[w]]));
            if (checkpoint.State.Length != x.Length)
                throw new ConfigException($"--resume: {checkpoint.File} holds {checkpoint.State.Length / d} particles, the config gives {n}");
            int found = times.ToList().IndexOf(checkpoint.Time);
            if (found < 0)
                throw new ConfigException($"--resume: the last write of {checkpoint.File} is at t = {checkpoint.Time:R}, which is not an output time of this config (output.interval changed?)");
            firstIndex = found + 1;
            bool partialSet = singleFile || checkpoint.WritesInFile < config.Output.MaxWrites;
            firstSet = singleFile ? 1 : checkpoint.SetNumber + (partialSet ? 0 : 1);
            checkpoint.State.CopyTo(x, 0);
            stepper.RestoreStepCount(checkpoint.Iteration);
            writes = checkpoint.WriteNumber;
            previousEnergy = checkpoint.Energy;
            wallOffset = checkpoint.WallTime;
            time = checkpoint.Time;
            lastStep = checkpoint.ControllerState[0];
        }
        var progress = new ProgressReporter(options.Output, options.Interactive, tEnd, options.Quiet);
        var writer = new OutputSetWriter(new OutputSetOptions
        {
            Directory = config.Output.Directory,
            BaseName = config.Name,
            MaxWritesPerSet = config.Output.MaxWrites,
            ExpectedWrites = times.Count,
            RootAttributes = Attributes(config, n, interaction, commonNoise, options),
            ConfigYaml = configYaml,
            Grid = config.Output.Positions
                ? new Dictionary<string, double[]> { ["particle_index"] = Enumerable.Range(0, written).Select(i => (double)(i * stride)).ToArray() }
                : new Dictionary<string, double[]>(),
            Tasks = tasks,
            FirstSetNumber = firstSet,
        }.WithOutputKeys(config.Output, append: checkpoint is not null));
        RunEnding.AnnounceWriter(progress, options, writer, config.Output.SetSeconds);
        // The native writer continues the interrupted set file in place; the managed one rewrites it.
        if (checkpoint is not null && (singleFile || checkpoint.WritesInFile < config.Output.MaxWrites) && !writer.AppendsInPlace)
            RunResume.Replay(checkpoint.File, writer, tasks);

        var drift = new double[n * d];
        var increments = new double[noisePath?.Components ?? 0];
        long incrementsFrom = stepper.Steps;   // ΔB written at a write is summed over the steps since the previous write
        var weights = new double[n];
        var positions = new double[written * d];
        bool warnedEnergy = false;
        string? stopReason = null, failure = null;
        int exitCode = ExitCodes.Success;

        void Write(double t)
        {
            interaction.Evaluate(x, drift, weights);
            double energy = ParticleDiagnostics.Energy(weights, model.Beta);
            writer.BeginWrite(new OutputScales(t, writes + 1, stepper.Steps, lastStep, wallOffset + progress.ElapsedSeconds));
            if (config.Output.Positions)
            {
                for (int i = 0, w = 0; i < n; i += stride, w++) x.AsSpan(i * d, d).CopyTo(positions.AsSpan(w * d, d));
                writer.SetTask("positions", positions);
                if (circle) writer.SetTask("angles", ParticleDiagnostics.Angles(x, stride));
            }
            if (circle)
            {
                writer.SetTask("empirical_modes", ParticleDiagnostics.EmpiricalModes(x, WrittenModes));
                writer.SetTask("net_flux", [ParticleDiagnostics.NetFlux(x, drift)]);
            }
            if (d == 3) writer.SetTask("empirical_sh_coefficients", SphericalHarmonics.EmpiricalCoefficients(x, config.Output.HarmonicDegree));
            writer.SetTask("energy", [energy]);
            var cosines = ParticleDiagnostics.Cosines(x, d, config.Output.ClusterEpsilon);
            writer.SetTask("p3_energy", [P3Energy(x, d, model, energy)]);
            writer.SetTask("cosine_mean", [cosines.Mean]);
            writer.SetTask("cosine_min", [cosines.Min]);
            writer.SetTask("cosine_close_fraction", [cosines.CloseFraction]);
            if (noisePath is not null)
            {
                if (stepper.Steps > incrementsFrom) noisePath.Increments(incrementsFrom, checked((int)(stepper.Steps - incrementsFrom)), increments);
                else Array.Clear(increments);
                writer.SetTask("noise_increments", increments);
                incrementsFrom = stepper.Steps;
            }
            writer.SetTask("cluster_count", [ParticleDiagnostics.ClusterCount(x, d, config.Output.ClusterEpsilon)]);
            writer.SetTask("rotation_rate", [ParticleDiagnostics.RotationRate(x, drift, d)]);
            writer.CommitWrite();
            writes++;
            // Deterministic SA and USA in the identity case are gradient flows: E is non-decreasing (MATH §2.5), also for s > 0.
            if (model.Diffusion == 0 && commonNoise is null && model.AttentionScale > 0 && model.IsIdentityCase && energy < previousEnergy * (1 - 1e-10) && !warnedEnergy)
            {
                progress.Message(options.Error, $"warning: energy decreased at t = {t:G6} ({previousEnergy:R} → {energy:R}); particles.dt may be too large");
                warnedEnergy = true;
            }
            previousEnergy = energy;
        }

        try
        {
            if (checkpoint is null) Write(0);
            for (int k = firstIndex; k < times.Count && stopReason is null; k++)
            {
                // Equal steps ≤ particles.dt that land exactly on the output time.
                double span = times[k] - times[k - 1];
                long steps = Math.Max(1, (long)Math.Ceiling(span / p.Dt * (1 - 1e-12)));
                double h = span / steps;
                for (long s = 0; s < steps; s++)
                {
                    if (options.Cancellation.IsCancellationRequested)
                    {
                        stopReason = $"interrupted at t = {time:G6}; the output holds every write up to t = {times[k - 1]:G6} (continue with --resume)";
                        exitCode = ExitCodes.Interrupted;
                        break;
                    }
                    stepper.Step(x, h);
                    lastStep = h;
                    time = s + 1 == steps ? times[k] : times[k - 1] + (s + 1) * h;
                    if (!AllFinite(x))
                    {
                        stopReason = $"numerical failure: a position became non-finite at t = {time:G6}; try a smaller particles.dt" +
                                     (model.IsIdentityCase ? "" : " (with query/key matrices e^{β⟨Qx,Ky⟩} may overflow: scale them down)");
                        exitCode = ExitCodes.NumericalFailure;
                        break;
                    }
                    progress.Update(time, h, stepper.Steps);
                }
                if (stopReason is not null) break;
                Write(times[k]);
            }
        }
        catch (OutputException e)
        {
            stopReason = RunEnding.OutputError(time, e);
            exitCode = ExitCodes.OutputError;
        }
        catch (Exception e) when ((failure = e.Message) is null)
        {
            throw; // never reached: the filter only records the message for run_status
        }
        finally
        {
            writer.Close(RunEnding.Status(failure, stopReason, exitCode, time));
        }

        double wall = progress.ElapsedSeconds;
        string kernel = interaction.SpectralModes > 0 ? $"spectral, {(d == 3 ? "L" : "K")} = {interaction.SpectralModes}" : "dense";
        return RunEnding.Finish(progress, options, writer, stopReason, exitCode,
            $"t = {time:G6}, N = {n}, {writes} writes, {stepper.Steps} {p.Integrator.Name()} steps, " +
            $"{stepper.Evaluations} drift evaluations ({kernel}) in {wall:F2} s ({(wall > 0 ? stepper.Evaluations / wall : 0):F0}/s)",
            writes, stepper.Steps, time);
    }

    /// <summary>Particles above this count take 𝓔_β from the interaction's energy unless it has cancelled (<see cref="P3Energy"/>).</summary>
    public const int DenseP3EnergyLimit = 2048;

    /// <summary>
    /// 𝓔_β: the dense pair sum (exact to rounding, N²d/2) for N ≤ <see cref="DenseP3EnergyLimit"/> or explicit matrices; otherwise
    /// ½e^β − βE from the interaction's energy (identity case, free), recomputed densely when that has cancelled below 1e-8 e^β
    /// and N ≤ 2·10⁴.
    /// </summary>
    private static double P3Energy(double[] x, int d, ParticleModel model, double energy)
    {
        int n = x.Length / d;
        if (n <= DenseP3EnergyLimit || !model.IsIdentityCase) return ParticleDiagnostics.P3Energy(x, d, model.Beta);
        double fromEnergy = ParticleDiagnostics.P3EnergyFromEnergy(energy, model.Beta);
        return fromEnergy < 1e-8 * Math.Exp(model.Beta) && n <= 20_000 ? ParticleDiagnostics.P3Energy(x, d, model.Beta) : fromEnergy;
    }

    private static bool AllFinite(double[] x)
    {
        foreach (double v in x)
            if (!double.IsFinite(v)) return false;
        return true;
    }

    private static IReadOnlyList<TaskDefinition> Tasks(RunConfig c, int written, int noiseComponents)
    {
        int d = c.Dimension;
        var tasks = new List<TaskDefinition>();
        if (c.Output.Positions)
        {
            tasks.Add(new("positions", [written, d], false, "x_i in R^d, |x_i| = 1, for the particles listed in /grid/particle_index (every output.position_stride-th)"));
            if (d == 2) tasks.Add(new("angles", [written], false, "theta_i = atan2(x_i1, x_i0) in [0, 2pi), same particles as positions"));
        }
        if (d == 2)
        {
            tasks.Add(new("empirical_modes", [WrittenModes], true, "(1/2pi)(1/N) sum_j e^{-ik theta_j}, k = 0..32: the empirical measure's Fourier coefficients, normalised as the PDE's fourier_modes (k=0: 1/2pi)"));
            tasks.Add(new("net_flux", [], false, "(1/N) sum_i dtheta_i/dt: rate of the mean lifted angle; 0 for USA (MATH §2.5)"));
        }
        if (d == 3)
        {
            int l = c.Output.HarmonicDegree;
            tasks.Add(new("empirical_sh_coefficients", [SphericalHarmonics.CountFor(l)], true,
                $"(1/N) sum_j conj(Y_l^m(x_j)), m >= 0, l <= {l} (output.harmonic_degree): the empirical measure's a_l^m, normalised and laid out as the sphere PDE's sh_coefficients (orthonormal, Condon-Shortley; index(l,m) = m(2L+3-m)/2 + (l-m); a_0^0 = 1/sqrt(4pi))"));
        }
        tasks.Add(new("energy", [], false, "E = (1/(2 beta N^2)) sum_{i,j} e^{beta <Q x_i, K x_j>} (identity case Q = K = I, MATH §2.5)"));
        tasks.Add(new("cluster_count", [], false, "connected components of the graph <x_i, x_j> > 1 - output.cluster_epsilon"));
        tasks.Add(new("rotation_rate", [], false, "|| (1/N) sum_i (v_i x_i^T - x_i v_i^T) ||_F with v_i the drift: 0 for USA (MATH §2.5)"));
        tasks.Add(new("p3_energy", [], false, "P3 energy (1/2)(e^beta - (1/N^2) sum_{i,j} e^{beta <x_i, x_j>}) >= 0, 0 iff all particles coincide (MATH §3.2, §5)"));
        tasks.Add(new("cosine_mean", [], false, "mean of <x_i, x_j> over pairs i != j: (|sum x_i|^2 - N)/(N(N-1))"));
        tasks.Add(new("cosine_min", [], false, $"min of <x_i, x_j> over pairs i != j of the first min(N, {PairwiseCosines.DefaultPairLimit}) particles"));
        tasks.Add(new("cosine_close_fraction", [], false, $"fraction of those pairs with <x_i, x_j> > 1 - output.cluster_epsilon"));
        if (noiseComponents > 0)
            tasks.Add(new("noise_increments", [noiseComponents], false, "common-noise Brownian increments dB^j summed over the steps since the previous write (zeros at the first write); components as the SPDE's (circle: 0 rotation, 2m-1 cos, 2m sin; S^2: 3(n^2+i)+alpha)"));
        return tasks;
    }

    private static IReadOnlyDictionary<string, object> Attributes(RunConfig c, int n, IParticleInteraction interaction, ICommonNoiseSampler? noise, RunOptions options)
    {
        var attributes = Provenance.RunAttributes(c, options.ConfigPath);
        attributes["solver"] = "particles";
        attributes["kernel"] = c.Model.Query is null && c.Model.Key is null && c.Model.Value is null ? "identity" : "matrices (see /config)";
        attributes["particle_count"] = n;
        attributes["integrator"] = c.Particles.Integrator.Name();
        attributes["dt"] = c.Particles.Dt;
        attributes["interaction"] = interaction.Name;
        attributes["spectral_modes"] = interaction.SpectralModes;
        attributes["tolerance"] = c.Particles.Tolerance;
        attributes["position_stride"] = c.Output.PositionStride;
        attributes["cluster_epsilon"] = c.Output.ClusterEpsilon;
        attributes["harmonic_degree"] = c.Dimension == 3 ? c.Output.HarmonicDegree : 0;
        attributes["attention_scale"] = c.Model.AttentionScale;
        attributes["noise_sampler"] = noise?.Name ?? "none";
        attributes["noise_components"] = ParticleCommonNoise.Path(noise)?.Components ?? 0;
        attributes["noise_width"] = noise is MlpNoiseSampler mlp ? mlp.Width : 0;
        if (noise is not null) attributes["noise_path"] = options.NoisePath;
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
