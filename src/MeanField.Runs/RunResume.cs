using System.Text.RegularExpressions;
using MeanField.IO.Config;
using MeanField.IO.Output;

namespace MeanField.Runs;

/// <summary>The last complete write of an interrupted run: where it is; the dynamics reads its own state from there.</summary>
public sealed record RunCheckpoint(
    string File, int SetNumber, int WritesInFile, double Time, int WriteNumber, long Iteration, double WallTime, double Energy, string? RunId);

/// <summary>
/// `meanfield run CONFIG --resume`: finds the run's files in the output directory, checks that they belong to the
/// same config (only solver.t_end and output.directory may differ), and reads the last complete write.
/// A partial last set is replayed into the new writer so that its file is rewritten whole (atomically) with the
/// continuation; complete earlier sets are left untouched.
/// </summary>
public static partial class RunResume
{
    [GeneratedRegex(@"_s(\d+)\.h5$")]
    private static partial Regex SetSuffix();

    public static IReadOnlyList<string> ExistingFiles(string directory, string name)
    {
        if (!Directory.Exists(directory)) return [];
        string single = Path.Combine(directory, $"{name}.h5");
        if (File.Exists(single)) return [single];
        return Directory.GetFiles(directory, $"{name}_s*.h5")
            .Select(f => (File: f, Match: SetSuffix().Match(Path.GetFileName(f))))
            .Where(x => x.Match.Success && Path.GetFileName(x.File) == $"{name}_s{x.Match.Groups[1].Value}.h5")
            .OrderBy(x => int.Parse(x.Match.Groups[1].Value))
            .Select(x => x.File).ToArray();
    }

    /// <summary>
    /// The run_id shared by every file of run <paramref name="name"/> in <paramref name="directory"/> (null when there is none,
    /// or the files predate run_id). Throws <see cref="ConfigException"/>, naming the files, when they belong to more than one
    /// run (different run_id, or a single file next to sets): resuming would append one run to another.
    /// </summary>
    public static string? RunIdOf(string directory, string name)
    {
        var files = RunDirectory.RunFiles(directory, name);
        if (files.Count == 0) return null;
        var ids = files.Select(f =>
        {
            using var run = RunFile.Open(f);
            return (File: f, Id: run.Attributes.TryGetValue("run_id", out var id) ? id as string : null);
        }).ToArray();
        var groups = ids.GroupBy(x => x.Id ?? "(none)").ToArray();
        bool singleAndSets = files.Any(f => Path.GetFileName(f) == $"{name}.h5") && files.Count > 1;
        if (groups.Length > 1 || singleAndSets)
            throw new ConfigException($"--resume: the files of run '{name}' in {directory} belong to more than one run " +
                $"({string.Join("; ", groups.Select(g => $"run_id {g.Key}: {string.Join(", ", g.Select(x => Path.GetFileName(x.File)))}"))}); " +
                "resuming would append one run to another: rerun without --resume (which deletes them all first) or remove the files that do not belong");
        return groups[0].Key == "(none)" ? null : groups[0].Key;
    }

    /// <summary>The last write of the run's files, after checking that they belong to one run and to the same config.</summary>
    public static RunCheckpoint Read(RunConfig config, string currentConfigYaml)
    {
        var files = ExistingFiles(config.Output.Directory, config.Name);
        if (files.Count == 0)
            throw new ConfigException($"--resume: no output of run '{config.Name}' in {config.Output.Directory} to resume (expected {config.Name}.h5 or {config.Name}_s1.h5, ...)");
        string? runId = RunIdOf(config.Output.Directory, config.Name);
        string last = files[^1];
        using var run = RunFile.Open(last);
        CheckSameConfig(run.Config, currentConfigYaml, last);
        var times = run.Vector("scales/sim_time");
        if (times.Length == 0) throw new ConfigException($"--resume: {last} holds no writes");
        int w = times.Length - 1;
        return new RunCheckpoint(
            last, (int)(long)run.Attributes["set_number"], times.Length, times[w], (int)run.IntegerVector("scales/write_number")[w],
            run.IntegerVector("scales/iteration")[w], run.Vector("scales/wall_time")[w], run.Vector("tasks/energy")[w], runId);
    }

