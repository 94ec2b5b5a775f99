using System.Globalization;
using System.Numerics;
using MeanField.Analysis;
using MeanField.Core;
using MeanField.Core.Noise;
using MeanField.IO.Config;
using MeanField.Particles;
using MeanField.Particles.Noise;
using MeanField.Spectral.Circle;
using MeanField.Spectral.Steppers;

namespace MeanField.Validation.Campaigns;

/// <summary>
/// Campaign 4 (kind stochastic-synchronisation): Stochastic Scaling Limits 2026 (P3; MATH §2.2–2.3, §3.3, §5, §10 rows 35–41).
/// Four parts, each its own parameter mapping: table1 (Table 1 of P3 and the λ̄' examples from <see cref="MlpNoiseKernel"/>),
/// synchronisation (E𝓔_β(μ_t) ≤ e^{λ̄' t} E𝓔_β(μ_0) over noise paths: particles driven by the random MLP layer),
/// mean_decay (attention off: the path mean of the circle SPDE's Fourier coefficients decays like e^{−(κ_trunc(1)/2) k² t}),
/// chaos (conditional propagation of chaos: the circle SPDE and N particles on one fixed noise path, W1 over N × initial samples).
/// </summary>
internal sealed class StochasticSynchronisationCampaign : ICampaign
{
    public string Kind => "stochastic-synchronisation";

    public CampaignResult Run(YamlMappingReader p, CampaignContext context)
    {
        ulong seed = p.ULong("seed", 2026);
        var table = TableParameters.Read(p.Mapping("table1"));
        var sync = SyncParameters.Read(p.Mapping("synchronisation"));
        var decay = DecayParameters.Read(p.Mapping("mean_decay"));
        var chaos = ChaosParameters.Read(p.Mapping("chaos"));
        p.Finish();

        var result = new CampaignResult();
        if (table.Enabled) RunTable1(result);
        RunSynchronisation(sync, seed, result, context);
        RunMeanDecay(decay, seed, result, context);
        RunChaos(chaos, seed, result, context);
        return result;
    }

    // ---------------------------------------------------------------- Table 1 of P3

    private sealed record TableParameters(bool Enabled)
    {
        public static TableParameters Read(YamlMappingReader r)
        {
            var v = new TableParameters(r.Bool("enabled", true));
            r.Finish();
            return v;
        }
    }

    /// <summary>Table 1 of P3 as printed (MATH §5): activation, d, σ = σ_U = σ_W, κ(1), κ'(1), λ₁, λ̄.</summary>
    private static readonly (string Activation, int D, double Sigma, double Kappa, double KappaPrime, double Lambda1, double LambdaBar)[] Table1 =
    [
        ("relu", 5, 0, 0.100, 0.100, -0.100, 0.200),
        ("relu", 5, 0.1, 0.115, 0.100, -0.130, 0.170),
        ("relu", 64, 0, 7.81e-3, 7.81e-3, -7.81e-3, 1.56e-2),
        ("relu", 64, 0.1, 2.28e-2, 7.81e-3, -0.480, -0.899),
        ("relu", 128, 0.1, 1.89e-2, 3.91e-3, -0.956, -1.87),
        ("sigmoid", 5, 0, 0.261, 1.14e-2, -0.511, -0.477),
        ("sigmoid", 64, 0, 0.251, 9.69e-4, -7.88, -15.2),
        ("tanh", 5, 0, 0.147, 0.151, -0.144, 0.309),
        ("tanh", 64, 0.1, 3.44e-2, 1.49e-2, -0.629, -1.16),
        ("silu", 5, 0, 5.65e-2, 5.84e-2, -5.45e-2, 0.121),
        ("silu", 128, 0.1, 1.45e-2, 1.99e-3, -0.797, -1.56),
    ];

    /// <summary>λ̄'(β) examples of MATH §5 (three printed digits): activation, d, σ, β, λ̄'.</summary>
    private static readonly (string Name, string Activation, int D, double Sigma, double Beta, double Value)[] LambdaBarPrime =
    [
        ("relu_d64", "relu", 64, 0.1, 1, -0.351),
        ("relu_d128", "relu", 128, 0.1, 1, -0.642),
        ("sigmoid_d5", "sigmoid", 5, 0, 1, -0.313),
    ];

    /// <summary>Whether x rounds to the printed value p (three significant digits): |x − p| ≤ half a unit of p's last digit.</summary>
    private static bool MatchesPrinted(double x, double p)
    {
        double unit = Math.Pow(10, Math.Floor(Math.Log10(Math.Abs(p))) - 2);
        return Math.Abs(x - p) <= 0.5 * unit * (1 + 1e-9);
    }

