using System.CommandLine;
using System.Globalization;
using MeanField.Core;
using MeanField.IO.Config;
using MeanField.IO.Output;
using MeanField.Runs;

namespace MeanField.Cli;

/// <summary>The `meanfield` command line: run, stability.</summary>
internal static class MeanFieldCommand
{
    public static int Run(string[] args, TextWriter? output = null, TextWriter? error = null)
    {
        output ??= Console.Out;
        error ??= Console.Error;
        var root = new RootCommand("MeanField: mean-field dynamics of self-attention (tokens on the sphere).");
        VersionReport.Install(root, output);   // --version: version, commit, backends
        root.Subcommands.Add(RunCommand(output, error));
        root.Subcommands.Add(StabilityCommand(output, error));
        root.Subcommands.Add(InfoCommand.Create(output, error));
        root.Subcommands.Add(PlotCommand.Create(output, error));
        root.Subcommands.Add(NoiseKernelCommand.Create(output, error));
        root.Subcommands.Add(AttentionScalingCommand.Create(output, error));
        root.Subcommands.Add(NoisyThresholdCommand.Create(output, error));
        root.Subcommands.Add(ValidateCommand.Create(output, error));
        root.Subcommands.Add(ConfigKeysCommand.Create(output));
        root.Subcommands.Add(SteadyCommand.Create(output, error));
        root.Subcommands.Add(ContinueCommand.Create(output, error));
        root.Subcommands.Add(SweepCommand.Create(output, error));
        var parse = root.Parse(args);
        var invocation = new InvocationConfiguration { Output = output, Error = error };
        int code = parse.Invoke(invocation);
        // System.CommandLine reports usage errors with exit code 1; ours are documented as 2.
        return parse.Errors.Count > 0 ? ExitCodes.ConfigError : code;
    }

    private static Command RunCommand(TextWriter output, TextWriter error)
    {
        var config = new Argument<string>("config") { Description = "YAML config file (see configs/)" };
        var set = new Option<string[]>("--set") { Description = "override a config key, e.g. --set model.beta=7 (repeatable)", AllowMultipleArgumentsPerToken = false };
        var outDir = new Option<string?>("--out") { Description = "output directory (overrides output.directory)" };
        var quiet = new Option<bool>("--quiet") { Description = "no progress output" };
        var resume = new Option<bool>("--resume") { Description = "continue an interrupted run from its last complete write (same config; t_end may grow)" };
        var command = new Command("run", "Run a simulation described by a config file and write HDF5 output.") { config, set, outDir, quiet, resume };
        command.SetAction(parse =>
        {
            string path = parse.GetValue(config)!;
            using var cancel = new CancellationTokenSource();
            ConsoleCancelEventHandler onCancel = (_, e) => { e.Cancel = true; cancel.Cancel(); };
            Console.CancelKeyPress += onCancel;
            // SIGTERM (kill, Slurm's time limit) stops the run like Ctrl-C: the current step ends, written files stay valid.
            using var onTerm = System.Runtime.InteropServices.PosixSignalRegistration.Create(
                System.Runtime.InteropServices.PosixSignal.SIGTERM, context => { context.Cancel = true; cancel.Cancel(); });
            try
            {
                var cfg = ConfigLoader.LoadFile(path, parse.GetValue(set) ?? [], parse.GetValue(outDir));
                var runOptions = new RunOptions
                {
                    Output = output,
                    Error = error,
                    Interactive = ReferenceEquals(output, Console.Out) && !Console.IsOutputRedirected,
                    Quiet = parse.GetValue(quiet),
                    ConfigPath = path,
                    Cancellation = cancel.Token,
                    Resume = parse.GetValue(resume),
                };
                var result = RunLauncher.Execute(cfg, runOptions);
                // output.plots: figures of whatever was written, also for a run that stopped early.
                if (cfg.Output.Plots && result.Files.Count > 0)
                {
                    int plotted = PlotCommand.Plot(result.Files, null, parse.GetValue(quiet) ? TextWriter.Null : output, error);
                    if (result.ExitCode == ExitCodes.Success && plotted != ExitCodes.Success) return plotted;
                }
                return result.ExitCode;
            }
            catch (ConfigException e)
            {
                error.WriteLine($"config error: {e.Message}");
                return ExitCodes.ConfigError;
            }
            catch (OutputException e)
            {
                error.WriteLine($"output error: {e.Message}");
                return ExitCodes.OutputError;
            }
            catch (OutOfMemoryException)
            {
                // A resolution, particle count or output buffer too large for this machine: say which keys set the size.
                error.WriteLine("error: out of memory; lower solver.resolution, particles.count or output.max_writes (or output.position_stride), or run on a larger machine");
                return ExitCodes.NumericalFailure;
            }
            finally
            {
                Console.CancelKeyPress -= onCancel;
            }
        });
        return command;
    }

