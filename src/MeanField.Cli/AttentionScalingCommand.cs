using System.CommandLine;
using MeanField.Runs;
using static MeanField.Cli.CsvOutput;
using MeanField.Validation.LongContext;

namespace MeanField.Cli;

/// <summary>
/// `meanfield attention-scaling`: validation campaign 5 (long-context scaling, MATH §8). Softmax weights of n uniform
/// keys at β_n = c·n^{2/(d−1)} (E[w_max], E[Σw²] ± standard errors) for several n, against the Poisson limit simulated
/// directly and MATH's table; then the subcritical attention output: radial bias A_d(β) (quadrature, Bessel ratio,
/// 1 − (d−1)/(2β), Monte Carlo) and the tangential variance (Monte Carlo, leading order, MATH's asymptotic form).
/// </summary>
internal static class AttentionScalingCommand
{
    public static Command Create(TextWriter output, TextWriter error)
    {
        var dimensions = new Option<int[]>("--dimension") { Description = "ambient dimensions d ≥ 2", DefaultValueFactory = _ => [2, 3, 4], AllowMultipleArgumentsPerToken = true };
        var cs = new Option<double[]>("--c") { Description = "constants c in beta_n = c n^{2/(d-1)}", DefaultValueFactory = _ => [0.1, 0.3, 1, 3], AllowMultipleArgumentsPerToken = true };
        var ns = new Option<int[]>("--n") { Description = "numbers of keys n", DefaultValueFactory = _ => [1000, 10000, 100000], AllowMultipleArgumentsPerToken = true };
        var trials = new Option<int>("--trials") { Description = "Monte Carlo trials per (d, n)", DefaultValueFactory = _ => 200 };
        var poisson = new Option<int>("--poisson-samples") { Description = "samples of the Poisson limit per d (0: skip)", DefaultValueFactory = _ => 20000 };
        var betas = new Option<double[]>("--beta") { Description = "subcritical beta values for the attention output", DefaultValueFactory = _ => [10, 20], AllowMultipleArgumentsPerToken = true };
        var radialN = new Option<int>("--radial-n") { Description = "keys n for the attention-output Monte Carlo", DefaultValueFactory = _ => 100000 };
        var radialTrials = new Option<int>("--radial-trials") { Description = "trials of the attention-output Monte Carlo (0: skip)", DefaultValueFactory = _ => 100 };
        var seed = new Option<ulong>("--seed") { Description = "seed of the Philox streams", DefaultValueFactory = _ => 1 };
        var outDir = new Option<string?>("--out") { Description = "also write attention-weights.csv and attention-output.csv here" };
        var command = new Command("attention-scaling", "Long-context scaling (MATH §8): softmax weights of n uniform keys at beta_n = c n^{2/(d-1)}, the Poisson limit, and the subcritical radial bias A_d(beta).")
            { dimensions, cs, ns, trials, poisson, betas, radialN, radialTrials, seed, outDir };
        command.SetAction(parse =>
        {
            int[] ds = parse.GetValue(dimensions)!;
            double[] cList = parse.GetValue(cs)!, betaList = parse.GetValue(betas)!;
            int[] nList = parse.GetValue(ns)!;
            int t = parse.GetValue(trials), ps = parse.GetValue(poisson), rn = parse.GetValue(radialN), rt = parse.GetValue(radialTrials);
            ulong s = parse.GetValue(seed);
            string? dir = parse.GetValue(outDir);
            string? bad = ds.Any(d => d < 2) ? "--dimension: every d must be ≥ 2"
                : cList.Length == 0 || cList.Any(c => !(c > 0) || !double.IsFinite(c)) ? "--c: every c must be > 0"
                : nList.Any(n => n < 1) ? "--n: every n must be ≥ 1"
                : t < 2 ? $"--trials: must be ≥ 2, got {t}"
                : ps is < 0 or 1 ? $"--poisson-samples: must be 0 or ≥ 2, got {ps}"
                : betaList.Any(b => !(b > 0) || !double.IsFinite(b)) ? "--beta: every beta must be > 0"
                : rn < 1 ? $"--radial-n: must be ≥ 1, got {rn}"
                : rt is < 0 or 1 ? $"--radial-trials: must be 0 or ≥ 2, got {rt}"
                : null;
            if (bad is not null) { error.WriteLine(bad); return ExitCodes.ConfigError; }

            var weightRows = WeightsSection(output, ds, cList, nList, t, ps, s);
            var outputRows = rt > 0 ? OutputSection(output, ds, betaList, rn, rt, s) : [];
            if (dir is not null && !TryWrite(dir, [("attention-weights.csv", weightRows), ("attention-output.csv", outputRows)], error))
                return ExitCodes.OutputError;
            return ExitCodes.Success;
        });
        return command;
    }

