using System.Numerics;
using MeanField.Core;
using MeanField.IO.Config;
using MeanField.Spectral.Circle;
using MeanField.Spectral.Steppers;
using MeanField.Spectral.Zonal;
using MeanField.Steady;
using MeanField.Steady.Geometries;
using MeanField.Validation.NoisyTransition;
using static MeanField.Validation.Campaigns.CampaignLabels;

namespace MeanField.Validation.Campaigns;

/// <summary>
/// Campaign 6, second half (kind noisy-bifurcation): the stationary branches of the noisy USA PDE (MATH §3.4, §7) followed
/// by pseudo-arclength continuation in K = 1/(2D) from the uniform state (<see cref="PseudoArclengthContinuation"/>; circle
/// for d = 2, zonal Gegenbauer for d ≥ 3). The uniform branch must bifurcate at K_#(β) (closed form), supercritically for
/// β &lt; β_* and subcritically for β &gt; β_* (Mun–Rosenzweig: a fold K_fold &lt; K_#, hysteresis). Each fold is checked
/// against time-dependent runs at K between K_fold and K_#: a start beyond the unstable middle state settles on the
/// clustered state, one below it decays.
/// </summary>
internal sealed class NoisyBifurcationCampaign : ICampaign
{
    public string Kind => "noisy-bifurcation";

    public CampaignResult Run(YamlMappingReader p, CampaignContext context)
    {
        var dimensions = p.Ints("dimensions", [2, 3, 4], x => x >= 2 && x <= 16, "must be between 2 and 16");
        var ratios = p.Doubles("beta_over_critical", [0.5, 0.9, 1.1, 1.5], x => x > 0 && x <= 10 && Math.Abs(x - 1) > 1e-3, "must be in (0, 10] and not 1");
        int degree = p.Int("max_degree", 12, x => x >= 4 && x <= 64, "must be between 4 and 64");
        double range = p.Double("k_range", 0.25, x => x > 0 && x < 0.9, "must be in (0, 0.9): continue over K_#·(1 ± k_range)");
        double runTime = p.Double("run_time", 300, x => x > 0 && x <= 1e5, "must be in (0, 1e5]");
        p.Finish();
        var result = new CampaignResult();
        var rows = new List<double[]>();
        var series = new List<FigureSeries>();
        double worstBif = 0, worstResidual = 0;
        int mismatches = 0, hysteresisFailures = 0, subcritical = 0;
        foreach (int d in dimensions)
        {
            double betaStar = MunRosenzweigTheory.CriticalBeta(d);
            foreach (double ratio in ratios)
            {
                double beta = ratio * betaStar, kSharp = MunRosenzweigTheory.KSharp(beta, d);
                ISteadyGeometry geometry = d == 2 ? CircleSteadyGeometry.Create(AttentionKind.USA, beta, 3 * degree + 2) : new ZonalSteadyGeometry(AttentionKind.USA, beta, d, degree);
                try
                {
                    var uniform = geometry.Uniform(d == 2 ? ((CircleSteadyGeometry)geometry).Basis.StateFromCoefficients([1 / (2 * Math.PI)]) : ZonalInitialLaws.Uniform(degree));
                    var run = new PseudoArclengthContinuation(geometry, new ContinuationOptions { Parameter = ContinuationParameter.Coupling, MaxPoints = 150 })
                        .Run(uniform, (1 - range) * kSharp, (1 + range) * kSharp);
                    var b = run.Bifurcations.FirstOrDefault(x => x.FromUniform && x.Degree == 1);
                    double kBif = b?.Parameter ?? double.NaN, rel = Math.Abs(kBif - kSharp) / kSharp;
                    worstBif = double.IsNaN(rel) ? double.PositiveInfinity : Math.Max(worstBif, rel);
                    var expected = ratio < 1 ? BifurcationDirection.Supercritical : BifurcationDirection.Subcritical;
                    if (b is null || b.Direction != expected) mismatches++;
                    var branch = b?.SwitchedBranch is { } sb ? run.Branches[sb] : null;
                    if (branch is not null) worstResidual = Math.Max(worstResidual, branch.Points.Max(x => x.Residual));
                    var fold = branch is null ? null : run.Folds.FirstOrDefault(f => f.Branch == branch.Index);
                    double smallRatio = double.NaN, largeRatio = double.NaN;
                    if (ratio > 1)
                    {
                        subcritical++;
                        if (fold is null || !(fold.Parameter < kSharp)) mismatches++;
                        else
                        {
                            (smallRatio, largeRatio) = Hysteresis(geometry, d, beta, degree, fold.Parameter, kSharp, branch!, runTime);
                            if (!(smallRatio < 1 && largeRatio < 0.05)) hysteresisFailures++;
                        }
                    }
                    rows.Add([d, beta, ratio, kSharp, kBif, rel, b is null ? 0 : b.Direction == BifurcationDirection.Supercritical ? 1 : -1,
                        fold?.Parameter ?? double.NaN, fold?.Amplitude ?? double.NaN, smallRatio, largeRatio]);
                    if (branch is not null && ratio is 0.9 or 1.1)
                    {
                        foreach (bool stable in new[] { true, false })
                        {
                            var pts = branch.Points.Where(x => x.Stable == stable).ToList();
                            if (pts.Count > 0)
                                series.Add(new FigureSeries($"d = {d}, β = {Label(ratio)}β_*, {(stable ? "stable" : "unstable")}",
                                    pts.Select(x => x.Parameter / kSharp).ToArray(), pts.Select(x => x.Amplitude).ToArray(), stable ? SeriesStyle.Markers : SeriesStyle.Dashed));
                        }
                    }
                }
                finally { (geometry as IDisposable)?.Dispose(); }
            }
        }
        context.Log.WriteLine($"  noisy-bifurcation: {rows.Count} continuations, max |K_bif − K_#|/K_# {worstBif:E2}");
        result.Metric("bifurcation_max_rel_error", worstBif, "", "max over d and β of |K at the degree-1 bifurcation from uniform − K_#(β)|/K_#(β)");
        result.Metric("direction_mismatches", mismatches, "", "(d, β) where the bifurcation is not supercritical for β < β_* and subcritical with a fold K_fold < K_# for β > β_*");
        result.Metric("hysteresis_failures", hysteresisFailures, "", $"subcritical (d, β) ({subcritical}) where the time-dependent runs at K = (K_fold + K_#)/2 do not end on the two stable states");
        result.Metric("branch_max_residual", worstResidual, "", "max ‖N(u) − DΛu‖₂ over the points of the bifurcated branches");
        result.Table("branches", "per (d, β): K_#, the located bifurcation, its direction (+1 super, −1 sub), the fold (K, A_1), and the hysteresis runs: A_1(T)/A_1(0) from below the middle state, |A_1(T) − A_upper|/|A_1(0) − A_upper| from above",
            ("d", Column(rows, 0)), ("beta", Column(rows, 1)), ("beta_over_critical", Column(rows, 2)), ("k_sharp", Column(rows, 3)), ("k_bifurcation", Column(rows, 4)),
            ("relative_error", Column(rows, 5)), ("direction", Column(rows, 6)), ("k_fold", Column(rows, 7)), ("fold_amplitude", Column(rows, 8)),
            ("small_start_ratio", Column(rows, 9)), ("large_start_ratio", Column(rows, 10)));
        result.Figures.Add(new FigureRequest("bifurcation_diagrams", "Noisy USA: the one-cluster branch near K_# (A_1 = |∫xρ|/mass)", "K / K_#(β)", "A_1", series,
            Caption: "Markers: linearly stable states; dashed: unstable. Below β_* the branch leaves K_# to the right (supercritical), above β_* to the left and folds (subcritical)."));
        result.Notes.Add($"Continuation in K over K_#·[1 − {Label(range)}, 1 + {Label(range)}] from the uniform state (d = 2: circle, {3 * degree + 2} grid points; d ≥ 3: zonal, degree {degree}); Newton–Krylov corrector to 1e−11 relative, dense Jacobian spectra; the bifurcation is the zero of the crossing eigenvalue (Illinois in arclength), branch switching along its eigenvector. Hysteresis: at K = (K_fold + K_#)/2 the start u_uniform + s(u_middle − u_uniform), s = 0.5 (below the unstable middle state) and s = 2 (above), is integrated to T = {Label(runTime)} with dopri5 (tolerance 1e−9).");
        return result;
    }