    /// <summary>Write every write of <paramref name="file"/> again through <paramref name="writer"/>.</summary>
    public static void Replay(string file, OutputSetWriter writer, IReadOnlyList<TaskDefinition> tasks)
    {
        using var run = RunFile.Open(file);
        var t = run.Vector("scales/sim_time");
        var writeNumber = run.IntegerVector("scales/write_number");
        var iteration = run.IntegerVector("scales/iteration");
        var step = run.Vector("scales/timestep");
        var wall = run.Vector("scales/wall_time");
        var data = tasks.ToDictionary(task => task.Name, task => (object)((task.IsComplex, task.Shape.Length) switch
        {
            (true, 0) => run.ComplexVector($"tasks/{task.Name}"),
            (true, 1) => run.ComplexMatrix($"tasks/{task.Name}"),
            (false, 0) => run.Vector($"tasks/{task.Name}"),
            (false, 1) => run.Matrix($"tasks/{task.Name}"),
            (false, 2) => run.Cube($"tasks/{task.Name}"),
            _ => throw new NotSupportedException($"--resume cannot replay task {task.Name} of rank {task.Shape.Length + 1}"),
        }));
        for (int w = 0; w < t.Length; w++)
        {
            writer.BeginWrite(new OutputScales(t[w], (int)writeNumber[w], iteration[w], step[w], wall[w]));
            foreach (var task in tasks)
            {
                switch (data[task.Name])
                {
                    case double[] v: writer.SetTask(task.Name, [v[w]]); break;
                    case double[,] m: writer.SetTask(task.Name, Row(m, w)); break;
                    case double[,,] cube: writer.SetTask(task.Name, Slice(cube, w)); break;
                    case System.Numerics.Complex[] c: writer.SetTask(task.Name, [c[w]]); break;
                    case System.Numerics.Complex[,] cm: writer.SetTask(task.Name, Row(cm, w)); break;
                }
            }
            writer.CommitWrite();
        }
    }

    /// <summary>
    /// The stored /config and the new one are both parsed, and every key with an effect must resolve to the same value:
    /// changed physics (a noise key, attention_scale, the ensemble) is refused by name, only solver.t_end and
    /// output.directory may change.
    /// </summary>
    private static void CheckSameConfig(string stored, string current, string file)
    {
        RunConfig before, after;
        try { before = ConfigLoader.LoadText(stored, $"{file}:/config", "stored"); }
        catch (ConfigException e)
        {
            throw new ConfigException($"--resume: the /config stored in {file} does not load with this version ({e.Message}); rerun from the start");
        }
        after = ConfigLoader.LoadText(current, "the config", "current");
        var changed = ConfigSchema.Differences(before, after, "solver.t_end", "output.directory");
        if (changed.Count == 0) return;
        var (key, was, now) = changed[0];
        throw new ConfigException($"--resume: {key} differs from the run in {file}: the run has {was ?? "(no effect)"}, the config gives {now ?? "(no effect)"}; only solver.t_end and output.directory may change" +
            (changed.Count > 1 ? $" (also changed: {string.Join(", ", changed.Skip(1).Select(d => d.Path))})" : ""));
    }

    internal static T[] Row<T>(T[,] data, int row) => Enumerable.Range(0, data.GetLength(1)).Select(c => data[row, c]).ToArray();

    internal static double[] Slice(double[,,] data, int first)
    {
        int rows = data.GetLength(1), columns = data.GetLength(2);
        var slice = new double[rows * columns];
        for (int i = 0; i < rows; i++)
            for (int j = 0; j < columns; j++) slice[i * columns + j] = data[first, i, j];
        return slice;
    }
}
