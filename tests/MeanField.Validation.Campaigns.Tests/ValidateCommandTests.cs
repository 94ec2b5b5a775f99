using MeanField.Runs;
using PureHDF;
using static MeanField.Runs.Tests.RunTestSupport;
using static MeanField.Validation.Campaigns.Tests.CampaignTestSupport;

namespace MeanField.Validation.Campaigns.Tests;

public class ValidateCommandTests
{
    // ρ(0.5) for N = 8, β = 1, ρ0 = 0 from the ODE of MATH §2.5, integrated independently here (RK4, h = 1e-5).
    private static double OdeRho(bool usa)
    {
        const int n = 8;
        double Rate(double r)
        {
            double g = Math.Exp(r) * (1 - r) * ((n - 1) * r + 1);
            return usa ? 2.0 / n * g : 2 * g / (Math.E + (n - 1) * Math.Exp(r));
        }
        double rho = 0, h = 1e-5;
        for (int i = 0; i < 50000; i++)
        {
            double k1 = Rate(rho), k2 = Rate(rho + h / 2 * k1), k3 = Rate(rho + h / 2 * k2), k4 = Rate(rho + h * k3);
            rho += h / 6 * (k1 + 2 * k2 + 2 * k3 + k4);
        }
        return rho;
    }

    [Test]
    public void PassingCampaignWritesReportFiguresAndResultsAndExitsZero()
    {
        string dir = TempDirectory(), outDir = Path.Combine(dir, "out");
        string rho = OdeRho(usa: true).ToString("R", System.Globalization.CultureInfo.InvariantCulture);
        string path = SmallCampaign(dir, $"  - {{metric: rho_usa_t0.5, approx: {rho}, abs: 1.0e-9}}\n  - {{metric: angular_velocity_usa, max: 1.0e-12}}");
        var (code, stdout, stderr) = RunCli("validate", path, "--out", outDir);
        Assert.That(code, Is.EqualTo(ExitCodes.Success), stdout + stderr);
        string report = File.ReadAllText(Path.Combine(outDir, "report.md"));
        Assert.That(report, Does.Contain("MATH §10 row 21 at t = 0.5").And.Contain("| `rho_usa_t0.5` |").And.Contain("PASS").And.Contain("git commit"));
        using var h5 = H5File.OpenRead(Path.Combine(outDir, "results.h5"));
        double measured = h5.Dataset("metrics/rho_usa_t0.5").Read<double[]>()[0];
        Assert.That(measured, Is.EqualTo(OdeRho(usa: true)).Within(1e-9));
        Assert.That(h5.Dataset("campaign_yaml").Read<string>(), Does.Contain("kind: equiangular"));
        Assert.That(h5.Group("tables/equiangular").Dataset("t").Read<double[]>(), Is.EqualTo(new[] { 0.5 }));
        Assert.That(Directory.GetDirectories(dir).Where(d => Path.GetFileName(d).StartsWith('.')), Is.Empty, "no temporary directory left");
    }

    [Test]
    public void FailingCheckExitsWithValidationFailedAndStillWritesTheReport()
    {
        string dir = TempDirectory(), outDir = Path.Combine(dir, "out");
        // SA does not conserve the total angular velocity (MATH §2.5), so max: 1e-12 must fail.
        string path = SmallCampaign(dir, "  - {metric: angular_velocity_usa, max: 1.0e-12}\n  - {metric: angular_velocity_sa, max: 1.0e-12}");
        var (code, stdout, _) = RunCli("validate", path, "--out", outDir);
        Assert.That(code, Is.EqualTo(ExitCodes.ValidationFailed));
        Assert.That(stdout, Does.Contain("FAIL  angular_velocity_sa"));
        Assert.That(File.ReadAllText(Path.Combine(outDir, "report.md")), Does.Contain("**FAIL**"));
    }

    [Test]
    public void UnknownMetricInExpectIsACampaignError()
    {
        string dir = TempDirectory();
        string path = SmallCampaign(dir, "  - {metric: no_such_metric, max: 1}");
        var (code, _, stderr) = RunCli("validate", path, "--out", Path.Combine(dir, "out"));
        Assert.That(code, Is.EqualTo(ExitCodes.ConfigError));
        Assert.That(stderr, Does.Contain("no_such_metric").And.Contain("small.yaml:"));
    }

    private static string ReadmeWithMarkers(string dir)
    {
        string path = Path.Combine(dir, "README.md");
        File.WriteAllText(path, $"# head\n{CampaignSuite.BeginMarker}\nold table\n{CampaignSuite.EndMarker}\ntail\n");
        return path;
    }

