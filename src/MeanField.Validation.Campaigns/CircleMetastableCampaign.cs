using System.Globalization;
using System.Numerics;
using MeanField.Analysis;
using MeanField.Core;
using MeanField.IO.Config;
using MeanField.Particles;
using MeanField.Runs;
using MeanField.Runs.InitialLaws;
using MeanField.Spectral.Circle;
using MeanField.Spectral.Steppers;

namespace MeanField.Validation.Campaigns;

/// <summary>
/// Campaign 1 (kind circle-metastable): ICLR 2025 meta-stable clustering on the circle, USA (MATH §4.1–4.2, §10 rows 3–4,
/// 7, 14), plus propagation of chaos PDE ↔ particles (MATH §3.1, §3.3, §10 rows 48–49). Three parts, each its own
/// parameter mapping: clusters (count and centres, PDE and particles), growth (rates of modes from PDE and particles
/// against k² I_k(β)/β), chaos (W1/W2 between the PDE solution and N-particle clouds from the same initial law, over N × seeds).
/// </summary>
internal sealed class CircleMetastableCampaign : ICampaign
{
    public string Kind => "circle-metastable";

    private sealed record Common(ulong Seed, int Resolution, double Tolerance, double DtFactor, double InteractionTolerance);

    public CampaignResult Run(YamlMappingReader p, CampaignContext context)
    {
        var common = new Common(
            p.ULong("seed", 12345),
            p.Int("resolution", 1024, x => x >= 16 && x <= 1 << 16, "must be between 16 and 65536"),
            p.Double("tolerance", 1e-11, x => x > 0 && x < 1e-3, "must be in (0, 1e-3)"),
            p.Double("dt_factor", 0.05, x => x > 0 && x <= 0.5, "must be in (0, 0.5]: the particle RK4 step is dt_factor/λ_max(β)"),
            p.Double("interaction_tolerance", 1e-10, x => x > 0 && x < 1e-3, "must be in (0, 1e-3)"));
        var clusters = ClusterParameters.Read(p.Mapping("clusters"));
        var growth = GrowthParameters.Read(p.Mapping("growth"));
        var chaos = ChaosParameters.Read(p.Mapping("chaos"));
        p.Finish();

        var result = new CampaignResult();
        foreach (double beta in clusters.Betas) RunClusters(beta, clusters, common, result, context);
        var growthRows = new List<double[]>();
        foreach (double beta in growth.Betas) RunGrowth(beta, growth, common, result, context, growthRows);
        if (growthRows.Count > 0) GrowthTableAndFigure(growthRows, result);
        RunChaos(chaos, common, result, context);
        return result;
    }

    // ---------------------------------------------------------------- clusters

    private sealed record ClusterParameters(double[] Betas, double Amplitude, int Modes, int Particles, double PeakRatio,
        double Threshold, double MinMass, double Smoothing, double MaxTime)
    {
        public static ClusterParameters Read(YamlMappingReader r)
        {
            var v = new ClusterParameters(
                r.Doubles("betas", [5, 7], x => x > 0 && x <= 30, "must be in (0, 30]"),
                r.Double("pde_amplitude", 1e-4, x => x > 0 && x < 0.5, "must be in (0, 0.5)"),
                r.Int("pde_modes", 32, x => x >= 1 && x <= 256, "must be between 1 and 256"),
                r.Int("particles", 20000, x => x >= 10 && x <= 10_000_000, "must be between 10 and 10000000"),
                r.Double("peak_ratio", 10, x => x > 1, "must be > 1"),
                r.Double("threshold", 1, x => x > 0, "must be > 0"),
                r.Double("min_mass", 0.05, x => x > 0 && x < 1, "must be in (0, 1)"),
                r.Double("smoothing", 0.05, x => x > 0 && x < 1, "must be in (0, 1) rad"),
                r.Double("max_time", 2, x => x > 0, "must be > 0"));
            r.Finish();
            return v;
        }
    }