    private static Command StabilityCommand(TextWriter output, TextWriter error)
    {
        var dimension = new Option<int>("--dimension") { Description = "ambient dimension d ≥ 2 (circle: 2)", DefaultValueFactory = _ => 2 };
        var model = new Option<string>("--model") { Description = "sa or usa", DefaultValueFactory = _ => "usa" };
        model.AcceptOnlyFromAmong("sa", "usa");
        var beta = new Option<double>("--beta") { Description = "inverse temperature β > 0", Required = true };
        var diffusion = new Option<double>("--diffusion") { Description = "idiosyncratic noise D ≥ 0 (generator D·Δ)", DefaultValueFactory = _ => 0.0 };
        var nmax = new Option<int?>("--nmax") { Description = "largest degree listed (default: 2 n* + 4, at least 8)" };
        var command = new Command("stability", "Linear growth rates λ_n of the uniform state (MATH §4.1, §4.3) and the dominant index n*.")
            { dimension, model, beta, diffusion, nmax };
        command.SetAction(parse =>
        {
            int d = parse.GetValue(dimension);
            double b = parse.GetValue(beta), dd = parse.GetValue(diffusion);
            var kind = parse.GetValue(model) == "sa" ? AttentionKind.SA : AttentionKind.USA;
            if (d < 2) { error.WriteLine($"--dimension: must be ≥ 2, got {d}"); return ExitCodes.ConfigError; }
            if (!MeanFieldModel.IsValidBeta(b)) { error.WriteLine($"--beta: {MeanFieldModel.BetaRule}, got {b.ToString(System.Globalization.CultureInfo.InvariantCulture)}"); return ExitCodes.ConfigError; }
            if (!(dd >= 0) || !double.IsFinite(dd)) { error.WriteLine($"--diffusion: must be ≥ 0, got {dd}"); return ExitCodes.ConfigError; }
            int star = LinearStability.DominantIndex(kind, b, d, dd);
            int last = parse.GetValue(nmax) ?? Math.Max(8, 2 * star + 4);
            if (last < 1) { error.WriteLine($"--nmax: must be ≥ 1, got {last}"); return ExitCodes.ConfigError; }
            var inv = CultureInfo.InvariantCulture;
            output.WriteLine($"# linear growth rates of the uniform state: {(kind == AttentionKind.SA ? "SA" : "USA")}, d = {d}, beta = {b.ToString(inv)}, diffusion = {dd.ToString(inv)}");
            output.WriteLine(d == 2 ? "# n = Fourier wavenumber k; rate of f_k" : "# n = harmonic degree; rate of every degree-n coefficient");
            bool noisy = dd > 0;
            output.WriteLine(noisy
                ? $"{"n",4}  {"lambda_n (D = 0)",24}  {"gamma_n = lambda_n - D n(n+d-2)",32}"
                : $"{"n",4}  {"lambda_n",24}");
            for (int n = 1; n <= last; n++)
            {
                double rate = LinearStability.GrowthRate(kind, n, b, d);
                string mark = n == star ? "  <- n*" : "";
                output.WriteLine(noisy
                    ? $"{n,4}  {rate.ToString("E15", inv),24}  {LinearStability.GrowthRate(kind, n, b, d, dd).ToString("E15", inv),32}{mark}"
                    : $"{n,4}  {rate.ToString("E15", inv),24}{mark}");
            }
            output.WriteLine($"n* = {star}");
            return ExitCodes.Success;
        });
        return command;
    }
}