    private static void RunTable1(CampaignResult result)
    {
        int rowsMatching = 0;
        var maxRel = new double[4];
        var cols = Enumerable.Range(0, 11).Select(_ => new double[Table1.Length]).ToArray();
        for (int i = 0; i < Table1.Length; i++)
        {
            var row = Table1[i];
            var k = new MlpNoiseKernel(MlpActivations.Parse(row.Activation), row.D, row.Sigma, row.Sigma);
            double[] computed = [k.Kappa(1), k.KappaPrime(1), k.TopLyapunovExponent, k.CoercivityExponent];
            double[] printed = [row.Kappa, row.KappaPrime, row.Lambda1, row.LambdaBar];
            bool all = true;
            for (int c = 0; c < 4; c++)
            {
                maxRel[c] = Math.Max(maxRel[c], Math.Abs(computed[c] / printed[c] - 1));
                all &= MatchesPrinted(computed[c], printed[c]);
            }
            if (all) rowsMatching++;
            cols[0][i] = (int)MlpActivations.Parse(row.Activation);
            cols[1][i] = row.D;
            cols[2][i] = row.Sigma;
            for (int c = 0; c < 4; c++) { cols[3 + 2 * c][i] = computed[c]; cols[4 + 2 * c][i] = printed[c]; }
        }
        result.Metric("table1_rows_matching", rowsMatching, "rows", $"rows of Table 1 of P3 (of {Table1.Length}) whose κ(1), κ'(1), λ₁, λ̄ from MlpNoiseKernel all round to the printed three digits");
        string[] names = ["kappa", "kappa_prime", "lambda1", "lambda_bar"];
        for (int c = 0; c < 4; c++)
            result.Metric($"table1_max_rel_dev_{names[c]}", maxRel[c], "", $"max over the {Table1.Length} rows of |computed/printed − 1| for {names[c]} (printed values carry 3 digits: ≤ ~5e−3 is rounding)");
        result.Table("table1", "Table 1 of P3: activation (0 relu, 1 gelu, 2 silu, 3 sigmoid, 4 tanh), d, σ = σ_U = σ_W; computed and printed κ(1), κ'(1), λ₁, λ̄",
            ("activation", cols[0]), ("d", cols[1]), ("sigma", cols[2]),
            ("kappa", cols[3]), ("kappa_printed", cols[4]), ("kappa_prime", cols[5]), ("kappa_prime_printed", cols[6]),
            ("lambda1", cols[7]), ("lambda1_printed", cols[8]), ("lambda_bar", cols[9]), ("lambda_bar_printed", cols[10]));

        int primeMatching = 0;
        foreach (var e in LambdaBarPrime)
        {
            var k = new MlpNoiseKernel(MlpActivations.Parse(e.Activation), e.D, e.Sigma, e.Sigma);
            var (value, u) = k.AttentionCoercivityExponent(e.Beta);
            if (MatchesPrinted(value, e.Value)) primeMatching++;
            result.Metric($"lambda_bar_prime_{e.Name}", value, "", $"λ̄'(β = {L(e.Beta)}) for {e.Activation}, d = {e.D}, σ = {L(e.Sigma)} (MATH §5: {L(e.Value)}); infimum of F at u = {u:G4}");
        }
        result.Metric("lambda_bar_prime_matching", primeMatching, "", $"λ̄' examples of MATH §5 (of {LambdaBarPrime.Length}) reproduced to the printed three digits");
        result.Notes.Add("**Table 1 of P3.** κ(1), κ'(1) by Gaussian quadrature (closed arc-cosine form for ReLU), λ₁ = ((d−3)/2)κ'(1) − ((d−1)/2)κ(1), λ̄ = (d−1)κ'(1) − (d−3)κ(1), λ̄'(β) = −inf_u F(u) (MATH §5). A row matches when every computed value lies within half a unit of the last printed digit of the value printed in the paper (three significant digits).");
    }

    // ---------------------------------------------------------------- synchronisation by noise

    private sealed record SyncParameters(string Activation, int Dimension, double SigmaU, double SigmaW, double Beta, int Tokens,
        int Width, int Layers, double TEnd, int Paths, double[] Scales, AttentionKind Attention, double Band)
    {
        public static SyncParameters Read(YamlMappingReader r)
        {
            var v = new SyncParameters(
                r.Choice("activation", "relu", MlpActivations.Names),
                r.Int("dimension", 64, x => x >= 4 && x <= 1024, "must be between 4 and 1024 (coercive noise needs d > 3)"),
                r.Double("sigma_u", 0.1, x => x >= 0 && x <= 10, "must be in [0, 10]"),
                r.Double("sigma_w", 0.1, x => x >= 0 && x <= 10, "must be in [0, 10]"),
                r.Double("beta", 1, x => x > 0 && x <= 30, "must be in (0, 30]"),
                r.Int("tokens", 64, x => x >= 2 && x <= 4096, "must be between 2 and 4096"),
                r.Int("width", 256, x => x >= 1 && x <= 65536, "must be between 1 and 65536"),
                r.Int("layers", 150, x => x >= 1 && x <= 100000, "must be between 1 and 100000"),
                r.Double("t_end", 5, x => x > 0 && x <= 1000, "must be in (0, 1000]"),
                r.Int("paths", 48, x => x >= 2 && x <= 100000, "must be between 2 and 100000"),
                r.Doubles("attention_scales", [1, 0, -1], double.IsFinite, "must be finite"),
                r.Attention("attention", "sa"),
                r.Double("band", 3, x => x > 0 && x <= 10, "must be in (0, 10] standard errors"));
            r.Finish();
            return v;
        }
    }