    /// <summary>
    /// PDE from perturbed_uniform and particles from i.i.d. uniform angles, each run until the smoothed density first reaches
    /// peak_ratio × uniform (clusters formed, not yet collapsed); then the arcs above threshold × uniform holding at least
    /// min_mass are counted
    /// and compared with the centres (2πj + arg c_{k*}(0))/k* predicted from the initial data.
    /// </summary>
    private static void RunClusters(double beta, ClusterParameters c, Common common, CampaignResult result, CampaignContext context)
    {
        string b = Label(beta);
        int kStar = LinearStability.DominantIndex(AttentionKind.USA, beta, 2);
        var model = new MeanFieldModel(AttentionKind.USA, beta);
        int kmax = (common.Resolution - 1) / 3;
        var initial = new PerturbedUniformLaw(c.Amplitude, Math.Min(c.Modes, kmax), common.Seed).CircleCoefficients(kmax);
        int smoothModes = CircleClusters.ModesFor(c.Smoothing);
        double stopLevel = c.PeakRatio / (2 * Math.PI);

        using var solver = new CircleSpectralSolver(model, common.Resolution, initial, new StepperOptions(StepperKind.Dopri5, 1e-4, common.Tolerance));
        var predictedPde = CircleClusters.PredictedCentres(initial.Length > kStar ? initial[kStar] : Complex.Zero, kStar);
        bool Formed(IReadOnlyList<Complex> rhoHat) => CircleClusters.Smoothed(rhoHat, c.Smoothing, 360).Max() >= stopLevel;
        solver.AdvanceTo(c.MaxTime, (_, _) => !Formed(PdeCoefficients(solver, smoothModes)));
        double pdeTime = solver.Time;
        var pdeHat = PdeCoefficients(solver, smoothModes);
        var pdeSmoothed = CircleClusters.Smoothed(pdeHat, c.Smoothing);
        var pdePeaks = CircleClusters.Clusters(pdeSmoothed, c.Threshold, c.MinMass);
        var pdeDensity = new double[common.Resolution];
        solver.Density(pdeDensity);

        var pm = new ParticleModel(AttentionKind.USA, 2, beta);
        var x = ParticleSampling.Uniform(c.Particles, 2, common.Seed);
        var initialHat = ParticleDiagnostics.EmpiricalModes(x, kStar + 1);
        var predictedParticles = CircleClusters.PredictedCentres(initialHat[kStar], kStar);
        var interaction = ParticleInteractions.Create(pm, c.Particles, "auto", common.InteractionTolerance);
        var stepper = new ParticleStepper(pm, interaction, ParticleIntegrator.Rk4, c.Particles, common.Seed);
        double dt = common.DtFactor / LinearStability.GrowthRate(AttentionKind.USA, kStar, beta, 2), t = 0;
        while (t < c.MaxTime && !Formed(ParticleDiagnostics.EmpiricalModes(x, smoothModes + 1)))
        {
            stepper.Step(x, dt);
            t += dt;
        }
        var particleSmoothed = CircleClusters.Smoothed(ParticleDiagnostics.EmpiricalModes(x, smoothModes + 1), c.Smoothing);
        var particlePeaks = CircleClusters.Clusters(particleSmoothed, c.Threshold, c.MinMass);

        result.Metric($"kstar_beta{b}", kStar, "", $"β = {Label(beta)}: predicted number of clusters k* = argmax k² I_k(β) (MATH §4.2)");
        result.Metric($"clusters_pde_beta{b}", pdePeaks.Length, "", $"β = {Label(beta)}: arcs where the PDE density (smoothed, σ = {Label(c.Smoothing)}) exceeds {Label(c.Threshold)}× uniform holding mass ≥ {Label(c.MinMass)}, at t = {pdeTime:G4}");
        result.Metric($"clusters_particles_beta{b}", particlePeaks.Length, "", $"β = {Label(beta)}: the same for N = {c.Particles} i.i.d. uniform particles at t = {t:G4}");
        result.Metric($"centre_error_pde_beta{b}", CircleClusters.CentreError(predictedPde, pdePeaks), "rad", $"β = {Label(beta)}, PDE: max over predicted centres (2πj + arg c_k*(0))/k* of the distance to the nearest measured cluster");
        result.Metric($"centre_error_particles_beta{b}", CircleClusters.CentreError(predictedParticles, particlePeaks), "rad", $"β = {Label(beta)}, particles: the same");
        result.Metric($"cluster_time_pde_beta{b}", pdeTime, "", $"β = {Label(beta)}: time at which the smoothed PDE density first reached {Label(c.PeakRatio)}× uniform");
        result.Metric($"cluster_time_particles_beta{b}", t, "", $"β = {Label(beta)}: the same for the particles (linear-phase estimate log N/(2λ_k*) = {Math.Log(c.Particles) / (2 * LinearStability.GrowthRate(AttentionKind.USA, kStar, beta, 2)):G3}, MATH §4.2)");
        context.Log.WriteLine($"  clusters β = {Label(beta)}: k* = {kStar}, PDE {pdePeaks.Length} (t = {pdeTime:G3}), particles {particlePeaks.Length} (t = {t:G3})");

        var theta = Enumerable.Range(0, CircleClusters.Grid).Select(j => 2 * Math.PI * j / CircleClusters.Grid).ToArray();
        var histogram = Histogram(ParticleDiagnostics.Angles(x, 1), 120);
        result.Figures.Add(new FigureRequest($"clusters_beta{b}",
            $"USA, β = {Label(beta)}: k* = {kStar}; PDE {pdePeaks.Length} clusters at t = {pdeTime:G3}, particles {particlePeaks.Length} at t = {t:G3}",
            "θ (rad)", "density (1/rad)",
            [
                new FigureSeries($"PDE density, t = {pdeTime:G3}", solver.Basis.Theta, pdeDensity),
                new FigureSeries($"particle histogram (N = {c.Particles}), t = {t:G3}", histogram.Centres, histogram.Density, SeriesStyle.Markers),
                new FigureSeries("particles, smoothed", theta, particleSmoothed, SeriesStyle.Dashed),
                new FigureSeries("predicted centres (PDE data)", predictedPde, predictedPde.Select(_ => 0.0).ToArray(), SeriesStyle.Markers),
                new FigureSeries("predicted centres (particle data)", predictedParticles, predictedParticles.Select(_ => 0.0).ToArray(), SeriesStyle.Markers),
            ],
            Caption: "PDE and particles run from different initial data (a seeded perturbation of size pde_amplitude vs the sampling noise of N uniform points), so their cluster positions differ; each is compared with the centres predicted from its own initial data (markers at density 0)."));
    }

