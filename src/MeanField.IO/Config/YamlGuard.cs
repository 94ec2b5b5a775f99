using YamlDotNet.Core;
using YamlDotNet.Core.Events;

namespace MeanField.IO.Config;

/// <summary>
/// A pass over the YAML events before any tree is built, so that hostile text fails fast with a config error instead
/// of exhausting the stack or the clock: nesting deeper than <see cref="MaxDepth"/> (200 000 nested '[' overflowed the
/// stack of the tree builder), and anchors and aliases, which a run config never needs (a self-referencing alias looped
/// forever, and "billion laughs" expanded exponentially).
/// </summary>
internal static class YamlGuard
{
    /// <summary>A run config nests four levels (model.common_noise.amplitudes rows); this leaves room and no more.</summary>
    public const int MaxDepth = 32;

    /// <summary>Throws a ConfigException located at <paramref name="source"/> when the text breaks a rule.</summary>
    public static void Check(string text, string source)
    {
        var parser = new Parser(new StringReader(text));
        int depth = 0;
        try
        {
            while (parser.MoveNext())
            {
                var e = parser.Current!;
                switch (e)
                {
                    case AnchorAlias:
                        throw new ConfigException($"{Where(e.Start)}: YAML aliases (*name) are not supported in run configs; write the value out");
                    case NodeEvent { Anchor.IsEmpty: false }:
                        throw new ConfigException($"{Where(e.Start)}: YAML anchors (&name) are not supported in run configs; write the value out");
                    case SequenceStart or MappingStart when ++depth > MaxDepth:
                        throw new ConfigException($"{Where(e.Start)}: the YAML nests deeper than {MaxDepth} levels (a run config needs at most 4)");
                    case SequenceEnd or MappingEnd:
                        depth--;
                        break;
                }
            }
        }
        catch (YamlException e)
        {
            throw new ConfigException($"{Where(e.Start)}: invalid YAML: {e.InnerException?.Message ?? e.Message}");
        }

        // The location is formatted only for the error: a --set value is named by its option, a file by line and column.
        string Where(Mark mark) => source.StartsWith("--set", StringComparison.Ordinal) ? source : $"{source}:{mark.Line}:{mark.Column}";
    }
}
