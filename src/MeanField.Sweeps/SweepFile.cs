using System.Globalization;
using MeanField.Core.Random;
using MeanField.IO.Config;
using YamlDotNet.RepresentationModel;

namespace MeanField.Sweeps;

/// <summary>One swept value: its YAML text (as --set takes it) and the sweep-file line that gave it.</summary>
public sealed record SweptValue(string Text, int Line);

/// <summary>A swept dotted config key with its values.</summary>
public sealed record SweptKey(string Key, IReadOnlyList<SweptValue> Values);

/// <summary>Slurm settings of a sweep (docs/sweeps.md).</summary>
public sealed record SlurmSettings
{
    public string? Partition { get; init; }
    public string Time { get; init; } = "00:10:00";
    public int CpusPerTask { get; init; } = 1;
    public int MaxParallel { get; init; } = 8;
    public IReadOnlyList<string> Extra { get; init; } = [];
}

/// <summary>A parsed sweep file: base config, grid (cartesian), zip (together), seeds, summary tasks, output, slurm.</summary>
public sealed record SweepFile
{
    public required string Path { get; init; }
    public required string Text { get; init; }
    public required string Name { get; init; }
    public required string BasePath { get; init; }
    public required string BaseText { get; init; }
    public required IReadOnlyList<SweptKey> Grid { get; init; }
    public required IReadOnlyList<SweptKey> Zip { get; init; }
    public required IReadOnlyList<ulong> Seeds { get; init; }
    public required int SeedsLine { get; init; }
    public required IReadOnlyList<string> Summary { get; init; }
    public required string OutputDirectory { get; init; }
    public required SlurmSettings Slurm { get; init; }

    /// <summary>Every swept key, grid keys first, in file order: the table's leading columns.</summary>
    public IEnumerable<string> SweptKeys => Grid.Concat(Zip).Select(k => k.Key);

    /// <summary>Seed of replica r of <paramref name="seed"/> under replicas_of_seed: SplitMix64(SplitMix64(seed) ⊕ r).</summary>
    public static ulong DerivedSeed(ulong seed, int replica) => RandomStreams.ReplicaSeed(seed, replica);

    public static SweepFile Load(string path)
    {
        if (!File.Exists(path)) throw new ConfigException($"{path}: sweep file not found");
        string text = File.ReadAllText(path);
        var root = ConfigLoader.ParseMapping(text, path);
        var sources = new YamlSources(path);
        var r = new YamlMappingReader(root, "", sources);
        string directory = System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(path))!;

        string name = r.String("name", System.IO.Path.GetFileNameWithoutExtension(path));
        if (string.IsNullOrWhiteSpace(name) || name.IndexOfAny(System.IO.Path.GetInvalidFileNameChars()) >= 0)
            throw r.Error(r.Node("name"), "name", $"'{name}' is not usable as a file name");
        var baseNode = r.Node("base");
        string baseValue = r.String("base", "");
        if (baseValue.Length == 0) throw r.Error(baseNode, "base", "missing: the run config every point starts from (relative to the sweep file)");
        string basePath = System.IO.Path.GetFullPath(baseValue, directory);
        if (!File.Exists(basePath)) throw r.Error(baseNode, "base", $"'{baseValue}' does not exist (looked for {basePath})");

