using System.CommandLine;

namespace MeanField.Cli;

/// <summary>
/// `meanfield attention-scaling`: campaign 5 (kind long-context, MATH §8) run with its parameters taken from the options
/// (the rest default as in the campaign): softmax weights of n uniform keys at β_n = c·n^{2/(d−1)}, the Poisson limit,
/// the subcritical radial bias A_d(β) and tangential variance. Prints the campaign's metrics and tables.
/// </summary>
internal static class AttentionScalingCommand
{
    public static Command Create(TextWriter output, TextWriter error)
    {
        var dimensions = new Option<int[]?>("--dimension") { Description = "ambient dimensions d (campaign parameter dimensions; default 2 3 4)", AllowMultipleArgumentsPerToken = true };
        var cs = new Option<double[]?>("--c") { Description = "constants c in beta_n = c n^{2/(d-1)} (cs; default 0.1 0.3 1 3)", AllowMultipleArgumentsPerToken = true };
        var ns = new Option<int[]?>("--n") { Description = "numbers of keys n (counts; default 1000 10000 100000)", AllowMultipleArgumentsPerToken = true };
        var trials = new Option<int?>("--trials") { Description = "Monte Carlo trials per (d, n) (trials; default 200)" };
        var poisson = new Option<int?>("--poisson-samples") { Description = "samples of the Poisson limit per d (poisson_samples; default 20000)" };
        var betas = new Option<double[]?>("--beta") { Description = "subcritical beta values for the attention output (radial.betas; default 10 20)", AllowMultipleArgumentsPerToken = true };
        var radialN = new Option<int?>("--radial-n") { Description = "keys n for the attention-output Monte Carlo (radial.count; default 100000)" };
        var radialTrials = new Option<int?>("--radial-trials") { Description = "trials of the attention-output Monte Carlo (radial.trials; default 100)" };
        var seed = new Option<ulong?>("--seed") { Description = "seed of the Philox streams (seed; default 1)" };
        var outDir = new Option<string?>("--out") { Description = "also write each table as DIR/NAME.csv (weights.csv, attention_output.csv)" };
        var command = new Command("attention-scaling", "Long-context scaling (MATH §8), campaign 5 with parameters from the options: softmax weights of n uniform keys at beta_n = c n^{2/(d-1)}, the Poisson limit, and the subcritical radial bias A_d(beta).")
            { dimensions, cs, ns, trials, poisson, betas, radialN, radialTrials, seed, outDir };
        command.SetAction(parse =>
        {
            var campaign = new CampaignCommand("long-context", output, error);
            if (parse.GetValue(dimensions) is { Length: > 0 } d) campaign.Set("dimensions", d, "--dimension");
            if (parse.GetValue(cs) is { Length: > 0 } c) campaign.Set("cs", c, "--c");
            if (parse.GetValue(ns) is { Length: > 0 } n) campaign.Set("counts", n, "--n");
            if (parse.GetValue(trials) is { } t) campaign.Set("trials", t, "--trials");
            if (parse.GetValue(poisson) is { } p) campaign.Set("poisson_samples", p, "--poisson-samples");
            if (parse.GetValue(betas) is { Length: > 0 } b) campaign.Set("radial.betas", b, "--beta");
            if (parse.GetValue(radialN) is { } rn) campaign.Set("radial.count", rn, "--radial-n");
            if (parse.GetValue(radialTrials) is { } rt) campaign.Set("radial.trials", rt, "--radial-trials");
            if (parse.GetValue(seed) is { } s) campaign.Set("seed", s, "--seed");
            return campaign.Run(parse.GetValue(outDir));
        });
        return command;
    }
}
