using MeanField.Core;
using System.Numerics;
using MeanField.IO.Config;
using MeanField.IO.Output;
using MeanField.Analysis;

namespace MeanField.Runs;

/// <summary>
/// solver.kind: both — the PDE/SPDE and the particle system from the same initial law, on one common-noise path, in one
/// file, with their distance at every write: what conditional propagation of chaos is checked on (MATH §3.3).
/// </summary>
/// <remarks>
/// The two runs are the ordinary spectral and particle runs (so each behaves exactly as on its own), written to a
/// temporary directory and merged: the PDE's tasks keep their names, the particles' get the prefix particle_, and
/// /tasks/noise_increments, which both write, must agree bit for bit (checked: it proves the path is shared). With
/// common noise the particles step with solver.dt, the SPDE's step, because the path is keyed by step on that grid.
/// Distances: circle, the exact W1 between the PDE density and the empirical measure of the written particles
/// (CircleWasserstein) and the L² norm of the difference of the projections on modes |k| ≤ 32; S², the L² norm of the
/// difference of the projections on degrees ≤ min(lmax, output.harmonic_degree).
/// </remarks>
public static class CoupledRun
{
    public static RunResult Execute(RunConfig config, RunOptions options)
    {
        string where = options.ConfigPath;
        if (options.Resume)
            throw new ConfigException($"{where}: --resume is not supported for solver.kind both; rerun (both runs are reproducible from the seed)");
        int writes = SpectralRun.OutputTimes(config.Solver.TEnd, config.Output.Interval).Count;
        if (writes > config.Output.MaxWrites)
            throw new ConfigException($"{where}: output.max_writes: solver.kind both writes one file; {writes} writes exceed output.max_writes = {config.Output.MaxWrites}");
        if (!config.Output.Positions)
            throw new ConfigException($"{where}: output.positions: solver.kind both compares the PDE with the written particle positions; set output.positions: true");

        string scratch = Path.Combine(config.Output.Directory, $".both-{Guid.NewGuid():N}");
        var pdeConfig = config with { Name = config.Name + "_pde", Solver = config.Solver with { Kind = SolverKind.Spectral }, Output = config.Output with { Directory = scratch, Plots = false } };
        var particleConfig = config with
        {
            Name = config.Name + "_particles",
            Solver = config.Solver with { Kind = SolverKind.Particles },
            Particles = config.Model.CommonNoise is null ? config.Particles : config.Particles with { Dt = config.Solver.Dt },
            Output = config.Output with { Directory = scratch, Plots = false },
        };
        // The stages write into the scratch directory, deleted after the merge: their closing lines must not name those files.
        var stageOptions = options with { ReportFiles = false };
        var pde = SpectralRun.Execute(pdeConfig, stageOptions);
        if (pde.ExitCode != ExitCodes.Success) return Stopped("PDE", pde, scratch);
        var particles = ParticleRun.Execute(particleConfig, stageOptions);
        if (particles.ExitCode != ExitCodes.Success) return Stopped("particle", particles, scratch);

        IReadOnlyList<string> files;
        try
        {
            files = Merge(config, options, pde.Files.Single(), particles.Files.Single());
        }
        catch (OutputException e)
        {
            options.Error.WriteLine($"error: {RunEnding.OutputError(pde.FinalTime, e)}");
            return new RunResult(ExitCodes.OutputError, e.Message, [], 0, 0, pde.FinalTime);
        }
        Directory.Delete(scratch, recursive: true);
        string summary = $"done: PDE and {config.Particles.Count ?? 0} particles on one path, {pde.Writes} writes, output {string.Join(", ", files)}";
        if (!options.Quiet) options.Output.WriteLine(summary);
        return new RunResult(ExitCodes.Success, summary, files, pde.Writes, pde.Steps + particles.Steps, pde.FinalTime);
    }

    private static RunResult Stopped(string which, RunResult result, string scratch)
    {
        string message = $"the {which} run stopped ({result.Message}); its output is in {scratch}";
        return result with { Message = message, Files = [] };
    }