    private static Complex[] PdeCoefficients(CircleSpectralSolver solver, int modes)
    {
        int count = Math.Min(modes, solver.Basis.MaxWavenumber) + 1;
        var c = new Complex[count];
        for (int k = 0; k < count; k++) c[k] = solver.Coefficient(k);
        return c;
    }

    // ---------------------------------------------------------------- growth rates

    private sealed record GrowthParameters(double[] Betas, int[] Modes, double Amplitude, int Particles, int Seeds, double GrowthFactor, int Samples)
    {
        public static GrowthParameters Read(YamlMappingReader r)
        {
            var v = new GrowthParameters(
                r.Doubles("betas", [5, 7], x => x > 0 && x <= 30, "must be in (0, 30]"),
                r.Ints("modes", [2, 3, 4, 5], x => x >= 1 && x <= 64, "must be between 1 and 64"),
                r.Double("pde_amplitude", 1e-6, x => x > 0 && x < 1e-2, "must be in (0, 1e-2)"),
                r.Int("particles", 100000, x => x >= 10 && x <= 10_000_000, "must be between 10 and 10000000"),
                r.Int("seeds", 4, x => x >= 1 && x <= 1000, "must be between 1 and 1000"),
                r.Double("growth_factor", 10, x => x > 1, "must be > 1"),
                r.Int("samples", 20, x => x >= 3 && x <= 10000, "must be between 3 and 10000"));
            r.Finish();
            return v;
        }
    }

