using System.Globalization;
using System.Text;
using MeanField.IO.Output;
using MeanField.Runs;
using PureHDF;

namespace MeanField.Sweeps;

/// <summary>One row of the sweep table: a point, how it ended, and its summary tasks (final value and series).</summary>
public sealed record SweepRow(SweepPoint Point, string Status, int? ExitCode, double WallTime,
    IReadOnlyList<double> Summary, IReadOnlyList<double[]> Series, double[] SimTime);

/// <summary>
/// Gathering: reads every point's end files and run files into one row per point and writes sweep.csv and sweep.h5.
/// Idempotent: it only reads the points and rewrites the two table files.
/// </summary>
public static class SweepTable
{
    public const string Completed = "completed", Missing = "missing";

    public static IReadOnlyList<SweepRow> Read(SweepPlan plan) => plan.Points.Select(p => ReadRow(plan, p)).ToArray();

    public static SweepRow ReadRow(SweepPlan plan, SweepPoint p)
    {
        string dir = plan.PointDirectory(p);
        var summary = plan.Sweep.Summary;
        var empty = new SweepRow(p, Missing, null, double.NaN, summary.Select(_ => double.NaN).ToArray(), summary.Select(_ => Array.Empty<double>()).ToArray(), []);
        if (PointFiles.ReadExitCode(dir) is not { } code) return empty;
        double wall = PointFiles.ReadWallTime(dir);
        string last = PointFiles.LastStderrLine(dir);
        string status = code switch
        {
            ExitCodes.Success => Completed,
            ExitCodes.Underresolved or ExitCodes.Interrupted => $"stopped: {(last.Length > 0 ? last : $"exit code {code}")}",
            _ => $"failed: {(last.Length > 0 ? last : $"exit code {code}")}",
        };
        var files = File.Exists(plan.PointConfig(p)) ? RunResume.ExistingFiles(dir, plan.RunName(p)) : [];
        var series = summary.Select(_ => new List<double>()).ToArray();
        var time = new List<double>();
        string? runStatus = null;
        bool gatherFailed = false;
        try
        {
            foreach (var f in files)
            {
                using var run = RunFile.Open(f);
                if (run.Attributes.ContainsKey("run_status")) runStatus = run.Attribute("run_status");
                time.AddRange(run.Vector("scales/sim_time"));
                for (int i = 0; i < summary.Count; i++)
                {
                    string path = $"tasks/{summary[i]}";
                    if (!run.Has(path))
                    {
                        if (code == ExitCodes.Success) (status, gatherFailed) = ($"failed: summary task '{summary[i]}' is not in {Path.GetFileName(f)} (its tasks: {string.Join(", ", run.TaskDatasets().Select(RunFile.TaskName))})", true);
                        continue;
                    }
                    var d = run.Datasets().First(x => x.Path == path);
                    if (d.Shape.Length != 1 || d.Type != "float64")
                    {
                        (status, gatherFailed) = ($"failed: summary task '{summary[i]}' is not a real scalar per write (shape [{string.Join(", ", d.Shape)}], {d.Type})", true);
                        continue;
                    }
                    series[i].AddRange(run.Vector(path));
                }
            }
        }
        catch (OutputException e) { (status, gatherFailed) = ($"failed: {e.Message}", true); }
        // The run's own account of how it ended (issue 13's run_status attribute), where the file has one and the
        // gather found nothing wrong with the file itself.
        if (runStatus is { Length: > 0 } && !gatherFailed) status = runStatus;
        if (status == Completed && files.Count == 0) status = "failed: the run exited 0 but wrote no run file";
        return new SweepRow(p, status, code, wall,
            series.Select(s => s.Count > 0 ? s[^1] : double.NaN).ToArray(), series.Select(s => s.ToArray()).ToArray(), time.ToArray());
    }

    public static string CsvPath(SweepPlan plan) => Path.Combine(plan.Sweep.OutputDirectory, "sweep.csv");
    public static string H5Path(SweepPlan plan) => Path.Combine(plan.Sweep.OutputDirectory, "sweep.h5");

    /// <summary>Gather: read every point and write sweep.csv and sweep.h5. Returns the rows.</summary>
    public static IReadOnlyList<SweepRow> Gather(SweepPlan plan, string executor)
    {
        var rows = Read(plan);
        Directory.CreateDirectory(plan.Sweep.OutputDirectory);
        File.WriteAllText(CsvPath(plan), Csv(plan, rows));
        WriteH5(plan, rows, executor);
        return rows;
    }

