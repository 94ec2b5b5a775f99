using System.Numerics;
using MeanField.IO.Config;
using MeanField.IO.Output;

namespace MeanField.Runs;

/// <summary>
/// ensemble.paths = P: the same run on P independent common-noise paths (path p draws from stream CommonNoise + p·2³²,
/// same seed, same initial condition), then one file with the mean and standard error over paths of every task, at
/// every write (E μ_t, E 𝓔_β(μ_t), … — the quantities of the synchronisation and mean-decay theorems, MATH §3.3, §5).
/// </summary>
/// <remarks>
/// Each path is an ordinary run (spectral, particles or both) written to DIR/paths/NAME_pNNNN.h5, so every path can be
/// inspected and replayed; the aggregate reads those files back. Paths run concurrently (one run per core) and the
/// result does not depend on the order they finish in. Per-path files are deleted afterwards unless
/// ensemble.keep_paths is true. Tasks that describe one path's state (solver state, positions, increments) are not
/// averaged.
/// </remarks>
internal static class EnsembleRun
{
    /// <summary>Per-path tasks whose average means nothing (state for resume, raw positions, the noise itself).</summary>
    private static readonly HashSet<string> PathOnlyTasks =
        ["state", "stepper_state", "noise_increments", "positions", "angles", "particle_positions", "particle_angles"];

    public static RunResult Execute(RunConfig config, RunOptions options, Func<RunConfig, RunOptions, RunResult> runOnePath)
    {
        if (options.Resume)
            throw new ConfigException($"{options.ConfigPath}: --resume is not supported for ensemble runs (ensemble.paths = {config.Ensemble.Paths}); rerun, each path is reproducible from the seed");
        int paths = config.Ensemble.Paths;
        int writesPerPath = SpectralRun.OutputTimes(config.Solver.TEnd, config.Output.Interval).Count;
        if (writesPerPath > config.Output.MaxWrites)
            throw new ConfigException($"{options.ConfigPath}: output.max_writes: an ensemble averages one file per path; {writesPerPath} writes exceed output.max_writes = {config.Output.MaxWrites}: raise it or the output.interval");
        string pathDirectory = Path.Combine(config.Output.Directory, "paths");
        var progress = new ProgressReporter(options.Output, false, config.Solver.TEnd, options.Quiet);
        var results = new RunResult?[paths];
        var files = new string[paths];
        int finished = 0;
        var parallel = new ParallelOptions { CancellationToken = options.Cancellation, MaxDegreeOfParallelism = Math.Max(1, Environment.ProcessorCount) };
        try
        {
            Parallel.For(0, paths, parallel, (p, state) =>
            {
                var pathConfig = config with
                {
                    Name = $"{config.Name}_p{p:D4}",
                    Output = config.Output with { Directory = pathDirectory, Plots = false },
                    Ensemble = new EnsembleConfig(),
                };
                var result = runOnePath(pathConfig, options with { Quiet = true, Interactive = false, NoisePath = p, Output = TextWriter.Null, Error = TextWriter.Null, ResumeAdvice = false });
                results[p] = result;
                if (result.ExitCode != ExitCodes.Success) { state.Stop(); return; }
                files[p] = result.Files.Single();
                int done = Interlocked.Increment(ref finished);
                // One line per tenth of the paths: logs stay line-based.
                if (!options.Quiet && (done * 10 / paths > (done - 1) * 10 / paths || done == paths))
                    lock (options.Output) options.Output.WriteLine($"ensemble: {done}/{paths} paths done ({progress.ElapsedSeconds:F1} s)");
            });
        }
        catch (OperationCanceledException) { }
        catch (AggregateException e) when (e.Flatten().InnerExceptions.FirstOrDefault(x => x is not OperationCanceledException) is { } first)
        {
            // A path's config error (the same for every path) or out-of-memory surfaces as itself, not as a crash.
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(first).Throw();
        }

        var failed = results.Select((r, p) => (r, p)).FirstOrDefault(x => x.r is { ExitCode: not ExitCodes.Success });
        if (failed.r is not null || options.Cancellation.IsCancellationRequested || results.Any(r => r is null))
        {
            var (r, p) = failed;
            string reason = r is not null ? $"path {p} stopped: {r.Message}" : "interrupted before every path finished";
            int code = r?.ExitCode ?? ExitCodes.Interrupted;
            // A path that did not finish leaves no file: the directory holds only complete paths, never a partial one.
            int complete = 0;
            for (int q = 0; q < paths; q++)
            {
                if (results[q] is { ExitCode: ExitCodes.Success }) { complete++; continue; }
                foreach (string f in RunResume.ExistingFiles(pathDirectory, $"{config.Name}_p{q:D4}")) File.Delete(f);
            }
            options.Error.WriteLine($"error: ensemble: {reason}; {complete} of {paths} paths finished, in {pathDirectory} " +
                                    "(ensembles cannot be resumed: rerun, every path is reproducible from the seed)");
            return new RunResult(code, reason, [], 0, 0, 0);
        }

        var written = Aggregate(config, options, files);
        if (!config.Ensemble.KeepPaths)
        {
            foreach (string f in files) File.Delete(f);
            if (Directory.Exists(pathDirectory) && !Directory.EnumerateFileSystemEntries(pathDirectory).Any()) Directory.Delete(pathDirectory);
        }
        string summary = $"done: {paths} paths, {written.Writes} writes, output {string.Join(", ", written.Files)}";
        progress.Finish(summary);
        return new RunResult(ExitCodes.Success, summary, written.Files, written.Writes, results.Sum(r => r!.Steps), results[0]!.FinalTime);
    }