    private static IReadOnlyList<string> Merge(RunConfig config, RunOptions options, string pdeFile, string particleFile)
    {
        using var pde = RunFile.Open(pdeFile);
        using var particles = RunFile.Open(particleFile);
        double[] times = pde.Vector("scales/sim_time");
        if (!times.SequenceEqual(particles.Vector("scales/sim_time")))
            throw new InvalidOperationException("the PDE and particle runs wrote at different times");
        long[] iterations = pde.IntegerVector("scales/iteration");
        double[] timesteps = pde.Vector("scales/timestep");
        bool circle = config.Geometry == GeometryKind.Circle;

        var grid = pde.Grid();
        foreach (var (name, values) in particles.Grid()) grid.TryAdd(name, values);

        var sources = new List<(RunFile File, RunDataset Data, string Name)>();
        foreach (var d in pde.TaskDatasets()) sources.Add((pde, d, RunFile.TaskName(d)));
        foreach (var d in particles.TaskDatasets())
        {
            string name = RunFile.TaskName(d);
            if (name == "noise_increments")
            {
                if (!pde.Flat(d.Path).SequenceEqual(particles.Flat(d.Path)))
                    throw new InvalidOperationException("the PDE and the particles drew different noise increments");
                continue;
            }
            sources.Add((particles, d, "particle_" + name));
        }
        var tasks = sources.Select(s => new TaskDefinition(s.Name, s.Data.Shape.Skip(1).Select(x => checked((int)x)).ToArray(),
            s.Data.Type == "complex128", s.File == particles ? $"particles: {s.Data.Description}" : s.Data.Description ?? s.Name)).ToList();
        tasks.Add(circle
            ? new TaskDefinition("pde_particle_w1", [], false, "W1 between the PDE density and the empirical measure of the written particles (exact, via the CDF of the band-limited density)")
            : new TaskDefinition("pde_particle_w1", [], false, "not computed on S^2 (NaN); see pde_particle_l2"));
        tasks.Add(new TaskDefinition("pde_particle_l2", [], false, circle
            ? "L2(dtheta) norm of the difference of the projections of PDE density and empirical measure on modes |k| <= 32"
            : "L2(sigma) norm of the difference of the projections of PDE density and empirical measure on degrees <= min(lmax, output.harmonic_degree)"));

        var attributes = new Dictionary<string, object>(StringComparer.Ordinal);
        foreach (var (key, value) in pde.Attributes)
            if (!OutputSetWriter.ReservedRootAttributes.Contains(key)) attributes[key] = value;
        foreach (var (key, value) in particles.Attributes)
            if (!OutputSetWriter.ReservedRootAttributes.Contains(key) && (!attributes.TryGetValue(key, out var v) || !Equals(v, value)))
                attributes["particle_" + key] = value;
        attributes["solver_kind"] = "both";
        attributes["name"] = config.Name;   // the run's name, not its PDE stage's (NAME_pde)

        var data = sources.ToDictionary(s => s.Name, s => s.Data.Type == "complex128"
            ? (Array)s.File.ComplexFlat(s.Data.Path) : s.File.Flat(s.Data.Path));
        var writer = new OutputSetWriter(new OutputSetOptions
        {
            Directory = config.Output.Directory,
            BaseName = config.Name,
            MaxWritesPerSet = Math.Max(times.Length, 1),
            ExpectedWrites = times.Length,
            RootAttributes = attributes,
            ConfigYaml = ConfigYaml.Write(config),
            Grid = grid,
            Tasks = tasks,
        });
        try
        {
            for (int w = 0; w < times.Length; w++)
            {
                writer.BeginWrite(new OutputScales(times[w], w + 1, iterations[w], timesteps[w], 0));
                foreach (var t in tasks.Take(sources.Count))
                {
                    int row = t.Shape.Aggregate(1, (a, b) => a * b);
                    if (data[t.Name] is Complex[] z) writer.SetTask(t.Name, z.AsSpan(w * row, row));
                    else writer.SetTask(t.Name, ((double[])data[t.Name]).AsSpan(w * row, row));
                }
                var (w1, l2) = circle ? CircleDistances(data, w) : SphereDistances(data, w, pde, particles);
                writer.SetTask("pde_particle_w1", [w1]);
                writer.SetTask("pde_particle_l2", [l2]);
                writer.CommitWrite();
            }
        }
        finally { writer.Close(); }
        return writer.CompletedFiles;
    }

    private static Complex[] Row(IReadOnlyDictionary<string, Array> data, string name, int w, int length) =>
        ((Complex[])data[name]).AsSpan(w * length, length).ToArray();

    private static (double W1, double L2) CircleDistances(IReadOnlyDictionary<string, Array> data, int w)
    {
        int modes = CircleRunField.WrittenModes;
        var pde = Row(data, "fourier_modes", w, modes);
        var empirical = Row(data, "particle_empirical_modes", w, modes);
        double sum = 0;
        for (int k = 0; k < modes; k++) sum += (k == 0 ? 1 : 2) * (pde[k] - empirical[k]).Magnitude * (pde[k] - empirical[k]).Magnitude;
        var angles = (double[])data["particle_angles"];
        int n = angles.Length / ((double[])data["particle_energy"]).Length;
        double w1 = CircleWasserstein.W1(new CircleDensity(pde), angles.AsSpan(w * n, n));
        return (w1, Math.Sqrt(2 * Math.PI * sum));
    }

    private static (double W1, double L2) SphereDistances(IReadOnlyDictionary<string, Array> data, int w, RunFile pde, RunFile particles)
    {
        int lmax = checked((int)Convert.ToInt64(pde.Attributes["lmax"]));
        int count = ((Complex[])data["sh_coefficients"]).Length / ((double[])data["energy"]).Length;
        int particleCount = ((Complex[])data["particle_empirical_sh_coefficients"]).Length / ((double[])data["energy"]).Length;
        int lp = (int)Math.Round((Math.Sqrt(8.0 * particleCount + 1) - 3) / 2);
        var a = Row(data, "sh_coefficients", w, count);
        var b = Row(data, "particle_empirical_sh_coefficients", w, particleCount);
        int l = Math.Min(lmax, lp);
        double sum = 0;
        for (int m = 0; m <= l; m++)
            for (int n = m; n <= l; n++)
            {
                var diff = a[SphericalHarmonics.Index(lmax, n, m)] - b[SphericalHarmonics.Index(lp, n, m)];
                sum += (m == 0 ? 1 : 2) * diff.Magnitude * diff.Magnitude;
            }
        return (double.NaN, Math.Sqrt(sum));
    }
}
