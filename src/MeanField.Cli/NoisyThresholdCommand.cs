using System.CommandLine;

namespace MeanField.Cli;

/// <summary>
/// `meanfield noisy-threshold`: campaign 6 (kind noisy-transition, Mun–Rosenzweig, MATH §7) run with its parameters taken
/// from the options (the rest default as in the campaign): β_*(d), K_#(β), and the n = 1 stability threshold measured
/// from the zonal PDE (sign change of the growth rate, D = 1/(2K)) with the rates against (d−1)(ρ_0Λ_1/β − 1/(2K)).
/// </summary>
internal static class NoisyThresholdCommand
{
    public static Command Create(TextWriter output, TextWriter error)
    {
        var dimensions = new Option<int[]?>("--dimension") { Description = "ambient dimensions d (campaign parameter dimensions; default 2 3 4)", AllowMultipleArgumentsPerToken = true };
        var betas = new Option<double[]?>("--beta") { Description = "inverse temperatures beta (betas; default 0.5 1 2 5 10, MATH §7's table)", AllowMultipleArgumentsPerToken = true };
        var ratios = new Option<double[]?>("--rate-at") { Description = "K/K_# at which the measured rate is tabulated (rate_at; default 0.5 0.9 1.1 2)", AllowMultipleArgumentsPerToken = true };
        var maxDegree = new Option<int?>("--max-degree") { Description = "highest Gegenbauer degree of the zonal solver (max_degree; default 6)" };
        var outDir = new Option<string?>("--out") { Description = "also write each table as DIR/NAME.csv (thresholds.csv, rates.csv, ...)" };
        var command = new Command("noisy-threshold", "Mun–Rosenzweig transition (MATH §7), campaign 6 with parameters from the options: beta_*, K_#(beta), and the n = 1 threshold measured from the noisy USA PDE.")
            { dimensions, betas, ratios, maxDegree, outDir };
        command.SetAction(parse =>
        {
            var campaign = new CampaignCommand("noisy-transition", output, error);
            if (parse.GetValue(dimensions) is { Length: > 0 } d) campaign.Set("dimensions", d, "--dimension");
            if (parse.GetValue(betas) is { Length: > 0 } b) campaign.Set("betas", b, "--beta");
            if (parse.GetValue(ratios) is { Length: > 0 } r) campaign.Set("rate_at", r, "--rate-at");
            if (parse.GetValue(maxDegree) is { } l) campaign.Set("max_degree", l, "--max-degree");
            return campaign.Run(parse.GetValue(outDir));
        });
        return command;
    }
}
