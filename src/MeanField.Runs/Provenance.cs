using System.Reflection;

namespace MeanField.Runs;

/// <summary>What produced a file: software version and git commit (embedded at build time), time, command line.</summary>
public static class Provenance
{
    public const string FormatName = "MeanField";
    public const string FormatVersion = "1.0";

    public static string SoftwareVersion =>
        typeof(Provenance).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion?.Split('+')[0]
        ?? "unknown";

    public static string GitCommit
    {
        get
        {
            var commit = typeof(Provenance).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
                .FirstOrDefault(a => a.Key == "GitCommit")?.Value;
            return string.IsNullOrWhiteSpace(commit) ? "unknown" : commit.Trim();
        }
    }

    public static string CommandLine => string.Join(' ', Environment.GetCommandLineArgs());
}
