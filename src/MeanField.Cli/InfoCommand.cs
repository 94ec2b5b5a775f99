using System.CommandLine;
using System.Globalization;
using System.Numerics;
using MeanField.IO.Output;
using MeanField.Runs;

namespace MeanField.Cli;

/// <summary>`meanfield info RUN.h5`: provenance, layout, times written and the final diagnostics of a run file.</summary>
internal static class InfoCommand
{
    public static Command Create(TextWriter output, TextWriter error)
    {
        var file = new Argument<string>("file") { Description = "a MeanField HDF5 output file" };
        var showConfig = new Option<bool>("--config") { Description = "also print the stored (resolved) config" };
        var command = new Command("info", "Show what a run file holds: provenance, layout, times written, final diagnostics.") { file, showConfig };
        command.SetAction(parse =>
        {
            string path = parse.GetValue(file)!;
            try
            {
                using var run = RunFile.Open(path);
                Print(run, parse.GetValue(showConfig), output);
                return ExitCodes.Success;
            }
            catch (OutputException e)
            {
                error.WriteLine($"error: {e.Message}");
                return ExitCodes.ConfigError;
            }
        });
        return command;
    }

    private static void Print(RunFile run, bool showConfig, TextWriter o)
    {
        var inv = CultureInfo.InvariantCulture;
        string F(object v) => v is double d ? d.ToString("G10", inv) : Convert.ToString(v, inv) ?? "";
        // How the run ended comes first: a file of a stopped or killed run must not read as a finished one.
        o.WriteLine($"status: {(run.Attributes.TryGetValue("run_status", out var status) ? F(status) : "unknown (written before run_status existed)")}");
        o.WriteLine($"file: {run.Path}");
        o.WriteLine("provenance:");
        foreach (var key in new[] { "format", "format_version", "software_version", "git_commit", "git_dirty", "dotnet_runtime", "hdf5_backend", "run_id", "created_utc", "command_line", "config_path", "seed" })
            if (run.Attributes.TryGetValue(key, out var v)) o.WriteLine($"  {key}: {F(v)}");
        o.WriteLine("model and solver:");
        foreach (var (key, v) in run.Attributes.OrderBy(a => a.Key, StringComparer.Ordinal))
            if (key is not ("format" or "format_version" or "software_version" or "git_commit" or "created_utc" or "command_line" or "config_path" or "seed"))
                o.WriteLine($"  {key}: {F(v)}");
        o.WriteLine("layout:");
        foreach (var d in run.Datasets())
            o.WriteLine($"  /{d.Path,-28} {d.Type,-10} ({string.Join(", ", d.Shape)}){(d.Description is null ? "" : "  " + d.Description)}");
        if (run.Has("scales/sim_time"))
        {
            var t = run.Vector("scales/sim_time");
            var writes = run.IntegerVector("scales/write_number");
            o.WriteLine($"times: {t.Length} writes (write numbers {writes.FirstOrDefault()}..{writes.LastOrDefault()}), t = {t.FirstOrDefault().ToString("G6", inv)} .. {t.LastOrDefault().ToString("G6", inv)}");
            o.WriteLine("final diagnostics:");
            foreach (var d in run.TaskDatasets().Where(d => d.Shape.Length == 1))
            {
                string value = d.Type == "complex128" ? FormatComplex(run.ComplexVector(d.Path)[^1]) : run.Vector(d.Path)[^1].ToString("G10", inv);
                o.WriteLine($"  {d.Path["tasks/".Length..]}: {value}");
            }
        }
        if (showConfig)
        {
            o.WriteLine("config:");
            foreach (var line in run.Config.Split('\n', StringSplitOptions.RemoveEmptyEntries)) o.WriteLine($"  {line}");
        }
    }

    private static string FormatComplex(Complex z) =>
        $"{z.Real.ToString("G10", CultureInfo.InvariantCulture)} {(z.Imaginary < 0 ? "-" : "+")} {Math.Abs(z.Imaginary).ToString("G10", CultureInfo.InvariantCulture)}i";
}
