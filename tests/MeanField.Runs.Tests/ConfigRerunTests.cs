using MeanField.IO.Output;

namespace MeanField.Runs.Tests;

/// <summary>
/// The /config stored in a file is the record of what ran: running it again must give the same file, bit for bit, for
/// every shipped config (each shortened to one output interval so that the whole set takes seconds).
/// </summary>
public class ConfigRerunTests
{
    private static IEnumerable<TestCaseData> ShippedConfigs() =>
        Directory.GetFiles(Path.Combine(RunTestSupport.RepositoryRoot(), "configs"), "*.yaml").OrderBy(f => f)
            .Select(f => new TestCaseData(f).SetArgDisplayNames(Path.GetFileName(f)));

    // Provenance that legitimately differs between two runs of one config (run_id is drawn anew for every run). A both-run file carries the particle
    // stage's provenance as particle_<name> only where it differs from the PDE stage's (created_utc: when the two
    // stages start in different seconds), so those are skipped too.
    private static readonly string[] VaryingAttributes = ["created_utc", "command_line", "config_path", "run_id"];

    private static bool Varies(string attribute) => VaryingAttributes.Any(v => attribute == v || attribute == "particle_" + v);

    [TestCaseSource(nameof(ShippedConfigs))]
    public void Rerunning_the_stored_config_gives_bit_identical_datasets(string configFile)
    {
        string dir = RunTestSupport.TempDirectory();
        string first = Path.Combine(dir, "first"), second = Path.Combine(dir, "second");
        var config = IO.Config.ConfigLoader.LoadFile(configFile);
        // One output interval: short, and a whole number of steps wherever the config's own t_end is.
        string tEnd = Math.Min(config.Output.Interval, config.Solver.TEnd).ToString("R", System.Globalization.CultureInfo.InvariantCulture);
        var (code, _, err) = RunTestSupport.RunCli("run", configFile, "--out", first, "--quiet", "--set", $"solver.t_end={tEnd}");
        Assert.That(code, Is.EqualTo(0), err);

        var files = Directory.GetFiles(first, "*.h5", SearchOption.AllDirectories).Order().ToArray();
        Assert.That(files, Is.Not.Empty);
        string stored;
        using (var run = RunFile.Open(files[0])) stored = run.Config;
        string extracted = Path.Combine(dir, "stored.yaml");
        File.WriteAllText(extracted, stored);
        (code, _, err) = RunTestSupport.RunCli("run", extracted, "--out", second, "--quiet");
        Assert.That(code, Is.EqualTo(0), $"the stored /config does not run again: {err}\n{stored}");

        var again = Directory.GetFiles(second, "*.h5", SearchOption.AllDirectories).Order().ToArray();
        Assert.That(again.Select(f => Path.GetRelativePath(second, f)), Is.EqualTo(files.Select(f => Path.GetRelativePath(first, f))));
        for (int i = 0; i < files.Length; i++) AssertSameData(files[i], again[i], first, second);
    }

    private static void AssertSameData(string a, string b, string dirA, string dirB)
    {
        using var x = RunFile.Open(a);
        using var y = RunFile.Open(b);
        Assert.That(y.Config, Is.EqualTo(x.Config.Replace(dirA, dirB)), "the re-run stores the same config (but its directory)");
        foreach (var (name, value) in x.Attributes)
        {
            if (Varies(name)) continue;
            Assert.That(y.Attributes.TryGetValue(name, out var other), Is.True, $"{b}: attribute {name} is missing");
            Assert.That(other, Is.EqualTo(value is string s ? s.Replace(dirA, dirB) : value), $"{b}: attribute {name}");
        }
        var datasets = x.Datasets();
        Assert.That(y.Datasets().Select(d => d.Path), Is.EqualTo(datasets.Select(d => d.Path)), $"{b}: the same datasets");
        foreach (var d in datasets)
        {
            if (d.Path is "scales/wall_time" or "config") continue;
            string where = $"{Path.GetFileName(b)}: /{d.Path}";
            switch (d.Type)
            {
                case "float64":
                    Assert.That(y.Flat(d.Path).Select(BitConverter.DoubleToInt64Bits), Is.EqualTo(x.Flat(d.Path).Select(BitConverter.DoubleToInt64Bits)), where);
                    break;
                case "complex128":
                    Assert.That(y.ComplexFlat(d.Path), Is.EqualTo(x.ComplexFlat(d.Path)), where);
                    break;
                case "int32" or "int64" when d.Shape.Length == 1:
                    Assert.That(y.IntegerVector(d.Path), Is.EqualTo(x.IntegerVector(d.Path)), where);
                    break;
            }
        }
    }
}