    /// <summary>
    /// N tokens from one uniform sample on S^{d−1}, then for every attention scale s and noise path p the P3 transformer
    /// x ← LN(x + Δt s·P_x Attn + √Δt G(x)) (layer integrator, MLP sampler of width m, Δt = T/L) on path p; 𝓔_β after
    /// every layer; the path mean ± standard error against e^{λ̄' t} 𝓔_β(μ_0) (exact start, so E𝓔_β(μ_0) = 𝓔_β(μ_0)).
    /// </summary>
    private static void RunSynchronisation(SyncParameters s, ulong seed, CampaignResult result, CampaignContext context)
    {
        var activation = MlpActivations.Parse(s.Activation);
        var kernel = new MlpNoiseKernel(activation, s.Dimension, s.SigmaU, s.SigmaW);
        double lambdaBar = kernel.CoercivityExponent;
        var (lambdaPrime, uStar) = kernel.AttentionCoercivityExponent(s.Beta);
        double dt = s.TEnd / s.Layers;
        int d = s.Dimension, n = s.Tokens;
        var x0 = ParticleSampling.Uniform(n, d, seed);
        double e0 = ParticleDiagnostics.P3Energy(x0, d, s.Beta);
        var times = Enumerable.Range(0, s.Layers + 1).Select(l => l * dt).ToArray();
        var bound = times.Select(t => Math.Exp(lambdaPrime * t) * e0).ToArray();
        var series = new List<FigureSeries>();
        var columns = new List<(string, double[])> { ("t", times), ("bound", bound) };
        foreach (double scale in s.Scales)
        {
            var watch = System.Diagnostics.Stopwatch.StartNew();
            var energies = new double[s.Paths, times.Length];
            var model = new ParticleModel(s.Attention, d, s.Beta) { AttentionScale = scale };
            Parallel.For(0, s.Paths, path =>
            {
                var x = (double[])x0.Clone();
                var sampler = new MlpNoiseSampler(activation, d, s.Width, s.SigmaU, s.SigmaW, seed, dt, path, threads: 1);
                var interaction = ParticleInteractions.Create(model, n, "dense", 1e-10, threads: 1);
                var stepper = new ParticleStepper(model, interaction, ParticleIntegrator.Layer, n, seed, threads: 1, commonNoise: sampler);
                energies[path, 0] = e0;
                for (int l = 1; l <= s.Layers; l++)
                {
                    stepper.Step(x, dt);
                    energies[path, l] = ParticleDiagnostics.P3Energy(x, d, s.Beta);
                }
            });
            var (mean, se) = MeanAndError(energies);
            string tag = ScaleTag(scale);
            columns.Add(($"mean_{tag}", mean));
            columns.Add(($"se_{tag}", se));
            double ratioMax = 0, excessZ = double.NegativeInfinity;
            for (int l = 1; l < times.Length; l++)
            {
                ratioMax = Math.Max(ratioMax, mean[l] / bound[l]);
                excessZ = Math.Max(excessZ, (mean[l] - bound[l]) / se[l]);
            }
            // Rate of E𝓔: least-squares slope of log mean over the second half (past the initial transient).
            int half = times.Length / 2;
            double rate = Slope(times[half..], mean[half..].Select(v => Math.Log(v)).ToArray());
            double rateAll = Slope(times, mean.Select(v => Math.Log(v)).ToArray());
            string what = $"attention scale {L(scale)}";
            result.Metric($"sync_energy_final_{tag}", mean[^1], "", $"{what}: E𝓔_β(μ_T) at T = {L(s.TEnd)} over {s.Paths} paths (± standard error); 𝓔_β(μ_0) = {e0:G4}", se[^1]);
            result.Metric($"sync_ratio_max_{tag}", ratioMax, "", $"{what}: max over layers of E𝓔_β(μ_t)/(e^(λ̄' t) 𝓔_β(μ_0)) (≤ 1 if the bound holds; the bound assumes ε = 0, i.e. attention scale ≥ 0 in the identity case)");
            result.Metric($"sync_bound_excess_z_{tag}", excessZ, "SE", $"{what}: max over layers of (E𝓔 − bound)/SE: the bound holds within {L(s.Band)} SE when ≤ {L(s.Band)}");
            result.Metric($"sync_rate_{tag}", rate, "1/time", $"{what}: slope of log E𝓔_β(μ_t) on t ∈ [{L(times[half])}, {L(s.TEnd)}] (compare λ̄' = {lambdaPrime:G4}, λ̄ = {lambdaBar:G4})");
            result.Metric($"sync_rate_all_{tag}", rateAll, "1/time", $"{what}: slope of log E𝓔_β(μ_t) on [0, {L(s.TEnd)}]");
            series.Add(new FigureSeries($"E energy, attention scale {L(scale)}", times, mean));
            series.Add(new FigureSeries($"  − {L(s.Band)} SE", times, mean.Select((m, i) => Math.Max(m - s.Band * se[i], 1e-300)).ToArray(), SeriesStyle.Dashed));
            series.Add(new FigureSeries($"  + {L(s.Band)} SE", times, mean.Select((m, i) => m + s.Band * se[i]).ToArray(), SeriesStyle.Dashed));
            context.Log.WriteLine($"  synchronisation scale {L(scale)}: E𝓔(T) = {mean[^1]:G4} ± {se[^1]:G2}, max ratio to bound {ratioMax:G4}, rate {rate:G4} ({watch.Elapsed.TotalSeconds:F1} s)");
        }
        result.Metric("sync_lambda_bar", lambdaBar, "1/time", $"λ̄ of {s.Activation}, d = {d}, σ_U = {L(s.SigmaU)}, σ_W = {L(s.SigmaW)} (MATH §5)");
        result.Metric("sync_lambda_bar_prime", lambdaPrime, "1/time", $"λ̄'(β = {L(s.Beta)}) = −inf F (infimum at u = {uStar:G4}); the bound is E𝓔_β(μ_t) ≤ e^(λ̄' t) E𝓔_β(μ_0)");
        result.Metric("sync_energy_initial", e0, "", $"𝓔_β(μ_0) of the {n} uniform tokens (the same start on every path)");
        series.Insert(0, new FigureSeries("bound e^(λ̄' t) × energy(μ_0)", times, bound));
        result.Table("sync_energy", $"E𝓔_β(μ_t) ± standard error over {s.Paths} noise paths after every layer, per attention scale, and the bound e^(λ̄' t) 𝓔_β(μ_0)", columns.ToArray());
        result.Figures.Add(new FigureRequest("sync_energy", $"Synchronisation by noise: {s.Activation}, d = {d}, σ = {L(s.SigmaU)}, β = {L(s.Beta)}, N = {n}, {s.Paths} paths",
            "t", "mean P3 energy over paths", series, LogY: true, Caption: $"Path mean of P3's energy with ±{L(s.Band)} standard-error band, and the bound e^(λ̄' t) 𝓔_β(μ_0), λ̄' = {lambdaPrime:G4}."));
        result.Notes.Add($"**Synchronisation by noise (P3 Thm t:sync, MATH §5).** {n} tokens drawn once uniformly on S^{d - 1} run through L = {s.Layers} layers of the P3 transformer (T = {L(s.TEnd)}, Δt = T/L; {s.Attention} attention with Q = K = I, β = {L(s.Beta)}, V = s·I; random ReLU-type MLP layer of width {s.Width} with fresh Gaussian weights per layer, MATH §2.2) on {s.Paths} independent noise paths. The theorem's bound E𝓔_β(μ_t) ≤ e^((ε+λ̄')t) E𝓔_β(μ_0) holds with ε = 0 for attention scale s ≥ 0 (attractive identity case, and attention off); for s < 0 (repulsive) ε > 0 and the bound is not claimed — that row shows P3's qualitative finding that repulsive attention resists (slows) the collapse. The empirical measure is an exact solution of the SPDE (MATH §3.3), so the bound applies to N tokens up to the layer scheme's O(Δt) and the finite width (the layer's covariance is exact at any width). sync_bound_excess_z is the largest (mean − bound)/SE over layers; sync_rate compares the fitted decay of E𝓔 with λ̄' (an upper bound on the rate) and λ̄ (the rate of nearly synchronised pairs).");
    }

