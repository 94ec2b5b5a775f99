using System.Reflection;
using MeanField.Core;
using MeanField.IO.Config;

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

    /// <summary>"true" when tracked files differed from the commit at build time, "false" when clean, "unknown" outside git.</summary>
    public static string GitDirty
    {
        get
        {
            var length = typeof(Provenance).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
                .FirstOrDefault(a => a.Key == "GitDirty")?.Value;
            return int.TryParse(length, out int n) ? (n > 0 ? "true" : "false") : "unknown";
        }
    }

    public static string CommandLine => string.Join(' ', Environment.GetCommandLineArgs());

    /// <summary>Root attributes every run file carries: provenance and the model. Each run kind adds its solver's own.</summary>
    public static Dictionary<string, object> RunAttributes(RunConfig c, string configPath) => new()
    {
        ["format"] = FormatName,
        ["format_version"] = FormatVersion,
        ["software_version"] = SoftwareVersion,
        ["git_commit"] = GitCommit,
        ["git_dirty"] = GitDirty,
        ["dotnet_runtime"] = System.Runtime.InteropServices.RuntimeInformation.FrameworkDescription,
        ["created_utc"] = DateTime.UtcNow.ToString("yyyy-MM-ddTHH:mm:ssZ"),
        ["command_line"] = CommandLine,
        ["config_path"] = configPath,
        ["name"] = c.Name,
        ["seed"] = c.Seed,   // uint64: every seed 0 … 2⁶⁴−1 is stored as given
        ["geometry"] = c.Geometry.Name(),
        ["dimension"] = c.Dimension,
        ["attention"] = c.Model.Attention == AttentionKind.SA ? "sa" : "usa",
        ["beta"] = c.Model.Beta,
        ["diffusion"] = c.Model.Diffusion,
        ["attention_scale"] = c.Model.AttentionScale,
    };
}