    private static List<string> WeightsSection(TextWriter o, int[] ds, double[] cs, int[] ns, int trials, int poissonSamples, ulong seed)
    {
        o.WriteLine($"# softmax weights of n uniform keys on S^(d-1), beta_n = c n^(2/(d-1)) (MATH §8); seed {seed}, {trials} trials per n, Poisson limit {poissonSamples} samples");
        o.WriteLine($"{"d",3} {"c",6} {"n",10} {"beta_n",12} {"E[w_max]",10} {"se",8} {"E[sum w^2]",11} {"se",8}");
        var csv = new List<string> { "d,c,n,beta,mean_max_weight,max_weight_se,mean_sum_squares,sum_squares_se" };
        foreach (int d in ds)
        {
            var rows = new List<AttentionWeightStatistics>();
            foreach (int n in ns) rows.AddRange(AttentionWeightsMonteCarlo.Run(d, n, cs, trials, seed));
            if (poissonSamples > 0) rows.AddRange(PoissonLimitMonteCarlo.Run(d, cs, poissonSamples, seed));
            foreach (double c in cs)
            {
                foreach (var r in rows.Where(r => r.C == c))
                {
                    o.WriteLine($"{d,3} {Format(c, "G3"),6} {(r.KeyCount is { } n ? n.ToString(System.Globalization.CultureInfo.InvariantCulture) : "Poisson"),10} {(r.Beta is { } b ? Format(b, "G6") : "-"),12} {Format(r.MeanMaxWeight, "F4"),10} {Format(r.MaxWeightStandardError, "F4"),8} {Format(r.MeanSumOfSquares, "F4"),11} {Format(r.SumOfSquaresStandardError, "F4"),8}");
                    csv.Add(string.Join(',', d, Format(c, "R"), r.KeyCount?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "inf", r.Beta is { } bb ? Format(bb, "R") : "",
                        Format(r.MeanMaxWeight, "R"), Format(r.MaxWeightStandardError, "R"), Format(r.MeanSumOfSquares, "R"), Format(r.SumOfSquaresStandardError, "R")));
                }
                if (PoissonLimitMonteCarlo.ReferenceTable(d, c) is var (w, q))
                    o.WriteLine($"{d,3} {Format(c, "G3"),6} {"MATH §8",10} {"-",12} {Format(w, "F3"),10} {"~0.01",8} {Format(q, "F3"),11} {"~0.01",8}");
            }
        }
        o.WriteLine();
        return csv;
    }

    private static List<string> OutputSection(TextWriter o, int[] ds, double[] betas, int n, int trials, ulong seed)
    {
        o.WriteLine($"# subcritical attention output O = sum_j w_j K_j (V = I), n = {n}, {trials} trials: radial bias A_d(beta) and tangential variance per direction");
        o.WriteLine($"{"d",3} {"beta",7} {"A quadrature",14} {"A Bessel",14} {"1-(d-1)/2b",11} {"<q,O> MC",10} {"se",8} {"tan var MC",11} {"se",9} {"leading ord",11} {"MATH asym",10}");
        var csv = new List<string> { "d,beta,n,radial_bias_quadrature,radial_bias_bessel,radial_bias_asymptotic,mean_radial,radial_se,tangential_variance,tangential_variance_se,tangential_variance_leading_order,tangential_variance_asymptotic" };
        foreach (int d in ds)
        {
            foreach (double beta in betas)
            {
                var r = AttentionOutputMonteCarlo.Run(d, beta, n, trials, seed);
                double aq = LongContextTheory.RadialBiasQuadrature(d, beta), ab = LongContextTheory.RadialBiasBessel(d, beta);
                double aa = LongContextTheory.RadialBiasAsymptotic(d, beta);
                double tl = LongContextTheory.TangentialVarianceLeadingOrder(d, beta, n), ta = LongContextTheory.TangentialVarianceAsymptotic(d, beta, n);
                o.WriteLine($"{d,3} {Format(beta, "G4"),7} {Format(aq, "F10"),14} {Format(ab, "F10"),14} {Format(aa, "F6"),11} {Format(r.MeanRadial, "F6"),10} {Format(r.RadialStandardError, "E1"),8} {Format(r.TangentialVariance, "E3"),11} {Format(r.TangentialVarianceStandardError, "E2"),9} {Format(tl, "E3"),11} {Format(ta, "E3"),10}");
                csv.Add(string.Join(',', d, Format(beta, "R"), n, Format(aq, "R"), Format(ab, "R"), Format(aa, "R"), Format(r.MeanRadial, "R"), Format(r.RadialStandardError, "R"),
                    Format(r.TangentialVariance, "R"), Format(r.TangentialVarianceStandardError, "R"), Format(tl, "R"), Format(ta, "R")));
            }
        }
        o.WriteLine();
        return csv;
    }

}
