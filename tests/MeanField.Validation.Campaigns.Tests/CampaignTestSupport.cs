namespace MeanField.Validation.Campaigns.Tests;

/// <summary>Temporary directories and the command line, run in-process with captured output.</summary>
internal static class CampaignTestSupport
{
    public static string TempDirectory()
    {
        string dir = Path.Combine(Path.GetTempPath(), "meanfield-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dir);
        return dir;
    }

    public static (int Code, string Out, string Err) RunCli(params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        int code = MeanField.Cli.MeanFieldCommand.Run(args, output, error);
        return (code, output.ToString(), error.ToString());
    }

    public static string RepositoryRoot()
    {
        var dir = new DirectoryInfo(TestContext.CurrentContext.TestDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "MeanField.sln"))) dir = dir.Parent;
        return dir?.FullName ?? throw new InvalidOperationException("MeanField.sln not found above the test directory");
    }

    /// <summary>A small equiangular campaign (well under a second) with the given expect entries.</summary>
    public static string SmallCampaign(string directory, string expect, string extraParameters = "")
    {
        string path = Path.Combine(directory, "small.yaml");
        File.WriteAllText(path, $$"""
            name: small
            kind: equiangular
            reproduces: "MATH §10 row 21 at t = 0.5"
            parameters:
              dimension: 8
              count: 8
              times: [0.5]
              dt: 0.01
              invariants: {circle_count: 8, sphere_count: 8, time: 0.1}
            {{extraParameters}}
            quick:
              dt: 0.02
            expect:
            {{expect}}
            """);
        return path;
    }
}
