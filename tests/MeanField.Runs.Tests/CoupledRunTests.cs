using MeanField.IO.Output;

namespace MeanField.Runs.Tests;

public class CoupledRunTests
{
    // SPDE and particles on one path: USA β = 3 from two von Mises bumps, a rotation plus two cos/sin noise modes.
    private const string Config = """
        name: both
        geometry: circle
        model:
          beta: 3
          diffusion: 0.05
          common_noise: {kind: fields, amplitudes: [[0, 0.4, 0], [1, 0.3, 0.3], [2, 0.15, 0.15]]}
        initial: {kind: von_mises, components: [{weight: 0.5, mean: 1.0, kappa: 2}, {weight: 0.5, mean: 4.0, kappa: 2}]}
        solver: {kind: both, resolution: 256, dt: 0.002, t_end: 0.3}
        particles: {count: 200}
        output: {interval: 0.1}
        seed: 5
        """;

    private static RunFile Run(string dir, string name, params string[] overrides)
    {
        string path = Path.Combine(dir, name + ".yaml");
        File.WriteAllText(path, Config.Replace("name: both", $"name: {name}"));
        var args = new List<string> { "run", path, "--out", Path.Combine(dir, name), "--quiet" };
        foreach (string o in overrides) { args.Add("--set"); args.Add(o); }
        var (code, _, err) = RunTestSupport.RunCli([.. args]);
        Assert.That(code, Is.EqualTo(0), err);
        return RunFile.Open(Path.Combine(dir, name, name + ".h5"));
    }

    [Test]
    public void One_file_holds_both_runs_on_one_path_and_the_distance_falls_with_N()
    {
        string dir = RunTestSupport.TempDirectory();
        using var small = Run(dir, "small");
        using var large = Run(dir, "large", "particles.count=12800");
        Assert.That(small.Attributes["solver_kind"], Is.EqualTo("both"));
        Assert.That(small.Has("tasks/density") && small.Has("tasks/particle_angles") && small.Has("tasks/noise_increments"));
        Assert.That(Directory.GetFileSystemEntries(Path.Combine(dir, "small")).Select(Path.GetFileName), Is.EqualTo(new[] { "small.h5" }));
        // The same path: the SPDE's increments are those of the config's seed on the solver.dt grid (checked in the merge
        // against the particles' own, which would have failed the run).
        Assert.That(large.Matrix("tasks/noise_increments"), Is.EqualTo(small.Matrix("tasks/noise_increments")));
        // W1(μ^N_t, μ_t) ~ N^{-1/2} (conditional propagation of chaos, MATH §3.3, d = 2): 64× the particles should cut it
        // about 8×; the loose bound 3× leaves room for the seed's fluctuations at N = 200.
        double w1Small = small.Vector("tasks/pde_particle_w1").Average(), w1Large = large.Vector("tasks/pde_particle_w1").Average();
        Assert.That(w1Large, Is.LessThan(w1Small / 3), $"W1: N = 200 {w1Small:E3}, N = 12800 {w1Large:E3}");
        double l2Small = small.Vector("tasks/pde_particle_l2").Average(), l2Large = large.Vector("tasks/pde_particle_l2").Average();
        Assert.That(l2Large, Is.LessThan(l2Small / 3));
    }

    [Test]
    public void Printed_paths_are_the_merged_file_not_the_deleted_stage_files()
    {
        string dir = RunTestSupport.TempDirectory(), outDir = Path.Combine(dir, "o");
        string path = Path.Combine(dir, "both.yaml");
        File.WriteAllText(path, Config);
        var (code, stdout, err) = RunTestSupport.RunCli("run", path, "--out", outDir, "--set", "solver.t_end=0.1");
        Assert.That(code, Is.EqualTo(0), err);
        Assert.That(stdout, Does.Not.Contain(".both-"), "a stage printed a path in the scratch directory");
        string merged = Path.Combine(outDir, "both.h5");
        Assert.That(stdout, Does.Contain(merged));
        var printed = System.Text.RegularExpressions.Regex.Matches(stdout + err, @"\S+\.h5").Select(m => m.Value).Distinct().ToList();
        Assert.That(printed, Is.Not.Empty);
        Assert.That(printed.Where(p => !File.Exists(p)), Is.Empty, "every printed file exists after the run");
    }

    [Test]
    public void Plot_shows_the_distances_and_the_particles_over_the_density()
    {
        string dir = RunTestSupport.TempDirectory();
        using (var run = Run(dir, "fig"))
            Assert.That(run.Attribute("name"), Is.EqualTo("fig"), "the merged file carries the run's name, not its PDE stage's");
        var (code, stdout, err) = RunTestSupport.RunCli("plot", Path.Combine(dir, "fig", "fig.h5"));
        Assert.That(code, Is.EqualTo(0), err);
        foreach (var suffix in new[] { "distances", "histogram_t0", "histogram_t0.1", "histogram_t0.3", "density", "energy", "p3_energy" })
        {
            string png = Path.Combine(dir, "fig", $"fig_{suffix}.png");
            Assert.That(stdout, Does.Contain(png));
            Assert.That(new FileInfo(png).Length, Is.GreaterThan(10_000), png);
        }
    }

    [Test]
    public void Resume_is_refused_and_split_files_work()
    {
        string dir = RunTestSupport.TempDirectory();
        string path = Path.Combine(dir, "both.yaml");
        File.WriteAllText(path, Config);
        var (code, _, err) = RunTestSupport.RunCli("run", path, "--out", Path.Combine(dir, "o"), "--resume", "--quiet");
        Assert.That(code, Is.EqualTo(ExitCodes.ConfigError));
        Assert.That(err, Does.Contain("solver.kind both"));
        // One run loop for both: sets of two writes, each a valid file with the PDE's and the particles' tasks.
        (code, _, err) = RunTestSupport.RunCli("run", path, "--out", Path.Combine(dir, "o"), "--set", "output.max_writes=2", "--quiet");
        Assert.That(code, Is.EqualTo(ExitCodes.Success), err);
        var sets = RunResume.ExistingFiles(Path.Combine(dir, "o"), "both");
        Assert.That(sets, Has.Count.GreaterThan(1));
        using var first = MeanField.IO.Output.RunFile.Open(sets[0]);
        Assert.That(first.Vector("scales/sim_time"), Has.Length.EqualTo(2));
        Assert.That(first.Has("tasks/pde_particle_l2") && first.Has("tasks/particle_energy"));
    }
}