    public static string Csv(SweepPlan plan, IReadOnlyList<SweepRow> rows)
    {
        var inv = CultureInfo.InvariantCulture;
        var b = new StringBuilder();
        var header = new[] { "point" }.Concat(plan.Keys).Concat(["seed", "status", "exit_code", "wall_time_s"]).Concat(plan.Sweep.Summary);
        b.Append(string.Join(",", header.Select(Field))).Append('\n');
        foreach (var r in rows)
        {
            var cells = new[] { r.Point.Id }.Concat(r.Point.Values.Select(v => v.Text))
                .Concat([r.Point.Seed?.ToString(inv) ?? "", r.Status, r.ExitCode?.ToString(inv) ?? "", double.IsNaN(r.WallTime) ? "" : r.WallTime.ToString("R", inv)])
                .Concat(r.Summary.Select(x => double.IsNaN(x) ? "" : x.ToString("R", inv)));
            b.Append(string.Join(",", cells.Select(Field))).Append('\n');
        }
        return b.ToString();
    }

    private static string Field(string s) =>
        s.IndexOfAny([',', '"', '\n', '\r']) >= 0 ? "\"" + s.Replace("\"", "\"\"") + "\"" : s;

    private static void WriteH5(SweepPlan plan, IReadOnlyList<SweepRow> rows, string executor)
    {
        var inv = CultureInfo.InvariantCulture;
        var table = new H5Group
        {
            ["point"] = rows.Select(r => (long)r.Point.Index).ToArray(),
            ["seed"] = rows.Select(r => r.Point.Seed ?? 0).ToArray(),
            ["status"] = rows.Select(r => r.Status).ToArray(),
            ["exit_code"] = rows.Select(r => (long)(r.ExitCode ?? -1)).ToArray(),
            ["wall_time_s"] = rows.Select(r => r.WallTime).ToArray(),
        };
        for (int k = 0; k < plan.Keys.Count; k++)
        {
            var texts = rows.Select(r => r.Point.Values[k].Text).ToArray();
            var numbers = texts.Select(t => double.TryParse(t, NumberStyles.Float, inv, out double x) ? x : (double?)null).ToArray();
            table[plan.Keys[k]] = numbers.All(x => x is not null) ? numbers.Select(x => x!.Value).ToArray() : texts;
        }
        var summary = new H5Group();
        var series = new H5Group();
        int writes = rows.Select(r => r.SimTime.Length).DefaultIfEmpty(0).Max();
        series["sim_time"] = Padded(rows.Select(r => r.SimTime).ToArray(), writes);
        for (int i = 0; i < plan.Sweep.Summary.Count; i++)
        {
            summary[plan.Sweep.Summary[i]] = rows.Select(r => r.Summary[i]).ToArray();
            series[plan.Sweep.Summary[i]] = Padded(rows.Select(r => r.Series[i]).ToArray(), writes);
        }
        var file = new H5File
        {
            Attributes = new Dictionary<string, object>
            {
                ["format"] = "MeanFieldSweep",
                ["name"] = plan.Sweep.Name,
                ["software_version"] = Provenance.SoftwareVersion,
                ["executor"] = executor,
                ["points"] = (long)rows.Count,
                ["completed"] = (long)rows.Count(r => r.Status == Completed),
                ["gathered_utc"] = DateTime.UtcNow.ToString("yyyy-MM-ddTHH:mm:ssZ", inv),
            },
            ["sweep_file"] = plan.Sweep.Text,
            ["base_config"] = plan.Sweep.BaseText,
            ["table"] = table,
            ["summary"] = summary,
            ["series"] = series,
        };
        string path = H5Path(plan), temp = path + ".tmp";
        file.Write(temp);
        File.Move(temp, path, overwrite: true);
    }

    // (points, writes), NaN past a point's last write (a stopped or missing point has fewer).
    private static double[,] Padded(double[][] rows, int writes)
    {
        var m = new double[rows.Length, Math.Max(writes, 0)];
        for (int p = 0; p < rows.Length; p++)
            for (int w = 0; w < writes; w++) m[p, w] = w < rows[p].Length ? rows[p][w] : double.NaN;
        return m;
    }
}