    /// <summary>
    /// log|ρ̂_k(t)| fitted by least squares on t ∈ [0, T], T = log(growth_factor)/λ_max (the fastest mode grows by that factor,
    /// so the linear regime holds): from the PDE with a perturbation of size pde_amplitude in modes 1..2·max(modes), and from
    /// N i.i.d. uniform particles (seeds × one fit each; mean ± standard error over seeds).
    /// </summary>
    private static void RunGrowth(double beta, GrowthParameters g, Common common, CampaignResult result, CampaignContext context, List<double[]> rows)
    {
        string b = Label(beta);
        int maxMode = g.Modes.Max();
        double lambdaMax = Enumerable.Range(1, 4 * maxMode).Max(k => LinearStability.GrowthRate(AttentionKind.USA, k, beta, 2));
        double tEnd = Math.Log(g.GrowthFactor) / lambdaMax;
        var times = Enumerable.Range(0, g.Samples).Select(i => tEnd * i / (g.Samples - 1)).ToArray();

        var model = new MeanFieldModel(AttentionKind.USA, beta);
        int kmax = (common.Resolution - 1) / 3;
        var initial = new PerturbedUniformLaw(g.Amplitude, Math.Min(2 * maxMode, kmax), common.Seed).CircleCoefficients(kmax);
        using var solver = new CircleSpectralSolver(model, common.Resolution, initial, new StepperOptions(StepperKind.Dopri5, 1e-4, common.Tolerance));
        var pdeLog = new double[g.Modes.Length][];
        for (int m = 0; m < g.Modes.Length; m++) pdeLog[m] = new double[times.Length];
        for (int i = 0; i < times.Length; i++)
        {
            solver.AdvanceTo(times[i]);
            for (int m = 0; m < g.Modes.Length; m++) pdeLog[m][i] = Math.Log(solver.Coefficient(g.Modes[m]).Magnitude);
        }

        var pm = new ParticleModel(AttentionKind.USA, 2, beta);
        var particleRates = new double[g.Seeds, g.Modes.Length];
        double dt = common.DtFactor / lambdaMax;
        for (int s = 0; s < g.Seeds; s++)
        {
            ulong seed = common.Seed + (ulong)s;
            var x = ParticleSampling.Uniform(g.Particles, 2, seed);
            var stepper = new ParticleStepper(pm, ParticleInteractions.Create(pm, g.Particles, "auto", common.InteractionTolerance), ParticleIntegrator.Rk4, g.Particles, seed);
            var logs = new double[g.Modes.Length, times.Length];
            double t = 0;
            for (int i = 0; i < times.Length; i++)
            {
                long steps = EqualSteps.Count(times[i] - t, dt);
                double h = (times[i] - t) / steps;
                for (long k = 0; k < steps && h > 0; k++) stepper.Step(x, h);
                t = times[i];
                var modes = ParticleDiagnostics.EmpiricalModes(x, maxMode + 1);
                for (int m = 0; m < g.Modes.Length; m++) logs[m, i] = Math.Log(modes[g.Modes[m]].Magnitude);
            }
            for (int m = 0; m < g.Modes.Length; m++)
                particleRates[s, m] = Slope(times, Enumerable.Range(0, times.Length).Select(i => logs[m, i]).ToArray());
        }

        double worstPde = 0, worstParticles = 0;
        for (int m = 0; m < g.Modes.Length; m++)
        {
            int k = g.Modes[m];
            double theory = LinearStability.GrowthRate(AttentionKind.USA, k, beta, 2);
            double pde = Slope(times, pdeLog[m]);
            var seeds = Enumerable.Range(0, g.Seeds).Select(s => particleRates[s, m]).ToArray();
            double mean = seeds.Average();
            double se = g.Seeds > 1 ? Math.Sqrt(seeds.Sum(v => (v - mean) * (v - mean)) / (g.Seeds - 1) / g.Seeds) : double.NaN;
            result.Metric($"rate_theory_k{k}_beta{b}", theory, "1/time", $"k² I_k(β)/β, β = {Label(beta)} (MATH §4.1)");
            result.Metric($"rate_pde_k{k}_beta{b}", pde, "1/time", $"PDE fit of log|ρ̂_{k}| on [0, {tEnd:G3}]");
            result.Metric($"rate_particles_k{k}_beta{b}", mean, "1/time", $"particle fit of log|c_{k}|, N = {g.Particles}, mean over {g.Seeds} seeds (± standard error)", se);
            worstPde = Math.Max(worstPde, Math.Abs(pde / theory - 1));
            worstParticles = Math.Max(worstParticles, Math.Abs(mean / theory - 1));
            rows.Add([beta, k, theory, pde, mean, se]);
        }
        result.Metric($"rate_pde_max_rel_error_beta{b}", worstPde, "", $"β = {Label(beta)}: max over modes {string.Join(",", g.Modes)} of |rate_PDE/theory − 1|");
        result.Metric($"rate_particles_max_rel_error_beta{b}", worstParticles, "", $"β = {Label(beta)}: max over modes of |rate_particles/theory − 1| (seed means)");
        context.Log.WriteLine($"  growth β = {Label(beta)}: max rel. error PDE {worstPde:E2}, particles {worstParticles:E2}");
    }

    private static void GrowthTableAndFigure(List<double[]> rows, CampaignResult result)
    {
        double[] Col(int i) => rows.Select(r => r[i]).ToArray();
        result.Table("growth_rates", "Linear growth rates of |ρ̂_k| (USA, circle): theory k² I_k(β)/β, PDE fit, particle fit (mean and standard error over seeds).",
            ("beta", Col(0)), ("k", Col(1)), ("theory", Col(2)), ("pde", Col(3)), ("particles", Col(4)), ("particles_se", Col(5)));
        var series = new List<FigureSeries>();
        foreach (var beta in rows.Select(r => r[0]).Distinct())
        {
            var sel = rows.Where(r => r[0] == beta).ToArray();
            var ks = sel.Select(r => r[1]).ToArray();
            var kFine = Enumerable.Range(0, 81).Select(i => ks.Min() - 0.5 + (ks.Max() - ks.Min() + 1) * i / 80.0).ToArray();
            series.Add(new FigureSeries($"β = {Label(beta)}: k² I_k(β)/β", kFine, kFine.Select(k => k * k * Math.Exp(Bessel.LogI(k, beta)) / beta).ToArray(), SeriesStyle.Dashed));
            series.Add(new FigureSeries($"β = {Label(beta)}: PDE", ks, sel.Select(r => r[3]).ToArray(), SeriesStyle.Markers));
            series.Add(new FigureSeries($"β = {Label(beta)}: particles", ks, sel.Select(r => r[4]).ToArray(), SeriesStyle.Markers));
        }
        result.Figures.Add(new FigureRequest("growth_rates", "Growth rates of Fourier modes (USA): fits vs k² I_k(β)/β", "wavenumber k", "rate λ_k", series, LogY: true,
            Caption: "The theory curve uses I_k at non-integer k (smooth interpolation); only integer k are modes."));
    }

