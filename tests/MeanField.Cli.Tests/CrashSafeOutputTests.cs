using System.Diagnostics;
using System.Runtime.InteropServices;
using MeanField.IO.Output;

namespace MeanField.Cli.Tests;

/// <summary>
/// A real run in a child process (the built CLI), killed with SIGKILL or interrupted with SIGINT in the middle of the run,
/// at a seeded random moment: the signal goes out once the run's progress output has reached a seeded decile of t_end, after
/// a seeded extra delay, so it always lands while the run is still writing. Every file must then open (PureHDF, and h5dump
/// where installed), hold a prefix of an uninterrupted run's writes bit for bit with no partial row, and say how the run
/// ended (`running` after SIGKILL: nobody could record anything; `interrupted (exit 130 …)` after SIGINT); `--resume` must
/// then finish the run with every dataset bit for bit equal to the uninterrupted run's. Needs libhdf5 (the native writer
/// flushes row by row).
/// </summary>
[NonParallelizable]
public class CrashSafeOutputTests
{
    private const string Name = "circle-metastable";
    private static readonly string[] Tasks = ["density", "fourier_modes", "energy", "state", "stepper_state"];

    private string _dir = null!;
    private Dictionary<string, long[]> _expected = null!;
    private double[] _allTimes = null!;

    [OneTimeSetUp]
    public void RunReference()
    {
        if (!OutputSetWriter.NativeAvailable)
            Assert.Ignore("libhdf5 (Debian libhdf5-103-1) is not installed; .ci/run installs it");
        _dir = RepositoryTestSupport.TempDirectory();
        string reference = Path.Combine(_dir, "reference");
        var (code, _, err) = RunToEnd(reference);
        Assert.That(code, Is.EqualTo(0), err);
        _expected = Rows(Path.Combine(reference, $"{Name}.h5"), out _allTimes, out var status);
        Assert.That(status, Is.EqualTo("completed"));
        Assert.That(_allTimes, Has.Length.EqualTo(51));
    }

    [OneTimeTearDown]
    public void TearDown()
    {
        if (_dir is not null && Directory.Exists(_dir)) Directory.Delete(_dir, recursive: true);
    }

    private string[] RunArgs(string output, bool resume = false) =>
    [
        Path.Combine(TestContext.CurrentContext.TestDirectory, "meanfield.dll"), "run",
        Path.Combine(RepositoryTestSupport.RepositoryRoot(), "configs", $"{Name}.yaml"),
        "--set", "solver.t_end=0.5", "--out", output, .. (resume ? new[] { "--resume" } : []),
    ];

    private (int Code, string Out, string Err) RunToEnd(string output, bool resume = false) =>
        RepositoryTestSupport.Run(RepositoryTestSupport.DotnetExecutable(), RunArgs(output, resume), _dir, TimeSpan.FromSeconds(120));

    private const int SIGINT = 2, SIGKILL = 9;

    [DllImport("libc", SetLastError = true)]
    private static extern int kill(int pid, int signal);