    // ---------------------------------------------------------------- mean decay with attention off

    private sealed record DecayParameters(NoiseParameters Noise, int Resolution, double Dt, double TEnd, int Outputs, int Paths,
        (int K, double Re, double Im)[] Coefficients)
    {
        public static DecayParameters Read(YamlMappingReader r)
        {
            var v = new DecayParameters(
                NoiseParameters.Read(r.Mapping("noise")),
                r.Int("resolution", 256, x => x >= 16 && x <= 1 << 16, "must be between 16 and 65536"),
                r.Double("dt", 1e-4, x => x > 0 && x <= 0.1, "must be in (0, 0.1]"),
                r.Double("t_end", 0.2, x => x > 0 && x <= 100, "must be in (0, 100]"),
                r.Int("outputs", 10, x => x >= 1 && x <= 1000, "must be between 1 and 1000"),
                r.Int("paths", 64, x => x >= 2 && x <= 100000, "must be between 2 and 100000"),
                ReadCoefficients(r, "coefficients", [(1, 0.2, 0), (2, 0.1, 0.05), (3, 0.05, -0.05), (4, 0.05, 0)]));
            r.Finish();
            return v;
        }
    }

    /// <summary>model.common_noise kind mlp on the circle: the stationary field of κ at d = 2 truncated at `modes` (MATH §3.3).</summary>
    private sealed record NoiseParameters(string Activation, double SigmaU, double SigmaW, int Modes)
    {
        public static NoiseParameters Read(YamlMappingReader r)
        {
            var v = new NoiseParameters(
                r.Choice("activation", "relu", MlpActivations.Names),
                r.Double("sigma_u", 0.1, x => x >= 0 && x <= 10, "must be in [0, 10]"),
                r.Double("sigma_w", 0.1, x => x >= 0 && x <= 10, "must be in [0, 10]"),
                r.Int("modes", 4, x => x >= 0 && x <= 256, "must be between 0 and 256"));
            r.Finish();
            return v;
        }

        public CircleNoiseField Field() =>
            CircleNoiseField.FromKernel(new MlpNoiseKernel(MlpActivations.Parse(Activation), 2, SigmaU, SigmaW).Kappa, Modes);

