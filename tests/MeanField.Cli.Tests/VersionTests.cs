using MeanField.Spectral.Fft;

namespace MeanField.Cli.Tests;

/// <summary>`meanfield --version` in process: version from Directory.Build.props, the build's commit, the backends.</summary>
public class VersionTests
{
    [Test]
    public void VersionNamesVersionCommitAndBackends()
    {
        var output = new StringWriter();
        int code = MeanFieldCommand.Run(["--version"], output, new StringWriter());
        Assert.That(code, Is.EqualTo(0));
        var lines = output.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        Assert.That(lines[0], Is.EqualTo($"meanfield {RepositoryTestSupport.ProjectVersion()}"));
        string commit = lines.Single(l => l.StartsWith("commit ")).Split(' ', StringSplitOptions.RemoveEmptyEntries)[1];
        // The commit is the one built from: a 40-digit hash (or "unknown" for a build without git).
        Assert.That(commit, Does.Match("^([0-9a-f]{40}|unknown)$"));
        if (RepositoryTestSupport.GitHead() is { } head) Assert.That(commit, Is.EqualTo(head).Or.EqualTo("unknown"));
        string fft = lines.Single(l => l.StartsWith("fft "));
        Assert.That(fft, Does.Contain(RealFftFactory.FftwAvailable ? "FFTW" : "managed"));
        Assert.That(lines.Single(l => l.StartsWith("hdf5 ")), Does.Contain("PureHDF 2.2.0"));
    }
}
