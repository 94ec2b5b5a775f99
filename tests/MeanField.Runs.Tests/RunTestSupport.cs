namespace MeanField.Runs.Tests;

/// <summary>Temporary directories and the command line, run in-process with captured output.</summary>
internal static class RunTestSupport
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
}
