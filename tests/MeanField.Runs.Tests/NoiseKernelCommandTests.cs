using static MeanField.Runs.Tests.RunTestSupport;

namespace MeanField.Runs.Tests;

public class NoiseKernelCommandTests
{
    [Test]
    public void PrintsTheRowOfTable1AndLambdaBarPrime()
    {
        // MATH §10 rows 36 and 38: ReLU, d = 64, σ = 0.1 → κ(1) = 0.0228125, κ'(1) = 0.0078125, λ₁ = −0.48031, λ̄ = −0.89938; λ̄'(β=1) = −0.35087.
        var (code, stdout, stderr) = RunCli("noise-kernel", "--activation", "relu", "--dimension", "64", "--sigma", "0.1", "--beta", "1");
        Assert.That(code, Is.EqualTo(0), stderr);
        var fields = stdout.Split('\n')[1].Split(' ', StringSplitOptions.RemoveEmptyEntries);
        double[] values = fields[4..9].Select(f => double.Parse(f, System.Globalization.CultureInfo.InvariantCulture)).ToArray();
        Assert.That(values, Is.EqualTo(new[] { 0.0228125, 0.0078125, -0.48031, -0.89938, -0.35087 }).Within(1e-5));
    }

    [Test]
    public void TablePrintsElevenRows()
    {
        var (code, stdout, _) = RunCli("noise-kernel", "--table");
        Assert.That(code, Is.EqualTo(0));
        Assert.That(stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries), Has.Length.EqualTo(12));
    }

    [Test]
    public void UnknownActivationExitsWithCodeTwo()
    {
        Assert.That(RunCli("noise-kernel", "--activation", "softplus").Code, Is.EqualTo(ExitCodes.ConfigError));
    }
}
