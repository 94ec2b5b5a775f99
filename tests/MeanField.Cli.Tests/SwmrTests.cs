using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Text.Json;
using MeanField.IO.Output;

namespace MeanField.Cli.Tests;

/// <summary>
/// output.swmr: a real h5py reader (<c>h5py.File(path, "r", swmr=True)</c>) watches a running run grow, row by row and
/// never a partial row; the run is then killed (SIGKILL), its file still reads with PureHDF, a plain (non-SWMR) h5py open
/// is refused as documented, and <c>--resume</c> clears the flags and finishes the run bit for bit equal to a run without
/// SWMR, after which plain readers open it.
/// </summary>
[NonParallelizable]
public class SwmrTests
{
    private const string Python = "/usr/bin/python3";

    private const string Config = """
        name: watched
        geometry: circle
        model: {attention: usa, beta: 5.0}
        initial: {kind: perturbed_uniform, amplitude: 1.0e-4, modes: 32}
        solver: {resolution: 1024, stepper: rk4, dt: 1.0e-5, t_end: 0.3}
        output: {interval: 0.01}
        seed: 7
        """;

    // Follows the file until it has seen three different row counts; every state seen must be whole rows.
    private const string Watcher = """
        import h5py, json, sys, time
        path = sys.argv[1]
        deadline = time.time() + 60
        while True:
            try:
                f = h5py.File(path, "r", swmr=True); break
            except OSError:
                if time.time() > deadline: raise
                time.sleep(0.02)
        t, d = f["scales/sim_time"], f["tasks/density"]
        seen, whole = [], True
        while len(seen) < 3 and time.time() < deadline:
            t.refresh(); d.refresh()
            n = t.shape[0]
            if n and (not seen or n != seen[-1]):
                seen.append(n)
                whole = whole and d.shape[0] >= n and all(t[i] < t[i + 1] for i in range(n - 1))
            time.sleep(0.01)
        print(json.dumps({"rows": seen, "whole": whole, "times": [repr(float(x)) for x in t[:]]}))
        """;

    [DllImport("libc", SetLastError = true)]
    private static extern int kill(int pid, int signal);

