using System.Globalization;
using static MeanField.Runs.Tests.RunTestSupport;

namespace MeanField.Runs.Tests;

/// <summary>`attention-scaling` and `noisy-threshold` are campaigns 5 and 6 with parameters from the options.</summary>
public class CampaignWrapperCommandTests
{
    [Test]
    public void Noisy_threshold_measures_K_sharp_where_the_closed_form_puts_it_and_writes_the_tables()
    {
        string dir = Path.Combine(Path.GetTempPath(), $"mf-noisy-{Guid.NewGuid():N}");
        try
        {
            var (code, stdout, stderr) = RunCli("noisy-threshold", "--dimension", "3", "--beta", "2", "--rate-at", "0.5", "--out", dir);
            Assert.That(code, Is.EqualTo(0), stderr);
            Assert.That(stdout, Does.Contain("# thresholds:"));
            var rows = Table(Path.Combine(dir, "thresholds.csv"));
            Assert.That(rows, Has.Count.EqualTo(1), "one (d, beta) pair asked for");
            // The measured sign change of the PDE's rate against K_#(β) = β^{d/2}/(2^{d/2}Γ(d/2)I_{d/2}(β)), written independently here.
            double beta = 2, d = 3;
            double kSharp = Math.Pow(beta, d / 2) / (Math.Pow(2, d / 2) * Math.Sqrt(Math.PI) / 2 * BesselI(1.5, beta));
            Assert.That(rows[0]["d"], Is.EqualTo(3));
            Assert.That(rows[0]["k_sharp"], Is.EqualTo(kSharp).Within(1e-12 * kSharp));
            Assert.That(rows[0]["k_measured"], Is.EqualTo(kSharp).Within(1e-6 * kSharp));
            Assert.That(File.Exists(Path.Combine(dir, "rates.csv")));
        }
        finally
        {
            if (Directory.Exists(dir)) Directory.Delete(dir, true);
        }
    }

    [Test]
    public void A_bad_option_value_is_a_config_error_naming_the_option_and_the_rule()
    {
        var (code, _, stderr) = RunCli("attention-scaling", "--c", "0", "--dimension", "2");
        Assert.That(code, Is.EqualTo(ExitCodes.ConfigError));
        Assert.That(stderr, Does.Contain("--c").And.Contain("cs").And.Contain("(0, 100]"));
        (code, _, stderr) = RunCli("noisy-threshold", "--max-degree", "1");
        Assert.That(code, Is.EqualTo(ExitCodes.ConfigError));
        Assert.That(stderr, Does.Contain("--max-degree").And.Contain("between 2 and 64"));
    }

    [Test]
    public void Attention_scaling_runs_campaign_5_with_the_options_given()
    {
        var (code, stdout, stderr) = RunCli("attention-scaling", "--dimension", "3", "--c", "1", "--n", "50", "--trials", "4",
            "--poisson-samples", "4", "--beta", "10", "--radial-n", "20", "--radial-trials", "3");
        Assert.That(code, Is.EqualTo(0), stderr);
        // A_3(10) = coth(10) − 1/10 (the Langevin function: I_{3/2}/I_{1/2}), by quadrature in the campaign.
        double langevin = 1 / Math.Tanh(10) - 0.1;
        string line = stdout.Split('\n').Single(l => l.StartsWith("radial_bias_d3_beta10 = "));
        double value = double.Parse(line.Split(' ')[2], CultureInfo.InvariantCulture);
        Assert.That(value, Is.EqualTo(langevin).Within(1e-5));
        Assert.That(stdout, Does.Contain("# weights:").And.Contain("# attention_output:"));
    }

    private static List<Dictionary<string, double>> Table(string path)
    {
        var lines = File.ReadAllLines(path);
        var names = lines[0].Split(',');
        return lines.Skip(1).Select(l => names.Zip(l.Split(',')).ToDictionary(p => p.First, p => double.Parse(p.Second, CultureInfo.InvariantCulture))).ToList();
    }

    /// <summary>I_ν(x) by its power series (converges fast for x = 2).</summary>
    private static double BesselI(double nu, double x)
    {
        double term = Math.Pow(x / 2, nu) / Gamma(nu + 1), sum = term;
        for (int k = 1; k < 60; k++)
        {
            term *= x * x / 4 / (k * (k + nu));
            sum += term;
        }
        return sum;
    }

    private static double Gamma(double z) => z == 2.5 ? 0.75 * Math.Sqrt(Math.PI) : throw new ArgumentException("only Γ(5/2) is needed");
}
