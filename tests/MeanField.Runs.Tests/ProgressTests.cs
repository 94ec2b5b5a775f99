using static MeanField.Runs.Tests.RunTestSupport;

namespace MeanField.Runs.Tests;

public class ProgressTests
{
    [Test]
    public void NonTerminalProgressIsLineBasedAndEndsWithASummary()
    {
        string dir = TempDirectory();
        string config = Path.Combine(dir, "p.yaml");
        File.WriteAllText(config, "name: p\ngeometry: circle\nmodel: {beta: 2.0}\nsolver: {resolution: 64, t_end: 0.5}\noutput: {interval: 0.05}\n");
        var (code, stdout, stderr) = RunCli("run", config, "--out", dir);   // captured output: not a terminal
        Assert.That(code, Is.EqualTo(0), stderr);
        Assert.That(stdout, Does.Not.Contain("\r"), "no in-place redraws in logs");
        var lines = stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        var progress = lines.Where(l => l.StartsWith("t = ", StringComparison.Ordinal)).ToArray();
        Assert.That(progress, Has.Length.EqualTo(10), "one line per 10% of simulation time");
        Assert.That(progress, Has.All.Contain("dt = ").And.All.Contain("steps/s").And.All.Contain("ETA"));
        Assert.That(lines[^1], Does.StartWith("done: t = 0.5").And.Contain("RHS evaluations").And.Contain("p.h5"));
    }

    [Test]
    public void TerminalProgressRedrawsOneLine()
    {
        var output = new StringWriter();
        var progress = new ProgressReporter(output, interactive: true, tEnd: 1.0);
        progress.Update(0.5, 1e-3, 10);
        progress.Finish("done");
        Assert.That(output.ToString(), Does.StartWith("\rt = 0.5/1 (50%)"));
        Assert.That(output.ToString().TrimEnd(), Does.EndWith("done"));
    }
}