        public string Describe(CircleNoiseField f) =>
            $"{Activation} MLP kernel at d = 2, σ_U = {L(SigmaU)}, σ_W = {L(SigmaW)}, truncated at mode {Modes} (κ_trunc(1) = {f.TruncatedVariance:G4})";
    }

    /// <summary>
    /// The circle SPDE with attention off (scale 0) on independent paths from one smooth ρ_0: the path mean of ρ̂_k(t)
    /// against ρ̂_k(0) e^{−(κ_trunc(1)/2) k² t} (MATH §3.3, row 39), z-scores per mode and real/imaginary part.
    /// </summary>
    private static void RunMeanDecay(DecayParameters c, ulong seed, CampaignResult result, CampaignContext context)
    {
        var field = c.Noise.Field();
        double kappa = field.TruncatedVariance;
        var initial = Density(c.Coefficients);
        int maxK = c.Coefficients.Max(x => x.K);
        var times = Enumerable.Range(1, c.Outputs).Select(i => c.TEnd * i / c.Outputs).ToArray();
        var model = new MeanFieldModel(AttentionKind.USA, 1) { AttentionScale = 0 };
        var values = new Complex[c.Paths, times.Length, maxK + 1];
        double tail = 0;
        var watch = System.Diagnostics.Stopwatch.StartNew();
        object gate = new();
        Parallel.For(0, c.Paths, new ParallelOptions { MaxDegreeOfParallelism = Environment.ProcessorCount }, path =>
        {
            using var solver = new CircleSpectralSolver(model, c.Resolution, initial, field, new StochasticOptions(StepperKind.Heun, c.Dt, seed, path));
            double pathTail = 0;
            for (int i = 0; i < times.Length; i++)
            {
                solver.AdvanceTo(times[i]);
                for (int k = 0; k <= maxK; k++) values[path, i, k] = solver.Coefficient(k);
                pathTail = Math.Max(pathTail, CircleSpectralSolver.SpectralTail(solver.Basis, solver.State));
            }
            lock (gate) tail = Math.Max(tail, pathTail);
        });
        double maxZ = 0, maxRelError = 0;
        var zRows = new List<double[]>();
        var series = new List<FigureSeries>();
        var tAll = new[] { 0.0 }.Concat(times).ToArray();
        for (int k = 1; k <= maxK; k++)
        {
            if (initial[k].Magnitude == 0) continue;
            var ratio = new double[times.Length + 1];
            ratio[0] = 1;
            for (int i = 0; i < times.Length; i++)
            {
                Complex predicted = initial[k] * Math.Exp(-0.5 * kappa * k * k * times[i]);
                var (re, reSe) = MeanAndError(Enumerable.Range(0, c.Paths).Select(p => values[p, i, k].Real).ToArray());
                var (im, imSe) = MeanAndError(Enumerable.Range(0, c.Paths).Select(p => values[p, i, k].Imaginary).ToArray());
                double zRe = (re - predicted.Real) / reSe, zIm = imSe > 0 ? (im - predicted.Imaginary) / imSe : 0;
                if (predicted.Imaginary == 0 && imSe == 0) zIm = 0;
                maxZ = Math.Max(maxZ, Math.Max(Math.Abs(zRe), Math.Abs(zIm)));
                var mean = new Complex(re, im);
                // Project the mean on the initial phase: the predicted ratio is real.
                ratio[i + 1] = (mean / initial[k]).Real;
                if (i == times.Length - 1) maxRelError = Math.Max(maxRelError, (mean - predicted).Magnitude / predicted.Magnitude);
                zRows.Add([k, times[i], predicted.Real, re, reSe, zRe, predicted.Imaginary, im, imSe, zIm]);
            }
            series.Add(new FigureSeries($"k = {k}: path mean", tAll, ratio, SeriesStyle.Markers));
            series.Add(new FigureSeries($"k = {k}: e^(−κ k² t/2)", tAll, tAll.Select(t => Math.Exp(-0.5 * kappa * k * k * t)).ToArray(), SeriesStyle.Dashed));
        }
        double[] Col(int j) => zRows.Select(r => r[j]).ToArray();
        result.Table("mean_decay", $"Path mean (± SE over {c.Paths} paths) of the circle SPDE's Fourier coefficients with attention off, against ρ̂_k(0) e^(−(κ_trunc(1)/2) k² t)",
            ("k", Col(0)), ("t", Col(1)), ("re_predicted", Col(2)), ("re_mean", Col(3)), ("re_se", Col(4)), ("re_z", Col(5)),
            ("im_predicted", Col(6)), ("im_mean", Col(7)), ("im_se", Col(8)), ("im_z", Col(9)));
        result.Metric("mean_decay_max_abs_z", maxZ, "SE", $"max over modes 1..{maxK}, output times and real/imaginary parts of |path mean − prediction|/SE ({c.Paths} paths; {2 * maxK * times.Length} z-scores, correlated across times)");
        result.Metric("mean_decay_rel_error_final", maxRelError, "", $"max over modes of |path mean − prediction|/|prediction| at t = {L(c.TEnd)} (statistical: about one SE/|prediction|)");
        result.Metric("mean_decay_kappa_trunc", kappa, "", "κ_trunc(1) of the truncated circle noise (the Itô correction and the predicted decay, MATH §3.3 truncation rule)");
        result.Metric("mean_decay_spectral_tail", tail, "", "largest relative L² size of the top third of the retained modes over paths and output times (resolution of the pure-transport SPDE)");
        result.Figures.Add(new FigureRequest("mean_decay", $"Attention off: path mean of ρ̂_k(t)/ρ̂_k(0) over {c.Paths} paths vs e^(−κ_trunc(1) k² t/2)",
            "t", "Re(E ρ̂_k(t) / ρ̂_k(0))", series, LogY: true));
        result.Notes.Add($"**Mean decay with attention off (MATH §3.3, row 39).** The circle SPDE (Stratonovich, stochastic Heun, Δt = {L(c.Dt)}, {c.Resolution} grid points, no diffusion, attention scale 0) with noise {c.Noise.Describe(field)} is linear, so E ρ_t = e^(t (κ_trunc(1)/2) ∂²_θ) ρ_0: every Fourier coefficient of the mean decays like e^(−(κ_trunc(1)/2) k² t). {c.Paths} independent paths from ρ_0 = (1/2π)(1 + 2 Σ Re(a_k e^(ikθ))); z-scores per mode and part (table mean_decay) must be O(1). The path solutions are pure transport, so they steepen; mean_decay_spectral_tail says whether the resolution kept up. Ran in {watch.Elapsed.TotalSeconds:F1} s.");
        context.Log.WriteLine($"  mean decay: max |z| = {maxZ:F2}, κ_trunc(1) = {kappa:G4}, tail {tail:G2} ({watch.Elapsed.TotalSeconds:F1} s)");
    }

