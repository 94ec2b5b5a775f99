using System.Diagnostics;
using System.Globalization;
using MeanField.IO.Config;
using MeanField.IO.Output;

namespace MeanField.Validation.Campaigns;

/// <summary>The outcome of one check: the measured value (NaN when the metric was not produced) and PASS/FAIL.</summary>
public sealed record CheckOutcome(ExpectCheck Check, double Measured, double StandardError, bool Passed);

/// <summary>What a finished campaign reports back (for the exit code and the validation/README.md summary).</summary>
public sealed record CampaignOutcome(CampaignFile File, bool Quick, CampaignResult Result, IReadOnlyList<CheckOutcome> Checks,
    string OutputDirectory, double WallSeconds, CampaignProvenance Provenance)
{
    public bool Passed => Checks.All(c => c.Passed);
}

/// <summary>Where and when a campaign ran.</summary>
public sealed record CampaignProvenance(string GitCommit, string SoftwareVersion, string CreatedUtc, string Machine, string CommandLine);

/// <summary>
/// Runs one campaign file: the kind's <see cref="ICampaign.Run"/>, then the <c>expect:</c> checks, then report.md, the PNG
/// figures and results.h5, written into a temporary sibling directory that is renamed onto the output directory only when
/// complete (nothing half-written).
/// </summary>
public static class CampaignRunner
{
    public const string DefaultOutputRoot = "out/validation";

    public static CampaignOutcome Run(CampaignFile file, bool quick, string? outDirectory, TextWriter log)
    {
        var kind = CampaignKinds.Find(file.Kind)!;
        var parameters = file.Parameters(quick);
        var watch = Stopwatch.StartNew();
        log.WriteLine($"campaign {file.Name} ({file.Kind}{(quick ? ", quick" : "")}): {file.Reproduces}");
        var result = kind.Run(parameters, new CampaignContext(log, quick));
        double wall = watch.Elapsed.TotalSeconds;

        var checks = new List<CheckOutcome>();
        foreach (var check in file.Expect)
        {
            var metric = result.Metrics.FirstOrDefault(m => m.Name == check.Metric)
                ?? throw new ConfigException($"{check.Location}: expect: metric '{check.Metric}' is not produced by kind {file.Kind}; it produces: {string.Join(", ", result.Metrics.Select(m => m.Name))}");
            checks.Add(new CheckOutcome(check, metric.Value, metric.StandardError, check.Passes(metric.Value)));
        }
        var provenance = new CampaignProvenance(MeanField.Runs.Provenance.GitCommit, MeanField.Runs.Provenance.SoftwareVersion,
            DateTime.UtcNow.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture),
            $"{Environment.MachineName} ({Environment.OSVersion}, {Environment.ProcessorCount} cores, .NET {Environment.Version})",
            MeanField.Runs.Provenance.CommandLine);
        string final = Path.GetFullPath(outDirectory ?? Path.Combine(DefaultOutputRoot, file.Name));
        var outcome = new CampaignOutcome(file, quick, result, checks, final, wall, provenance);
        Publish(outcome);
        foreach (var c in checks)
            log.WriteLine($"  {(c.Passed ? "PASS" : "FAIL")}  {c.Check.Metric} = {Format(c.Measured)} (expected {c.Check.Describe()})");
        log.WriteLine($"  {(outcome.Passed ? "all checks passed" : "some checks FAILED")}; wall time {wall:F1} s; report: {Path.Combine(final, "report.md")}");
        return outcome;
    }

    public static string Format(double x) =>
        double.IsNaN(x) ? "n/a" : x.ToString(Math.Abs(x) >= 1e-3 && Math.Abs(x) < 1e5 || x == 0 ? "G6" : "E3", CultureInfo.InvariantCulture);

    private static void Publish(CampaignOutcome outcome)
    {
        string final = outcome.OutputDirectory;
        string parent = Path.GetDirectoryName(final)!;
        string temp = Path.Combine(parent, $".{Path.GetFileName(final)}.tmp-{Guid.NewGuid():N}");
        try
        {
            Directory.CreateDirectory(temp);
            var figures = CampaignFigures.Draw(outcome.Result.Figures, temp);
            CampaignHdf5.Write(Path.Combine(temp, "results.h5"), outcome);
            File.WriteAllText(Path.Combine(temp, "report.md"), CampaignReport.Markdown(outcome, figures));
            if (Directory.Exists(final))
            {
                // Replace only a previous campaign output (or an empty directory), never an unrelated directory.
                bool ours = File.Exists(Path.Combine(final, "results.h5")) || !Directory.EnumerateFileSystemEntries(final).Any();
                if (!ours) throw new OutputException(final, $"{final}: exists and is not a campaign output directory (no results.h5); choose another --out");
                Directory.Delete(final, recursive: true);
            }
            Directory.Move(temp, final);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            TryDelete(temp);
            throw new OutputException(final, $"{final}: cannot write the campaign output: {e.Message}", e);
        }
        catch
        {
            TryDelete(temp);
            throw;
        }
    }

    private static void TryDelete(string directory)
    {
        try { if (Directory.Exists(directory)) Directory.Delete(directory, recursive: true); }
        catch (IOException) { }
        catch (UnauthorizedAccessException) { }
    }
}
