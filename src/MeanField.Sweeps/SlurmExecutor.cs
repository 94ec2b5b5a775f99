using System.Diagnostics;
using System.Globalization;
using System.Text;

namespace MeanField.Sweeps;

/// <summary>
/// One Slurm job array for the points: sweep.sbatch (one array index per point), submitted with sbatch, followed
/// with squeue until the job has left the queue, then (or where squeue fails) with the points' exit_code files.
/// </summary>
internal static class SlurmExecutor
{
    public static string ScriptPath(SweepPlan plan) => Path.Combine(plan.Sweep.OutputDirectory, "sweep.sbatch");

    /// <summary>The job-array script. All points: --array=0-(P-1)%max_parallel; a resume lists the indices left.</summary>
    public static string Script(SweepPlan plan, IReadOnlyList<SweepPoint> points, ChildCommand child)
    {
        var s = plan.Sweep.Slurm;
        bool all = points.Count == plan.Points.Count;
        string array = all ? $"0-{points.Count - 1}" : string.Join(",", points.Select(p => p.Index.ToString(CultureInfo.InvariantCulture)));
        var b = new StringBuilder();
        b.Append("#!/bin/bash\n");
        b.Append($"#SBATCH --job-name={plan.Sweep.Name}\n");
        b.Append($"#SBATCH --array={array}%{s.MaxParallel}\n");
        if (s.Partition is { Length: > 0 } partition) b.Append($"#SBATCH --partition={partition}\n");
        b.Append($"#SBATCH --time={s.Time}\n");
        b.Append($"#SBATCH --cpus-per-task={s.CpusPerTask}\n");
        b.Append("#SBATCH --ntasks=1\n");
        b.Append($"#SBATCH --output={Path.Combine(plan.PointsDirectory, "slurm-%a.out")}\n");
        foreach (var extra in s.Extra) b.Append($"#SBATCH {extra}\n");
        b.Append("# Written by meanfield sweep: array index i runs point i (points/NNNN/config.yaml) with the meanfield binary.\n");
        b.Append("set -u\n");
        b.Append($"dir={Sh(plan.PointsDirectory)}/$(printf '%04d' \"$SLURM_ARRAY_TASK_ID\")\n");
        b.Append("cd \"$dir\" || exit 1\n");
        b.Append("rm -f exit_code wall_time_s\n");
        b.Append("start=$(date +%s.%N)\n");
        b.Append($"{Sh(child.FileName)} {string.Join(" ", child.RunArguments("CONFIG").Select(a => a == "CONFIG" ? "\"$dir/config.yaml\"" : Sh(a)))} >stdout.log 2>stderr.log\n");
        b.Append("code=$?\n");
        b.Append("end=$(date +%s.%N)\n");
        b.Append("awk -v a=\"$start\" -v b=\"$end\" 'BEGIN { printf \"%.17g\\n\", b - a }' > wall_time_s\n");
        b.Append("echo \"$code\" > exit_code\n");
        b.Append("exit \"$code\"\n");
        return b.ToString();
    }

    public static void Run(SweepPlan plan, IReadOnlyList<SweepPoint> points, ChildCommand child, TextWriter output, CancellationToken cancel)
    {
        string script = ScriptPath(plan);
        File.WriteAllText(script, Script(plan, points, child));
        var (code, stdout, stderr) = Tool("sbatch", ["--parsable", script]);
        if (code != 0) throw new SweepException($"sbatch {script} failed (exit {code}): {stderr.Trim()}");
        string job = stdout.Trim().Split(';')[0];
        output.WriteLine($"submitted job array {job} ({points.Count} points, at most {plan.Sweep.Slurm.MaxParallel} at a time)");
        var clock = Stopwatch.StartNew();
        while (!cancel.IsCancellationRequested)
        {
            Thread.Sleep(500);
            var (qcode, qout, _) = Tool("squeue", ["-h", "-j", job, "-o", "%i"]);
            bool queued = qcode == 0 && qout.Trim().Length > 0;
            bool ended = points.All(p => PointFiles.ReadExitCode(plan.PointDirectory(p)) is not null);
            if (ended || (qcode == 0 && !queued)) break;
        }
        if (cancel.IsCancellationRequested) Tool("scancel", [job]);
        output.WriteLine($"job array {job} ended after {clock.Elapsed.TotalSeconds:F1} s");
    }

    private static (int Code, string Stdout, string Stderr) Tool(string name, IReadOnlyList<string> args)
    {
        var info = new ProcessStartInfo(name) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in args) info.ArgumentList.Add(a);
        try
        {
            using var p = Process.Start(info)!;
            var err = p.StandardError.ReadToEndAsync();
            string outText = p.StandardOutput.ReadToEnd();
            p.WaitForExit();
            return (p.ExitCode, outText, err.Result);
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            throw new SweepException($"--executor slurm: cannot run {name}: {e.Message} (is Slurm installed? see tools/slurm-local.sh)");
        }
    }

    private static string Sh(string s) => "'" + s.Replace("'", "'\\''") + "'";
}

/// <summary>A sweep that cannot proceed (executor failure); the CLI reports its message.</summary>
public sealed class SweepException(string message) : Exception(message);
