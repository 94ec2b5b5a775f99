using System.CommandLine;
using MeanField.IO.Config;
using MeanField.Runs;

namespace MeanField.Cli;

/// <summary>
/// `meanfield config-keys`: the key table of docs/configuration.md, printed from the config schema (the same list the
/// loader checks keys against and the /config writer writes), so the docs are regenerated rather than edited.
/// </summary>
internal static class ConfigKeysCommand
{
    public static Command Create(TextWriter output)
    {
        var command = new Command("config-keys", "Print every run-config key (default, allowed values, the runs it applies to, meaning) as a Markdown table.");
        command.SetAction(_ =>
        {
            output.Write(ConfigSchema.MarkdownTable());
            return ExitCodes.Success;
        });
        return command;
    }
}
