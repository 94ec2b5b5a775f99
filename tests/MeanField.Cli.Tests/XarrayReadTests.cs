using System.Globalization;
using System.Text.Json;
using MeanField.IO.Output;

namespace MeanField.Cli.Tests;

/// <summary>
/// A real netCDF-4 client reads run files: <c>xarray.open_dataset(path, engine="h5netcdf", group="tasks")</c> (no phony
/// dims needed: every task axis carries a dimension scale) on a circle, a sphere and a particle run written by the CLI.
/// The density (particles: angles) must have dims (sim_time, grid axes…) and coordinates whose values are those PureHDF
/// reads from /scales/sim_time and /grid, bit for bit.
/// </summary>
public class XarrayReadTests
{
    private const string Python = "/usr/bin/python3";

    private const string Script = """
        import json, sys, xarray
        out = {}
        for path, var in zip(sys.argv[1::2], sys.argv[2::2]):
            ds = xarray.open_dataset(path, engine="h5netcdf", group="tasks")
            v = ds[var]
            out[path] = {"dims": list(v.dims), "shape": list(v.shape),
                         "coords": {d: [repr(float(x)) for x in ds[d].values] for d in v.dims if d in ds.coords}}
            ds.close()
        print(json.dumps(out))
        """;

    [Test]
    public void XarrayOpensCircleSphereAndParticleRuns_WithCoordinates()
    {
        if (!OutputSetWriter.NativeAvailable) Assert.Ignore("libhdf5 (Debian libhdf5-103-1) is not installed: the managed writer attaches no dimension scales");
        if (!File.Exists(Python)) Assert.Ignore($"{Python} is absent (CI: apt-get install python3-xarray python3-h5netcdf)");
        string dir = RepositoryTestSupport.TempDirectory();
        try
        {
            var probe = RepositoryTestSupport.Run(Python, ["-c", "import xarray, h5netcdf"], dir, TimeSpan.FromSeconds(60));
            if (probe.Code != 0) Assert.Ignore($"{Python} lacks xarray or h5netcdf ({probe.Err.Trim().Split('\n').LastOrDefault()}); CI installs python3-xarray python3-h5netcdf");

            string root = RepositoryTestSupport.RepositoryRoot();
            var runs = new (string Config, string[] Set, string Variable, string[] GridAxes)[]
            {
                ("circle-metastable", ["solver.t_end=0.05"], "density", ["theta"]),
                ("sphere-metastable", ["solver.t_end=0.01", "solver.resolution=24"], "density", ["colatitude", "longitude"]),
                ("particles-circle-metastable", ["solver.t_end=0.03", "particles.count=100"], "angles", ["particle_index"]),
            };
            var files = new List<string>();
            foreach (var (config, set, _, _) in runs)
            {
                string output = Path.Combine(dir, config);
                var args = new List<string> { Path.Combine(TestContext.CurrentContext.TestDirectory, "meanfield.dll"), "run", Path.Combine(root, "configs", $"{config}.yaml"), "--out", output, "--quiet" };
                foreach (var s in set) { args.Add("--set"); args.Add(s); }
                var (code, _, err) = RepositoryTestSupport.Run(RepositoryTestSupport.DotnetExecutable(), args, dir, TimeSpan.FromSeconds(120));
                Assert.That(code, Is.EqualTo(0), $"{config}: {err}");
                files.Add(Path.Combine(output, $"{config}.h5"));
            }

            string script = Path.Combine(dir, "read.py");
            File.WriteAllText(script, Script);
            var pyArgs = new List<string> { script };
            for (int i = 0; i < runs.Length; i++) { pyArgs.Add(files[i]); pyArgs.Add(runs[i].Variable); }
            var (pyCode, pyOut, pyErr) = RepositoryTestSupport.Run(Python, pyArgs, dir, TimeSpan.FromSeconds(120));
            Assert.That(pyCode, Is.EqualTo(0), pyErr);
            using var json = JsonDocument.Parse(pyOut);

            for (int i = 0; i < runs.Length; i++)
            {
                var seen = json.RootElement.GetProperty(files[i]);
                string[] expectedDims = ["sim_time", .. runs[i].GridAxes];
                Assert.That(seen.GetProperty("dims").EnumerateArray().Select(e => e.GetString()), Is.EqualTo(expectedDims), runs[i].Config);
                using var run = RunFile.Open(files[i]);
                var coords = seen.GetProperty("coords");
                double[] Values(string name) => coords.GetProperty(name).EnumerateArray().Select(e => double.Parse(e.GetString()!, CultureInfo.InvariantCulture)).ToArray();
                Assert.That(Values("sim_time"), Is.EqualTo(run.Vector("scales/sim_time")), $"{runs[i].Config}: sim_time coordinate");
                foreach (var axis in runs[i].GridAxes)
                    Assert.That(Values(axis), Is.EqualTo(run.Vector($"grid/{axis}")), $"{runs[i].Config}: {axis} coordinate");
                Assert.That(seen.GetProperty("shape").EnumerateArray().Select(e => (ulong)e.GetInt64()),
                    Is.EqualTo(run.Datasets().Single(d => d.Path == $"tasks/{runs[i].Variable}").Shape), "the variable's shape");
            }
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }
}