        var grid = Keys(r, "grid");
        var zip = Keys(r, "zip");
        if (zip.Count > 0 && zip.Select(k => k.Values.Count).Distinct().Count() > 1)
            throw r.Error(r.Node("zip"), "zip", $"the lists of zip vary together and must have equal lengths; they have {string.Join(", ", zip.Select(k => $"{k.Key}: {k.Values.Count}"))}");
        var duplicate = grid.Concat(zip).GroupBy(k => k.Key).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null) throw r.Error(r.Node("zip"), "zip", $"'{duplicate.Key}' is swept in both grid and zip");
        foreach (var key in grid.Concat(zip))
            if (key.Key is "seed" or "output.directory" or "name")
                throw r.Error(r.Node(grid.Contains(key) ? "grid" : "zip"), key.Key, "is set by the sweep itself (use seeds: / replicas_of_seed: and output:)");

        IReadOnlyList<ulong> seeds;
        int seedsLine;
        if (r.Has("seeds") && r.Has("replicas_of_seed"))
            throw r.Error(r.Node("replicas_of_seed"), "replicas_of_seed", "give either seeds: [..] or replicas_of_seed: {seed, count}, not both");
        if (r.Node("replicas_of_seed") is YamlMappingNode replicasNode)
        {
            var rep = new YamlMappingReader(replicasNode, "replicas_of_seed", sources);
            ulong seed = rep.ULong("seed", 0);
            int count = rep.Int("count", 1, c => c >= 1 && c <= 100_000, "must be between 1 and 100000");
            rep.Finish();
            seeds = Enumerable.Range(0, count).Select(i => DerivedSeed(seed, i)).ToArray();
            seedsLine = (int)replicasNode.Start.Line;
        }
        else
        {
            if (r.Node("replicas_of_seed") is { } bad) throw r.Error(bad, "replicas_of_seed", "expected a mapping {seed, count}");
            var seedNode = r.Node("seeds");
            seedsLine = seedNode is null ? 0 : (int)seedNode.Start.Line;
            seeds = seedNode is null ? [] : r.List("seeds", (node, key) =>
            {
                string t = (node as YamlScalarNode)?.Value ?? "";
                if (!ulong.TryParse(t, NumberStyles.None, CultureInfo.InvariantCulture, out ulong s))
                    throw r.Error(node, key, $"expected an integer 0 … 2⁶⁴−1, got '{t}'");
                return s;
            });
            if (seedNode is not null && seeds.Count == 0) throw r.Error(seedNode, "seeds", "must list at least one seed");
            if (seeds.Distinct().Count() != seeds.Count) throw r.Error(seedNode, "seeds", "a seed is listed twice");
        }

        var summary = r.List("summary", (node, key) =>
            node is YamlScalarNode { Value: { Length: > 0 } v } ? v : throw r.Error(node, key, "expected a task name (a scalar task of the run files, e.g. energy)"));
        if (summary.Distinct().Count() != summary.Count) throw r.Error(r.Node("summary"), "summary", "a task is listed twice");

        var o = r.Mapping("output");
        string output = o.String("directory", System.IO.Path.Combine("out", name));
        if (string.IsNullOrWhiteSpace(output)) throw o.Error(o.Node("directory"), "directory", "must not be empty");
        o.Finish();

        var s = r.Mapping("slurm");
        var slurm = new SlurmSettings
        {
            Partition = s.Has("partition") ? s.String("partition", "") : null,
            Time = s.String("time", "00:10:00"),
            CpusPerTask = s.Int("cpus_per_task", 1, c => c >= 1 && c <= 4096, "must be between 1 and 4096"),
            MaxParallel = s.Int("max_parallel", 8, c => c >= 1 && c <= 100_000, "must be between 1 and 100000"),
            Extra = s.List("extra", (node, key) => node is YamlScalarNode { Value: { } v } ? v : throw s.Error(node, key, "expected a string (one #SBATCH option, e.g. --mem=2G)")),
        };
        s.Finish();
        r.Finish();
        return new SweepFile
        {
            Path = System.IO.Path.GetFullPath(path), Text = text, Name = name, BasePath = basePath, BaseText = File.ReadAllText(basePath),
            Grid = grid, Zip = zip, Seeds = seeds, SeedsLine = seedsLine, Summary = summary,
            OutputDirectory = System.IO.Path.GetFullPath(output), Slurm = slurm,
        };
    }

    private static List<SweptKey> Keys(YamlMappingReader r, string section)
    {
        var node = r.Node(section);
        if (node is null || node is YamlScalarNode { Value: null or "" }) return [];
        if (node is not YamlMappingNode map) throw r.Error(node, section, "expected a mapping of dotted config keys to lists of values");
        var keys = new List<SweptKey>();
        foreach (var (k, v) in map.Children)
        {
            string key = (k as YamlScalarNode)?.Value ?? "";
            if (key.Length == 0 || key.Split('.').Any(string.IsNullOrWhiteSpace))
                throw new ConfigException($"{r.Sources.Locate(k)}: {section}: malformed key '{key}' (expected a dotted config key such as model.beta)");
            if (v is not YamlSequenceNode { Children.Count: > 0 } list)
                throw new ConfigException($"{r.Sources.Locate(v)}: {section}.{key}: expected a non-empty list of values");
            keys.Add(new SweptKey(key, list.Children.Select(x => new SweptValue(ValueText(x), (int)x.Start.Line)).ToArray()));
        }
        return keys;
    }

    // A value as --set parses it: a scalar's text, or a collection in flow style.
    private static string ValueText(YamlNode node)
    {
        if (node is YamlScalarNode s) return s.Style is YamlDotNet.Core.ScalarStyle.SingleQuoted or YamlDotNet.Core.ScalarStyle.DoubleQuoted ? $"'{s.Value?.Replace("'", "''")}'" : s.Value ?? "";
        foreach (var n in node.AllNodes)
        {
            if (n is YamlSequenceNode seq) seq.Style = YamlDotNet.Core.Events.SequenceStyle.Flow;
            if (n is YamlMappingNode map) map.Style = YamlDotNet.Core.Events.MappingStyle.Flow;
        }
        var writer = new StringWriter();
        new YamlStream(new YamlDocument(node)).Save(writer, assignAnchors: false);
        return string.Join(" ", writer.ToString().Replace("...", "").Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.Trim()));
    }
}