    /// <summary>Time-dependent runs from below and above the unstable middle state at K = (K_fold + K_#)/2.</summary>
    private static (double Small, double Large) Hysteresis(ISteadyGeometry geometry, int d, double beta, int degree, double kFold, double kSharp, Branch branch, double time)
    {
        double k = 0.5 * (kFold + kSharp), diffusion = MunRosenzweigTheory.DiffusionForCoupling(k);
        var nearest = branch.Points.Where(x => !x.Stable && x.Parameter < kSharp).OrderBy(x => Math.Abs(x.Parameter - k)).FirstOrDefault();
        var upperGuess = branch.Points.Where(x => x.Stable).OrderBy(x => Math.Abs(x.Parameter - k)).FirstOrDefault();
        if (nearest is null || upperGuess is null) return (double.NaN, double.NaN);
        var middle = SteadyStateSolver.Solve(geometry, nearest.State, diffusion, spectrum: false);
        var upper = SteadyStateSolver.Solve(geometry, upperGuess.State, diffusion, spectrum: false);
        var uniform = geometry.Uniform(middle.State);
        double upperA = geometry.HarmonicAmplitude(upper.State, 1);
        double Evolve(double s)
        {
            var start = uniform.Select((x, i) => x + s * (middle.State[i] - x)).ToArray();
            var options = new StepperOptions(StepperKind.Dopri5, 1e-2, 1e-9);
            double[] final;
            if (d == 2)
            {
                var basis = ((CircleSteadyGeometry)geometry).Basis;
                var c = Enumerable.Range(0, basis.MaxWavenumber + 1).Select(i => basis.Coefficient(start, i)).ToArray();
                using var solver = new CircleSpectralSolver(new MeanFieldModel(AttentionKind.USA, beta, diffusion), basis.GridSize, c, options);
                solver.AdvanceTo(time);
                final = solver.State.ToArray();
            }
            else
            {
                var solver = new ZonalSpectralSolver(AttentionKind.USA, beta, diffusion, d, degree, start, options, logTimeScale: 0);
                solver.AdvanceTo(time);
                final = solver.State.ToArray();
            }
            double a0 = geometry.HarmonicAmplitude(start, 1), a = geometry.HarmonicAmplitude(final, 1);
            return s < 1 ? a / a0 : Math.Abs(a - upperA) / Math.Abs(a0 - upperA);
        }
        return (Evolve(0.5), Evolve(2));
    }
}
