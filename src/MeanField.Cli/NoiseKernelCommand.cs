using System.CommandLine;
using System.Globalization;
using MeanField.Core.Noise;
using MeanField.Runs;

namespace MeanField.Cli;

/// <summary>
/// `meanfield noise-kernel`: κ(1), κ'(1), λ₁ and λ̄ of the random-MLP common noise (MATH §5), and λ̄'(β) with --beta.
/// --table prints every row of Table 1 of P3 (arXiv 2604.26898).
/// </summary>
internal static class NoiseKernelCommand
{
    private static readonly (string Activation, int D, double Sigma)[] Table1 =
    [
        ("relu", 5, 0), ("relu", 5, 0.1), ("relu", 64, 0), ("relu", 64, 0.1), ("relu", 128, 0.1),
        ("sigmoid", 5, 0), ("sigmoid", 64, 0), ("tanh", 5, 0), ("tanh", 64, 0.1), ("silu", 5, 0), ("silu", 128, 0.1),
    ];

    public static Command Create(TextWriter output, TextWriter error)
    {
        var activation = new Option<string>("--activation") { Description = $"one of {string.Join(", ", MlpActivations.Names)}", DefaultValueFactory = _ => "relu" };
        activation.AcceptOnlyFromAmong([.. MlpActivations.Names]);
        var dimension = new Option<int>("--dimension") { Description = "ambient dimension d ≥ 2", DefaultValueFactory = _ => 64 };
        var sigma = new Option<double?>("--sigma") { Description = "σ_U = σ_W (bias standard deviations)" };
        var sigmaU = new Option<double?>("--sigma-u") { Description = "σ_U (overrides --sigma)" };
        var sigmaW = new Option<double?>("--sigma-w") { Description = "σ_W (overrides --sigma)" };
        var beta = new Option<double?>("--beta") { Description = "also print λ̄'(β) = −inf_u F(u) (MATH §5)" };
        var table = new Option<bool>("--table") { Description = "print all rows of Table 1 of P3" };
        var command = new Command("noise-kernel", "Covariance kernel and synchronisation exponents of the random-MLP common noise (MATH §5).")
            { activation, dimension, sigma, sigmaU, sigmaW, beta, table };
        command.SetAction(parse =>
        {
            double? b = parse.GetValue(beta);
            if (b is { } bb && !(bb > 0)) { error.WriteLine($"--beta: must be > 0, got {bb}"); return ExitCodes.ConfigError; }
            output.WriteLine($"{"activation",-10} {"d",5} {"sigma_u",8} {"sigma_w",8} {"kappa(1)",12} {"kappa'(1)",12} {"lambda_1",12} {"lambda_bar",12}{(b is null ? "" : $" {"lambda_bar'",12} {"u*",7}")}");
            if (parse.GetValue(table))
            {
                foreach (var (a, d, s) in Table1) Row(output, new MlpNoiseKernel(MlpActivations.Parse(a), d, s, s), b);
                return ExitCodes.Success;
            }
            int dim = parse.GetValue(dimension);
            double su = parse.GetValue(sigmaU) ?? parse.GetValue(sigma) ?? 0, sw = parse.GetValue(sigmaW) ?? parse.GetValue(sigma) ?? 0;
            if (dim < 2) { error.WriteLine($"--dimension: must be ≥ 2, got {dim}"); return ExitCodes.ConfigError; }
            if (!(su >= 0) || !(sw >= 0)) { error.WriteLine("--sigma, --sigma-u, --sigma-w: must be ≥ 0"); return ExitCodes.ConfigError; }
            Row(output, new MlpNoiseKernel(MlpActivations.Parse(parse.GetValue(activation)!), dim, su, sw), b);
            return ExitCodes.Success;
        });
        return command;
    }

    private static void Row(TextWriter o, MlpNoiseKernel k, double? beta)
    {
        string F(double x) => x.ToString("G6", CultureInfo.InvariantCulture);
        string line = $"{k.Activation.Name(),-10} {k.Dimension,5} {F(k.SigmaU),8} {F(k.SigmaW),8} {F(k.Kappa(1)),12} {F(k.KappaPrime(1)),12} {F(k.TopLyapunovExponent),12} {F(k.CoercivityExponent),12}";
        if (beta is { } b)
        {
            var (value, u) = k.AttentionCoercivityExponent(b);
            line += $" {F(value),12} {F(u),7}";
        }
        o.WriteLine(line);
    }
}