    [Test]
    public void AllWithSummaryWritesOnlyUnderOut()
    {
        string dir = TempDirectory(), outDir = Path.Combine(dir, "out");
        SmallCampaign(dir, "  - {metric: angular_velocity_usa, max: 1.0e-12}");
        string readme = ReadmeWithMarkers(dir);
        string before = File.ReadAllText(readme);
        var (code, stdout, stderr) = RunCli("validate", "--all", "--quick", "--summary", "--dir", dir, "--out", outDir);
        Assert.That(code, Is.EqualTo(ExitCodes.Success), stdout + stderr);
        Assert.That(File.ReadAllText(readme), Is.EqualTo(before), "--summary must not touch the campaign directory's README");
        Assert.That(Directory.GetFileSystemEntries(dir).Select(Path.GetFileName), Is.EquivalentTo(new[] { "small.yaml", "README.md", "out" }),
            "nothing but --out is written");
        string summary = File.ReadAllText(Path.Combine(outDir, "summary.md"));
        Assert.That(summary, Does.Contain("| result | command | expected | measured | status |").And.Contain("`angular_velocity_usa`").And.Contain("with --quick"));
        Assert.That(File.Exists(Path.Combine(outDir, "small", "report.md")));
    }

    [Test]
    public void UpdateReadmeRegeneratesTheTableBetweenTheMarkers()
    {
        string dir = TempDirectory(), outDir = Path.Combine(dir, "out");
        SmallCampaign(dir, "  - {metric: angular_velocity_usa, max: 1.0e-12}");
        string readme = ReadmeWithMarkers(dir);
        var (code, stdout, stderr) = RunCli("validate", "--all", "--update-readme", "--dir", dir, "--out", outDir);
        Assert.That(code, Is.EqualTo(ExitCodes.Success), stdout + stderr);
        string text = File.ReadAllText(readme);
        Assert.That(text, Does.Not.Contain("old table").And.Contain("| result | command | expected | measured | status |").And.Contain("`angular_velocity_usa`"));
        Assert.That(text, Does.Not.Contain("--quick"), "a full run's table");
        Assert.That(text, Does.StartWith("# head").And.EndWith("tail\n"));
        Assert.That(File.Exists(Path.Combine(outDir, "summary.md")), "the summary is also kept under --out");
    }

    [TestCase(true, "cannot be combined with --quick", "--update-readme", "--quick")]
    [TestCase(false, "goes with --all", "--update-readme")]
    public void UpdateReadmeRefusesQuickRunsAndSingleCampaigns(bool all, string message, params string[] options)
    {
        string dir = TempDirectory(), outDir = Path.Combine(dir, "out");
        string campaign = SmallCampaign(dir, "  - {metric: angular_velocity_usa, max: 1.0e-12}");
        string readme = ReadmeWithMarkers(dir);
        string before = File.ReadAllText(readme);
        string[] args = all
            ? ["validate", "--all", .. options, "--dir", dir, "--out", outDir]
            : ["validate", campaign, .. options, "--out", outDir];
        var (code, _, stderr) = RunCli(args);
        Assert.That(code, Is.EqualTo(ExitCodes.ConfigError));
        Assert.That(File.ReadAllText(readme), Is.EqualTo(before));
        Assert.That(Directory.Exists(outDir), Is.False, "refused before running anything");
        Assert.That(stderr, Does.Contain("--update-readme").And.Contain(message));
    }

    // CI runs the quick versions of the campaigns through this test (campaigns 2, 3, 5, 6 together take ≈ 12 s).
    [TestCase("01-circle-metastable.yaml")]
    [TestCase("02-dominant-degree.yaml")]
    [TestCase("03-moderate-interaction.yaml")]
    [TestCase("05-long-context.yaml")]
    [TestCase("06-noisy-transition.yaml")]
    [TestCase("04-stochastic-synchronisation.yaml")]
    [TestCase("07-equiangular.yaml")]
    [TestCase("08-noisy-bifurcation.yaml")]
    [TestCase("09-phase-diagram.yaml")]
    public void QuickCampaignPasses(string file)
    {
        string path = Path.Combine(RepositoryRoot(), "validation", file);
        var (code, stdout, stderr) = RunCli("validate", path, "--quick", "--out", Path.Combine(TempDirectory(), "out"));
        Assert.That(code, Is.EqualTo(ExitCodes.Success), stdout + stderr);
    }
}
