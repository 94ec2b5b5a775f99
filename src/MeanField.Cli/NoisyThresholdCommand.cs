using System.CommandLine;
using MeanField.Core;
using MeanField.Runs;
using static MeanField.Cli.CsvOutput;
using MeanField.Validation.NoisyTransition;

namespace MeanField.Cli;

/// <summary>
/// `meanfield noisy-threshold`: validation campaign 6 (Mun–Rosenzweig noisy transformer, MATH §7). β_*(d), K_#(β), and
/// the n = 1 stability threshold measured from the zonal PDE (sign change of the growth rate, D = 1/(2K)) against K_#,
/// with the measured rates against (d−1)(ρ_0Λ_1/β − 1/(2K)).
/// </summary>
internal static class NoisyThresholdCommand
{
    public static Command Create(TextWriter output, TextWriter error)
    {
        var dimensions = new Option<int[]>("--dimension") { Description = "ambient dimensions d ≥ 2", DefaultValueFactory = _ => [2, 3, 4], AllowMultipleArgumentsPerToken = true };
        var betas = new Option<double[]>("--beta") { Description = "inverse temperatures beta > 0", DefaultValueFactory = _ => [0.5, 1, 2, 5, 10], AllowMultipleArgumentsPerToken = true };
        var ratios = new Option<double[]>("--rate-at") { Description = "K/K_# at which the measured rate is tabulated", DefaultValueFactory = _ => [0.5, 0.9, 1.1, 2], AllowMultipleArgumentsPerToken = true };
        var maxDegree = new Option<int>("--max-degree") { Description = "highest Gegenbauer degree of the zonal solver", DefaultValueFactory = _ => 6 };
        var outDir = new Option<string?>("--out") { Description = "also write noisy-threshold.csv and noisy-rates.csv here" };
        var command = new Command("noisy-threshold", "Mun–Rosenzweig transition (MATH §7): beta_*, K_#(beta), and the n = 1 threshold measured from the noisy USA PDE.")
            { dimensions, betas, ratios, maxDegree, outDir };
        command.SetAction(parse =>
        {
            int[] ds = parse.GetValue(dimensions)!;
            double[] bs = parse.GetValue(betas)!, rs = parse.GetValue(ratios)!;
            int l = parse.GetValue(maxDegree);
            string? bad = ds.Any(d => d < 2) ? "--dimension: every d must be ≥ 2"
                : !bs.All(MeanFieldModel.IsValidBeta) ? $"--beta: every beta {MeanFieldModel.BetaRule}"
                : rs.Any(r => !(r > 0) || !double.IsFinite(r)) ? "--rate-at: every ratio must be > 0"
                : l < 2 ? $"--max-degree: must be ≥ 2, got {l}"
                : null;
            if (bad is not null) { error.WriteLine(bad); return ExitCodes.ConfigError; }
            var measure = new NoisyThresholdMeasurement(new NoisyRateMeasurementOptions { MaxDegree = l });

            output.WriteLine("# beta_*(d): root of I_{d/2+1}(beta)/I_{d/2}(beta) = 1/d (MATH §7)");
            output.WriteLine($"{"d",4} {"beta_*",14} {"K_#(beta_*)",14}");
            foreach (int d in ds)
            {
                double b = MunRosenzweigTheory.CriticalBeta(d);
                output.WriteLine($"{d,4} {Format(b, "F10"),14} {Format(MunRosenzweigTheory.KSharp(b, d), "F10"),14}");
            }
            output.WriteLine();
            output.WriteLine($"# n = 1 threshold of the noisy USA PDE (zonal solver, L = {l}, diffusion D = 1/(2K)): sign change of the measured rate vs K_#(beta)");
            output.WriteLine($"{"d",4} {"beta",7} {"transition",12} {"K_# closed",14} {"K measured",14} {"rel. error",10} {"solves",6}");
            var thresholdCsv = new List<string> { "d,beta,beta_star,k_sharp,k_measured,relative_error,solves" };
            var rateCsv = new List<string> { "d,beta,k_over_k_sharp,k,diffusion,measured_rate,predicted_rate" };
            var rateRows = new List<NoisyRateSample>();
            foreach (int d in ds)
            {
                foreach (double b in bs)
                {
                    var r = measure.FindThreshold(d, b);
                    string kind = b <= r.CriticalBeta ? "continuous" : "first-order";
                    output.WriteLine($"{d,4} {Format(b, "G4"),7} {kind,12} {Format(r.KSharp, "G10"),14} {Format(r.MeasuredKSharp, "G10"),14} {Format(r.RelativeError, "E1"),10} {r.Solves,6}");
                    thresholdCsv.Add(string.Join(',', d, Format(b, "R"), Format(r.CriticalBeta, "R"), Format(r.KSharp, "R"), Format(r.MeasuredKSharp, "R"), Format(r.RelativeError, "R"), r.Solves));
                    rateRows.AddRange(measure.MeasureRates(d, b, rs.Select(x => x * r.KSharp)));
                }
            }
            output.WriteLine();
            output.WriteLine("# measured n = 1 rate vs (d-1)(rho_0 Lambda_1/beta - 1/(2K)) (solver time; MR's time: times K)");
            output.WriteLine($"{"d",4} {"beta",7} {"K/K_#",6} {"K",12} {"measured",14} {"predicted",14} {"rel. diff",10}");
            foreach (var s in rateRows)
            {
                double ratio = s.Coupling / MunRosenzweigTheory.KSharp(s.Beta, s.Dimension);
                output.WriteLine($"{s.Dimension,4} {Format(s.Beta, "G4"),7} {Format(ratio, "G3"),6} {Format(s.Coupling, "G6"),12} {Format(s.MeasuredRate, "G8"),14} {Format(s.PredictedRate, "G8"),14} {Format(Math.Abs(s.MeasuredRate - s.PredictedRate) / Math.Abs(s.PredictedRate), "E1"),10}");
                rateCsv.Add(string.Join(',', s.Dimension, Format(s.Beta, "R"), Format(ratio, "R"), Format(s.Coupling, "R"), Format(s.Diffusion, "R"), Format(s.MeasuredRate, "R"), Format(s.PredictedRate, "R")));
            }
            if (parse.GetValue(outDir) is { } dir && !TryWrite(dir, [("noisy-threshold.csv", thresholdCsv), ("noisy-rates.csv", rateCsv)], error))
                return ExitCodes.OutputError;
            return ExitCodes.Success;
        });
        return command;
    }

}