    // ---------------------------------------------------------------- propagation of chaos

    private sealed record ChaosParameters(double Beta, int[] Counts, int Seeds, double[] Times, (int K, double Re, double Im)[] Coefficients,
        int ObservableMode, bool W2, int HistogramBins)
    {
        public static ChaosParameters Read(YamlMappingReader r)
        {
            var counts = r.Ints("counts", [100, 1000, 10000, 100000], x => x >= 2 && x <= 10_000_000, "must be between 2 and 10000000");
            var times = r.Doubles("times", [0, 0.1, 0.2], x => x >= 0 && x <= 100, "must be in [0, 100]");
            var coefficients = r.List("coefficients", (node, key) =>
            {
                if (node is not YamlDotNet.RepresentationModel.YamlSequenceNode { Children.Count: 3 } e)
                    throw r.Error(node, key, "expected [k, re, im]");
                return (r.ParseInt(e[0], key, k => k >= 1 && k <= 64, "k must be between 1 and 64"),
                        r.ParseDouble(e[1], key, _ => true, ""), r.ParseDouble(e[2], key, _ => true, ""));
            }).ToArray();
            if (coefficients.Length == 0) coefficients = [(1, 0.3, 0), (2, 0.1, 0.05), (3, 0.05, -0.05)];
            if (coefficients.Sum(c => 2 * Math.Sqrt(c.Item2 * c.Item2 + c.Item3 * c.Item3)) >= 1)
                throw r.Error(r.Node("coefficients"), "coefficients", "the density (1/2π)(1 + 2 Σ Re((re + i im) e^{ikθ})) must be positive: keep 2 Σ |re + i im| < 1");
            var v = new ChaosParameters(
                r.Double("beta", 3, x => x > 0 && x <= 30, "must be in (0, 30]"),
                counts.Distinct().Order().ToArray(),
                r.Int("seeds", 4, x => x >= 1 && x <= 1000, "must be between 1 and 1000"),
                times.Distinct().Order().ToArray(),
                coefficients,
                r.Int("observable_mode", 1, x => x >= 1 && x <= 64, "must be between 1 and 64"),
                r.Bool("w2", true),
                r.Int("histogram_bins", 100, x => x >= 4 && x <= 10000, "must be between 4 and 10000"));
            if (v.Counts.Length < 2) throw r.Error(r.Node("counts"), "counts", "needs at least two distinct N for a rate");
            r.Finish();
            return v;
        }
    }

