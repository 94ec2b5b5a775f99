using MeanField.IO.Output;

namespace MeanField.Runs;

/// <summary>How every run ends, whatever the solver: the output-error message, the error line, the summary, the result.</summary>
internal static class RunEnding
{
    /// <summary>A write failed mid-run: the writer is faulted, files completed before stay valid.</summary>
    public static string OutputError(double time, OutputException e) =>
        $"output error at t = {time:G6}: {e.Message}; free disk space or choose another output.directory (--out)";

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
