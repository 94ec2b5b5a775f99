using System.CommandLine;
using MeanField.IO.Output;
using MeanField.Plotting;
using MeanField.Runs;

namespace MeanField.Cli;

/// <summary>`meanfield plot RUN.h5 [--out DIR]`: PNG figures of a run file, written next to it by default.</summary>
internal static class PlotCommand
{
    public static Command Create(TextWriter output, TextWriter error)
    {
        var files = new Argument<string[]>("files") { Description = "MeanField HDF5 output files (each set file separately)", Arity = ArgumentArity.OneOrMore };
        var outDir = new Option<string?>("--out") { Description = "directory for the PNG files (default: next to each run file)" };
        var command = new Command("plot", "Write PNG figures of run files.") { files, outDir };
        command.SetAction(parse => Plot(parse.GetValue(files)!, parse.GetValue(outDir), output, error));
        return command;
    }

    public static int Plot(IEnumerable<string> files, string? outDir, TextWriter output, TextWriter error)
    {
        foreach (var file in files)
        {
            try
            {
                if (BifurcationDiagramPlot.IsContinuationFile(file)) output.WriteLine($"wrote {BifurcationDiagramPlot.Write(file, outDir)}");
                else foreach (var png in RunPlots.Write(file, outDir)) output.WriteLine($"wrote {png}");
            }
            catch (OutputException e)
            {
                error.WriteLine($"error: {e.Message}");
                return ExitCodes.OutputError;
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                // A file with an unexpected layout (another version, hand-edited) must not end in a stack trace.
                error.WriteLine($"error: {file}: cannot plot it: {e.Message}");
                return ExitCodes.InternalError;
            }
        }
        return ExitCodes.Success;
    }
}
