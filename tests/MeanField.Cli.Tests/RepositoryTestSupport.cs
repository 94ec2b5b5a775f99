using System.Diagnostics;
using System.Runtime.InteropServices;

namespace MeanField.Cli.Tests;

/// <summary>The repository root, temporary folders, and child processes with captured output and a time limit.</summary>
internal static class RepositoryTestSupport
{
    public static string RepositoryRoot()
    {
        var dir = new DirectoryInfo(TestContext.CurrentContext.TestDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "MeanField.sln"))) dir = dir.Parent;
        return dir?.FullName ?? throw new InvalidOperationException("MeanField.sln not found above the test directory");
    }

    public static string TempDirectory()
    {
        string dir = Path.Combine(Path.GetTempPath(), "meanfield-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dir);
        return dir;
    }

    /// <summary>The configuration this test assembly was built in, so child builds reuse its outputs.</summary>
    public static string BuildConfiguration =>
#if DEBUG
        "Debug";
#else
        "Release";
#endif

    /// <summary>The SDK's root folder (above shared/Microsoft.NETCore.App/x.y.z), for DOTNET_ROOT of an installed tool.</summary>
    public static string DotnetRoot()
    {
        string? fromEnv = Environment.GetEnvironmentVariable("DOTNET_ROOT");
        if (!string.IsNullOrEmpty(fromEnv)) return fromEnv;
        var runtime = new DirectoryInfo(RuntimeEnvironment.GetRuntimeDirectory().TrimEnd(Path.DirectorySeparatorChar));
        return runtime.Parent!.Parent!.Parent!.FullName;
    }

    public static (int Code, string Out, string Err) Run(string fileName, IEnumerable<string> args, string workingDirectory,
        TimeSpan limit, IReadOnlyDictionary<string, string>? environment = null)
    {
        var info = new ProcessStartInfo(fileName)
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var a in args) info.ArgumentList.Add(a);
        info.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        info.Environment["DOTNET_NOLOGO"] = "1";
        info.Environment["DOTNET_ROOT"] = DotnetRoot();
        if (environment is not null)
            foreach (var (k, v) in environment) info.Environment[k] = v;
        using var process = Process.Start(info) ?? throw new InvalidOperationException($"could not start {fileName}");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(limit))
        {
            process.Kill(entireProcessTree: true);
            Assert.Fail($"{fileName} {string.Join(' ', args)} did not finish within {limit.TotalSeconds} s\n{stdout.Result}\n{stderr.Result}");
        }
        process.WaitForExit();
        return (process.ExitCode, stdout.Result, stderr.Result);
    }

    /// <summary>Finds the `dotnet` host that runs this test (the SDK on PATH otherwise).</summary>
    public static string DotnetExecutable()
    {
        string candidate = Path.Combine(DotnetRoot(), "dotnet");
        return File.Exists(candidate) ? candidate : "dotnet";
    }

    /// <summary>The Version property of Directory.Build.props: the one place the version is set.</summary>
    public static string ProjectVersion()
    {
        var props = System.Xml.Linq.XDocument.Load(Path.Combine(RepositoryRoot(), "Directory.Build.props"));
        return props.Descendants("Version").Single().Value.Trim();
    }

    /// <summary>`git rev-parse HEAD` of the checkout, or null without git.</summary>
    public static string? GitHead()
    {
        try
        {
            var (code, output, _) = Run("git", ["rev-parse", "HEAD"], RepositoryRoot(), TimeSpan.FromSeconds(20));
            return code == 0 ? output.Trim() : null;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return null;
        }
    }
}