    /// <summary>
    /// Starts a run and sends <paramref name="signal"/> <paramref name="delayMs"/> ms after its progress output reports
    /// <paramref name="decile"/>·10% of t_end (non-interactive progress prints one line per tenth). Returns the exit code.
    /// </summary>
    private int RunAndSignal(string output, int signal, int decile, int delayMs)
    {
        var info = new ProcessStartInfo(RepositoryTestSupport.DotnetExecutable())
        {
            WorkingDirectory = _dir, UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true,
        };
        foreach (var a in RunArgs(output)) info.ArgumentList.Add(a);
        info.Environment["DOTNET_ROOT"] = RepositoryTestSupport.DotnetRoot();
        using var process = new Process { StartInfo = info };
        using var reached = new ManualResetEventSlim();
        int lines = 0;
        var log = new System.Text.StringBuilder();
        process.OutputDataReceived += (_, e) =>
        {
            if (e.Data is null) return;
            lock (log) log.AppendLine(e.Data);
            if (e.Data.StartsWith("t = ", StringComparison.Ordinal) && Interlocked.Increment(ref lines) == decile) reached.Set();
        };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (log) log.AppendLine(e.Data); };
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        bool mid = reached.Wait(TimeSpan.FromSeconds(90));
        Assert.That(mid, $"the run reported {decile}0% of t_end\n{log}");
        Thread.Sleep(delayMs);
        Assert.That(process.HasExited, Is.False, $"the run is still going when the signal is sent (decile {decile} + {delayMs} ms)\n{log}");
        Assert.That(kill(process.Id, signal), Is.EqualTo(0), "kill(2)");
        Assert.That(process.WaitForExit(60_000), "the signalled run exits");
        process.WaitForExit();
        TestContext.Out.WriteLine($"signal {signal} at {decile}0% + {delayMs} ms: exit {process.ExitCode}\n{log}");
        return process.ExitCode;
    }

    /// <summary>Every task's values as raw bits (complex: re, im interleaved), plus sim_time and run_status.</summary>
    private static Dictionary<string, long[]> Rows(string file, out double[] times, out string status)
    {
        using var run = RunFile.Open(file);
        times = run.Vector("scales/sim_time");
        status = run.Attribute("run_status");
        var rows = new Dictionary<string, long[]>();
        foreach (var task in Tasks)
        {
            var values = task == "fourier_modes"
                ? run.ComplexFlat($"tasks/{task}").SelectMany(c => new[] { c.Real, c.Imaginary }).ToArray()
                : run.Flat($"tasks/{task}");
            rows[task] = values.Select(BitConverter.DoubleToInt64Bits).ToArray();
        }
        foreach (var scale in new[] { "timestep", "wall_time" })
            rows[scale] = run.Vector($"scales/{scale}").Select(BitConverter.DoubleToInt64Bits).ToArray();
        rows["write_number"] = run.IntegerVector("scales/write_number");
        rows["iteration"] = run.IntegerVector("scales/iteration");
        return rows;
    }

    /// <summary>h5dump (libhdf5's own reader) opens the file and sees sim_time with at least <paramref name="rows"/> rows.</summary>
    private static void AssertH5dumpReads(string file, int rows)
    {
        if (!File.Exists("/usr/bin/h5dump")) return;
        var (code, output, err) = RepositoryTestSupport.Run("/usr/bin/h5dump", ["-H", "-d", "/scales/sim_time", file], Path.GetDirectoryName(file)!, TimeSpan.FromSeconds(30));
        Assert.That(code, Is.EqualTo(0), $"h5dump -H {file}: {err}");
        Assert.That(output, Does.Contain($"DATASPACE  SIMPLE {{ ( {rows} ) / ( H5S_UNLIMITED ) }}"), output);
    }

    // Seeded moments: the decile of t_end reached (of 10) and an extra delay, drawn from the seed.
    [TestCase(SIGKILL, 1234)]
    [TestCase(SIGKILL, 77)]
    [TestCase(SIGKILL, 2026)]
    [TestCase(SIGINT, 99)]
    [TestCase(SIGINT, 5)]
    public void SignalledRun_KeepsEveryFlushedWrite_AndResumeMatchesUninterruptedRun(int signal, int seed)
    {
        var random = new Random(seed);
        int decile = random.Next(1, 7);
        int delayMs = random.Next(0, 40);
        string output = Path.Combine(_dir, $"signal{signal}-seed{seed}");
        int exit = RunAndSignal(output, signal, decile, delayMs);
        Assert.That(exit, Is.EqualTo(signal == SIGINT ? 130 : 128 + SIGKILL), signal == SIGINT ? "SIGINT exits 130" : "killed by SIGKILL");

        string file = Path.Combine(output, $"{Name}.h5");
        var partial = Rows(file, out var times, out var status);
        TestContext.Out.WriteLine($"{times.Length} of {_allTimes.Length} writes kept, run_status {status}");
        AssertH5dumpReads(file, times.Length);
        Assert.That(times.Length, Is.InRange(1, _allTimes.Length - 1), "the signal landed mid-run, after the first write");
        Assert.That(times, Is.EqualTo(_allTimes.Take(times.Length)), "sim_time: a prefix of the run's output times, increasing");
        Assert.That(status, signal == SIGINT ? Does.StartWith("interrupted (exit 130 at t = ") : Is.EqualTo("running"));
        var wall = partial["wall_time"].Take(times.Length).Select(BitConverter.Int64BitsToDouble).ToArray();
        Assert.That(wall, Is.Ordered.And.All.GreaterThanOrEqualTo(0), "wall_time: seconds since the start, non-decreasing");
        foreach (var (column, expected) in _expected)
        {
            if (column == "wall_time") continue;   // wall-clock seconds differ between runs by nature
            int rowLength = expected.Length / _allTimes.Length;
            // Columns are extended one after another and sim_time last: a kill between two leaves at most one extra row
            // in the others, never a missing or partial one.
            Assert.That(partial[column].Length, Is.InRange(times.Length * rowLength, (times.Length + 1) * rowLength), column);
            Assert.That(partial[column].Take(times.Length * rowLength), Is.EqualTo(expected.Take(times.Length * rowLength)),
                $"{column}: every write made before the signal is intact");
        }

        // SIGINT releases the directory's lock; SIGKILL leaves it, and the resume takes it over as stale with a warning.
        Assert.That(File.Exists(Path.Combine(output, MeanField.Runs.OutputDirectoryLock.FileName)), Is.EqualTo(signal == SIGKILL));
        var resumed = RunToEnd(output, resume: true);
        Assert.That(resumed.Code, Is.EqualTo(0), resumed.Err);
        Assert.That(resumed.Err.Contains("took over the stale lock"), Is.EqualTo(signal == SIGKILL), resumed.Err);
        Assert.That(Directory.GetFiles(output, "*.h5").Select(Path.GetFileName), Is.EqualTo(new[] { $"{Name}.h5" }), "--resume appends in place");
        var final = Rows(file, out var finalTimes, out var finalStatus);
        Assert.That(finalStatus, Is.EqualTo("completed"));
        Assert.That(finalTimes, Is.EqualTo(_allTimes));
        foreach (var (column, expected) in _expected)
        {
            if (column == "wall_time") continue;   // wall-clock seconds differ between runs by nature
            Assert.That(final[column], Is.EqualTo(expected), $"{column} after --resume, bit for bit");
        }
        AssertH5dumpReads(file, _allTimes.Length);
    }
}