    [Test]
    public void H5pyWatchesARunningSwmrRun_AndAKilledSwmrRunResumesBitForBit()
    {
        if (!OutputSetWriter.NativeAvailable) Assert.Ignore("libhdf5 (Debian libhdf5-103-1) is not installed; SWMR needs the native writer");
        if (!File.Exists(Python)) Assert.Ignore($"{Python} is absent (CI: apt-get install python3-h5py)");
        string dir = RepositoryTestSupport.TempDirectory();
        try
        {
            var probe = RepositoryTestSupport.Run(Python, ["-c", "import h5py"], dir, TimeSpan.FromSeconds(60));
            if (probe.Code != 0) Assert.Ignore($"{Python} lacks h5py; CI installs python3-h5py");
            string config = Path.Combine(dir, "watched.yaml");
            File.WriteAllText(config, Config);
            string cli = Path.Combine(TestContext.CurrentContext.TestDirectory, "meanfield.dll");
            string[] Args(string output, params string[] extra) => [cli, "run", config, "--out", output, "--quiet", .. extra];

            var reference = RepositoryTestSupport.Run(RepositoryTestSupport.DotnetExecutable(), Args(Path.Combine(dir, "plain")), dir, TimeSpan.FromSeconds(120));
            Assert.That(reference.Code, Is.EqualTo(0), reference.Err);

            string output = Path.Combine(dir, "swmr");
            string file = Path.Combine(output, "watched.h5");
            var info = new ProcessStartInfo(RepositoryTestSupport.DotnetExecutable()) { WorkingDirectory = dir, UseShellExecute = false, RedirectStandardError = true, RedirectStandardOutput = true };
            foreach (var arg in Args(output, "--set", "output.swmr=true")) info.ArgumentList.Add(arg);
            info.Environment["DOTNET_ROOT"] = RepositoryTestSupport.DotnetRoot();
            using var run = Process.Start(info)!;
            var runErr = run.StandardError.ReadToEndAsync();
            _ = run.StandardOutput.ReadToEndAsync();

            string watcher = Path.Combine(dir, "watch.py");
            File.WriteAllText(watcher, Watcher);
            var (wCode, wOut, wErr) = RepositoryTestSupport.Run(Python, [watcher, file], dir, TimeSpan.FromSeconds(90));
            bool stillRunning = !run.HasExited;
            if (stillRunning) kill(run.Id, 9);
            run.WaitForExit();
            Assert.That(wCode, Is.EqualTo(0), $"{wErr}\n{runErr.Result}");
            using var seen = JsonDocument.Parse(wOut);
            var rows = seen.RootElement.GetProperty("rows").EnumerateArray().Select(e => e.GetInt32()).ToArray();
            Assert.That(rows, Has.Length.EqualTo(3).And.Ordered.Ascending, "the reader saw the file grow while the run wrote it");
            Assert.That(seen.RootElement.GetProperty("whole").GetBoolean(), "every state seen holds whole rows");
            Assert.That(stillRunning, "the run was killed mid-run, after the reader had watched it");

            using (var plainRun = RunFile.Open(Path.Combine(dir, "plain", "watched.h5")))
            {
                var all = plainRun.Vector("scales/sim_time");
                var watched = seen.RootElement.GetProperty("times").EnumerateArray().Select(e => double.Parse(e.GetString()!, CultureInfo.InvariantCulture)).ToArray();
                Assert.That(watched, Is.EqualTo(all.Take(watched.Length)), "what the reader saw is the run's output times");
                using (var killed = RunFile.Open(file))
                {
                    var kept = killed.Vector("scales/sim_time");
                    Assert.That(kept.Length, Is.InRange(rows[^1], all.Length - 1));
                    Assert.That(killed.Attribute("run_status"), Is.EqualTo("running"));
                }
            }
            var plainOpen = RepositoryTestSupport.Run(Python, ["-c", $"import h5py; h5py.File({JsonSerializer.Serialize(file)}, 'r')"], dir, TimeSpan.FromSeconds(60));
            Assert.That(plainOpen.Code, Is.Not.EqualTo(0), "documented trade-off: a killed SWMR file refuses non-SWMR readers until resumed");
            Assert.That(plainOpen.Err, Does.Contain("already open for write"));

            var resumed = RepositoryTestSupport.Run(RepositoryTestSupport.DotnetExecutable(), Args(output, "--set", "output.swmr=true", "--resume"), dir, TimeSpan.FromSeconds(120));
            Assert.That(resumed.Code, Is.EqualTo(0), resumed.Err);
            plainOpen = RepositoryTestSupport.Run(Python, ["-c", $"import h5py; f = h5py.File({JsonSerializer.Serialize(file)}, 'r'); print(f.attrs['run_status'])"], dir, TimeSpan.FromSeconds(60));
            Assert.That(plainOpen.Code, Is.EqualTo(0), plainOpen.Err);
            Assert.That(plainOpen.Out.Trim(), Is.EqualTo("completed"));

            using var a = RunFile.Open(file);
            using var b = RunFile.Open(Path.Combine(dir, "plain", "watched.h5"));
            Assert.That(a.Vector("scales/sim_time"), Is.EqualTo(b.Vector("scales/sim_time")));
            foreach (var task in new[] { "tasks/density", "tasks/state", "tasks/energy", "scales/timestep" })
                Assert.That(a.Flat(task).Select(BitConverter.DoubleToInt64Bits), Is.EqualTo(b.Flat(task).Select(BitConverter.DoubleToInt64Bits)), $"{task}: SWMR + kill + resume = plain run");
            Assert.That(a.IntegerVector("scales/iteration"), Is.EqualTo(b.IntegerVector("scales/iteration")));
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }
}
