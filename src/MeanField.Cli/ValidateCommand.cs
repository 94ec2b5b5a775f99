using System.CommandLine;
using MeanField.IO.Config;
using MeanField.IO.Output;
using MeanField.Runs;
using MeanField.Validation.Campaigns;

namespace MeanField.Cli;

/// <summary>
/// `meanfield validate CAMPAIGN.yaml [--quick] [--out DIR]` and `meanfield validate --all [--quick] [--summary]
/// [--update-readme]` (docs: validation/README.md). Exit codes: 0 all checks pass, 6 a check failed, 2 a bad campaign
/// file or option, 5 output error.
/// Everything is written under --out (default out/validation): reports, figures, results and the --summary table.
/// Only --update-readme writes elsewhere, into the tracked &lt;dir&gt;/README.md, and only from full (not --quick) runs,
/// so the published table always holds full-run numbers.
/// </summary>
internal static class ValidateCommand
{
    public const string DefaultDirectory = "validation";
    public const string SummaryFileName = "summary.md";

    public static Command Create(TextWriter output, TextWriter error)
    {
        var campaign = new Argument<string?>("campaign") { Description = "campaign file (validation/NN-name.yaml)", Arity = ArgumentArity.ZeroOrOne };
        var quick = new Option<bool>("--quick") { Description = "use the campaign's quick: overrides (seconds; what CI runs)" };
        var outDir = new Option<string?>("--out") { Description = "output directory (default out/validation/<name>; with --all: the parent of the per-campaign directories)" };
        var all = new Option<bool>("--all") { Description = "run every campaign in --dir" };
        var summary = new Option<bool>("--summary") { Description = $"with --all: write the summary table to <out>/{SummaryFileName} (default out: {CampaignRunner.DefaultOutputRoot})" };
        var updateReadme = new Option<bool>("--update-readme") { Description = "with --all, not with --quick: also regenerate the published table in <dir>/README.md" };
        var dir = new Option<string>("--dir") { Description = "campaign directory for --all", DefaultValueFactory = _ => DefaultDirectory };
        var command = new Command("validate", "Run a validation campaign (PDE vs particles, published results) and write report.md, figures and results.h5.")
            { campaign, quick, outDir, all, summary, updateReadme, dir };
        command.SetAction(parse =>
        {
            string? path = parse.GetValue(campaign);
            bool runAll = parse.GetValue(all);
            if (runAll == (path is not null))
            {
                error.WriteLine("validate: give either a campaign file or --all");
                return ExitCodes.ConfigError;
            }
            if (parse.GetValue(summary) && !runAll)
            {
                error.WriteLine("validate: --summary goes with --all");
                return ExitCodes.ConfigError;
            }
            if (parse.GetValue(updateReadme) && !runAll)
            {
                error.WriteLine("validate: --update-readme goes with --all (the README table covers every campaign)");
                return ExitCodes.ConfigError;
            }
            if (parse.GetValue(updateReadme) && parse.GetValue(quick))
            {
                error.WriteLine("validate: --update-readme cannot be combined with --quick: validation/README.md publishes full-run numbers " +
                                "(for quick numbers use --summary, which writes under --out)");
                return ExitCodes.ConfigError;
            }
            try
            {
                if (!runAll)
                {
                    var file = CampaignFile.Load(path!);
                    var outcome = CampaignRunner.Run(file, parse.GetValue(quick), parse.GetValue(outDir), output);
                    return outcome.Passed ? ExitCodes.Success : ExitCodes.ValidationFailed;
                }
                string directory = parse.GetValue(dir)!;
                var files = CampaignSuite.CampaignFiles(directory);
                if (files.Count == 0) { error.WriteLine($"validate --all: no *.yaml campaign files in {directory}"); return ExitCodes.ConfigError; }
                var campaigns = files.Select(CampaignFile.Load).ToArray();   // every file is checked before anything runs
                string root = parse.GetValue(outDir) ?? CampaignRunner.DefaultOutputRoot;
                var outcomes = campaigns.Select(f => CampaignRunner.Run(f, parse.GetValue(quick), Path.Combine(root, f.Name), output)).ToList();
                if (parse.GetValue(summary) || parse.GetValue(updateReadme))
                {
                    string stamp = $"Generated {DateTime.UtcNow:yyyy-MM-dd} from commit `{Provenance.GitCommit[..Math.Min(12, Provenance.GitCommit.Length)]}`" +
                                   $"{(parse.GetValue(quick) ? " with --quick" : "")}; wall time {outcomes.Sum(o => o.WallSeconds):F0} s.";
                    string table = CampaignSuite.SummaryTable(outcomes, directory);
                    string summaryPath = Path.Combine(root, SummaryFileName);
                    CampaignSuite.WriteSummaryFile(summaryPath, table, stamp);
                    output.WriteLine($"summary written to {summaryPath}");
                    if (parse.GetValue(updateReadme))
                    {
                        string readme = Path.Combine(directory, "README.md");
                        CampaignSuite.WriteSummary(readme, table, stamp);
                        output.WriteLine($"table updated in {readme}");
                    }
                }
                int failed = outcomes.Count(o => !o.Passed);
                output.WriteLine($"{outcomes.Count - failed}/{outcomes.Count} campaigns passed");
                return failed == 0 ? ExitCodes.Success : ExitCodes.ValidationFailed;
            }
            catch (ConfigException e)
            {
                error.WriteLine($"campaign error: {e.Message}");
                return ExitCodes.ConfigError;
            }
            catch (OutputException e)
            {
                error.WriteLine($"output error: {e.Message}");
                return ExitCodes.OutputError;
            }
            catch (IOException e)
            {
                error.WriteLine($"output error: {e.Message}");
                return ExitCodes.OutputError;
            }
        });
        return command;
    }
}