    // ---------------------------------------------------------------- conditional propagation of chaos

    private sealed record ChaosParameters(NoiseParameters Noise, double Beta, double Diffusion, int Resolution, double Dt, double[] Times,
        int[] Counts, int Seeds, (int K, double Re, double Im)[] Coefficients)
    {
        public static ChaosParameters Read(YamlMappingReader r)
        {
            var counts = r.Ints("counts", [100, 400, 1600, 6400], x => x >= 2 && x <= 10_000_000, "must be between 2 and 10000000");
            var v = new ChaosParameters(
                NoiseParameters.Read(r.Mapping("noise")),
                r.Double("beta", 3, x => x > 0 && x <= 30, "must be in (0, 30]"),
                r.Double("diffusion", 0.05, x => x >= 0 && x <= 10, "must be in [0, 10]"),
                r.Int("resolution", 512, x => x >= 16 && x <= 1 << 16, "must be between 16 and 65536"),
                r.Double("dt", 1e-3, x => x > 0 && x <= 0.1, "must be in (0, 0.1]"),
                r.Doubles("times", [0, 0.5, 1], x => x >= 0 && x <= 100, "must be in [0, 100]").Distinct().Order().ToArray(),
                counts.Distinct().Order().ToArray(),
                r.Int("seeds", 4, x => x >= 1 && x <= 1000, "must be between 1 and 1000"),
                ReadCoefficients(r, "coefficients", [(1, 0.3, 0), (2, 0.1, 0.05), (3, 0.05, -0.05)]));
            if (v.Counts.Length < 2) throw r.Error(r.Node("counts"), "counts", "needs at least two distinct N for a rate");
            r.Finish();
            return v;
        }
    }

