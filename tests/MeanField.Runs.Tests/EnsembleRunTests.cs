using MeanField.IO.Config;
using System.Numerics;
using MeanField.IO.Output;

namespace MeanField.Runs.Tests;

public class EnsembleRunTests
{
    // Attention off, a small noise: each path stays well resolved at n = 128 up to t = 0.2.
    private const string Config = """
        name: ens
        geometry: circle
        model:
          beta: 1
          attention_scale: 0
          common_noise: {kind: fields, amplitudes: [[0, 0.3, 0], [1, 0.2, 0.2], [2, 0.1, 0.1]]}
        initial: {kind: fourier, coefficients: [[1, 0.2, 0.0], [2, 0.1, 0.05]]}
        solver: {resolution: 128, dt: 0.001, t_end: 0.2}
        output: {interval: 0.1}
        ensemble: {paths: 6, keep_paths: true}
        seed: 11
        """;

    private static string Write(string dir, string text)
    {
        string path = Path.Combine(dir, "ens.yaml");
        File.WriteAllText(path, text);
        return path;
    }

    [Test]
    public void An_interrupted_ensemble_leaves_only_complete_paths_and_does_not_suggest_resume()
    {
        string dir = RunTestSupport.TempDirectory();
        var config = ConfigLoader.LoadText(Config, "ens.yaml", "ens", ["solver.t_end=5", "solver.dt=1e-4", "output.interval=0.1", "output.max_writes=100", "solver.on_underresolved=warn"], outDirectory: Path.Combine(dir, "out"));
        using var cancel = new CancellationTokenSource(TimeSpan.FromMilliseconds(1500));
        var error = new StringWriter();
        var result = RunLauncher.Execute(config, new RunOptions { Quiet = true, Error = error, Cancellation = cancel.Token });
        Assert.That(result.ExitCode, Is.EqualTo(ExitCodes.Interrupted), error.ToString());
        Assert.That(error.ToString(), Does.Not.Contain("--resume").And.Contain("rerun"));
        // Whatever is left in paths/ is a finished path: its last write is at t_end.
        string paths = Path.Combine(dir, "out", "paths");
        foreach (string f in Directory.Exists(paths) ? Directory.GetFiles(paths) : [])
        {
            using var run = RunFile.Open(f);
            Assert.That(run.Vector("scales/sim_time")[^1], Is.EqualTo(5.0), f);
        }
    }

    [Test]
    public void A_config_error_inside_the_paths_is_a_config_error_not_a_crash()
    {
        string dir = RunTestSupport.TempDirectory();
        // t_end is not a whole number of noise steps: every path refuses it when it builds its noise path.
        var (code, _, err) = RunTestSupport.RunCli("run", Write(dir, Config), "--out", Path.Combine(dir, "out"), "--quiet", "--set", "solver.t_end=0.20005");
        Assert.That(code, Is.EqualTo(ExitCodes.ConfigError), err);
        Assert.That(err, Does.Not.Contain("AggregateException").And.Not.Contain("   at "));
    }

    [Test]
    public void The_ensemble_file_records_wall_time()
    {
        string dir = RunTestSupport.TempDirectory();
        var (code, _, err) = RunTestSupport.RunCli("run", Write(dir, Config), "--out", Path.Combine(dir, "out"), "--quiet");
        Assert.That(code, Is.EqualTo(0), err);
        using var mean = RunFile.Open(Path.Combine(dir, "out", "ens.h5"));
        var wall = mean.Vector("scales/wall_time");
        // The slowest path's wall time at each write: non-decreasing and positive after the first step.
        Assert.That(wall[^1], Is.GreaterThan(0));
        for (int w = 1; w < wall.Length; w++) Assert.That(wall[w], Is.GreaterThanOrEqualTo(wall[w - 1]));
        using var path0 = RunFile.Open(Path.Combine(dir, "out", "paths", "ens_p0000.h5"));
        Assert.That(wall[^1], Is.GreaterThanOrEqualTo(path0.Vector("scales/wall_time")[^1]));
    }