    /// <summary>
    /// One PDE solve and particle runs for every N × seed from the same initial law; W1 (all times), W2 (last time) via
    /// <see cref="CircleWasserstein"/>; the rate in N by <see cref="RateFit"/>; the weak error of Re c_m.
    /// </summary>
    private static void RunChaos(ChaosParameters c, Common common, CampaignResult result, CampaignContext context)
    {
        double beta = c.Beta;
        var model = new MeanFieldModel(AttentionKind.USA, beta);
        int kmax = (common.Resolution - 1) / 3;
        var initial = new Complex[c.Coefficients.Max(x => x.K) + 1];
        initial[0] = 1 / (2 * Math.PI);
        foreach (var (k, re, im) in c.Coefficients) initial[k] = new Complex(re, im) / (2 * Math.PI);
        var times = c.Times;
        double tLast = times[^1];

        using var solver = new CircleSpectralSolver(model, common.Resolution, initial, new StepperOptions(StepperKind.Dopri5, 1e-4, common.Tolerance));
        var densities = new CircleDensity[times.Length];
        var pdeGrid = new double[times.Length][];
        double tail = 0;
        for (int i = 0; i < times.Length; i++)
        {
            solver.AdvanceTo(times[i]);
            // Coefficients below 1e−16 of ρ̂_0 change no distance but cost O(K) per density evaluation in W1/W2.
            var hat = PdeCoefficients(solver, kmax);
            int significant = Array.FindLastIndex(hat, z => z.Magnitude > 1e-16 * hat[0].Real);
            densities[i] = new CircleDensity(hat[..(significant + 1)]);
            pdeGrid[i] = new double[common.Resolution];
            solver.Density(pdeGrid[i]);
            tail = Math.Max(tail, CircleSpectralSolver.SpectralTail(solver.Basis, solver.State));
        }
        result.Metric("chaos_pde_spectral_tail", tail, "", "largest relative L² size of the top third of the PDE's retained modes at the output times (resolution check; ≪ 1e−6 is resolved)");

        var pm = new ParticleModel(AttentionKind.USA, 2, beta);
        double lambdaMax = Enumerable.Range(1, 64).Max(k => LinearStability.GrowthRate(AttentionKind.USA, k, beta, 2));
        // Particles near a cluster contract at a rate up to ~e^β (the kernel's peak), so the step also resolves that.
        double dt = Math.Min(common.DtFactor / lambdaMax, 0.05 * Math.Exp(-beta));
        int m = c.ObservableMode;
        double observablePde(int i) => 2 * Math.PI * densities[i].Coefficients[m].Real;   // ∫ cos(mθ) ρ dθ = Re c_m
        var rows = new List<double[]>();              // N, seed, t, W1
        var w2Rows = new List<double[]>();            // N, seed, W2, bound
        var observables = new Dictionary<(int N, int Time), List<double>>();
        double[]? histogramAngles = null;
        foreach (int n in c.Counts)
        {
            var watch = System.Diagnostics.Stopwatch.StartNew();
            for (int s = 0; s < c.Seeds; s++)
            {
                ulong seed = common.Seed + 1000 + (ulong)s;
                var x = ParticleSampling.CircleDensity(initial, n, seed);
                var stepper = new ParticleStepper(pm, ParticleInteractions.Create(pm, n, "auto", common.InteractionTolerance), ParticleIntegrator.Rk4, n, seed);
                double t = 0;
                for (int i = 0; i < times.Length; i++)
                {
                    long steps = (long)Math.Ceiling((times[i] - t) / dt * (1 - 1e-12));
                    for (long k = 0; k < steps; k++) stepper.Step(x, (times[i] - t) / steps);
                    t = times[i];
                    var angles = ParticleDiagnostics.Angles(x, 1);
                    rows.Add([n, s, t, CircleWasserstein.W1(densities[i], angles)]);
                    var modes = ParticleDiagnostics.EmpiricalModes(x, m + 1);
                    if (!observables.TryGetValue((n, i), out var list)) observables[(n, i)] = list = [];
                    list.Add(2 * Math.PI * modes[m].Real);
                    if (i == times.Length - 1 && c.W2)
                    {
                        var w2 = CircleWasserstein.W2(densities[i], angles);
                        w2Rows.Add([n, s, w2.Distance, w2.ErrorBound]);
                    }
                    if (n == c.Counts[^1] && s == 0 && i == times.Length - 1) histogramAngles = angles;
                }
            }
            context.Log.WriteLine($"  chaos N = {n}: {c.Seeds} seeds in {watch.Elapsed.TotalSeconds:F1} s");
        }
        double[] Col(List<double[]> r, int i) => r.Select(v => v[i]).ToArray();
        result.Table("chaos_w1", $"W1(μ^N_t, μ_t) between N particles and the PDE (USA, β = {Label(beta)}), every N, seed and output time",
            ("N", Col(rows, 0)), ("seed", Col(rows, 1)), ("t", Col(rows, 2)), ("W1", Col(rows, 3)));
        if (w2Rows.Count > 0)
            result.Table("chaos_w2", $"W2(μ^N_t, μ_t) at t = {Label(tLast)}, with the bound on the quantile discretisation of the PDE side",
                ("N", Col(w2Rows, 0)), ("seed", Col(w2Rows, 1)), ("W2", Col(w2Rows, 2)), ("bound", Col(w2Rows, 3)));

        var floor = RateFit.Fit(rows.Where(r => r[2] == times[0]).Select(r => (r[0], r[3])));
        var last = RateFit.Fit(rows.Where(r => r[2] == tLast).Select(r => (r[0], r[3])));
        AddRate(result, "chaos_w1_floor", floor, $"W1(μ^N_0, μ_0) at t = {Label(times[0])}: the initial sampling floor (theory −1/2)");
        AddRate(result, "chaos_w1", last, $"W1(μ^N_t, μ_t) at t = {Label(tLast)} (theory −1/2, MATH §10 rows 48–49)");
        RateFitResult? w2Fit = null;
        if (w2Rows.Count > 0)
        {
            w2Fit = RateFit.Fit(w2Rows.Select(r => (r[0], r[2])));
            AddRate(result, "chaos_w2", w2Fit, $"W2(μ^N_t, μ_t) at t = {Label(tLast)} (theory −1/2 for d = 2 via E W2² ≲ N^(−1/2)... see notes)");
        }
        int largest = c.Counts[^1];
        double amplification = rows.Where(r => r[0] == largest && r[2] == tLast).Average(r => r[3])
                             / rows.Where(r => r[0] == largest && r[2] == times[0]).Average(r => r[3]);
        result.Metric("chaos_w1_amplification", amplification, "", $"mean W1 at t = {Label(tLast)} over mean W1 at t = {Label(times[0])}, N = {largest} (Dobrushin: ≤ e^(L_β t), MATH §3.1)");

        // Weak error of φ = cos(mθ): |mean over seeds of ⟨φ, μ^N_t⟩ − ⟨φ, μ_t⟩|, with its statistical standard error.
        var weakN = new List<double>(); var weakT = new List<double>(); var weakMean = new List<double>();
        var weakSe = new List<double>(); var weakErr = new List<double>(); var weakPde = new List<double>();
        foreach (var ((n, i), values) in observables.OrderBy(kv => kv.Key.N).ThenBy(kv => kv.Key.Time))
        {
            double mean = values.Average();
            double se = values.Count > 1 ? Math.Sqrt(values.Sum(v => (v - mean) * (v - mean)) / (values.Count - 1) / values.Count) : double.NaN;
            weakN.Add(n); weakT.Add(times[i]); weakMean.Add(mean); weakSe.Add(se); weakPde.Add(observablePde(i));
            weakErr.Add(Math.Abs(mean - observablePde(i)));
        }
        result.Table("weak_error", $"Weak error of φ(θ) = cos({m}θ): mean over seeds of ⟨φ, μ^N_t⟩, its standard error, the PDE value ⟨φ, μ_t⟩ and |difference|",
            ("N", weakN.ToArray()), ("t", weakT.ToArray()), ("mean", weakMean.ToArray()), ("se", weakSe.ToArray()), ("pde", weakPde.ToArray()), ("abs_error", weakErr.ToArray()));
        var weakLast = Enumerable.Range(0, weakN.Count).Where(j => weakT[j] == tLast).ToArray();
        var weakFit = RateFit.Fit(weakLast.Select(j => (weakN[j], Math.Max(weakErr[j], 1e-300))));
        AddRate(result, "weak_error", weakFit, $"|E⟨cos({m}θ), μ^N_t⟩ − ⟨cos({m}θ), μ_t⟩| at t = {Label(tLast)} (bias theory −1; see notes on the statistical floor)");
        double noiseRatio = weakLast.Average(j => weakErr[j] / weakSe[j]);
        result.Metric("weak_error_over_se", noiseRatio, "", "mean over N of |weak error| / its standard error: ≲ 2 means the bias is below the statistical resolution of the seeds");

        // Figures.
        var series = new List<FigureSeries>();
        var nValues = c.Counts.Select(n => (double)n).ToArray();
        foreach (var (label, time, fit) in new[] { ("t = " + Label(times[0]) + " (floor)", times[0], floor), ("t = " + Label(tLast), tLast, last) })
        {
            var pts = rows.Where(r => r[2] == time).ToArray();
            series.Add(new FigureSeries($"W1, {label}, each seed", pts.Select(r => r[0]).ToArray(), pts.Select(r => r[3]).ToArray(), SeriesStyle.Markers));
            series.Add(new FigureSeries($"fit {label}: slope {fit.Slope:F3} [{fit.Lower:F3}, {fit.Upper:F3}]", nValues, nValues.Select(n => Math.Exp(fit.Intercept) * Math.Pow(n, fit.Slope)).ToArray()));
        }
        if (w2Fit is not null)
        {
            series.Add(new FigureSeries($"W2, t = {Label(tLast)}, each seed", Col(w2Rows, 0), Col(w2Rows, 2), SeriesStyle.Markers));
            series.Add(new FigureSeries($"fit W2: slope {w2Fit.Slope:F3}", nValues, nValues.Select(n => Math.Exp(w2Fit.Intercept) * Math.Pow(n, w2Fit.Slope)).ToArray()));
        }
        series.Add(new FigureSeries("N^(-1/2) (theory)", nValues, nValues.Select(n => Math.Exp(last.Intercept) * Math.Pow(nValues[0], last.Slope + 0.5) * Math.Pow(n, -0.5)).ToArray(), SeriesStyle.Dashed));
        result.Figures.Add(new FigureRequest("chaos_error_vs_n", $"Propagation of chaos, USA β = {Label(beta)}: W1/W2(μ^N_t, μ_t) vs N", "N", "distance", series, LogX: true, LogY: true));
        if (histogramAngles is not null)
        {
            var h = Histogram(histogramAngles, c.HistogramBins);
            result.Figures.Add(new FigureRequest("density_vs_particles", $"PDE density vs particle histogram, t = {Label(tLast)}, N = {largest}",
                "θ (rad)", "density (1/rad)",
                [new FigureSeries("PDE", solver.Basis.Theta, pdeGrid[^1]), new FigureSeries("particles (histogram)", h.Centres, h.Density, SeriesStyle.Markers),
                 new FigureSeries($"PDE at t = {Label(times[0])}", solver.Basis.Theta, pdeGrid[0], SeriesStyle.Dashed)]));
        }
        result.Notes.Add($"**Propagation of chaos.** The PDE is solved once (dopri5, tolerance {common.Tolerance:G2}, {common.Resolution} grid points) from ρ_0 = (1/2π)(1 + 2 Σ Re(a_k e^{{ikθ}})) with a_k = {string.Join(", ", c.Coefficients.Select(x => $"a_{x.K} = {x.Re:G3}{(x.Im >= 0 ? "+" : "−")}{Math.Abs(x.Im):G3}i"))}; for each N and seed, N angles are drawn i.i.d. from ρ_0 and integrated by RK4 (step {dt:G3}) with the O(NK) circle spectral sums (dense below N ≈ 2K). W1 is exact on the circle (CDF of the band-limited PDE density vs the empirical CDF); W2 uses the quantile measure of the PDE density, whose discretisation bound is listed in table chaos_w2. The slope of log W against log N is fitted on the seed means, and its 95% interval is the wider of the residual and the seed-spread intervals (RateFit). The floor W1(μ^N_0, μ_0) is the pure sampling error of the initial condition; for i.i.d. samples on the circle E W1 ~ c N^(−1/2); W1 at later times is at most the floor times e^(L_β t) (Dobrushin, MATH §3.1), so the same N^(−1/2) rate is expected (chaos_w1_amplification is that factor).");
        result.Notes.Add($"**Weak error.** For a smooth observable φ, E⟨φ, μ^N_t⟩ − ⟨φ, μ_t⟩ is O(1/N) (the bias of the empirical measure), while a single run fluctuates by O(N^(−1/2)). With S = {c.Seeds} seeds the mean over seeds has a statistical error ≈ σ/√(SN), so the measured |mean − PDE| resolves the 1/N bias only where it exceeds that (weak_error_over_se ≫ 2). Otherwise the fitted slope is the one of the statistical floor, −1/2, and states only that the bias is below it; the table weak_error lists the standard error next to each difference.");
    }

