using System.Diagnostics;
using MeanField.Cli;
using MeanField.IO.Config;
using MeanField.IO.Output;
using PureHDF;

namespace MeanField.Sweeps.Tests;

[TestFixture]
[NonParallelizable]
public class SweepTests
{
    private string _root = "";
    private string _sweepPath = "";
    private SweepResult _full = null!;
    private string _fullCsv = "";

    private const string Base = """
        name: tiny
        geometry: circle
        dimension: 2
        model: {attention: usa, beta: 1.0}
        initial: {kind: uniform}
        solver: {kind: particles, t_end: 0.05}
        particles: {count: 8, integrator: rk4, dt: 0.01, interaction: dense, threads: 1}
        output: {interval: 0.01, positions: false}
        seed: 7
        """;

    private static string Sweep(string dir, string name, string grid = "  model.beta: [1.0, 3.0]\n  particles.count: [8, 12]\n",
        string seeds = "seeds: [1, 2]\n", string baseName = "base.yaml") =>
        $"name: {name}\nbase: {baseName}\ngrid:\n{grid}{seeds}summary: [energy, cluster_count]\noutput: {{directory: {Path.Combine(dir, "out", name)}}}\n" +
        "slurm: {time: \"00:05:00\", cpus_per_task: 1, max_parallel: 2}\n";

    private static ChildCommand Child => ChildCommand.ForAssembly(typeof(MeanFieldCommand).Assembly.Location);

