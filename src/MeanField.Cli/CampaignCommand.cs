using System.Globalization;
using MeanField.IO.Config;
using MeanField.Runs;
using MeanField.Validation.Campaigns;
using YamlDotNet.RepresentationModel;

namespace MeanField.Cli;

/// <summary>
/// A command that is a thin wrapper over one validation campaign: its options become the campaign's parameters (each
/// marked with the option it came from, so a bad value is reported as that option with the campaign's rule), the
/// campaign runs as `meanfield validate` would run it, and its metrics and tables are printed; `--out DIR` writes each
/// table as DIR/NAME.csv. No figures, report or checks: that is `meanfield validate`.
/// </summary>
internal sealed class CampaignCommand(string kind, TextWriter output, TextWriter error)
{
    private readonly YamlMappingNode _parameters = new();
    private readonly YamlSources _sources = new(kind);

    /// <summary>Sets campaign parameter <paramref name="path"/> (dotted for nested mappings) to a list, from option <paramref name="option"/>.</summary>
    public CampaignCommand Set<T>(string path, IEnumerable<T> values, string option) where T : IFormattable =>
        Set(path, new YamlSequenceNode(values.Select(v => (YamlNode)Scalar(v))), option);

    /// <summary>Sets campaign parameter <paramref name="path"/> to a number, from option <paramref name="option"/>.</summary>
    public CampaignCommand Set<T>(string path, T value, string option) where T : IFormattable => Set(path, Scalar(value), option);

    private static YamlScalarNode Scalar<T>(T value) where T : IFormattable => new(value.ToString(value is double ? "R" : null, CultureInfo.InvariantCulture));

    private CampaignCommand Set(string path, YamlNode node, string option)
    {
        var keys = path.Split('.');
        var mapping = _parameters;
        foreach (string key in keys[..^1])
        {
            if (!mapping.Children.TryGetValue(key, out var child)) mapping.Children[key] = child = new YamlMappingNode();
            mapping = (YamlMappingNode)child;
        }
        _sources.MarkOrigin(node, option);
        mapping.Children[keys[^1]] = node;
        return this;
    }

    /// <summary>Runs the campaign, prints its metrics and tables, writes the tables under <paramref name="outDirectory"/>; the exit code.</summary>
    public int Run(string? outDirectory)
    {
        var campaign = CampaignKinds.Find(kind) ?? throw new InvalidOperationException($"no campaign kind {kind}");
        CampaignResult result;
        try
        {
            result = campaign.Run(new YamlMappingReader(_parameters, "", _sources), new CampaignContext(error, Quick: false));
        }
        catch (ConfigException e)
        {
            error.WriteLine(e.Message);
            return ExitCodes.ConfigError;
        }
        foreach (var m in result.Metrics)
            output.WriteLine($"{m.Name} = {CampaignRunner.Format(m.Value)}{(double.IsNaN(m.StandardError) ? "" : $" ± {CampaignRunner.Format(m.StandardError)}")}{(m.Unit.Length > 0 ? " " + m.Unit : "")}  # {m.Description}");
        foreach (var table in result.Tables)
        {
            output.WriteLine();
            output.WriteLine($"# {table.Name}: {table.Description}");
            foreach (string line in Lines(table, aligned: true)) output.WriteLine(line);
        }
        if (outDirectory is null) return ExitCodes.Success;
        try
        {
            Directory.CreateDirectory(outDirectory);
            foreach (var table in result.Tables) File.WriteAllLines(Path.Combine(outDirectory, table.Name + ".csv"), Lines(table, aligned: false));
            return ExitCodes.Success;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            error.WriteLine($"output error: {e.Message}");
            return ExitCodes.OutputError;
        }
    }

    private static IEnumerable<string> Lines(CampaignTable table, bool aligned)
    {
        string Cell(string text) => aligned ? text.PadLeft(14) : text;
        string separator = aligned ? " " : ",";
        yield return string.Join(separator, table.Columns.Select(c => Cell(c.Name)));
        for (int row = 0; row < table.RowCount; row++)
            yield return string.Join(separator, table.Columns.Select(c => Cell(aligned ? CampaignRunner.Format(c.Values[row]) : c.Values[row].ToString("R", CultureInfo.InvariantCulture))));
    }
}
