using System.Diagnostics;

namespace MeanField.Sweeps;

/// <summary>Runs points as child processes on this machine, <c>jobs</c> at a time.</summary>
internal static class LocalExecutor
{
    /// <summary>Run the points; returns how many were started. Cancellation kills the running children (their points stay missing).</summary>
    public static int Run(SweepPlan plan, IReadOnlyList<SweepPoint> points, ChildCommand child, int jobs,
        CancellationToken cancel, Action<SweepPoint, int>? finished)
    {
        int started = 0;
        try
        {
            Parallel.ForEach(points, new ParallelOptions { MaxDegreeOfParallelism = jobs, CancellationToken = cancel }, point =>
            {
                Interlocked.Increment(ref started);
                int? code = RunOne(plan.PointDirectory(point), plan.PointConfig(point), child, cancel);
                if (code is { } c) finished?.Invoke(point, c);
            });
        }
        catch (OperationCanceledException) { }
        return started;
    }

    private static int? RunOne(string directory, string config, ChildCommand child, CancellationToken cancel)
    {
        var info = new ProcessStartInfo(child.FileName)
        {
            RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false, WorkingDirectory = directory,
        };
        foreach (var a in child.RunArguments(config)) info.ArgumentList.Add(a);
        var clock = Stopwatch.StartNew();
        using var process = Process.Start(info) ?? throw new InvalidOperationException($"cannot start {child.FileName}");
        using var stdout = new StreamWriter(Path.Combine(directory, PointFiles.Stdout));
        using var stderr = new StreamWriter(Path.Combine(directory, PointFiles.Stderr));
        var copyOut = process.StandardOutput.BaseStream.CopyToAsync(stdout.BaseStream);
        var copyErr = process.StandardError.BaseStream.CopyToAsync(stderr.BaseStream);
        using (cancel.Register(() => { try { process.Kill(entireProcessTree: true); } catch (InvalidOperationException) { } }))
        {
            process.WaitForExit();
            Task.WaitAll(copyOut, copyErr);
        }
        if (cancel.IsCancellationRequested) return null;   // killed: no end files, the point counts as missing
        stdout.Flush();
        stderr.Flush();
        PointFiles.WriteEnd(directory, process.ExitCode, clock.Elapsed.TotalSeconds);
        return process.ExitCode;
    }
}