    /// <summary>
    /// One SPDE solve on noise path 0 of `seed`; for every N and initial sample s, N particles drawn i.i.d. from ρ_0 (stream of
    /// seed + 1000 + s, also keying their idiosyncratic noise) driven by the same common-noise path (the harmonic sampler on the
    /// SPDE's <see cref="CommonNoisePath"/>): W1(μ^N_t, μ_t) at the output times, W2 at the last, rates in N by RateFit.
    /// </summary>
    private static void RunChaos(ChaosParameters c, ulong seed, CampaignResult result, CampaignContext context)
    {
        var field = c.Noise.Field();
        var initial = Density(c.Coefficients);
        var model = new MeanFieldModel(AttentionKind.USA, c.Beta, c.Diffusion);
        var times = c.Times;
        double tLast = times[^1];
        var densities = new CircleDensity[times.Length];
        double tail = 0;
        var watch = System.Diagnostics.Stopwatch.StartNew();
        using (var solver = new CircleSpectralSolver(model, c.Resolution, initial, field, new StochasticOptions(StepperKind.Heun, c.Dt, seed)))
        {
            for (int i = 0; i < times.Length; i++)
            {
                solver.AdvanceTo(times[i]);
                int kmax = solver.Basis.MaxWavenumber;
                var hat = Enumerable.Range(0, kmax + 1).Select(solver.Coefficient).ToArray();
                int significant = Array.FindLastIndex(hat, z => z.Magnitude > 1e-16 * hat[0].Real);
                densities[i] = new CircleDensity(hat[..(significant + 1)]);
                tail = Math.Max(tail, CircleSpectralSolver.SpectralTail(solver.Basis, solver.State));
            }
        }
        context.Log.WriteLine($"  chaos: SPDE solved in {watch.Elapsed.TotalSeconds:F1} s (tail {tail:G2})");

        var pm = new ParticleModel(AttentionKind.USA, 2, c.Beta, c.Diffusion);
        var rows = new List<double[]>();      // N, sample, t, W1
        var w2Rows = new List<double[]>();    // N, sample, W2
        foreach (int n in c.Counts)
        {
            var sampleWatch = System.Diagnostics.Stopwatch.StartNew();
            for (int s = 0; s < c.Seeds; s++)
            {
                ulong sampleSeed = seed + 1000 + (ulong)s;
                var x = ParticleSampling.CircleDensity(initial, n, sampleSeed);
                // The common noise: path 0 of `seed`, exactly the SPDE's increments; the sample seed keys only the initial draw
                // and the idiosyncratic noise.
                var sampler = new CircleHarmonicSampler(field, new CommonNoisePath(seed, field.Components, c.Dt));
                var stepper = new ParticleStepper(pm, ParticleInteractions.Create(pm, n, "auto", 1e-10), ParticleIntegrator.Heun, n, sampleSeed, commonNoise: sampler);
                long step = 0;
                for (int i = 0; i < times.Length; i++)
                {
                    long target = (long)Math.Round(times[i] / c.Dt);
                    for (; step < target; step++) stepper.Step(x, c.Dt);
                    var angles = ParticleDiagnostics.Angles(x, 1);
                    rows.Add([n, s, times[i], CircleWasserstein.W1(densities[i], angles)]);
                    if (i == times.Length - 1) w2Rows.Add([n, s, CircleWasserstein.W2(densities[i], angles).Distance]);
                }
            }
            context.Log.WriteLine($"  chaos N = {n}: {c.Seeds} initial samples in {sampleWatch.Elapsed.TotalSeconds:F1} s");
        }
        double[] Col(List<double[]> r, int j) => r.Select(v => v[j]).ToArray();
        result.Table("chaos_w1", $"W1(μ^N_t, μ_t) between N particles and the SPDE on one common-noise path, every N, initial sample and output time",
            ("N", Col(rows, 0)), ("sample", Col(rows, 1)), ("t", Col(rows, 2)), ("W1", Col(rows, 3)));
        result.Table("chaos_w2", $"W2(μ^N_t, μ_t) at t = {L(tLast)}", ("N", Col(w2Rows, 0)), ("sample", Col(w2Rows, 1)), ("W2", Col(w2Rows, 2)));

        var series = new List<FigureSeries>();
        var nValues = c.Counts.Select(v => (double)v).ToArray();
        RateFitResult? last = null;
        foreach (double t in times)
        {
            var fit = RateFit.Fit(rows.Where(r => r[2] == t).Select(r => (r[0], r[3])));
            string name = t == times[0] && t == 0 ? "chaos_w1_floor" : $"chaos_w1_t{L(t)}";
            AddRate(result, name, fit, $"W1(μ^N_t, μ_t) at t = {L(t)} on one noise path");
            var pts = rows.Where(r => r[2] == t).ToArray();
            series.Add(new FigureSeries($"W1, t = {L(t)}", pts.Select(r => r[0]).ToArray(), pts.Select(r => r[3]).ToArray(), SeriesStyle.Markers));
            series.Add(new FigureSeries($"fit t = {L(t)}: slope {fit.Slope:F3} [{fit.Lower:F3}, {fit.Upper:F3}]", nValues, nValues.Select(v => Math.Exp(fit.Intercept) * Math.Pow(v, fit.Slope)).ToArray()));
            last = fit;
        }
        result.Metric("chaos_w1_slope", last!.Slope, "", $"fitted exponent of W1 in N at the last time t = {L(tLast)} (i.i.d. rate −1/2; theory bound on W2: −1/4)", last.SlopeStandardError);
        var w2Fit = RateFit.Fit(w2Rows.Select(r => (r[0], r[2])));
        AddRate(result, "chaos_w2", w2Fit, $"W2(μ^N_t, μ_t) at t = {L(tLast)} (P3: E W2² ≤ c r_2(N) = c N^(−1/2), i.e. slope ≤ −1/4)");
        result.Metric("chaos_spde_spectral_tail", tail, "", "largest relative L² size of the top third of the SPDE's retained modes at the output times (resolution check)");
        series.Add(new FigureSeries("N^(−1/2)", nValues, nValues.Select(v => Math.Exp(last.Intercept) * Math.Pow(nValues[0], last.Slope + 0.5) * Math.Pow(v, -0.5)).ToArray(), SeriesStyle.Dashed));
        series.Add(new FigureSeries("N^(−1/4) (P3 bound on W2)", nValues, nValues.Select(v => Math.Exp(last.Intercept) * Math.Pow(nValues[0], last.Slope + 0.25) * Math.Pow(v, -0.25)).ToArray(), SeriesStyle.Dashed));
        result.Figures.Add(new FigureRequest("chaos_w1_vs_n", $"Conditional propagation of chaos on one noise path: W1(μ^N_t, μ_t) vs N (USA β = {L(c.Beta)}, D = {L(c.Diffusion)})",
            "N", "W1", series, LogX: true, LogY: true));
        result.Notes.Add($"**Conditional propagation of chaos (MATH §3.3, rows 48–49).** The circle SPDE (USA, β = {L(c.Beta)}, idiosyncratic diffusion D = {L(c.Diffusion)} which keeps it resolved, common noise {c.Noise.Describe(field)}, stochastic Heun Δt = {L(c.Dt)}, {c.Resolution} points) is solved once on noise path 0 of seed {seed}. For every N and initial sample s, N angles are drawn i.i.d. from ρ_0 with seed {seed}+1000+s and integrated by the particle Heun scheme with the harmonic sampler on the *same* CommonNoisePath (seed {seed}, path 0: the SPDE's increments), so only the initial sample and the idiosyncratic noise vary with s: this is the conditional law given the common noise. (With `solver.kind: both` in a run config one seed keys both the noise and the initial sample; the campaign drives the classes directly to hold the path fixed.) P3's theorem bounds E W2² ≤ c r_d(N) with r_2(N) = N^(−1/2), i.e. W2 ≲ N^(−1/4); for N i.i.d. points on S¹ the empirical W1 (and W2) scale like N^(−1/2), faster than the bound, and the chaos estimate is sharp in that sense only up to the square. Checked: the W1 slope at the last time lies in the −1/2 band (the i.i.d. rate; it also satisfies the bound ≤ −1/4), and the W2 slope ≤ −1/4. The SPDE's and particles' time discretisations differ by O(Δt) on the path, a floor for large N.");
    }

