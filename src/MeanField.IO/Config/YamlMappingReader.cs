using MeanField.Core;
using System.Globalization;
using YamlDotNet.RepresentationModel;

namespace MeanField.IO.Config;

/// <summary>
/// Reads typed values out of one YAML mapping, remembering which keys were read so that <see cref="Finish"/> can
/// reject unknown keys. Every error names the location (file:line:column, or the --set option that supplied the
/// value), the dotted key, the value and what is allowed.
/// </summary>
public sealed class YamlMappingReader
{
    private readonly YamlMappingNode? _node;
    private readonly string _path;
    private readonly YamlSources _sources;
    public YamlSources Sources => _sources;
    private readonly List<string> _known = [];

    public YamlMappingReader(YamlMappingNode? node, string path, YamlSources sources)
    {
        _node = node;
        _path = path;
        _sources = sources;
    }

    public string Key(string key) => _path.Length == 0 ? key : $"{_path}.{key}";

    private YamlNode? Get(string key)
    {
        _known.Add(key);
        if (_node is null) return null;
        foreach (var (k, v) in _node.Children)
            if (k is YamlScalarNode s && s.Value == key) return v;
        return null;
    }

    public bool Has(string key) => _node is not null && _node.Children.Keys.OfType<YamlScalarNode>().Any(s => s.Value == key);

    public ConfigException Error(YamlNode? node, string key, string message) =>
        new($"{_sources.Locate(node ?? (YamlNode?)_node)}: {Key(key)}: {message}");

    private string Scalar(YamlNode node, string key, string expected)
    {
        if (node is YamlScalarNode s && s.Value is not null) return s.Value;
        throw Error(node, key, $"expected {expected}, got a {(node is YamlSequenceNode ? "list" : "mapping")}");
    }

    public double Double(string key, double fallback, Func<double, bool> valid, string requirement)
    {
        var node = Get(key);
        if (node is null) return fallback;
        return ParseDouble(node, key, valid, requirement);
    }

    public double ParseDouble(YamlNode node, string key, Func<double, bool> valid, string requirement)
    {
        string text = Scalar(node, key, "a number");
        if (!double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out double value) || !double.IsFinite(value))
            throw Error(node, key, $"expected a finite number, got '{text}'");
        if (!valid(value)) throw Error(node, key, $"{requirement}, got {text}");
        return value;
    }

    public int Int(string key, int fallback, Func<int, bool> valid, string requirement)
    {
        var node = Get(key);
        if (node is null) return fallback;
        return ParseInt(node, key, valid, requirement);
    }

    public int ParseInt(YamlNode node, string key, Func<int, bool> valid, string requirement)
    {
        string text = Scalar(node, key, "an integer");
        if (!int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out int value))
            throw Error(node, key, $"expected an integer, got '{text}'");
        if (!valid(value)) throw Error(node, key, $"{requirement}, got {text}");
        return value;
    }

    public ulong ULong(string key, ulong fallback)
    {
        var node = Get(key);
        if (node is null) return fallback;
        string text = Scalar(node, key, "a non-negative integer");
        if (!ulong.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out ulong value))
            throw Error(node, key, $"expected an integer from 0 to {ulong.MaxValue}, got '{text}'");
        return value;
    }

    public bool Bool(string key, bool fallback)
    {
        var node = Get(key);
        if (node is null) return fallback;
        string text = Scalar(node, key, "true or false");
        return text switch
        {
            "true" or "True" or "TRUE" => true,
            "false" or "False" or "FALSE" => false,
            _ => throw Error(node, key, $"expected true or false, got '{text}'"),
        };
    }

    /// <summary>A d×d matrix written as a list of d rows of d numbers; returned row-major, or null when the key is absent.</summary>
    public double[]? Matrix(string key, int d)
    {
        var node = Get(key);
        if (node is null) return null;
        string shape = $"a {d}×{d} matrix: a list of {d} rows, each a list of {d} numbers (dimension is {d})";
        if (node is not YamlSequenceNode rows || rows.Children.Count != d) throw Error(node, key, $"expected {shape}");
        var m = new double[d * d];
        for (int r = 0; r < d; r++)
        {
            if (rows.Children[r] is not YamlSequenceNode row || row.Children.Count != d)
                throw Error(rows.Children[r], $"{key}[{r}]", $"expected a row of {d} numbers ({shape})");
            for (int c = 0; c < d; c++) m[r * d + c] = ParseDouble(row.Children[c], $"{key}[{r}][{c}]", _ => true, "");
        }
        return m;
    }

    public string String(string key, string fallback)
    {
        var node = Get(key);
        return node is null ? fallback : Scalar(node, key, "a string");
    }

    public string Choice(string key, string fallback, IReadOnlyList<string> allowed)
    {
        var node = Get(key);
        if (node is null) return fallback;
        string text = Scalar(node, key, "a string");
        if (!allowed.Contains(text)) throw Error(node, key, $"'{text}' is not one of: {string.Join(", ", allowed)}");
        return text;
    }

    /// <summary>One of an enum's YAML names (<see cref="YamlNames"/>).</summary>
    public T Choice<T>(string key, T fallback) where T : struct, Enum
    {
        var node = Get(key);
        if (node is null) return fallback;
        string text = Scalar(node, key, "a string");
        if (!YamlNames.TryParse<T>(text, out var value)) throw Error(node, key, $"'{text}' is not one of: {string.Join(", ", YamlNames.All<T>())}");
        return value;
    }

    public YamlMappingReader Mapping(string key)
    {
        var node = Get(key);
        if (node is null or YamlMappingNode) return new YamlMappingReader((YamlMappingNode?)node, Key(key), _sources);
        throw Error(node, key, "expected a mapping of keys");
    }

    public IReadOnlyList<T> List<T>(string key, Func<YamlNode, string, T> item)
    {
        var node = Get(key);
        if (node is null) return [];
        if (node is not YamlSequenceNode seq) throw Error(node, key, "expected a list");
        var result = new List<T>();
        for (int i = 0; i < seq.Children.Count; i++) result.Add(item(seq.Children[i], $"{key}[{i}]"));
        return result;
    }

    public YamlNode? Node(string key) => Get(key);

    /// <summary>Unknown keys are errors (a misspelt key must not silently fall back to its default).</summary>
    public void Finish()
    {
        if (_node is null) return;
        foreach (var (k, _) in _node.Children)
        {
            string name = (k as YamlScalarNode)?.Value ?? k.ToString();
            if (!_known.Contains(name))
                throw new ConfigException($"{_sources.Locate(k)}: unknown key '{Key(name)}'; allowed here: {string.Join(", ", _known.Distinct())}");
        }
    }
}

/// <summary>Where each YAML node came from: the config file, or a --set option.</summary>
public sealed class YamlSources(string file)
{
    private readonly Dictionary<YamlNode, string> _overrides = new(ReferenceEqualityComparer.Instance);

    /// <summary>The node (and its children) came from <c>--set option</c>: errors name that instead of a line.</summary>
    public void MarkOverride(YamlNode node, string option) => MarkOrigin(node, $"--set {option}");

    /// <summary>The node (and its children) came from <paramref name="origin"/> (e.g. a command-line option): errors name it.</summary>
    public void MarkOrigin(YamlNode node, string origin)
    {
        _overrides[node] = origin;
        foreach (var child in node.AllNodes) _overrides[child] = origin;
    }

    public string Locate(YamlNode? node)
    {
        if (node is null) return file;
        if (_overrides.TryGetValue(node, out var origin)) return origin;
        return $"{file}:{node.Start.Line}:{node.Start.Column}";
    }
}
