using System.Diagnostics;
using MeanField.IO.Output;

namespace MeanField.Cli.Tests;

/// <summary>
/// A real run in a child process (the built CLI), killed with SIGKILL or SIGINT at random moments: every file must open
/// (PureHDF, and h5dump where installed), hold every flushed write exactly as an uninterrupted run wrote it, and
/// <c>--resume</c> must finish the run bit for bit. Needs libhdf5 (the native writer flushes row by row).
/// </summary>
public class CrashSafeOutputTests
{
    private static readonly string[] Tasks = ["density", "fourier_modes", "energy", "state", "stepper_state"];

    private string _dir = null!;

    [SetUp]
    public void SetUp()
    {
        if (!OutputSetWriter.NativeAvailable)
            Assert.Ignore("libhdf5 (Debian libhdf5-103-1) is not installed; .ci/run installs it");
        _dir = RepositoryTestSupport.TempDirectory();
    }

    [TearDown]
    public void TearDown()
    {
        if (_dir is not null && Directory.Exists(_dir)) Directory.Delete(_dir, recursive: true);
    }

    private string[] RunArgs(string output, bool resume = false) =>
    [
        Path.Combine(TestContext.CurrentContext.TestDirectory, "meanfield.dll"), "run",
        Path.Combine(RepositoryTestSupport.RepositoryRoot(), "configs", "circle-metastable.yaml"),
        "--set", "solver.t_end=0.5", "--out", output, .. (resume ? new[] { "--resume" } : []),
    ];

    private (int Code, string Out, string Err) RunToEnd(string output, bool resume = false) =>
        RepositoryTestSupport.Run(RepositoryTestSupport.DotnetExecutable(), RunArgs(output, resume), _dir, TimeSpan.FromSeconds(120));

    /// <summary>Starts a run, waits until its file exists, then after a random delay sends the signal.</summary>
    private void RunAndSignal(string output, string signal, double delaySeconds)
    {
        var info = new ProcessStartInfo(RepositoryTestSupport.DotnetExecutable())
        {
            WorkingDirectory = _dir, UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true,
        };
        foreach (var a in RunArgs(output)) info.ArgumentList.Add(a);
        info.Environment["DOTNET_ROOT"] = RepositoryTestSupport.DotnetRoot();
        using var process = Process.Start(info)!;
        _ = process.StandardOutput.ReadToEndAsync();
        _ = process.StandardError.ReadToEndAsync();
        string file = Path.Combine(output, "circle-metastable.h5");
        var watch = Stopwatch.StartNew();
        while (!File.Exists(file) && !process.HasExited && watch.Elapsed < TimeSpan.FromSeconds(60)) Thread.Sleep(10);
        Thread.Sleep(TimeSpan.FromSeconds(delaySeconds));
        if (!process.HasExited)
        {
            using var kill = Process.Start("kill", [$"-{signal}", process.Id.ToString()]);
            kill.WaitForExit();
        }
        Assert.That(process.WaitForExit(60_000), "the signalled run exits");
        TestContext.Out.WriteLine($"{signal} after {delaySeconds:F2} s: exit {process.ExitCode}");
        if (signal == "INT" && process.ExitCode != 0) Assert.That(process.ExitCode, Is.EqualTo(130), "SIGINT exits 130");
    }

    private static Dictionary<string, double[]> Rows(string file, out double[] times, out string status)
    {
        using var run = RunFile.Open(file);
        times = run.Vector("scales/sim_time");
        status = run.Attribute("run_status");
        var rows = new Dictionary<string, double[]>();
        foreach (var task in Tasks)
        {
            rows[task] = task == "fourier_modes"
                ? run.ComplexFlat($"tasks/{task}").SelectMany(c => new[] { c.Real, c.Imaginary }).ToArray()
                : run.Flat($"tasks/{task}");
        }
        return rows;
    }

    private static void AssertH5dumpOpens(string file)
    {
        if (!File.Exists("/usr/bin/h5dump")) return;
        var (code, _, err) = RepositoryTestSupport.Run("/usr/bin/h5dump", ["-H", file], Path.GetDirectoryName(file)!, TimeSpan.FromSeconds(30));
        Assert.That(code, Is.EqualTo(0), $"h5dump -H {file}: {err}");
    }

    [TestCase("KILL", 1234)]
    [TestCase("INT", 99)]
    public void KilledRun_KeepsEveryFlushedWrite_AndResumeMatchesUninterruptedRun(string signal, int seed)
    {
        string reference = Path.Combine(_dir, "reference");
        var (code, _, err) = RunToEnd(reference);
        Assert.That(code, Is.EqualTo(0), err);
        var expected = Rows(Path.Combine(reference, "circle-metastable.h5"), out var allTimes, out var refStatus);
        Assert.That(refStatus, Is.EqualTo("completed"));

        var random = new Random(seed);
        for (int attempt = 0; attempt < 2; attempt++)
        {
            string output = Path.Combine(_dir, $"{signal}{attempt}");
            RunAndSignal(output, signal, 0.1 + random.NextDouble() * 0.8);
            string file = Path.Combine(output, "circle-metastable.h5");
            AssertH5dumpOpens(file);
            var partial = Rows(file, out var times, out var status);
            Assert.That(times, Is.EqualTo(allTimes.Take(times.Length)), "the writes kept are a prefix of the run's");
            Assert.That(times, Is.Not.Empty);
            if (times.Length < allTimes.Length)
                Assert.That(status, signal == "INT" ? Does.StartWith("interrupted (exit 130") : Is.EqualTo("running"));
            foreach (var task in Tasks)
            {
                int rowLength = expected[task].Length / allTimes.Length;
                Assert.That(partial[task].Length, Is.GreaterThanOrEqualTo(times.Length * rowLength), task);
                Assert.That(partial[task].Take(times.Length * rowLength).Select(BitConverter.DoubleToInt64Bits),
                    Is.EqualTo(expected[task].Take(times.Length * rowLength).Select(BitConverter.DoubleToInt64Bits)), $"{task}: every flushed write is intact");
            }

            if (times.Length == allTimes.Length) continue; // finished before the signal
            var resumed = RunToEnd(output, resume: true);
            Assert.That(resumed.Code, Is.EqualTo(0), resumed.Err);
            Assert.That(Directory.GetFiles(output, "*.h5").Select(Path.GetFileName), Is.EqualTo(new[] { "circle-metastable.h5" }), "--resume appends in place");
            var final = Rows(file, out var finalTimes, out var finalStatus);
            Assert.That(finalStatus, Is.EqualTo("completed"));
            Assert.That(finalTimes, Is.EqualTo(allTimes));
            foreach (var task in Tasks)
                Assert.That(final[task].Select(BitConverter.DoubleToInt64Bits), Is.EqualTo(expected[task].Select(BitConverter.DoubleToInt64Bits)), $"{task} after --resume");
        }
    }
}
