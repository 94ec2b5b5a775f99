using System.Globalization;
using MeanField.IO.Config;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace MeanField.Validation.Campaigns;

/// <summary>
/// One check of a campaign's <c>expect:</c> list: {metric, min, max}, {metric, equals}, or {metric, approx, rel | abs}.
/// <see cref="Location"/> is file:line:column, for errors about the metric name.
/// </summary>
public sealed record ExpectCheck(string Metric, double? Min, double? Max, double? EqualsValue, double? Approx, double? Rel, double? Abs, string Location)
{
    public bool Passes(double value)
    {
        if (double.IsNaN(value)) return false;
        if (Min is { } lo && !(value >= lo)) return false;
        if (Max is { } hi && !(value <= hi)) return false;
        if (EqualsValue is { } e && value != e) return false;
        if (Approx is { } a)
        {
            double tol = Abs ?? Rel!.Value * Math.Abs(a);
            if (!(Math.Abs(value - a) <= tol)) return false;
        }
        return true;
    }

    /// <summary>The expected range as text, e.g. "[-0.6, -0.4]", "= 3", "0.1518 ± 1e-07".</summary>
    public string Describe()
    {
        string F(double x) => x.ToString("G6", CultureInfo.InvariantCulture);
        var parts = new List<string>();
        if (Min is not null || Max is not null) parts.Add($"[{(Min is { } lo ? F(lo) : "−∞")}, {(Max is { } hi ? F(hi) : "∞")}]");
        if (EqualsValue is { } e) parts.Add($"= {F(e)}");
        if (Approx is { } a) parts.Add(Abs is { } ab ? $"{F(a)} ± {F(ab)}" : $"{F(a)} (rel {F(Rel!.Value)})");
        return string.Join(", ", parts);
    }
}

/// <summary>
/// A campaign file validation/NN-short-name.yaml: name, kind, reproduces, parameters (kind-specific), quick (parameter
/// overrides for --quick, merged key by key into parameters; nested mappings merge recursively), expect (checks).
/// Unknown keys anywhere are errors naming file:line:column.
/// </summary>
public sealed class CampaignFile
{
    public static readonly IReadOnlyList<string> TopLevelKeys = ["name", "kind", "reproduces", "parameters", "quick", "expect"];

    private readonly YamlMappingNode? _parameters, _quick;
    private readonly YamlSources _sources;

    private CampaignFile(string path, string text, string name, string kind, string reproduces,
        YamlMappingNode? parameters, YamlMappingNode? quick, IReadOnlyList<ExpectCheck> expect, YamlSources sources)
    {
        Path = path;
        Text = text;
        Name = name;
        Kind = kind;
        Reproduces = reproduces;
        _parameters = parameters;
        _quick = quick;
        Expect = expect;
        _sources = sources;
    }

    public string Path { get; }
    public string Text { get; }
    public string Name { get; }
    public string Kind { get; }
    public string Reproduces { get; }
    public IReadOnlyList<ExpectCheck> Expect { get; }

    public static CampaignFile Load(string path)
    {
        if (!File.Exists(path)) throw new ConfigException($"{path}: campaign file not found");
        return Parse(File.ReadAllText(path), path);
    }

    public static CampaignFile Parse(string text, string source)
    {
        var stream = new YamlStream();
        try { stream.Load(new StringReader(text)); }
        catch (YamlException e)
        {
            throw new ConfigException($"{source}:{e.Start.Line}:{e.Start.Column}: invalid YAML: {e.InnerException?.Message ?? e.Message}");
        }
        if (stream.Documents.Count != 1 || stream.Documents[0].RootNode is not YamlMappingNode root)
            throw new ConfigException($"{source}: a campaign file must be one YAML mapping with keys {string.Join(", ", TopLevelKeys)}");
        var sources = new YamlSources(source);
        var r = new YamlMappingReader(root, "", sources);
        string name = Required(r, root, "name");
        if (name.IndexOfAny(['/', '\\']) >= 0 || name.Trim().Length == 0 || name.StartsWith('.'))
            throw r.Error(r.Node("name"), "name", $"must be a plain directory name, got '{name}'");
        string kind = Required(r, root, "kind");
        if (CampaignKinds.Find(kind) is null)
            throw r.Error(r.Node("kind"), "kind", $"'{kind}' is not one of: {string.Join(", ", CampaignKinds.Names)}");
        string reproduces = Required(r, root, "reproduces");
        var parameters = MappingOrNull(r, "parameters");
        var quick = MappingOrNull(r, "quick");
        var expect = r.List("expect", (node, key) => Check(node, key, sources));
        r.Finish();
        return new CampaignFile(source, text, name, kind, reproduces, parameters, quick, expect, sources);
    }

