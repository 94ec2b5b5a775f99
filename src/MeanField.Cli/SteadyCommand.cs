using System.CommandLine;
using System.Globalization;
using MeanField.IO.Config;
using MeanField.Runs;
using MeanField.Steady;
using MeanField.Steady.Output;

namespace MeanField.Cli;

/// <summary>
/// `meanfield steady CONFIG`: a stationary density of the PDE with diffusion model.diffusion &gt; 0 by Newton–Krylov, started
/// from the config's initial law (or --start FILE: a steady or continuation file of the same geometry and resolution);
/// prints the residual history and the leading Jacobian eigenvalues, writes DIR/NAME_steady.h5 (layout in SteadyHdf5).
/// Exit code 4 if Newton does not converge (the file is still written).
/// </summary>
internal static class SteadyCommand
{
    public static Command Create(TextWriter output, TextWriter error)
    {
        var config = new Argument<string>("config") { Description = "YAML config file (geometry circle, sphere or zonal; model.diffusion > 0)" };
        var set = new Option<string[]>("--set") { Description = "override a config key, e.g. --set model.diffusion=0.2 (repeatable)" };
        var outDir = new Option<string?>("--out") { Description = "output directory (overrides output.directory)" };
        var start = new Option<string?>("--start") { Description = "start from /state of a steady file or the last point of /branch of a continuation file" };
        var eigenvalues = new Option<int>("--eigenvalues") { Description = "how many leading eigenvalues to report", DefaultValueFactory = _ => 8 };
        var tolerance = new Option<double>("--tolerance") { Description = "Newton tolerance relative to D·Λ_min·‖u‖", DefaultValueFactory = _ => 1e-11 };
        var spectrumOption = new Option<string>("--spectrum") { Description = "auto (dense up to 1500 unknowns), dense, or arnoldi (matrix-free shift-invert: eigenvalues nearest 0)", DefaultValueFactory = _ => "auto" };
        spectrumOption.AcceptOnlyFromAmong("auto", "dense", "arnoldi");
        var command = new Command("steady", "Stationary state of the noisy mean-field PDE (Newton–Krylov), its residual and leading Jacobian eigenvalues.")
            { config, set, outDir, start, eigenvalues, tolerance, spectrumOption };
        command.SetAction(parse =>
        {
            string path = parse.GetValue(config)!;
            int count = parse.GetValue(eigenvalues);
            double tol = parse.GetValue(tolerance);
            if (count < 1) { error.WriteLine($"--eigenvalues: must be ≥ 1, got {count}"); return ExitCodes.ConfigError; }
            if (!(tol > 0 && tol < 1)) { error.WriteLine($"--tolerance: must lie in (0, 1), got {tol}"); return ExitCodes.ConfigError; }
            try
            {
                using var setup = SteadyConfigAdapter.Load(path, parse.GetValue(set) ?? [], parse.GetValue(outDir));
                if (!(setup.Diffusion > 0))
                {
                    error.WriteLine($"config error: {path}: model.diffusion: stationary states need D > 0, got {setup.Diffusion.ToString(CultureInfo.InvariantCulture)}");
                    return ExitCodes.ConfigError;
                }
                var initial = SteadyCommandSupport.StartState(setup, parse.GetValue(start), error);
                if (initial is null) return ExitCodes.ConfigError;
                var result = SteadyStateSolver.Solve(setup.Geometry, initial, setup.Diffusion, new NewtonOptions { Tolerance = tol, EigenvalueCount = count, Spectrum = SteadyCommandSupport.Method(parse.GetValue(spectrumOption)!) });
                var inv = CultureInfo.InvariantCulture;
                output.WriteLine($"# {setup.Name}: {setup.Geometry.Name}, d = {setup.Geometry.Dimension}, D = {setup.Diffusion.ToString("R", inv)}, {setup.Geometry.Length} coefficients");
                output.WriteLine($"{"newton",6} {"residual",12} {"relative",12}");
                for (int i = 0; i < result.ResidualHistory.Count; i++)
                    output.WriteLine($"{i,6} {result.ResidualHistory[i].ToString("E4", inv),12} {(result.ResidualHistory[i] / result.ResidualScale).ToString("E4", inv),12}");
                output.WriteLine($"converged: {(result.Converged ? "yes" : "no")}, residual ‖N(u) − DΛu‖ = {result.Residual.ToString("E3", inv)} (scale D·Λ_min·‖u‖ = {result.ResidualScale.ToString("E3", inv)})");
                SteadyCommandSupport.WriteAmplitudes(output, setup.Geometry, result.State);
                var spectrum = result.Spectrum!;
                output.WriteLine($"leading eigenvalues ({spectrum.Method}; {spectrum.NeutralCount} rotation mode(s) factored out):");
                foreach (var e in spectrum.Eigenvalues.Take(count))
                    output.WriteLine($"  {e.Real.ToString("E12", inv),20} {(e.Imaginary >= 0 ? "+" : "-")} {Math.Abs(e.Imaginary).ToString("E3", inv)}i");
                output.WriteLine($"stable: {(spectrum.Stable ? "yes" : $"no ({spectrum.UnstableCount} unstable)")}");
                string file = Path.Combine(setup.OutputDirectory, setup.Name + "_steady.h5");
                try { SteadyHdf5.WriteSteady(file, setup.Geometry, result, setup.Attributes); }
                catch (Exception e) when (e is IOException or UnauthorizedAccessException)
                {
                    error.WriteLine($"output error: {file}: {e.Message}");
                    return ExitCodes.OutputError;
                }
                output.WriteLine($"wrote {file}");
                return result.Converged ? ExitCodes.Success : ExitCodes.NumericalFailure;
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

internal static class SteadyCommandSupport
{
    public static double[]? StartState(SteadySetup setup, string? file, TextWriter error)
    {
        if (file is null) return setup.Start;
        double[] state;
        try { state = SteadyHdf5.ReadState(file); }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            error.WriteLine($"--start: {file}: {e.Message}");
            return null;
        }
        if (state.Length != setup.Geometry.Length)
        {
            error.WriteLine($"--start: {file}: the state has {state.Length} entries, the config's {setup.Geometry.Name} resolution needs {setup.Geometry.Length}: use the same geometry and solver.resolution");
            return null;
        }
        return state;
    }

    public static SpectrumMethod Method(string name) => name switch
    {
        "dense" => SpectrumMethod.Dense,
        "arnoldi" => SpectrumMethod.Arnoldi,
        _ => SpectrumMethod.Auto,
    };

    public static void WriteAmplitudes(TextWriter output, ISteadyGeometry geometry, ReadOnlySpan<double> u)
    {
        var inv = CultureInfo.InvariantCulture;
        var parts = new List<string>();
        for (int n = 1; n <= Math.Min(4, geometry.MaxDegree); n++) parts.Add($"A_{n} = {geometry.HarmonicAmplitude(u, n).ToString("G10", inv)}");
        output.WriteLine($"amplitudes (|degree-n part|/(√N_n·mass); A_1 = |∫xρ|/mass): {string.Join(", ", parts)}; ‖ρ − uniform‖_L² = {geometry.DistanceFromUniform(u).ToString("G6", inv)}");
    }
}