    [OneTimeSetUp]
    public void SetUp()
    {
        _root = Path.Combine(Path.GetTempPath(), "mf-sweep-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(_root);
        File.WriteAllText(Path.Combine(_root, "base.yaml"), Base);
        _sweepPath = Path.Combine(_root, "grid.yaml");
        File.WriteAllText(_sweepPath, Sweep(_root, "grid"));
        var plan = SweepPlan.Create(SweepFile.Load(_sweepPath));
        _full = SweepRunner.Run(plan, new SweepOptions { Child = Child, Jobs = 2 });
        _fullCsv = File.ReadAllText(SweepTable.CsvPath(plan));
    }

    [OneTimeTearDown]
    public void TearDown()
    {
        try { Directory.Delete(_root, recursive: true); } catch (IOException) { }
    }

    // The CSV without its wall_time_s column (the only column that may differ between two runs of one sweep).
    private static string WithoutWallTime(string csv)
    {
        var lines = csv.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        int column = Array.IndexOf(lines[0].Split(','), "wall_time_s");
        return string.Join("\n", lines.Select(l => string.Join(",", l.Split(',').Where((_, i) => i != column))));
    }

    [Test]
    public void GridSweepGivesOneRowPerPointEqualToTheSameRunAlone()
    {
        Assert.That(_full.Started, Is.EqualTo(8));
        Assert.That(_full.Rows, Has.Count.EqualTo(8));
        Assert.That(_full.Rows.Select(r => r.Status), Is.All.EqualTo("completed"));
        var plan = SweepPlan.Create(SweepFile.Load(_sweepPath));
        // Point order: beta slowest, then count, seeds innermost.
        Assert.That(plan.Points.Select(p => $"{p.Values[0].Text}/{p.Values[1].Text}/{p.Seed}"),
            Is.EqualTo(new[] { "1.0/8/1", "1.0/8/2", "1.0/12/1", "1.0/12/2", "3.0/8/1", "3.0/8/2", "3.0/12/1", "3.0/12/2" }));
        for (int i = 0; i < 8; i++)
        {
            var p = plan.Points[i];
            // The same point run alone: the base with the swept keys and seed given to `meanfield run` as --set options.
            string alone = Path.Combine(_root, "alone", p.Id);
            var set = new List<string> { "run", Path.Combine(_root, "base.yaml"), "--quiet", "--out", alone,
                "--set", $"model.beta={p.Values[0].Text}", "--set", $"particles.count={p.Values[1].Text}", "--set", $"seed={p.Seed}" };
            Assert.That(MeanFieldCommand.Run(set.ToArray(), TextWriter.Null, TextWriter.Null), Is.EqualTo(0));
            using var run = RunFile.Open(Path.Combine(alone, "tiny.h5"));
            var energy = run.Vector("tasks/energy");
            var clusters = run.Vector("tasks/cluster_count");
            Assert.That(BitConverter.DoubleToInt64Bits(_full.Rows[i].Summary[0]), Is.EqualTo(BitConverter.DoubleToInt64Bits(energy[^1])), $"point {p.Id} energy");
            Assert.That(_full.Rows[i].Summary[1], Is.EqualTo(clusters[^1]), $"point {p.Id} cluster_count");
            Assert.That(_full.Rows[i].Series[0], Is.EqualTo(energy), $"point {p.Id} energy series");
        }
        // Distinct seeds give distinct samples (the seed override reaches the run).
        Assert.That(_full.Rows[0].Summary[0], Is.Not.EqualTo(_full.Rows[1].Summary[0]));
    }

    [Test]
    public void SweepH5HoldsTheTableSeriesAndProvenance()
    {
        var plan = SweepPlan.Create(SweepFile.Load(_sweepPath));
        using var file = H5File.OpenRead(SweepTable.H5Path(plan));
        Assert.That(file.Dataset("table/model.beta").Read<double[]>(), Is.EqualTo(new[] { 1.0, 1, 1, 1, 3, 3, 3, 3 }));
        Assert.That(file.Dataset("table/particles.count").Read<double[]>(), Is.EqualTo(new[] { 8.0, 8, 12, 12, 8, 8, 12, 12 }));
        Assert.That(file.Dataset("table/seed").Read<ulong[]>(), Is.EqualTo(new ulong[] { 1, 2, 1, 2, 1, 2, 1, 2 }));
        var series = file.Dataset("series/energy");
        Assert.That(series.Space.Dimensions, Is.EqualTo(new ulong[] { 8, 6 }));   // writes at t = 0, 0.01, …, 0.05
        Assert.That(file.Dataset("sweep_file").Read<string>(), Is.EqualTo(File.ReadAllText(_sweepPath)));
        Assert.That(file.Attribute("executor").Read<string>(), Is.EqualTo("local"));
        // --gather again is idempotent: the same table.
        Assert.That(MeanFieldCommand.Run(["sweep", _sweepPath, "--gather"], TextWriter.Null, TextWriter.Null), Is.EqualTo(0));
        Assert.That(File.ReadAllText(SweepTable.CsvPath(plan)), Is.EqualTo(_fullCsv));
    }

    [Test]
    public void KilledSweepResumesOnlyTheMissingPointsAndGivesTheSameTable()
    {
        string path = Path.Combine(_root, "killed.yaml");
        File.WriteAllText(path, Sweep(_root, "killed"));
        var plan = SweepPlan.Create(SweepFile.Load(path));
        using var cancel = new CancellationTokenSource();
        int finished = 0;
        var first = SweepRunner.Run(plan, new SweepOptions
        {
            Child = Child, Jobs = 1, Cancellation = cancel.Token,
            PointFinished = (_, _) => { if (Interlocked.Increment(ref finished) == 3) cancel.Cancel(); },
        });
        int completed = first.Rows.Count(r => r.Status == "completed");
        Assert.That(completed, Is.EqualTo(3));
        Assert.That(first.Rows.Count(r => r.Status == "missing"), Is.EqualTo(5));
        var resumed = SweepRunner.Run(plan, new SweepOptions { Child = Child, Jobs = 2, Resume = true });
        Assert.That(resumed.Started, Is.EqualTo(8 - completed), "--resume runs only the points that did not complete");
        Assert.That(WithoutWallTime(File.ReadAllText(SweepTable.CsvPath(plan))), Is.EqualTo(WithoutWallTime(_fullCsv)));
        // Nothing left to do: a second resume starts nothing.
        Assert.That(SweepRunner.Run(plan, new SweepOptions { Child = Child, Resume = true }).Started, Is.EqualTo(0));
    }

    [Test]
    public void InvalidPointFailsTheWholeSweepBeforeAnythingRunsNamingTheSweepLine()
    {
        string path = Path.Combine(_root, "invalid.yaml");
        File.WriteAllText(path, Sweep(_root, "invalid", grid: "  particles.count: [8, 12]\n  model.beta: [1.0,\n    -2.0]\n"));
        var error = new StringWriter();
        int code = MeanFieldCommand.Run(["sweep", path], TextWriter.Null, error);
        Assert.That(code, Is.EqualTo(2));
        // -2.0 is on line 6 of the sweep file.
        Assert.That(error.ToString(), Does.Contain($"{path}:6:"));
        Assert.That(error.ToString(), Does.Contain("model.beta"));
        Assert.That(Directory.Exists(Path.Combine(_root, "out", "invalid")), Is.False, "nothing was written or run");
        // An unknown key is an error naming file:line too.
        File.WriteAllText(path, Sweep(_root, "invalid") + "sedes: [1]\n");
        error = new StringWriter();
        Assert.That(MeanFieldCommand.Run(["sweep", path], TextWriter.Null, error), Is.EqualTo(2));
        Assert.That(error.ToString(), Does.Contain($"{path}:10:").And.Contain("unknown key 'sedes'"));
    }

    [Test]
    public void PointFailingAtRunTimeIsARowWithItsStatus()
    {
        // Positions of norm 2 are refused when the run reads them, not when the config is loaded.
        string good = Path.Combine(_root, "good.h5"), bad = Path.Combine(_root, "bad.h5");
        new H5File { ["positions"] = new double[,] { { 1, 0 }, { 0, 1 }, { -1, 0 }, { 0, -1 } } }.Write(good);
        new H5File { ["positions"] = new double[,] { { 2, 0 }, { 0, 2 }, { -2, 0 }, { 0, -2 } } }.Write(bad);
        File.WriteAllText(Path.Combine(_root, "fromfile.yaml"), Base.Replace("initial: {kind: uniform}", $"initial: {{kind: from_file, file: {good}, dataset: positions}}")
            .Replace("count: 8, ", ""));
        string path = Path.Combine(_root, "failing.yaml");
        File.WriteAllText(path, Sweep(_root, "failing", grid: $"  initial.file: ['{good}', '{bad}']\n", seeds: "", baseName: "fromfile.yaml"));
        var output = new StringWriter();
        Assert.That(MeanFieldCommand.Run(["sweep", path, "--jobs", "2"], output, TextWriter.Null), Is.EqualTo(0), output.ToString());
        var lines = File.ReadAllLines(Path.Combine(_root, "out", "failing", "sweep.csv"));
        Assert.That(lines, Has.Length.EqualTo(3));
        Assert.That(lines[1], Does.Contain(",completed,0,"));
        Assert.That(lines[2], Does.Contain("failed: config error:").And.Contain("norm 2"));
        Assert.That(lines[2], Does.Contain(",2,"));
    }

    [Test]
    public void SameSweepThroughSlurmGivesTheSameTable()
    {
        if (!OnPath("sbatch")) Assert.Ignore("sbatch is not installed (Slurm tests need slurm-client and a running cluster: tools/slurm-local.sh start)");
        // tools/slurm-local.sh's cluster, when SLURM_CONF does not name another.
        if (Environment.GetEnvironmentVariable("SLURM_CONF") is null && File.Exists("/tmp/meanfield-slurm/slurm.conf"))
            Environment.SetEnvironmentVariable("SLURM_CONF", "/tmp/meanfield-slurm/slurm.conf");
        string path = Path.Combine(_root, "slurm.yaml");
        File.WriteAllText(path, Sweep(_root, "slurm"));
        var plan = SweepPlan.Create(SweepFile.Load(path));
        var output = new StringWriter();
        var result = SweepRunner.Run(plan, new SweepOptions { Child = Child, Executor = SweepExecutor.Slurm, Output = output });
        Assert.That(result.Rows.Select(r => r.Status), Is.All.EqualTo("completed"), output.ToString());
        Assert.That(WithoutWallTime(File.ReadAllText(SweepTable.CsvPath(plan))), Is.EqualTo(WithoutWallTime(_fullCsv)));
        // Byte-identical point configs apart from their own output directory.
        var fullPlan = SweepPlan.Create(SweepFile.Load(_sweepPath));
        for (int i = 0; i < 8; i++)
            Assert.That(File.ReadAllText(plan.PointConfig(plan.Points[i])).Replace("/out/slurm/", "/out/grid/"),
                Is.EqualTo(File.ReadAllText(fullPlan.PointConfig(fullPlan.Points[i]))));
        Assert.That(File.ReadAllText(SlurmExecutor.ScriptPath(plan)), Does.Contain("#SBATCH --array=0-7%2"));
    }

    [Test]
    public void PlotDrawsEachSummaryOfAGatheredSweepAndRefusesBadInput()
    {
        // Two swept keys (the fixture's 2 × 2 grid × 2 seeds): a heat map per summary task.
        var plan = SweepPlan.Create(SweepFile.Load(_sweepPath));
        string figures = Path.Combine(_root, "figures");
        var output = new StringWriter();
        Assert.That(MeanFieldCommand.Run(["plot", SweepTable.H5Path(plan), "--out", figures], output, TextWriter.Null), Is.EqualTo(0));
        AssertPng(Path.Combine(figures, "grid_energy.png"));
        AssertPng(Path.Combine(figures, "grid_cluster_count.png"));

        // One swept key: a line per seed with the mean ± SE.
        string linePath = Path.Combine(_root, "line.yaml");
        File.WriteAllText(linePath, Sweep(_root, "line", grid: "  model.beta: [1.0, 3.0]\n"));
        var linePlan = SweepPlan.Create(SweepFile.Load(linePath));
        SweepRunner.Run(linePlan, new SweepOptions { Child = Child, Jobs = 2 });
        Assert.That(MeanFieldCommand.Run(["plot", SweepTable.H5Path(linePlan), "--out", figures], TextWriter.Null, TextWriter.Null), Is.EqualTo(0));
        AssertPng(Path.Combine(figures, "line_energy.png"));

        // Bad input: not an HDF5 file is exit 2 (docs: plot's exit codes), and nothing is drawn.
        string bad = Path.Combine(_root, "not-a-sweep.h5");
        File.WriteAllText(bad, "plain text");
        var error = new StringWriter();
        Assert.That(MeanFieldCommand.Run(["plot", bad, "--out", Path.Combine(_root, "bad-figures")], TextWriter.Null, error), Is.EqualTo(2));
        Assert.That(error.ToString(), Does.Contain("not-a-sweep.h5"));
        Assert.That(Directory.Exists(Path.Combine(_root, "bad-figures")) && Directory.EnumerateFiles(Path.Combine(_root, "bad-figures")).Any(), Is.False);
    }

    private static void AssertPng(string path)
    {
        Assert.That(File.Exists(path), path);
        var head = File.ReadAllBytes(path).Take(8).ToArray();
        Assert.That(head, Is.EqualTo(new byte[] { 0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A }), $"{path} is a PNG");
        Assert.That(new FileInfo(path).Length, Is.GreaterThan(5000), $"{path} has content");
    }

    [Test]
    public void ABaseWithoutANameRunsUnderItsFileNameInEveryPoint()
    {
        // Found with `meanfield plot`: such points ran as config.h5 while the gather looked for the base's name.
        string dir = Path.Combine(_root, "unnamed");
        Directory.CreateDirectory(dir);
        File.WriteAllText(Path.Combine(dir, "anon.yaml"), string.Join("\n", Base.Split('\n').Where(l => !l.StartsWith("name:", StringComparison.Ordinal))));
        string sweep = Path.Combine(dir, "s.yaml");
        File.WriteAllText(sweep, Sweep(dir, "unnamed", grid: "  model.beta: [1.0]\n", seeds: "seeds: [1]\n", baseName: "anon.yaml"));
        var plan = SweepPlan.Create(SweepFile.Load(sweep));
        var rows = SweepRunner.Run(plan, new SweepOptions { Child = Child, Jobs = 1 }).Rows;
        Assert.That(rows.Single().Status, Is.EqualTo("completed"));
        Assert.That(File.Exists(Path.Combine(plan.PointDirectory(plan.Points[0]), "anon.h5")));
    }

    [Test]
    public void DryRunPrintsThePointsAndRunsNothing()
    {
        string path = Path.Combine(_root, "dry.yaml");
        File.WriteAllText(path, Sweep(_root, "dry", seeds: "replicas_of_seed: {seed: 5, count: 3}\n"));
        var output = new StringWriter();
        Assert.That(MeanFieldCommand.Run(["sweep", path, "--dry-run"], output, TextWriter.Null), Is.EqualTo(0));
        Assert.That(output.ToString(), Does.Contain("12 points"));
        Assert.That(output.ToString(), Does.Contain(SweepFile.DerivedSeed(5, 2).ToString()));
        Assert.That(Directory.Exists(Path.Combine(_root, "out", "dry", "points")), Is.False);
    }

    private static bool OnPath(string tool) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':').Any(d => File.Exists(Path.Combine(d, tool)));
}