    private sealed record Aggregated(IReadOnlyList<string> Files, int Writes);

    private static Aggregated Aggregate(RunConfig config, RunOptions options, IReadOnlyList<string> files)
    {
        var runs = files.Select(RunFile.Open).ToArray();
        try
        {
            var first = runs[0];
            double[] times = first.Vector("scales/sim_time");
            long[] iterations = first.IntegerVector("scales/iteration");
            double[] timesteps = first.Vector("scales/timestep");
            // wall_time of a write: when the slowest path had reached it (paths run concurrently).
            var wall = runs.Select(r => r.Vector("scales/wall_time")).ToArray();
            int writes = times.Length;
            var grid = first.Grid();
            var sources = first.TaskDatasets().Where(d => !PathOnlyTasks.Contains(RunFile.TaskName(d))).ToArray();

            var definitions = new List<TaskDefinition>();
            var means = new Dictionary<string, Array>();
            foreach (var d in sources)
            {
                string name = RunFile.TaskName(d);
                int[] shape = d.Shape.Skip(1).Select(x => checked((int)x)).ToArray();
                bool complex = d.Type == "complex128";
                string what = d.Description ?? name;
                definitions.Add(new TaskDefinition(name, shape, complex, $"mean over {runs.Length} paths of: {what}"));
                definitions.Add(new TaskDefinition(name + "_stderr", shape, complex, $"standard error of the mean over paths (sample sd/√P; real and imaginary parts separately) of: {what}"));
                if (shape.Length == 0)
                    definitions.Add(new TaskDefinition(name + "_paths", [runs.Length], complex, $"each path's value (path p = stream CommonNoise + p·2^32) of: {what}"));
            }

            var attributes = Provenance.RunAttributes(config, options.ConfigPath);
            foreach (var (key, value) in first.Attributes)
                if (!attributes.ContainsKey(key) && !OutputSetWriter.ReservedRootAttributes.Contains(key) && key != "noise_path") attributes[key] = value;
            attributes["ensemble_paths"] = runs.Length;
            attributes["ensemble"] = "tasks are means over independent common-noise paths p = 0..P-1 (stream CommonNoise + p*2^32), *_stderr their standard errors, *_paths the per-path values of scalar tasks";

            var writer = new OutputSetWriter(new OutputSetOptions
            {
                Directory = config.Output.Directory,
                BaseName = config.Name,
                MaxWritesPerSet = Math.Max(writes, 1),
                ExpectedWrites = writes,
                RootAttributes = attributes,
                ConfigYaml = ConfigYaml.Write(config),
                Grid = grid,
                Tasks = definitions,
                RunId = options.RunId,
            });
            try
            {
                var real = sources.Where(d => d.Type == "float64").ToDictionary(d => d.Path, d => runs.Select(r => r.Flat(d.Path)).ToArray());
                var cplx = sources.Where(d => d.Type == "complex128").ToDictionary(d => d.Path, d => runs.Select(r => r.ComplexFlat(d.Path)).ToArray());
                for (int w = 0; w < writes; w++)
                {
                    writer.BeginWrite(new OutputScales(times[w], w + 1, iterations[w], timesteps[w], wall.Max(v => v[w])));
                    foreach (var d in sources)
                    {
                        string name = RunFile.TaskName(d);
                        int row = checked((int)d.Shape.Skip(1).Aggregate(1UL, (a, b) => a * b));
                        if (d.Type == "float64")
                        {
                            var (mean, se, each) = Statistics(real[d.Path], w * row, row);
                            writer.SetTask(name, mean);
                            writer.SetTask(name + "_stderr", se);
                            if (row == 1 && d.Shape.Length == 1) writer.SetTask(name + "_paths", each);
                        }
                        else
                        {
                            var re = cplx[d.Path].Select(v => v.Select(z => z.Real).ToArray()).ToArray();
                            var im = cplx[d.Path].Select(v => v.Select(z => z.Imaginary).ToArray()).ToArray();
                            var (mr, sr, er) = Statistics(re, w * row, row);
                            var (mi, si, ei) = Statistics(im, w * row, row);
                            writer.SetTask(name, Combine(mr, mi));
                            writer.SetTask(name + "_stderr", Combine(sr, si));
                            if (row == 1 && d.Shape.Length == 1) writer.SetTask(name + "_paths", Combine(er, ei));
                        }
                    }
                    writer.CommitWrite();
                }
            }
            finally { writer.Close(); }
            return new Aggregated(writer.CompletedFiles, writes);
        }
        finally
        {
            foreach (var r in runs) r.Dispose();
        }
    }

    private static Complex[] Combine(double[] re, double[] im) => re.Select((x, i) => new Complex(x, im[i])).ToArray();

    /// <summary>Mean, standard error of the mean (sample sd/√P; 0 for P = 1) and the per-path values of element 0.</summary>
    private static (double[] Mean, double[] StdErr, double[] Each) Statistics(double[][] perPath, int offset, int length)
    {
        int p = perPath.Length;
        var mean = new double[length];
        var se = new double[length];
        var each = new double[p];
        for (int k = 0; k < length; k++)
        {
            double m = 0;
            for (int j = 0; j < p; j++) m += perPath[j][offset + k];
            m /= p;
            double s2 = 0;
            for (int j = 0; j < p; j++) { double e = perPath[j][offset + k] - m; s2 += e * e; }
            mean[k] = m;
            se[k] = p > 1 ? Math.Sqrt(s2 / (p - 1) / p) : 0;
        }
        for (int j = 0; j < p; j++) each[j] = perPath[j][offset];
        return (mean, se, each);
    }
}
