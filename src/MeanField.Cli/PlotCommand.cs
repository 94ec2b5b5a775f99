using System.CommandLine;
using MeanField.IO.Output;
using MeanField.Plotting;
using MeanField.Runs;

namespace MeanField.Cli;

/// <summary>`meanfield plot RUN.h5 [--out DIR]`: PNG figures of a run file (or a continuation file, or a sweep's sweep.h5), written next to it by default.</summary>
internal static class PlotCommand
{
    public static Command Create(TextWriter output, TextWriter error)
    {
        var files = new Argument<string[]>("files") { Description = "MeanField HDF5 output files (each set file separately), continuation files, or a sweep's sweep.h5", Arity = ArgumentArity.OneOrMore };
        var outDir = new Option<string?>("--out") { Description = "directory for the PNG files (default: next to each run file)" };
        var command = new Command("plot", "Write PNG figures of run files.") { files, outDir };
        command.SetAction(parse => Plot(parse.GetValue(files)!, parse.GetValue(outDir), output, error));
        return command;
    }

    /// <summary>Exit codes as documented: 2 for an input that is not a run file, 5 when the figures cannot be written.</summary>
    public static int Plot(IEnumerable<string> files, string? outDir, TextWriter output, TextWriter error)
    {
        if (outDir is not null)
        {
            try { Directory.CreateDirectory(outDir); }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                error.WriteLine($"error: --out {outDir}: cannot create the directory: {e.Message}");
                return ExitCodes.OutputError;
            }
        }
        foreach (var file in files)
        {
            if (!File.Exists(file))
            {
                error.WriteLine($"error: {file}: no such file");
                return ExitCodes.ConfigError;
            }
            bool continuation, sweep;
            try
            {
                continuation = BifurcationDiagramPlot.IsContinuationFile(file);
                sweep = !continuation && SweepPlot.IsSweepFile(file);
                if (!continuation && !sweep)
                {
                    using var run = RunFile.Open(file);
                    if (run.Attributes.TryGetValue("run_status", out var status) && status is string s && s != "completed")
                        error.WriteLine($"warning: {file}: the run did not complete (run_status: {s}); the figures show only the writes it made, and their titles say so");
                }
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                error.WriteLine($"error: {file}: not a MeanField HDF5 run file ({e.Message})");
                return ExitCodes.ConfigError;
            }
            try
            {
                if (continuation) output.WriteLine($"wrote {BifurcationDiagramPlot.Write(file, outDir)}");
                else if (sweep) foreach (var png in SweepPlot.Write(file, outDir)) output.WriteLine($"wrote {png}");
                else foreach (var png in RunPlots.Write(file, outDir)) output.WriteLine($"wrote {png}");
            }
            catch (OutputException e)
            {
                error.WriteLine($"error: {e.Message}");
                return ExitCodes.OutputError;
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                error.WriteLine($"error: cannot write the figures of {file}: {e.Message}");
                return ExitCodes.OutputError;
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                // A file with an unexpected layout (another version, hand-edited) is bad input, not a crash.
                error.WriteLine($"error: {file}: cannot plot it: {e.Message}");
                return ExitCodes.ConfigError;
            }
        }
        return ExitCodes.Success;
    }
}
