using System.Text;

namespace MeanField.Validation.Campaigns;

/// <summary>
/// `meanfield validate --all`: every validation/*.yaml in name order; with --summary, a table of the outcomes (one row per
/// check: result, command, expected, measured, status) is written under --out; with --update-readme, it also replaces
/// the table between the markers of validation/README.md.
/// </summary>
public static class CampaignSuite
{
    public const string BeginMarker = "<!-- BEGIN GENERATED SUMMARY (meanfield validate --all --update-readme) -->";
    public const string EndMarker = "<!-- END GENERATED SUMMARY -->";

    public static IReadOnlyList<string> CampaignFiles(string directory) =>
        Directory.Exists(directory)
            ? Directory.GetFiles(directory, "*.yaml").OrderBy(f => Path.GetFileName(f), StringComparer.Ordinal).ToArray()
            : [];

    /// <summary>The summary table's Markdown for these outcomes.</summary>
    public static string SummaryTable(IEnumerable<CampaignOutcome> outcomes, string directoryForCommands)
    {
        var s = new StringBuilder();
        s.AppendLine("| result | command | expected | measured | status |");
        s.AppendLine("|---|---|---|---|---|");
        foreach (var o in outcomes)
        {
            string command = $"`meanfield validate {Path.Combine(directoryForCommands, Path.GetFileName(o.File.Path))}{(o.Quick ? " --quick" : "")}`";
            bool first = true;
            foreach (var c in o.Checks)
            {
                string result = first ? $"**{o.File.Name}**: {o.File.Reproduces}" : "";
                string measured = CampaignRunner.Format(c.Measured) + (double.IsNaN(c.StandardError) ? "" : $" ± {CampaignRunner.Format(c.StandardError)}");
                s.AppendLine($"| {result} | {(first ? command : "")} | `{c.Check.Metric}` {c.Check.Describe()} | {measured} | {(c.Passed ? "PASS" : "**FAIL**")} |");
                first = false;
            }
        }
        return s.ToString();
    }

    /// <summary>Writes the stamp and the table as a Markdown file of its own (atomically), creating its directory.</summary>
    public static void WriteSummaryFile(string path, string table, string stamp)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        string temp = path + ".tmp";
        File.WriteAllText(temp, "# Validation summary\n\n" + stamp + "\n\n" + table);
        File.Move(temp, path, overwrite: true);
    }

    /// <summary>Replaces the text between the markers of <paramref name="readmePath"/> (atomically); the markers must exist.</summary>
    public static void WriteSummary(string readmePath, string table, string stamp)
    {
        string text = File.Exists(readmePath) ? File.ReadAllText(readmePath) : throw new IOException($"{readmePath}: not found");
        int begin = text.IndexOf(BeginMarker, StringComparison.Ordinal), end = text.IndexOf(EndMarker, StringComparison.Ordinal);
        if (begin < 0 || end < begin) throw new IOException($"{readmePath}: the markers {BeginMarker} and {EndMarker} are missing");
        string updated = text[..(begin + BeginMarker.Length)] + "\n" + stamp + "\n\n" + table + text[end..];
        string temp = readmePath + ".tmp";
        File.WriteAllText(temp, updated);
        File.Move(temp, readmePath, overwrite: true);
    }
}
