namespace MeanField.Runs;

/// <summary>Process exit codes of `meanfield`, documented in README.md.</summary>
public static class ExitCodes
{
    public const int Success = 0;
    public const int InternalError = 1;
    public const int ConfigError = 2;
    public const int Underresolved = 3;
    public const int NumericalFailure = 4;
    public const int OutputError = 5;
    /// <summary>`meanfield validate`: a check of the campaign's expect: section failed (the report is still written).</summary>
    public const int ValidationFailed = 6;
    public const int Interrupted = 130;
}
