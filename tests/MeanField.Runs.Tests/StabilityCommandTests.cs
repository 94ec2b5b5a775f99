using static MeanField.Runs.Tests.RunTestSupport;

namespace MeanField.Runs.Tests;

public class StabilityCommandTests
{
    [TestCase(2, "sa", 10.0, 4)]   // MATH §10 row 7: β = 10 → k* = 4
    [TestCase(2, "usa", 5.0, 3)]
    [TestCase(3, "usa", 5.0, 3)]   // row 8
    [TestCase(4, "sa", 20.0, 5)]   // row 9
    public void PrintsTheDominantIndex(int d, string model, double beta, int star)
    {
        var (code, stdout, stderr) = RunCli("stability", "--dimension", d.ToString(), "--model", model, "--beta", beta.ToString(System.Globalization.CultureInfo.InvariantCulture));
        Assert.That(code, Is.EqualTo(0), stderr);
        Assert.That(stdout, Does.Contain($"n* = {star}"));
    }

    [Test]
    public void PrintsTheRatesOfTheTable()
    {
        // MATH §10 row 3: USA S^1, β = 5: λ_3 = 18.5961.
        var (_, stdout, _) = RunCli("stability", "--dimension", "2", "--model", "usa", "--beta", "5");
        string row = stdout.Split('\n').First(l => l.TrimStart().StartsWith("3 "));
        double rate = double.Parse(row.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], System.Globalization.CultureInfo.InvariantCulture);
        Assert.That(rate, Is.EqualTo(18.5961).Within(1e-4));
    }

    [Test]
    public void DiffusionLowersTheRatesByDTimesTheLaplacianEigenvalue()
    {
        var (_, plain, _) = RunCli("stability", "--dimension", "2", "--model", "usa", "--beta", "5");
        var (_, noisy, _) = RunCli("stability", "--dimension", "2", "--model", "usa", "--beta", "5", "--diffusion", "0.5");
        double Rate(string text, int n, int column) => double.Parse(text.Split('\n').First(l => l.TrimStart().StartsWith($"{n} ")).Split(' ', StringSplitOptions.RemoveEmptyEntries)[column], System.Globalization.CultureInfo.InvariantCulture);
        for (int n = 1; n <= 5; n++)
        {
            Assert.That(Rate(noisy, n, 1), Is.EqualTo(Rate(plain, n, 1)));
            Assert.That(Rate(noisy, n, 2), Is.EqualTo(Rate(plain, n, 1) - 0.5 * n * n).Within(1e-9));
        }
    }

    [Test]
    public void BadArgumentsExitWithCodeTwo()
    {
        Assert.That(RunCli("stability", "--beta", "-1").Code, Is.EqualTo(ExitCodes.ConfigError));
        Assert.That(RunCli("stability", "--beta", "1", "--model", "xyz").Code, Is.EqualTo(ExitCodes.ConfigError));
        Assert.That(RunCli("stability").Code, Is.EqualTo(ExitCodes.ConfigError));
        // β = 10⁶ used to print rates of Infinity with exit 0: e^β overflows beyond the model's β range.
        var (code, stdout, stderr) = RunCli("stability", "--dimension", "2", "--model", "usa", "--beta", "1e6");
        Assert.That(code, Is.EqualTo(ExitCodes.ConfigError));
        Assert.That(stderr, Does.Contain("--beta").And.Contain("700"));
        Assert.That(stdout, Does.Not.Contain("Infinity"));
    }
}
