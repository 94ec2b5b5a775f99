using System.CommandLine;
using System.Globalization;
using MeanField.IO.Config;
using MeanField.Runs;
using MeanField.Steady;
using MeanField.Steady.Output;

namespace MeanField.Cli;

/// <summary>
/// `meanfield continue CONFIG --parameter model.diffusion --from A --to B`: pseudo-arclength continuation of stationary
/// states (from the config's initial law, or --start FILE) in D or in K = 1/(2D) (--parameter coupling); reports folds and
/// bifurcations (with the branch switched to at the first --switch of them) and writes DIR/NAME_continuation.h5.
/// </summary>
internal static class ContinueCommand
{
    public static Command Create(TextWriter output, TextWriter error)
    {
        var config = new Argument<string>("config") { Description = "YAML config file (geometry circle, sphere or zonal)" };
        var parameter = new Option<string>("--parameter") { Description = "model.diffusion (D) or coupling (K = 1/(2D), Mun–Rosenzweig)", DefaultValueFactory = _ => "model.diffusion" };
        var from = new Option<double>("--from") { Description = "start value of the parameter (> 0)", Required = true };
        var to = new Option<double>("--to") { Description = "end value of the parameter (> 0)", Required = true };
        var set = new Option<string[]>("--set") { Description = "override a config key (repeatable)" };
        var outDir = new Option<string?>("--out") { Description = "output directory (overrides output.directory)" };
        var start = new Option<string?>("--start") { Description = "start from a steady or continuation file instead of the initial law" };
        var step = new Option<double>("--step") { Description = "first step (scaled arclength: parameter in units of |to − from|, state in units of ‖u_0‖)", DefaultValueFactory = _ => 0.02 };
        var maxStep = new Option<double>("--max-step") { Description = "largest step (scaled arclength)", DefaultValueFactory = _ => 0.05 };
        var maxPoints = new Option<int>("--max-points") { Description = "points per branch at most", DefaultValueFactory = _ => 400 };
        var switches = new Option<int>("--switch") { Description = "follow the new branch at this many bifurcations of the first branch", DefaultValueFactory = _ => 1 };
        var eigenvalues = new Option<int>("--eigenvalues") { Description = "leading eigenvalues stored per point", DefaultValueFactory = _ => 8 };
        var spectrumOption = new Option<string>("--spectrum") { Description = "auto (dense up to 1500 unknowns), dense, or arnoldi (matrix-free shift-invert: eigenvalues nearest 0)", DefaultValueFactory = _ => "auto" };
        spectrumOption.AcceptOnlyFromAmong("auto", "dense", "arnoldi");
        var command = new Command("continue", "Pseudo-arclength continuation of stationary states in D or K: folds, bifurcations from uniform, branch switching; HDF5 branch file.")
            { config, parameter, from, to, set, outDir, start, step, maxStep, maxPoints, switches, eigenvalues, spectrumOption };
        command.SetAction(parse =>
        {
            string path = parse.GetValue(config)!;
            string key = parse.GetValue(parameter)!;
            double a = parse.GetValue(from), b = parse.GetValue(to);
            var kind = ContinuationParameters.Parse(key);
            string? bad = kind is null ? $"--parameter: '{key}' is not one of: model.diffusion, coupling"
                : !(a > 0) || !double.IsFinite(a) ? $"--from: must be > 0, got {a.ToString(CultureInfo.InvariantCulture)}"
                : !(b > 0) || !double.IsFinite(b) ? $"--to: must be > 0, got {b.ToString(CultureInfo.InvariantCulture)}"
                : a == b ? "--from and --to must differ"
                : !(parse.GetValue(step) > 0 && parse.GetValue(step) <= parse.GetValue(maxStep)) ? "--step: must satisfy 0 < step ≤ --max-step"
                : parse.GetValue(maxPoints) < 2 ? "--max-points: must be ≥ 2"
                : parse.GetValue(switches) < 0 ? "--switch: must be ≥ 0"
                : parse.GetValue(eigenvalues) < 1 ? "--eigenvalues: must be ≥ 1"
                : null;
            if (bad is not null) { error.WriteLine(bad); return ExitCodes.ConfigError; }
            try
            {
                using var setup = SteadyConfigAdapter.Load(path, parse.GetValue(set) ?? [], parse.GetValue(outDir));
                var initial = SteadyCommandSupport.StartState(setup, parse.GetValue(start), error);
                if (initial is null) return ExitCodes.ConfigError;
                var options = new ContinuationOptions
                {
                    Parameter = kind!.Value,
                    InitialStep = parse.GetValue(step),
                    MaxStep = parse.GetValue(maxStep),
                    MinStep = Math.Min(1e-7, parse.GetValue(step)),
                    MaxPoints = parse.GetValue(maxPoints),
                    MaxBranchSwitches = parse.GetValue(switches),
                    Newton = new NewtonOptions { EigenvalueCount = parse.GetValue(eigenvalues), Spectrum = SteadyCommandSupport.Method(parse.GetValue(spectrumOption)!) },
                };
                ContinuationResult result;
                try { result = new PseudoArclengthContinuation(setup.Geometry, options).Run(initial, a, b); }
                catch (InvalidOperationException e)
                {
                    error.WriteLine($"numerical failure: {e.Message}");
                    return ExitCodes.NumericalFailure;
                }
                var inv = CultureInfo.InvariantCulture;
                output.WriteLine($"# {setup.Name}: {setup.Geometry.Name}, d = {setup.Geometry.Dimension}, {kind.Value.Key()} from {a.ToString(inv)} to {b.ToString(inv)}");
                foreach (var br in result.Branches)
                {
                    var p = br.Points;
                    output.WriteLine($"branch {br.Index}{(br.FromBifurcation is { } fb ? $" (from bifurcation {fb})" : "")}: {p.Count} points, {kind.Value.Key()} {p.Min(x => x.Parameter).ToString("G8", inv)} … {p.Max(x => x.Parameter).ToString("G8", inv)}, max amplitude {p.Max(x => x.Amplitude).ToString("G6", inv)}, stable points {p.Count(x => x.Stable)}/{p.Count}, ended: {br.Ended}");
                }
                for (int i = 0; i < result.Bifurcations.Count; i++)
                {
                    var bf = result.Bifurcations[i];
                    output.WriteLine($"bifurcation {i}: {kind.Value.Key()} = {bf.Parameter.ToString("R", inv)} on branch {bf.Branch}{(bf.FromUniform ? " (from uniform)" : "")}, degree {bf.Degree}, {bf.Direction.ToString().ToLowerInvariant()}{(bf.SwitchedBranch is { } sb ? $", followed as branch {sb}" : "")}");
                }
                foreach (var f in result.Folds)
                    output.WriteLine($"fold: {kind.Value.Key()} = {f.Parameter.ToString("R", inv)} on branch {f.Branch}, amplitude {f.Amplitude.ToString("G6", inv)}");
                string file = Path.Combine(setup.OutputDirectory, setup.Name + "_continuation.h5");
                try { SteadyHdf5.WriteContinuation(file, setup.Geometry, result, setup.Attributes); }
                catch (Exception e) when (e is IOException or UnauthorizedAccessException)
                {
                    error.WriteLine($"output error: {file}: {e.Message}");
                    return ExitCodes.OutputError;
                }
                output.WriteLine($"wrote {file}");
                return ExitCodes.Success;
            }
            catch (ConfigException e)
            {
                error.WriteLine($"config error: {e.Message}");
                return ExitCodes.ConfigError;
            }
        });
        return command;
    }
}
