using System.Globalization;
using System.Text;

namespace MeanField.Validation.Campaigns;

/// <summary>report.md of a campaign: what it reproduces, parameters, checks, all metrics, notes, tables, figures, provenance.</summary>
internal static class CampaignReport
{
    /// <summary>Tables longer than this are summarised in the report (all rows are in results.h5).</summary>
    public const int MaxTableRows = 60;

    public static string Markdown(CampaignOutcome o, IReadOnlyList<(FigureRequest Figure, string File)> figures)
    {
        string F(double x) => CampaignRunner.Format(x);
        var s = new StringBuilder();
        s.AppendLine($"# Validation campaign `{o.File.Name}`{(o.Quick ? " (quick)" : "")}");
        s.AppendLine();
        s.AppendLine($"**Reproduces:** {o.File.Reproduces}");
        s.AppendLine();
        s.AppendLine($"**Status:** {(o.Passed ? "PASS" : "FAIL")} ({o.Checks.Count(c => c.Passed)}/{o.Checks.Count} checks passed). Kind `{o.File.Kind}`, file `{o.File.Path}`.");
        s.AppendLine();
        s.AppendLine("## Checks");
        s.AppendLine();
        s.AppendLine("| metric | measured | std. error | expected | status |");
        s.AppendLine("|---|---|---|---|---|");
        foreach (var c in o.Checks)
            s.AppendLine($"| `{c.Check.Metric}` | {F(c.Measured)} | {F(c.StandardError)} | {c.Check.Describe()} | {(c.Passed ? "PASS" : "**FAIL**")} |");
        s.AppendLine();
        s.AppendLine("## Metrics");
        s.AppendLine();
        s.AppendLine("| metric | value | std. error | unit | description |");
        s.AppendLine("|---|---|---|---|---|");
        foreach (var m in o.Result.Metrics)
            s.AppendLine($"| `{m.Name}` | {F(m.Value)} | {F(m.StandardError)} | {m.Unit} | {m.Description} |");
        s.AppendLine();
        if (o.Result.Notes.Count > 0)
        {
            s.AppendLine("## What is measured");
            s.AppendLine();
            foreach (var n in o.Result.Notes) { s.AppendLine(n); s.AppendLine(); }
        }
        if (figures.Count > 0)
        {
            s.AppendLine("## Figures");
            s.AppendLine();
            foreach (var (fig, file) in figures)
            {
                s.AppendLine($"![{fig.Title}]({file})");
                s.AppendLine();
                if (fig.Caption.Length > 0) { s.AppendLine($"*{fig.Caption}*"); s.AppendLine(); }
            }
        }
        foreach (var t in o.Result.Tables)
        {
            s.AppendLine($"## Table `{t.Name}`");
            s.AppendLine();
            if (t.Description.Length > 0) { s.AppendLine(t.Description); s.AppendLine(); }
            s.AppendLine("| " + string.Join(" | ", t.Columns.Select(c => c.Name)) + " |");
            s.AppendLine("|" + string.Concat(Enumerable.Repeat("---|", t.Columns.Count)));
            int rows = Math.Min(t.RowCount, MaxTableRows);
            for (int r = 0; r < rows; r++)
                s.AppendLine("| " + string.Join(" | ", t.Columns.Select(c => c.Values[r].ToString("G8", CultureInfo.InvariantCulture))) + " |");
            if (t.RowCount > rows) s.AppendLine($"\n({t.RowCount - rows} more rows in results.h5, /tables/{t.Name})");
            s.AppendLine();
        }
        s.AppendLine("## Parameters");
        s.AppendLine();
        s.AppendLine("The campaign file, verbatim" + (o.Quick ? " (run with --quick: the `quick:` overrides replace the matching `parameters:` keys)" : "") + ":");
        s.AppendLine();
        s.AppendLine("```yaml");
        s.AppendLine(o.File.Text.TrimEnd());
        s.AppendLine("```");
        s.AppendLine();
        s.AppendLine("## Provenance");
        s.AppendLine();
        s.AppendLine($"- git commit: `{o.Provenance.GitCommit}` (meanfield {o.Provenance.SoftwareVersion})");
        s.AppendLine($"- date (UTC): {o.Provenance.CreatedUtc}");
        s.AppendLine($"- machine: {o.Provenance.Machine}");
        s.AppendLine($"- wall time: {o.WallSeconds.ToString("F1", CultureInfo.InvariantCulture)} s");
        s.AppendLine($"- command line: `{o.Provenance.CommandLine}`");
        s.AppendLine("- every number above, and every table row, is in `results.h5`.");
        return s.ToString();
    }
}
