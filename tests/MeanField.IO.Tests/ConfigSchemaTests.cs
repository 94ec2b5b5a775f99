using System.Collections;
using System.Reflection;
using System.Text.RegularExpressions;
using MeanField.IO.Config;

namespace MeanField.IO.Tests;

/// <summary>
/// The schema is the one source of the /config writer, the key-without-effect check, the --resume comparison and the
/// docs' key table. These tests compare it with the records themselves (by reflection, independently of the schema's
/// getters) and with the files it must agree with.
/// </summary>
public class ConfigSchemaTests
{
    private static RunConfig Load(string text, params string[] overrides) => ConfigLoader.LoadText(text, "test.yaml", "test", overrides);

    private static string ErrorOf(string text, params string[] overrides) =>
        Assert.Throws<ConfigException>(() => Load(text, overrides))!.Message;

    private static string RepositoryRoot()
    {
        var dir = new DirectoryInfo(TestContext.CurrentContext.TestDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "MeanField.sln"))) dir = dir.Parent;
        return dir?.FullName ?? throw new InvalidOperationException("MeanField.sln not found above the test directory");
    }

    private static string Snake(string name) => Regex.Replace(name, "(?<=[a-z0-9])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])", "_").ToLowerInvariant();

    private static bool IsSection(Type t) => t.Namespace == typeof(RunConfig).Namespace && t.Name.EndsWith("Config", StringComparison.Ordinal);

    // Every leaf property of RunConfig and its sections, as the dotted snake_case key the YAML uses.
    private static IEnumerable<string> LeafKeys(Type type, string prefix)
    {
        foreach (var p in type.GetProperties(BindingFlags.Public | BindingFlags.Instance))
        {
            string key = prefix + Snake(p.Name);
            var t = Nullable.GetUnderlyingType(p.PropertyType) ?? p.PropertyType;
            if (IsSection(t)) foreach (var k in LeafKeys(t, key + ".")) yield return k;
            else yield return key;
        }
    }

    [Test]
    public void EveryPropertyOfTheRecordsIsAKeyOfTheSchemaAndBack()
    {
        // initial.harmonics is the S² form of initial.coefficients ([l, m, re, im] entries under the same key).
        var properties = LeafKeys(typeof(RunConfig), "").Select(k => k == "initial.harmonics" ? "initial.coefficients" : k).ToHashSet();
        var schema = ConfigSchema.Keys.Select(k => k.Path).ToHashSet();
        Assert.That(properties.Except(schema), Is.Empty, "properties with no schema key: the /config writer would drop them");
        Assert.That(schema.Except(properties), Is.Empty, "schema keys with no property");
        Assert.That(ConfigSchema.Keys.Select(k => k.Path), Is.Unique);
    }

    // Reflection walk of two configs: the path of the first difference, or null.
    private static string? FirstDifference(object? a, object? b, string path)
    {
        if (a is null || b is null) return a is null && b is null ? null : path;
        var type = a.GetType();
        if (type != b.GetType()) return path;
        if (a is string || type.IsPrimitive || type.IsEnum) return a.Equals(b) ? null : $"{path}: {a} vs {b}";
        if (a is IEnumerable ea)
        {
            var la = ea.Cast<object?>().ToList();
            var lb = ((IEnumerable)b).Cast<object?>().ToList();
            if (la.Count != lb.Count) return $"{path}: {la.Count} vs {lb.Count} items";
            for (int i = 0; i < la.Count; i++)
                if (FirstDifference(la[i], lb[i], $"{path}[{i}]") is { } d) return d;
            return null;
        }
        foreach (var p in type.GetProperties(BindingFlags.Public | BindingFlags.Instance).Where(p => p.GetIndexParameters().Length == 0 && p.Name != "EqualityContract"))
            if (FirstDifference(p.GetValue(a), p.GetValue(b), $"{path}.{p.Name}") is { } d) return d;
        return null;
    }

    private static IEnumerable<TestCaseData> ShippedConfigs() =>
        Directory.GetFiles(Path.Combine(RepositoryRoot(), "configs"), "*.yaml").OrderBy(f => f)
            .Select(f => new TestCaseData(f).SetArgDisplayNames(Path.GetFileName(f)));

    [TestCaseSource(nameof(ShippedConfigs))]
    public void Every_shipped_config_reads_back_from_its_resolved_yaml_to_the_same_record(string file)
    {
        var c = ConfigLoader.LoadFile(file);
        var again = ConfigLoader.LoadText(ConfigYaml.Write(c), "resolved.yaml", "other");
        Assert.That(FirstDifference(c, again, "config"), Is.Null, ConfigYaml.Write(c));
    }

    // Configs that set keys the shipped files leave at their defaults, so that every getter is exercised with a
    // value that differs from its default.
    private static readonly string[] Variants =
    [
        "geometry: circle\nseed: 18446744073709551615\nmodel: {attention: sa, beta: 2.5, diffusion: 0.01, attention_scale: -0.5}\n" +
         "initial: {kind: perturbed_uniform, amplitude: 0.002, modes: 5}\nsolver: {resolution: 96, stepper: dopri5, dt: 0.002, tolerance: 1.0e-7, t_end: 0.3, on_underresolved: warn, tail_tolerance: 1.0e-5, negative_tolerance: 1.0e-4, fft: managed}\n" +
         "output: {directory: out/x, interval: 0.1, max_writes: 7, plots: true}\nname: variant-a\n",
        "geometry: circle\nname: variant-b\nmodel: {common_noise: {kind: mlp, activation: tanh, sigma_u: 0.2, sigma_w: 0.3, modes: 5}}\n" +
         "initial: {kind: fourier, coefficients: [[2, 0.01, -0.02], [3, 0.0, 0.01]]}\nsolver: {resolution: 64, stepper: euler_maruyama, dt: 0.01, t_end: 0.1}\nensemble: {paths: 3, keep_paths: true}\n",
        "geometry: circle\nname: variant-c\nmodel: {common_noise: {kind: fields, amplitudes: [[0, 0.3, 0], [2, 0.1, 0.05]]}}\n" +
         "initial: {kind: von_mises, components: [{weight: 0.25, mean: 0.1, kappa: 3}, {weight: 0.75, mean: 1, kappa: 0.3}]}\n" +
         "solver: {kind: particles, t_end: 0.1}\nparticles: {count: 64, integrator: layer, dt: 0.01, interaction: spectral, tolerance: 1.0e-9, threads: 2}\n" +
         "output: {positions: false, position_stride: 3, cluster_epsilon: 0.01}\n",
        "geometry: sphere\nname: variant-d\ndimension: 3\nmodel: {attention: sa, query: [[1, 0, 0], [0, 2, 0], [0, 0, 1]], key: [[1, 0.5, 0], [0, 1, 0], [0, 0, 1]], value: [[-1, 0, 0], [0, 1, 0], [0, 0, 1]]}\n" +
         "initial: {kind: harmonics, coefficients: [[1, 0, 0.01, 0], [2, 1, 0.003, -0.002]]}\nsolver: {kind: particles}\nparticles: {count: 40, interaction: dense}\noutput: {harmonic_degree: 5}\n",
        "geometry: sphere\nname: variant-e\nmodel: {common_noise: {kind: mlp, activation: gelu, sigma_u: 0.1, sampler: mlp, width: 32}}\ndimension: 5\n" +
         "initial: {kind: equiangular, rho0: 0.3}\nsolver: {kind: particles, t_end: 0.1}\nparticles: {count: 4, integrator: heun, dt: 0.01}\n",
        "geometry: zonal\nname: variant-f\ndimension: 16\ninitial: {kind: gegenbauer, coefficients: [[1, 0.01], [4, -0.02]]}\nsolver: {resolution: 32, stepper: rk4, dt: 0.01}\n",
        "geometry: sphere\nname: variant-g\ninitial: {kind: von_mises, components: [{weight: 1, direction: [0, 1, 1], kappa: 4}]}\nsolver: {resolution: 12, kind: both, stepper: rk4}\nparticles: {count: 30, dt: 0.005}\n",
    ];

    [TestCaseSource(nameof(Variants))]
    public void Non_default_values_survive_the_round_trip(string text)
    {
        var c = Load(text);
        var again = ConfigLoader.LoadText(ConfigYaml.Write(c), "resolved.yaml", "other");
        Assert.That(FirstDifference(c, again, "config"), Is.Null, ConfigYaml.Write(c));
    }

    [Test]
    public void Seeds_up_to_two_to_the_64_minus_one_are_read_exactly()
    {
        Assert.That(Load("geometry: circle\nseed: 18446744073709551615\n").Seed, Is.EqualTo(ulong.MaxValue));
        Assert.That(Load("geometry: circle\nseed: 9223372036854775808\n").Seed, Is.EqualTo(1UL << 63));
        Assert.That(ErrorOf("geometry: circle\nseed: 18446744073709551616\n"), Does.Contain("seed").And.Contain("18446744073709551615"));
        Assert.That(ErrorOf("geometry: circle\nseed: -1\n"), Does.Contain("seed"));
    }

    [TestCase("geometry: circle\nsolver: {kind: particles, dt: 1.0e-4}\n", "solver.dt", "particles.dt")]
    [TestCase("geometry: circle\nparticles: {dt: 1.0e-4}\n", "particles.dt", "solver.dt")]
    [TestCase("geometry: circle\nsolver: {stepper: rk4, tolerance: 1.0e-6}\n", "solver.tolerance", "solver.dt")]
    [TestCase("geometry: zonal\nsolver: {fft: managed}\n", "solver.fft", "zonal")]
    [TestCase("geometry: circle\ninitial: {kind: uniform, amplitude: 0.1}\n", "initial.amplitude", "perturbed_uniform")]
    [TestCase("geometry: circle\ninitial: {rho0: 0.2}\n", "initial.rho0", "equiangular")]
    [TestCase("geometry: circle\nsolver: {kind: particles}\noutput: {harmonic_degree: 4}\n", "output.harmonic_degree", "dimension is 2")]
    [TestCase("geometry: circle\noutput: {cluster_epsilon: 0.1}\n", "output.cluster_epsilon", "particles")]
    [TestCase("geometry: circle\nmodel: {common_noise: {kind: fields, amplitudes: [[1, 0.1, 0]], sigma_u: 0.1}}\nsolver: {stepper: heun}\n", "model.common_noise.sigma_u", "amplitudes")]
    [TestCase("geometry: circle\nmodel: {common_noise: {kind: mlp, width: 64}}\n", "model.common_noise.width", "sampler mlp")]
    [TestCase("geometry: circle\nmodel: {common_noise: {kind: mlp, sampler: harmonic}}\n", "model.common_noise.sampler", "harmonic noise fields")]
    [TestCase("geometry: circle\nmodel: {common_noise: {kind: mlp}}\nsolver: {kind: both}\nparticles: {dt: 0.002}\n", "particles.dt", "solver.dt")]
    [TestCase("geometry: circle\nensemble: {paths: 1}\n", "ensemble.paths", "common_noise")]
    [TestCase("geometry: circle\nmodel: {common_noise: {kind: mlp}}\nensemble: {keep_paths: true}\n", "ensemble.keep_paths", "paths > 1")]
    public void A_key_without_effect_is_an_error_naming_it_and_what_applies(string text, string key, string hint)
    {
        string message = ErrorOf(text);
        Assert.That(message, Does.Contain(key + ": has no effect").And.Contain(hint));
        Assert.That(message, Does.StartWith("test.yaml:"), "the error names the file and line");
    }

    [Test]
    public void A_key_without_effect_from_the_command_line_names_the_option()
    {
        Assert.That(ErrorOf("geometry: circle\nsolver: {kind: particles}\n", "solver.dt=1e-4"), Does.StartWith("--set solver.dt=1e-4").And.Contain("particles.dt"));
    }

    [Test]
    public void The_docs_key_table_is_the_schema_table()
    {
        string docs = File.ReadAllText(Path.Combine(RepositoryRoot(), "docs", "configuration.md"));
        const string begin = "<!-- key table: generated from ConfigSchema.MarkdownTable(); a test keeps it equal -->";
        const string end = "<!-- end of key table -->";
        int from = docs.IndexOf(begin, StringComparison.Ordinal), to = docs.IndexOf(end, StringComparison.Ordinal);
        Assert.That(from, Is.GreaterThanOrEqualTo(0), "docs/configuration.md lacks the generated key table");
        string table = docs[(from + begin.Length)..to].Trim().ReplaceLineEndings("\n");
        Assert.That(table, Is.EqualTo(ConfigSchema.MarkdownTable().Trim()),
            "docs/configuration.md's key table differs from the schema: regenerate it with tools/update-config-table.sh");
    }
}