    [Test]
    public void Mean_and_standard_error_are_those_of_the_per_path_files()
    {
        string dir = RunTestSupport.TempDirectory();
        var (code, _, err) = RunTestSupport.RunCli("run", Write(dir, Config), "--out", Path.Combine(dir, "out"), "--quiet");
        Assert.That(code, Is.EqualTo(0), err);
        using var mean = RunFile.Open(Path.Combine(dir, "out", "ens.h5"));
        Assert.That(mean.Attributes["ensemble_paths"], Is.EqualTo(6L));
        var paths = Enumerable.Range(0, 6).Select(p => RunFile.Open(Path.Combine(dir, "out", "paths", $"ens_p{p:D4}.h5"))).ToArray();
        try
        {
            var modes = paths.Select(f => f.ComplexMatrix("tasks/fourier_modes")).ToArray();
            var avg = mean.ComplexMatrix("tasks/fourier_modes");
            var se = mean.ComplexMatrix("tasks/fourier_modes_stderr");
            for (int w = 0; w < 3; w++)
            {
                var values = modes.Select(m => m[w, 1].Real).ToArray();
                double m = values.Average();
                double s = Math.Sqrt(values.Sum(v => (v - m) * (v - m)) / 5 / 6);
                Assert.That(avg[w, 1].Real, Is.EqualTo(m).Within(1e-15));
                Assert.That(se[w, 1].Real, Is.EqualTo(s).Within(1e-15));
            }
            // Paths differ (independent streams) but start from the same initial condition.
            Assert.That(modes[0][2, 1], Is.Not.EqualTo(modes[1][2, 1]));
            Assert.That(modes[0][0, 1], Is.EqualTo(modes[1][0, 1]));
            Assert.That(paths[3].Attributes["noise_path"], Is.EqualTo(3L));
            var energy = mean.Matrix("tasks/energy_paths");
            Assert.That(energy[2, 4], Is.EqualTo(paths[4].Vector("tasks/energy")[2]));
            Assert.That(mean.Has("tasks/state"), Is.False);
            Assert.That(mean.Has("tasks/noise_increments"), Is.False);
        }
        finally
        {
            foreach (var f in paths) f.Dispose();
        }
    }

    [Test]
    public void Path_p_of_an_ensemble_is_the_single_run_on_path_p()
    {
        string dir = RunTestSupport.TempDirectory();
        Assert.That(RunTestSupport.RunCli("run", Write(dir, Config), "--out", Path.Combine(dir, "e"), "--quiet").Code, Is.EqualTo(0));
        var config = MeanField.IO.Config.ConfigLoader.LoadText(Config, "ens.yaml", "ens", ["ensemble={paths: 1}"], Path.Combine(dir, "single"));
        var result = SpectralRun.Execute(config, new RunOptions { Quiet = true, NoisePath = 2, Output = TextWriter.Null, Error = TextWriter.Null });
        Assert.That(result.ExitCode, Is.EqualTo(0));
        using var single = RunFile.Open(result.Files.Single());
        using var member = RunFile.Open(Path.Combine(dir, "e", "paths", "ens_p0002.h5"));
        Assert.That(single.Vector("tasks/state"), Is.EqualTo(member.Vector("tasks/state")));
    }

    [Test]
    public void Per_path_files_are_removed_unless_kept_and_resume_is_refused()
    {
        string dir = RunTestSupport.TempDirectory();
        string config = Write(dir, Config.Replace("keep_paths: true", "keep_paths: false"));
        Assert.That(RunTestSupport.RunCli("run", config, "--out", Path.Combine(dir, "o"), "--quiet").Code, Is.EqualTo(0));
        Assert.That(Directory.Exists(Path.Combine(dir, "o", "paths")), Is.False);
        var (code, _, err) = RunTestSupport.RunCli("run", config, "--out", Path.Combine(dir, "o"), "--resume", "--quiet");
        Assert.That(code, Is.EqualTo(ExitCodes.ConfigError));
        Assert.That(err, Does.Contain("--resume").And.Contain("ensemble"));
        (code, _, err) = RunTestSupport.RunCli("run", config, "--out", Path.Combine(dir, "p"), "--set", "output.max_writes=2", "--quiet");
        Assert.That(code, Is.EqualTo(ExitCodes.ConfigError));
        Assert.That(err, Does.Contain("output.max_writes"));
    }
}
