using MeanField.IO.Output;

namespace MeanField.Cli.Tests;

/// <summary>The provenance a run file records is the real one: git_commit is the checkout's HEAD (`git rev-parse HEAD`).</summary>
public class ProvenanceTests
{
    [Test]
    public void GitCommitOfARunFile_IsTheCheckoutsHead()
    {
        string? head = RepositoryTestSupport.GitHead();
        if (head is null) Assert.Ignore("not a git checkout (or no git): git_commit is 'unknown' by design");
        string dir = RepositoryTestSupport.TempDirectory();
        try
        {
            var (code, _, err) = RepositoryTestSupport.Run(RepositoryTestSupport.DotnetExecutable(),
            [
                Path.Combine(TestContext.CurrentContext.TestDirectory, "meanfield.dll"), "run",
                Path.Combine(RepositoryTestSupport.RepositoryRoot(), "configs", "circle-metastable.yaml"),
                "--set", "solver.t_end=0.02", "--set", "solver.resolution=256", "--out", dir, "--quiet",
            ], dir, TimeSpan.FromSeconds(120));
            Assert.That(code, Is.EqualTo(0), err);
            using var run = RunFile.Open(Path.Combine(dir, "circle-metastable.h5"));
            // The build embeds the commit it was built from; `dotnet test` builds, so that is HEAD (a commit made after the
            // last build would fail here, rightly: the binary then does not come from HEAD).
            Assert.That(run.Attribute("git_commit"), Is.EqualTo(head));
            Assert.That(run.Attribute("git_dirty"), Is.AnyOf("true", "false"));
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }
}