    // ---------------------------------------------------------------- helpers

    private static (int K, double Re, double Im)[] ReadCoefficients(YamlMappingReader r, string key, (int, double, double)[] fallback)
    {
        if (!r.Has(key)) { r.Node(key); return fallback; }
        var coefficients = r.List(key, (node, k) =>
        {
            if (node is not YamlDotNet.RepresentationModel.YamlSequenceNode { Children.Count: 3 } e)
                throw r.Error(node, k, "expected [k, re, im]");
            return (r.ParseInt(e[0], k, v => v >= 1 && v <= 64, "k must be between 1 and 64"),
                    r.ParseDouble(e[1], k, double.IsFinite, "must be finite"), r.ParseDouble(e[2], k, double.IsFinite, "must be finite"));
        }).ToArray();
        if (coefficients.Length == 0) throw r.Error(r.Node(key), key, "expected a non-empty list of [k, re, im]");
        if (coefficients.Sum(c => 2 * Math.Sqrt(c.Item2 * c.Item2 + c.Item3 * c.Item3)) >= 1)
            throw r.Error(r.Node(key), key, "the density (1/2π)(1 + 2 Σ Re((re + i im) e^{ikθ})) must be positive: keep 2 Σ |re + i im| < 1");
        return coefficients;
    }

    /// <summary>ρ̂_k of ρ_0 = (1/2π)(1 + 2 Σ Re(a_k e^{ikθ})).</summary>
    private static Complex[] Density((int K, double Re, double Im)[] coefficients)
    {
        var initial = new Complex[coefficients.Max(x => x.K) + 1];
        initial[0] = 1 / (2 * Math.PI);
        foreach (var (k, re, im) in coefficients) initial[k] = new Complex(re, im) / (2 * Math.PI);
        return initial;
    }

    private static (double[] Mean, double[] Se) MeanAndError(double[,] samples)
    {
        int p = samples.GetLength(0), m = samples.GetLength(1);
        var mean = new double[m];
        var se = new double[m];
        for (int j = 0; j < m; j++)
            (mean[j], se[j]) = MeanAndError(Enumerable.Range(0, p).Select(i => samples[i, j]).ToArray());
        return (mean, se);
    }

    private static (double Mean, double Se) MeanAndError(double[] v)
    {
        double mean = v.Average();
        double var = v.Sum(x => (x - mean) * (x - mean)) / (v.Length - 1);
        return (mean, Math.Sqrt(var / v.Length));
    }

    private static void AddRate(CampaignResult result, string name, RateFitResult fit, string what)
    {
        result.Metric($"{name}_slope", fit.Slope, "", $"fitted exponent p in error ≈ C N^p: {what}", fit.SlopeStandardError);
        result.Metric($"{name}_slope_lower", fit.Lower, "", $"lower end of the {fit.ConfidenceLevel:P0} interval of {name}_slope");
        result.Metric($"{name}_slope_upper", fit.Upper, "", $"upper end of the {fit.ConfidenceLevel:P0} interval of {name}_slope");
    }

    private static double Slope(double[] x, double[] y)
    {
        double xm = x.Average(), ym = y.Average(), sxy = 0, sxx = 0;
        for (int i = 0; i < x.Length; i++) { sxy += (x[i] - xm) * (y[i] - ym); sxx += (x[i] - xm) * (x[i] - xm); }
        return sxy / sxx;
    }

    private static string ScaleTag(double scale) => scale switch { > 0 => $"s{L(scale)}", 0 => "s0", _ => $"sm{L(-scale)}" };

    private static string L(double x) => x.ToString("G6", CultureInfo.InvariantCulture);
}
