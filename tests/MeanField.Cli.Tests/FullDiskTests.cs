using MeanField.IO.Output;
using MeanField.Runs;

namespace MeanField.Cli.Tests;

/// <summary>
/// A run into a 2 MiB tmpfs (mounted for the test; needs root) fills the disk mid-run: the run must end with exit 5 and a
/// message that says the disk is full, never PureHDF's chunk-cache advice; with libhdf5 the file must keep every write
/// made before the failure (bit for bit those of a run on a roomy disk) and say <c>failed: …</c> in run_status.
/// </summary>
[NonParallelizable]
public class FullDiskTests
{
    private const string Name = "circle-metastable";
    private string _dir = null!;
    private string _mount = null!;

    [SetUp]
    public void Mount()
    {
        if (Environment.UserName != "root")
            Assert.Ignore($"mounting a small tmpfs needs root (running as {Environment.UserName}); .ci/run runs the tests as root in its container");
        _dir = RepositoryTestSupport.TempDirectory();
        _mount = Path.Combine(_dir, "small-disk");
        Directory.CreateDirectory(_mount);
        var (code, _, err) = RepositoryTestSupport.Run("mount", ["-t", "tmpfs", "-o", "size=2m", "tmpfs", _mount], _dir, TimeSpan.FromSeconds(30));
        if (code != 0)
        {
            Directory.Delete(_dir, recursive: true);
            Assert.Ignore($"mount -t tmpfs failed (exit {code}: {err.Trim()}); a container without CAP_SYS_ADMIN cannot mount");
        }
    }

    [TearDown]
    public void Unmount()
    {
        if (_mount is null || !Directory.Exists(_dir)) return;
        var (code, _, _) = RepositoryTestSupport.Run("umount", [_mount], _dir, TimeSpan.FromSeconds(30));
        if (code != 0) RepositoryTestSupport.Run("umount", ["-l", _mount], _dir, TimeSpan.FromSeconds(30));
        Directory.Delete(_dir, recursive: true);
    }

    private (int Code, string Out, string Err) Run(string output, string library) =>
        RepositoryTestSupport.Run(RepositoryTestSupport.DotnetExecutable(),
        [
            Path.Combine(TestContext.CurrentContext.TestDirectory, "meanfield.dll"), "run",
            Path.Combine(RepositoryTestSupport.RepositoryRoot(), "configs", $"{Name}.yaml"),
            // 101 writes of a 2048-point density: the second block of chunks (64 writes each, ~1.8 MiB) does not fit.
            "--set", "solver.t_end=0.5", "--set", "output.interval=0.005", "--set", $"output.hdf5_library={library}", "--out", output, "--quiet",
        ], _dir, TimeSpan.FromSeconds(120));

    [Test]
    public void NativeWriter_FullDisk_ExitsFive_AndKeepsEveryEarlierWrite_WithStatusFailed()
    {
        if (!OutputSetWriter.NativeAvailable) Assert.Ignore("libhdf5 (Debian libhdf5-103-1) is not installed; .ci/run installs it");
        var (code, _, err) = Run(Path.Combine(_mount, "out"), "native");
        Assert.That(code, Is.EqualTo(ExitCodes.OutputError), err);
        Assert.That(err, Does.Contain("output error at t = ").And.Contain("disk full").And.Not.Contain("chunk cache"));
        Assert.That(File.Exists(Path.Combine(_mount, "out", OutputDirectoryLock.FileName)), Is.False, "the lock is released");

        var (refCode, _, refErr) = Run(Path.Combine(_dir, "roomy"), "native");
        Assert.That(refCode, Is.EqualTo(0), refErr);
        using var reference = RunFile.Open(Path.Combine(_dir, "roomy", $"{Name}.h5"));
        using var run = RunFile.Open(Path.Combine(_mount, "out", $"{Name}.h5"));
        var times = run.Vector("scales/sim_time");
        var all = reference.Vector("scales/sim_time");
        Assert.That(times.Length, Is.InRange(1, all.Length - 1), "the disk filled mid-run");
        Assert.That(times, Is.EqualTo(all.Take(times.Length)));
        Assert.That(run.Attribute("run_status"), Does.StartWith("failed: output error at t = ").And.Contain("disk full").And.EndWith("(exit 5 at t = " + $"{all[times.Length]:G6})"));
        int n = reference.Vector("grid/theta").Length;
        Assert.That(run.Flat("tasks/density").Take(times.Length * n).Select(BitConverter.DoubleToInt64Bits),
            Is.EqualTo(reference.Flat("tasks/density").Take(times.Length * n).Select(BitConverter.DoubleToInt64Bits)), "every write before the failure is intact");
        if (File.Exists("/usr/bin/h5dump"))
        {
            var dump = RepositoryTestSupport.Run("/usr/bin/h5dump", ["-H", Path.Combine(_mount, "out", $"{Name}.h5")], _dir, TimeSpan.FromSeconds(30));
            Assert.That(dump.Code, Is.EqualTo(0), dump.Err);
        }
    }

    [Test]
    public void ManagedWriter_FullDisk_ExitsFive_SayingTheDiskIsFull_AndLeavesNoTemporaryFile()
    {
        var (code, _, err) = Run(Path.Combine(_mount, "out"), "managed");
        Assert.That(code, Is.EqualTo(ExitCodes.OutputError), err);
        Assert.That(err, Does.Contain("the disk is full").And.Not.Contain("chunk cache"));
        // Nothing written: the run created the directory, so it removes it again when it is left empty.
        string output = Path.Combine(_mount, "out");
        Assert.That(Directory.Exists(output) ? Directory.GetFiles(output) : [], Is.Empty, "no half-written file, no .tmp, no lock");
    }
}
