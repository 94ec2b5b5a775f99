using System.Numerics;
using System.Text.RegularExpressions;
using MeanField.Core;
using PureHDF;

namespace MeanField.Cli.Tests;

/// <summary>
/// docs/library.md's example, as a user would run it: the four libraries packed into a folder, the page's project file
/// and C# block in a temporary project outside the repository, restored offline (the packed folder and the local
/// NuGet cache as the only sources), built and run. Its file must hold the mode ρ̂_3 growing at the linear rate.
/// </summary>
[TestFixture, Category("Tool")]
public partial class LibraryExampleTests
{
    private static readonly string[] Libraries = ["Core", "Spectral", "Particles", "IO"];

    [GeneratedRegex(@"```(?<lang>xml|csharp)\n(?<code>.*?)```", RegexOptions.Singleline)]
    private static partial Regex CodeBlock();

    [Test]
    public void LibraryPageExampleBuildsAndRunsAgainstThePackages()
    {
        string root = RepositoryTestSupport.RepositoryRoot();
        string page = File.ReadAllText(Path.Combine(root, "docs", "library.md"));
        var blocks = CodeBlock().Matches(page).Select(m => (Lang: m.Groups["lang"].Value, Code: m.Groups["code"].Value)).ToList();
        string project = blocks.Single(b => b.Lang == "xml" && b.Code.Contains("<Project")).Code;
        string program = blocks.Single(b => b.Lang == "csharp").Code;
        string version = RepositoryTestSupport.ProjectVersion();
        Assert.That(Regex.Matches(project, @"Version=""([^""]+)""").Select(m => m.Groups[1].Value), Is.All.EqualTo(version),
            "docs/library.md must reference the version of Directory.Build.props");

        string work = RepositoryTestSupport.TempDirectory();
        string nupkg = Path.Combine(work, "nupkg"), app = Path.Combine(work, "example");
        string dotnet = RepositoryTestSupport.DotnetExecutable();
        try
        {
            foreach (var library in Libraries)
            {
                var pack = RepositoryTestSupport.Run(dotnet,
                    ["pack", $"src/MeanField.{library}/MeanField.{library}.csproj", "-c", RepositoryTestSupport.BuildConfiguration, "-o", nupkg, "-v", "q", "--nologo"],
                    root, TimeSpan.FromMinutes(3));
                Assert.That(pack.Code, Is.EqualTo(0), $"dotnet pack MeanField.{library} failed:\n{pack.Out}\n{pack.Err}");
                string package = Path.Combine(nupkg, $"MeanField.{library}.{version}.nupkg");
                using var zip = System.IO.Compression.ZipFile.OpenRead(package);
                Assert.That(zip.Entries.Select(e => e.FullName), Has.Member($"lib/net10.0/MeanField.{library}.xml"), $"{package} has no XML docs");
            }

            Directory.CreateDirectory(app);
            File.WriteAllText(Path.Combine(app, "example.csproj"), project);
            File.WriteAllText(Path.Combine(app, "Program.cs"), program);
            // The fresh packages and the machine's NuGet cache (a valid local feed) are the only sources: no registry, and
            // a packages folder of its own, so a stale extracted MeanField.* of the same version is never used.
            string cache = Environment.GetEnvironmentVariable("NUGET_PACKAGES")
                           ?? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages");
            File.WriteAllText(Path.Combine(app, "nuget.config"),
                $"""<?xml version="1.0" encoding="utf-8"?><configuration><packageSources><clear /><add key="meanfield" value="{nupkg}" /><add key="cache" value="{cache}" /></packageSources></configuration>""");
            var env = new Dictionary<string, string> { ["NUGET_PACKAGES"] = Path.Combine(work, "packages") };
            var run = RepositoryTestSupport.Run(dotnet, ["run", "-c", "Release"], app, TimeSpan.FromMinutes(3), env);
            Assert.That(run.Code, Is.EqualTo(0), $"the example failed:\n{run.Out}\n{run.Err}");
            Assert.That(run.Out, Does.Contain("|ρ̂_3(0.2)/ρ̂_3(0)|"));

            // The file, read independently: ρ̂_3(t) = ρ̂_3(0)·e^{λ_3 t} with λ_3 = 9 I_3(5)/5 (MATH §4.1) for a 1e-6 perturbation.
            using var file = H5File.OpenRead(Path.Combine(app, "out", "library-example", "circle.h5"));
            double[] time = file.Dataset("scales/sim_time").Read<double[]>();
            Assert.That(time, Is.EqualTo(Enumerable.Range(0, 11).Select(w => 0.02 * w)).Within(1e-12));
            var mode3 = file.Dataset("tasks/mode3").Read<ComplexRI[]>();
            double lambda3 = 9 * Bessel.I(3, 5.0) / 5;
            Assert.That(lambda3, Is.EqualTo(18.5961).Within(1e-4), "MATH §10 row 3");
            double start = 1e-6 / (2 * Math.PI);
            for (int w = 0; w < time.Length; w++)
            {
                double magnitude = new Complex(mode3[w].r, mode3[w].i).Magnitude;
                Assert.That(magnitude / (start * Math.Exp(lambda3 * time[w])), Is.EqualTo(1).Within(1e-4), $"t = {time[w]}");
            }
            double[] density = file.Dataset("tasks/density").Read<double[]>();
            Assert.That(density, Has.Length.EqualTo(11 * 256));
            Assert.That(density.Take(256).Average() * 2 * Math.PI, Is.EqualTo(1).Within(1e-12), "∫ρ dθ = 1 at t = 0");
        }
        finally
        {
            try { Directory.Delete(work, recursive: true); } catch (IOException) { }
        }
    }

    /// <summary>The compound {r, i} the writer uses for complex128 (PureHDF maps members by field name).</summary>
    [System.Runtime.InteropServices.StructLayout(System.Runtime.InteropServices.LayoutKind.Sequential)]
    private struct ComplexRI
    {
        public double r;
        public double i;
    }
}
