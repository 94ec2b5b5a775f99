using MeanField.IO.Config;
using MeanField.IO.Output;
using static MeanField.Runs.Tests.RunTestSupport;

namespace MeanField.Runs.Tests;

/// <summary>
/// One run per output directory (docs/output-format.md, "One run per directory"): the lock file refuses a second run and
/// names its holder, a stale lock is taken over with a warning, a fresh run deletes the files of an earlier run of the same
/// name and nothing else, and --resume refuses files from more than one run.
/// </summary>
public class OutputDirectoryTests
{
    private const string Config = """
        name: lockrun
        geometry: circle
        model: {attention: usa, beta: 3.0, diffusion: 0.02}
        initial: {kind: perturbed_uniform, amplitude: 1.0e-2, modes: 8}
        solver: {resolution: 64, t_end: 0.3}
        output: {interval: 0.02}
        seed: 11
        """;

    private string _dir = null!;

    [SetUp]
    public void SetUp() => _dir = TempDirectory();

    [TearDown]
    public void TearDown() { if (Directory.Exists(_dir)) Directory.Delete(_dir, recursive: true); }

    private RunConfig Load(params string[] overrides) =>
        ConfigLoader.LoadText(Config, "lockrun.yaml", "lockrun", [.. overrides, $"output.directory={_dir}"]);

    private static (RunResult? Result, string Error, ConfigException? Refused) Launch(RunConfig config, bool resume = false)
    {
        var error = new StringWriter();
        try
        {
            var result = RunLauncher.Execute(config, new RunOptions { Output = TextWriter.Null, Error = error, Resume = resume, ConfigPath = "lockrun.yaml" });
            return (result, error.ToString(), null);
        }
        catch (ConfigException e) { return (null, error.ToString(), e); }
    }

    private string LockPath => Path.Combine(_dir, OutputDirectoryLock.FileName);

    private static (string Status, string RunId, long Seed, int Writes) Describe(string file)
    {
        using var run = RunFile.Open(file);
        return (run.Attribute("run_status"), run.Attribute("run_id"), Convert.ToInt64(run.Attributes["seed"]), run.Vector("scales/sim_time").Length);
    }

    [Test]
    public void LiveHolder_IsNamed_AndTheRunIsRefused_WithoutTouchingTheDirectory()
    {
        Assert.That(Launch(Load()).Result!.ExitCode, Is.EqualTo(0));
        string file = Path.Combine(_dir, "lockrun.h5");
        var before = File.ReadAllBytes(file);
        Assert.That(File.Exists(LockPath), Is.False, "the lock is released when the run ends");

        // This test process is alive: a lock it holds is live.
        using (OutputDirectoryLock.Acquire(_dir, "holder", "1111-run", _ => Assert.Fail("no warning for a fresh lock")))
        {
            var (result, _, refused) = Launch(Load("seed=12"));
            Assert.That(result, Is.Null);
            Assert.That(refused!.Message, Does.Contain($"pid {Environment.ProcessId} on host {Environment.MachineName}")
                .And.Contain("run_id 1111-run").And.Contain("in use"));
            Assert.That(File.ReadAllBytes(file), Is.EqualTo(before), "a refused run deletes nothing");

            var cli = RunCli("run", WriteConfig(), "--out", _dir);
            Assert.That(cli.Code, Is.EqualTo(2), "the CLI exits 2 (config error) naming the holder");
            Assert.That(cli.Err, Does.Contain($"pid {Environment.ProcessId}"));
        }
        Assert.That(File.Exists(LockPath), Is.False, "released by its holder");
    }

    private string WriteConfig()
    {
        string path = Path.Combine(Path.GetDirectoryName(_dir)!, $"{Path.GetFileName(_dir)}-lockrun.yaml");
        File.WriteAllText(path, Config);
        return path;
    }

    [Test]
    public void StaleLock_OfADeadProcess_IsTakenOverWithAWarning_ButNotAnotherHostsLock()
    {
        // A PID that was alive and is no longer: a process that has exited and been reaped.
        using var gone = System.Diagnostics.Process.Start("true")!;
        gone.WaitForExit();
        File.WriteAllText(LockPath, $"pid: {gone.Id}\nhost: {Environment.MachineName}\nstarted_utc: 2026-01-01T00:00:00Z\nrun_id: dead-run\nname: lockrun\nprocess_start: 1\nend\n");
        var (result, error, _) = Launch(Load());
        Assert.That(result!.ExitCode, Is.EqualTo(0), error);
        Assert.That(error, Does.Contain("took over the stale lock").And.Contain($"pid {gone.Id}"));
        Assert.That(File.Exists(LockPath), Is.False);

        File.WriteAllText(LockPath, $"pid: {gone.Id}\nhost: some-other-host\nstarted_utc: 2026-01-01T00:00:00Z\nrun_id: remote-run\nname: lockrun\nprocess_start: 1\nend\n");
        var remote = Launch(Load());
        Assert.That(remote.Refused!.Message, Does.Contain("host some-other-host").And.Contain("delete the lock file"));
        Assert.That(File.Exists(LockPath), "another host's lock is left alone");
    }

