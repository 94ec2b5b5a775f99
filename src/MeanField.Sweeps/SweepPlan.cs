using System.Globalization;
using MeanField.IO.Config;

namespace MeanField.Sweeps;

/// <summary>One point of a sweep: its index, the swept values (in <see cref="SweepFile.SweptKeys"/> order), its seed.</summary>
public sealed record SweepPoint(int Index, IReadOnlyList<SweptValue> Values, ulong? Seed)
{
    /// <summary>Directory name of the point under points/: its index, zero-padded to four digits.</summary>
    public string Id => Index.ToString("D4", CultureInfo.InvariantCulture);
}

/// <summary>
/// The points of a sweep (grid cartesian product, first key slowest; zip lists together; seeds innermost), each
/// validated as a full run config before anything runs. A point's config is the base with its overrides applied
/// exactly as `meanfield run --set` applies them, plus seed and output.directory = points/NNNN.
/// </summary>
public sealed class SweepPlan
{
    public SweepFile Sweep { get; }
    public IReadOnlyList<SweepPoint> Points { get; }
    public IReadOnlyList<string> Keys { get; }

    private SweepPlan(SweepFile sweep, IReadOnlyList<SweepPoint> points)
    {
        Sweep = sweep;
        Points = points;
        Keys = sweep.SweptKeys.ToArray();
    }

    public string PointsDirectory => Path.Combine(Sweep.OutputDirectory, "points");
    public string PointDirectory(SweepPoint p) => Path.Combine(PointsDirectory, p.Id);
    public string PointConfig(SweepPoint p) => Path.Combine(PointDirectory(p), "config.yaml");

    /// <summary>Expand and validate every point (throws <see cref="ConfigException"/> naming the sweep file's line).</summary>
    public static SweepPlan Create(SweepFile sweep)
    {
        var combos = new List<IReadOnlyList<SweptValue>> { Array.Empty<SweptValue>() };
        foreach (var key in sweep.Grid)
            combos = combos.SelectMany(c => key.Values.Select(v => (IReadOnlyList<SweptValue>)[.. c, v])).ToList();
        if (sweep.Zip.Count > 0)
        {
            int n = sweep.Zip[0].Values.Count;
            combos = combos.SelectMany(c => Enumerable.Range(0, n).Select(i => (IReadOnlyList<SweptValue>)[.. c, .. sweep.Zip.Select(k => k.Values[i])])).ToList();
        }
        var seeds = sweep.Seeds.Count == 0 ? [null] : sweep.Seeds.Select(s => (ulong?)s).ToArray();
        var points = combos.SelectMany(c => seeds.Select(s => (c, s))).Select((x, i) => new SweepPoint(i, x.c, x.s)).ToArray();
        if (points.Length > 1_000_000) throw new ConfigException($"{sweep.Path}: the sweep has {points.Length} points; at most 1000000 are allowed");
        var plan = new SweepPlan(sweep, points);
        foreach (var p in points) plan.Resolve(p);   // every point validated before anything runs
        return plan;
    }

    /// <summary>The point's overrides, as --set options.</summary>
    public IReadOnlyList<string> Overrides(SweepPoint p)
    {
        var list = Keys.Select((k, i) => $"{k}={p.Values[i].Text}").ToList();
        if (p.Seed is { } seed) list.Add($"seed={seed.ToString(CultureInfo.InvariantCulture)}");
        list.Add($"output.directory={Quote(PointDirectory(p))}");
        return list;
    }

    /// <summary>The point's config text (validated): what points/NNNN/config.yaml holds and the child runs.</summary>
    public string Resolve(SweepPoint p)
    {
        var overrides = Overrides(p);
        RunConfig config;
        try { config = ConfigLoader.LoadText(Sweep.BaseText, Sweep.BasePath, Path.GetFileNameWithoutExtension(Sweep.BasePath), overrides); }
        catch (ConfigException e) { throw PointError(p, e.Message); }
        var extra = new List<string>(overrides);
        // A from_file initial law's path is relative to the base config: pin it, so the point config works from points/NNNN.
        if (config.Initial.Kind == InitialKind.FromFile) extra.Add($"initial.file={Quote(config.Initial.File)}");
        // A base without a name runs as its file's name; points/NNNN/config.yaml would run as "config": pin the name.
        if (!ConfigLoader.ParseMapping(Sweep.BaseText, Sweep.BasePath).Children.ContainsKey(new YamlDotNet.RepresentationModel.YamlScalarNode("name")))
            extra.Add($"name={Quote(config.Name)}");
        string text = ConfigLoader.ApplyOverrides(Sweep.BaseText, Sweep.BasePath, extra);
        try { ConfigLoader.LoadText(text, PointConfig(p), config.Name); }
        catch (ConfigException e) { throw PointError(p, e.Message); }
        return text;
    }

    /// <summary>The run name of every point (the base's name unless swept): its run files are NAME.h5 or NAME_sK.h5.</summary>
    public string RunName(SweepPoint p) =>
        ConfigLoader.LoadText(File.ReadAllText(PointConfig(p)), PointConfig(p), Path.GetFileNameWithoutExtension(Sweep.BasePath)).Name;

    /// <summary>Write every point's config.yaml (same bytes whichever executor runs them).</summary>
    public void WriteConfigs()
    {
        foreach (var p in Points)
        {
            Directory.CreateDirectory(PointDirectory(p));
            string text = Resolve(p), path = PointConfig(p);
            if (!File.Exists(path) || File.ReadAllText(path) != text) File.WriteAllText(path, text);
        }
    }

    /// <summary>Human-readable table of the points (--dry-run).</summary>
    public string Table()
    {
        var header = new[] { "point" }.Concat(Keys).Append("seed").ToArray();
        var rows = Points.Select(p => new[] { p.Id }.Concat(p.Values.Select(v => v.Text)).Append(p.Seed?.ToString(CultureInfo.InvariantCulture) ?? "(base)").ToArray()).ToList();
        var widths = header.Select((h, i) => rows.Select(r => r[i].Length).Append(h.Length).Max()).ToArray();
        var w = new StringWriter();
        w.WriteLine(string.Join("  ", header.Select((h, i) => h.PadRight(widths[i]))).TrimEnd());
        foreach (var r in rows) w.WriteLine(string.Join("  ", r.Select((c, i) => c.PadRight(widths[i]))).TrimEnd());
        w.WriteLine($"{Points.Count} points");
        return w.ToString();
    }

    // The error names the sweep line of the swept value that --set named, else the point's first swept value.
    private ConfigException PointError(SweepPoint p, string message)
    {
        int line = 0;
        for (int i = 0; i < Keys.Count && line == 0; i++)
            if (message.Contains($"--set {Keys[i]}=", StringComparison.Ordinal)) line = p.Values[i].Line;
        if (line == 0 && message.Contains("--set seed=", StringComparison.Ordinal)) line = Sweep.SeedsLine;
        if (line == 0 && p.Values.Count > 0) line = p.Values[0].Line;
        string values = string.Join(", ", Keys.Select((k, i) => $"{k}={p.Values[i].Text}").Concat(p.Seed is { } s ? [$"seed={s}"] : []));
        return new ConfigException($"{Sweep.Path}:{line}: point {p.Id} ({values}) is not a valid run config: {message}");
    }

    private static string Quote(string path) => $"'{path.Replace("'", "''")}'";
}
