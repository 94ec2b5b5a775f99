using System.Globalization;

namespace MeanField.Sweeps;

/// <summary>How to start the meanfield binary for a point: the executable and the arguments before `run CONFIG`.</summary>
public sealed record ChildCommand(string FileName, IReadOnlyList<string> PrefixArguments)
{
    public IReadOnlyList<string> RunArguments(string config) => [.. PrefixArguments, "run", config, "--quiet"];

    /// <summary>The meanfield binary of an assembly path (meanfield.dll): its apphost beside it, else `dotnet meanfield.dll`.</summary>
    public static ChildCommand ForAssembly(string dll)
    {
        string apphost = Path.Combine(Path.GetDirectoryName(dll)!, OperatingSystem.IsWindows() ? "meanfield.exe" : "meanfield");
        if (File.Exists(apphost)) return new ChildCommand(apphost, []);
        string dotnet = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host ? host : "dotnet";
        return new ChildCommand(dotnet, [dll]);
    }
}

/// <summary>
/// The files a finished point leaves next to its config, written the same way by both executors: stdout.log,
/// stderr.log, wall_time_s, then exit_code (last, so its presence means the point ended).
/// </summary>
internal static class PointFiles
{
    public const string ExitCode = "exit_code", WallTime = "wall_time_s", Stdout = "stdout.log", Stderr = "stderr.log";

    public static void WriteEnd(string directory, int exitCode, double wallTime)
    {
        File.WriteAllText(Path.Combine(directory, WallTime), wallTime.ToString("R", CultureInfo.InvariantCulture) + "\n");
        File.WriteAllText(Path.Combine(directory, ExitCode), exitCode.ToString(CultureInfo.InvariantCulture) + "\n");
    }

    /// <summary>Remove what an earlier attempt left (end files, logs, run files), keeping config.yaml.</summary>
    public static void Clear(string directory)
    {
        if (!Directory.Exists(directory)) return;
        foreach (var f in Directory.GetFiles(directory))
            if (Path.GetFileName(f) != "config.yaml") File.Delete(f);
    }

    public static int? ReadExitCode(string directory)
    {
        string path = Path.Combine(directory, ExitCode);
        return File.Exists(path) && int.TryParse(File.ReadAllText(path).Trim(), NumberStyles.Integer, CultureInfo.InvariantCulture, out int c) ? c : null;
    }

    public static double ReadWallTime(string directory)
    {
        string path = Path.Combine(directory, WallTime);
        return File.Exists(path) && double.TryParse(File.ReadAllText(path).Trim(), NumberStyles.Float, CultureInfo.InvariantCulture, out double w) ? w : double.NaN;
    }

    public static string LastStderrLine(string directory)
    {
        string path = Path.Combine(directory, Stderr);
        if (!File.Exists(path)) return "";
        return File.ReadAllLines(path).LastOrDefault(l => !string.IsNullOrWhiteSpace(l))?.Trim() ?? "";
    }
}