    /// <summary>The parameters to hand to the campaign: with <paramref name="quick"/>, the quick overrides merged in.</summary>
    public YamlMappingReader Parameters(bool quick)
    {
        var merged = Clone(_parameters ?? new YamlMappingNode());
        if (quick && _quick is not null) Merge(merged, _quick);
        return new YamlMappingReader(merged, "parameters", _sources);
    }

    private static string Required(YamlMappingReader r, YamlMappingNode root, string key)
    {
        string value = r.String(key, "");
        if (value.Trim().Length == 0) throw new ConfigException($"{r.Sources.Locate(root)}: missing key '{key}'");
        return value;
    }

    private static YamlMappingNode? MappingOrNull(YamlMappingReader r, string key)
    {
        var node = r.Node(key);
        return node switch
        {
            null => null,
            YamlMappingNode m => m,
            YamlScalarNode { Value: null or "" } => null,
            _ => throw r.Error(node, key, "expected a mapping of keys"),
        };
    }

    private static ExpectCheck Check(YamlNode node, string key, YamlSources sources)
    {
        if (node is not YamlMappingNode map) throw new ConfigException($"{sources.Locate(node)}: {key}: expected a mapping {{metric: NAME, min: x, max: y}} (or equals, or approx with rel/abs)");
        var c = new YamlMappingReader(map, key, sources);
        string metric = c.String("metric", "");
        if (metric.Length == 0) throw new ConfigException($"{sources.Locate(node)}: {key}: missing key 'metric'");
        double? Opt(string k) => c.Has(k) ? c.Double(k, 0, _ => true, "") : null;
        double? min = Opt("min"), max = Opt("max"), eq = Opt("equals"), approx = Opt("approx");
        double? rel = c.Has("rel") ? c.Double("rel", 0, x => x >= 0, "must be ≥ 0") : null;
        double? abs = c.Has("abs") ? c.Double("abs", 0, x => x >= 0, "must be ≥ 0") : null;
        c.Finish();
        if (min is null && max is null && eq is null && approx is null)
            throw new ConfigException($"{sources.Locate(node)}: {key}: a check needs min and/or max, equals, or approx");
        if (approx is not null && (rel is null) == (abs is null))
            throw new ConfigException($"{sources.Locate(node)}: {key}: approx needs exactly one of rel or abs");
        if (approx is null && (rel is not null || abs is not null))
            throw new ConfigException($"{sources.Locate(node)}: {key}: rel/abs only go with approx");
        if (min is { } lo && max is { } hi && lo > hi)
            throw new ConfigException($"{sources.Locate(node)}: {key}: min {lo} is greater than max {hi}");
        return new ExpectCheck(metric, min, max, eq, approx, rel, abs, sources.Locate(node));
    }

    // Deep copies keep the original nodes' marks (line numbers) since YamlNode.Start is copied by reference-free value.
    private static YamlMappingNode Clone(YamlMappingNode node)
    {
        var copy = new YamlMappingNode();
        foreach (var (k, v) in node.Children) copy.Children.Add(k, v);
        return copy;
    }

    private static void Merge(YamlMappingNode target, YamlMappingNode overrides)
    {
        foreach (var (k, v) in overrides.Children)
        {
            var existing = target.Children.FirstOrDefault(p => p.Key is YamlScalarNode s && s.Value == ((YamlScalarNode)k).Value);
            if (existing.Key is not null && existing.Value is YamlMappingNode inner && v is YamlMappingNode innerOverride)
            {
                var merged = Clone(inner);
                Merge(merged, innerOverride);
                target.Children[existing.Key] = merged;
            }
            else if (existing.Key is not null) target.Children[existing.Key] = v;
            else target.Children.Add(k, v);
        }
    }
}