    [Test]
    public void LockIsReleased_WhenTheRunStopsOrFails()
    {
        // A resume with a changed key is refused inside the locked section; a cancelled run ends with exit 130.
        Assert.That(Launch(Load("solver.t_end=0.02")).Result!.ExitCode, Is.EqualTo(0));
        var refused = Launch(Load("solver.resolution=128"), resume: true);
        Assert.That(refused.Refused, Is.Not.Null, "--resume with a changed resolution is refused");
        Assert.That(File.Exists(LockPath), Is.False, "released after a refusal inside the locked section");
        using var cancel = new CancellationTokenSource();
        cancel.Cancel();
        var interrupted = RunLauncher.Execute(Load(), new RunOptions { Output = TextWriter.Null, Error = TextWriter.Null, Cancellation = cancel.Token });
        Assert.That(interrupted.ExitCode, Is.EqualTo(ExitCodes.Interrupted));
        Assert.That(File.Exists(LockPath), Is.False, "released after an interrupt");
    }

    [Test]
    public void FreshRun_DeletesEverySetOfAnEarlierRun_AndNothingElse()
    {
        Assert.That(Launch(Load("output.max_writes=3", "seed=1")).Result!.ExitCode, Is.EqualTo(0));   // 16 writes: sets s1..s6
        Assert.That(Directory.GetFiles(_dir, "lockrun_s*.h5"), Has.Length.EqualTo(6));
        string[] bystanders = ["other.h5", "lockrun-notes.txt", "lockrun_s7.h5.bak", "lockrun2.h5", "lockrun_sx.h5"];
        foreach (var b in bystanders) File.WriteAllText(Path.Combine(_dir, b), "not a run file of lockrun");
        Directory.CreateDirectory(Path.Combine(_dir, "paths"));
        File.WriteAllText(Path.Combine(_dir, "paths", "lockrun_p0003.h5"), "an earlier ensemble's path");
        File.WriteAllText(Path.Combine(_dir, "lockrun_s9.h5.tmp"), "a managed writer's leftover");

        var (result, error, _) = Launch(Load("output.max_writes=3", "seed=2", "solver.t_end=0.1"));   // 6 writes: s1, s2
        Assert.That(result!.ExitCode, Is.EqualTo(0));
        Assert.That(error, Does.Contain("note: deleted 8 file(s) of an earlier run 'lockrun'"));
        var left = Directory.GetFiles(_dir).Select(Path.GetFileName).Order(StringComparer.Ordinal).ToArray();
        Assert.That(left, Is.EqualTo(new[] { "lockrun-notes.txt", "lockrun2.h5", "lockrun_s1.h5", "lockrun_s2.h5", "lockrun_s7.h5.bak", "lockrun_sx.h5", "other.h5" }));
        Assert.That(Directory.GetFiles(Path.Combine(_dir, "paths")), Is.Empty);
        var sets = new[] { "lockrun_s1.h5", "lockrun_s2.h5" }.Select(f => Describe(Path.Combine(_dir, f))).ToArray();
        Assert.That(sets.Select(s => s.Seed), Is.All.EqualTo(2));
        Assert.That(sets.Select(s => s.RunId).Distinct().Count(), Is.EqualTo(1));
        Assert.That(sets.Sum(s => s.Writes), Is.EqualTo(6));
    }

    [Test]
    public void Resume_RefusesSetsOfMoreThanOneRun_NamingThem_AndKeepsTheRunIdOtherwise()
    {
        string other = Path.Combine(_dir, "other-run");
        var first = Load("output.max_writes=3", "solver.t_end=0.2");               // 11 writes: s1..s4, s4 partial
        var second = first with { Output = first.Output with { Directory = other } };
        Assert.That(Launch(first).Result!.ExitCode, Is.EqualTo(0));
        Assert.That(Launch(second).Result!.ExitCode, Is.EqualTo(0));
        string runId = Describe(Path.Combine(_dir, "lockrun_s1.h5")).RunId;

        // Resuming a clean directory keeps its run_id in the sets it adds.
        var longer = Load("output.max_writes=3", "solver.t_end=0.3");
        var (resumed, resumeError, _) = Launch(longer, resume: true);
        Assert.That(resumed!.ExitCode, Is.EqualTo(0), resumeError);
        var files = RunDirectory.RunFiles(_dir, "lockrun");
        Assert.That(files, Has.Count.EqualTo(6));
        Assert.That(files.Select(f => Describe(f).RunId), Is.All.EqualTo(runId));

        // One set from another run (same config, another run_id): refused, naming the files of each run.
        File.Copy(Path.Combine(other, "lockrun_s2.h5"), Path.Combine(_dir, "lockrun_s2.h5"), overwrite: true);
        var before = files.Select(File.ReadAllBytes).ToArray();
        var (result, _, refused) = Launch(Load("output.max_writes=3", "solver.t_end=0.4"), resume: true);
        Assert.That(result, Is.Null);
        Assert.That(refused!.Message, Does.Contain("belong to more than one run").And.Contain($"run_id {runId}: lockrun_s1.h5, lockrun_s3.h5")
            .And.Contain(": lockrun_s2.h5"));
        Assert.That(files.Select(File.ReadAllBytes), Is.EqualTo(before), "a refused resume changes no file");

        var cli = RunCli("run", WriteConfig(), "--out", _dir, "--set", "output.max_writes=3", "--resume");
        Assert.That(cli.Code, Is.EqualTo(2), cli.Err);
        Assert.That(cli.Err, Does.Contain("lockrun_s2.h5"));
    }
}