    private static void AddRate(CampaignResult result, string name, RateFitResult fit, string what)
    {
        result.Metric($"{name}_slope", fit.Slope, "", $"fitted exponent p in error ≈ C N^p: {what}", fit.SlopeStandardError);
        result.Metric($"{name}_slope_lower", fit.Lower, "", $"lower end of the {fit.ConfidenceLevel:P0} interval of {name}_slope");
        result.Metric($"{name}_slope_upper", fit.Upper, "", $"upper end of the {fit.ConfidenceLevel:P0} interval of {name}_slope");
    }

    private static (double[] Centres, double[] Density) Histogram(double[] angles, int bins)
    {
        var counts = new double[bins];
        foreach (double a in angles)
        {
            int b = (int)(((a % (2 * Math.PI)) + 2 * Math.PI) % (2 * Math.PI) / (2 * Math.PI) * bins);
            counts[Math.Min(b, bins - 1)]++;
        }
        double width = 2 * Math.PI / bins;
        return (Enumerable.Range(0, bins).Select(b => (b + 0.5) * width).ToArray(), counts.Select(v => v / (angles.Length * width)).ToArray());
    }

    /// <summary>Least-squares slope of y on x.</summary>
    private static double Slope(double[] x, double[] y)
    {
        double xm = x.Average(), ym = y.Average(), sxy = 0, sxx = 0;
        for (int i = 0; i < x.Length; i++) { sxy += (x[i] - xm) * (y[i] - ym); sxx += (x[i] - xm) * (x[i] - xm); }
        return sxy / sxx;
    }

    private static string Label(double x) => x.ToString("G6", CultureInfo.InvariantCulture);
}
