using MeanField.Spectral.Fft;

namespace MeanField.Cli.Tests;

/// <summary>
/// The README's install path: `dotnet pack src/MeanField.Cli` gives a .NET tool package whose command is `meanfield`;
/// installed with --tool-path (offline: only the freshly packed folder as source), it prints its version and runs a config.
/// </summary>
[TestFixture, Category("Tool")]
public class ToolPackageTests
{
    [Test]
    public void PackedToolInstallsAndRunsAConfig()
    {
        string root = RepositoryTestSupport.RepositoryRoot();
        string work = RepositoryTestSupport.TempDirectory();
        string nupkg = Path.Combine(work, "nupkg"), tools = Path.Combine(work, "tools"), runOut = Path.Combine(work, "run");
        string dotnet = RepositoryTestSupport.DotnetExecutable();
        try
        {
            var pack = RepositoryTestSupport.Run(dotnet,
                ["pack", "src/MeanField.Cli/MeanField.Cli.csproj", "-c", RepositoryTestSupport.BuildConfiguration, "-o", nupkg, "-v", "q", "--nologo"],
                root, TimeSpan.FromMinutes(4));
            Assert.That(pack.Code, Is.EqualTo(0), $"dotnet pack failed:\n{pack.Out}\n{pack.Err}");
            string version = RepositoryTestSupport.ProjectVersion();
            Assert.That(File.Exists(Path.Combine(nupkg, $"MeanField.Cli.{version}.nupkg")), Is.True,
                $"no MeanField.Cli.{version}.nupkg in {nupkg}: {string.Join(", ", Directory.GetFiles(nupkg).Select(Path.GetFileName))}");

            // Only the packed folder as a source: the install must not need the registry.
            string nugetConfig = Path.Combine(work, "nuget.config");
            File.WriteAllText(nugetConfig,
                $"""<?xml version="1.0" encoding="utf-8"?><configuration><packageSources><clear /><add key="local" value="{nupkg}" /></packageSources></configuration>""");
            var install = RepositoryTestSupport.Run(dotnet,
                ["tool", "install", "--tool-path", tools, "--configfile", nugetConfig, "MeanField.Cli", "--version", version],
                work, TimeSpan.FromMinutes(2));
            Assert.That(install.Code, Is.EqualTo(0), $"dotnet tool install failed:\n{install.Out}\n{install.Err}");
            string meanfield = Path.Combine(tools, OperatingSystem.IsWindows() ? "meanfield.exe" : "meanfield");
            Assert.That(File.Exists(meanfield), Is.True, "the tool's command is not called meanfield");

            var shown = RepositoryTestSupport.Run(meanfield, ["--version"], work, TimeSpan.FromSeconds(30));
            Assert.That(shown.Code, Is.EqualTo(0), shown.Err);
            var lines = shown.Out.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
            Assert.That(lines[0], Is.EqualTo($"meanfield {version}"));
            string? head = RepositoryTestSupport.GitHead();
            if (head is not null) Assert.That(lines, Has.Member($"commit    {head}"));
            Assert.That(lines.Single(l => l.StartsWith("fft ")), Does.Contain(RealFftFactory.FftwAvailable ? "FFTW" : "managed"));
            Assert.That(lines.Single(l => l.StartsWith("hdf5 ")), Does.Contain("PureHDF"));

            // One small run through the installed command, from a folder outside the repository.
            var run = RepositoryTestSupport.Run(meanfield,
                ["run", Path.Combine(root, "configs", "circle-metastable.yaml"), "--set", "solver.t_end=0.05", "--out", runOut, "--quiet"],
                work, TimeSpan.FromSeconds(60));
            Assert.That(run.Code, Is.EqualTo(0), $"{run.Out}\n{run.Err}");
            string file = Path.Combine(runOut, "circle-metastable.h5");
            Assert.That(File.Exists(file), Is.True, $"no {file}");

            var info = RepositoryTestSupport.Run(meanfield, ["info", file], work, TimeSpan.FromSeconds(30));
            Assert.That(info.Code, Is.EqualTo(0), info.Err);
            Assert.That(info.Out, Does.Contain(version));
        }
        finally
        {
            try { Directory.Delete(work, recursive: true); } catch (IOException) { }
        }
    }
}
