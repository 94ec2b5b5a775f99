using MeanField.IO.Output;

namespace MeanField.Runs;

/// <summary>How every run ends, whatever the solver: the output-error message, the error line, the summary, the result.</summary>
internal static class RunEnding
{
    /// <summary>A write failed mid-run: the writer is faulted, files completed before stay valid.</summary>
    public static string OutputError(double time, OutputException e) =>
        $"output error at t = {time:G6}: {e.Message}; free disk space or choose another output.directory (--out)";

    /// <summary>The root attribute run_status for how a run ended: an unexpected error, success, an interrupt or a stop.</summary>
    public static RunStatus Status(string? failure, string? stopReason, int exitCode, double time) =>
        failure is not null ? new FailedStatus(failure)
        : exitCode == ExitCodes.Success ? RunStatus.Completed
        // The output itself failed (full disk, lost directory): the run did not choose to stop.
        : exitCode == ExitCodes.OutputError ? new FailedStatus($"{stopReason} (exit {exitCode} at t = {time:G6})")
        : exitCode == ExitCodes.Interrupted ? new InterruptedStatus(exitCode, time)
        : new StoppedStatus(stopReason ?? "stopped", exitCode, time);

    /// <summary>The writer options every run derives from output.*: the HDF5 library and the managed writer's set interval.</summary>
    public static OutputSetOptions WithOutputKeys(this OutputSetOptions options, MeanField.IO.Config.OutputConfig output, bool append) =>
        options with { Library = output.Hdf5Library, SetSeconds = output.SetSeconds, Append = append, Swmr = output.Swmr };

    /// <summary>Says once, at start, what a crash can lose with the managed writer.</summary>
    public static void AnnounceWriter(ProgressReporter progress, RunOptions options, OutputSetWriter writer, double setSeconds)
    {
        if (!writer.AppendsInPlace)
            progress.Message(options.Error, $"note: libhdf5 is not in use (output.hdf5_library); the PureHDF writer writes a set at most every output.set_seconds = {setSeconds:G} s of wall time, so a crash loses at most that much");
    }

    public static RunResult Finish(ProgressReporter progress, RunOptions options, OutputSetWriter writer, string? stopReason,
        int exitCode, string details, int writes, long steps, double time)
    {
        string summary = $"{(stopReason is null ? "done" : "stopped")}: {details}" +
                         (options.ReportFiles ? $", output {string.Join(", ", writer.CompletedFiles)}" : "");
        if (stopReason is not null) progress.Message(options.Error, $"error: {stopReason}");
        progress.Finish(summary);
        return new RunResult(exitCode, stopReason ?? summary, writer.CompletedFiles, writes, steps, time);
    }
}
