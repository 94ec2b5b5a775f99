using System.Diagnostics;
using MeanField.IO.Output;
using MeanField.Runs;

namespace MeanField.Cli.Tests;

/// <summary>
/// Two real runs (the built CLI, child processes) on one output directory: the second starts while the first is writing,
/// exits 2 naming the first (its PID), and the first ends completed with every write in place.
/// </summary>
public class ConcurrentRunTests
{
    // Fixed rk4 steps make the first run last a few seconds whatever the tolerance machinery does.
    private const string Config = """
        name: shared
        geometry: circle
        model: {attention: usa, beta: 5.0}
        initial: {kind: perturbed_uniform, amplitude: 1.0e-4, modes: 32}
        solver: {resolution: 1024, stepper: rk4, dt: 1.0e-5, t_end: 0.3}
        output: {interval: 0.01}
        seed: 7
        """;

    [Test]
    public void SecondRunOnTheSameDirectory_ExitsTwoNamingTheFirst_WhichCompletesIntact()
    {
        string dir = RepositoryTestSupport.TempDirectory();
        try
        {
            string config = Path.Combine(dir, "shared.yaml");
            File.WriteAllText(config, Config);
            string output = Path.Combine(dir, "out");
            string cli = Path.Combine(TestContext.CurrentContext.TestDirectory, "meanfield.dll");
            var info = new ProcessStartInfo(RepositoryTestSupport.DotnetExecutable())
            {
                WorkingDirectory = dir, UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true,
            };
            foreach (var a in new[] { cli, "run", config, "--out", output, "--quiet" }) info.ArgumentList.Add(a);
            info.Environment["DOTNET_ROOT"] = RepositoryTestSupport.DotnetRoot();
            using var first = Process.Start(info)!;
            var firstErr = first.StandardError.ReadToEndAsync();
            _ = first.StandardOutput.ReadToEndAsync();

            // The first run holds the directory once its lock file names it.
            string lockPath = Path.Combine(output, OutputDirectoryLock.FileName);
            var watch = Stopwatch.StartNew();
            while (OutputDirectoryLock.Read(lockPath) is null && !first.HasExited && watch.Elapsed < TimeSpan.FromSeconds(60)) Thread.Sleep(10);
            var holder = OutputDirectoryLock.Read(lockPath);
            Assert.That(holder, Is.Not.Null, "the first run took the lock");
            Assert.That(holder!.Pid, Is.EqualTo(first.Id));

            var (code, _, err) = RepositoryTestSupport.Run(RepositoryTestSupport.DotnetExecutable(),
                [cli, "run", config, "--out", output, "--set", "seed=8"], dir, TimeSpan.FromSeconds(60));
            bool firstStillRunning = !first.HasExited;
            Assert.That(code, Is.EqualTo(2), err);
            Assert.That(err, Does.Contain($"pid {first.Id} on host {Environment.MachineName}").And.Contain($"run_id {holder.RunId}"));
            Assert.That(firstStillRunning, "the second run was refused while the first was running");

            Assert.That(first.WaitForExit(120_000), "the first run ends");
            first.WaitForExit();
            Assert.That(first.ExitCode, Is.EqualTo(0), firstErr.Result);
            Assert.That(Directory.GetFiles(output).Select(Path.GetFileName), Is.EqualTo(new[] { "shared.h5" }), "lock released, one file");
            using var run = RunFile.Open(Path.Combine(output, "shared.h5"));
            Assert.That(run.Attribute("run_status"), Is.EqualTo("completed"));
            Assert.That(run.Attribute("run_id"), Is.EqualTo(holder.RunId));
            Assert.That(Convert.ToInt64(run.Attributes["seed"]), Is.EqualTo(7));
            Assert.That(run.Vector("scales/sim_time"), Is.EqualTo(Simulation.OutputTimes(0.3, 0.01)));
            Assert.That(run.Flat("tasks/density").All(double.IsFinite));
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }
}
