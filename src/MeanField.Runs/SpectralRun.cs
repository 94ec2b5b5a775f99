using MeanField.Core;
using MeanField.IO.Config;
using MeanField.IO.Output;
using MeanField.Spectral.Steppers;

namespace MeanField.Runs;

public sealed record RunOptions
{
    public TextWriter Output { get; init; } = Console.Out;
    public TextWriter Error { get; init; } = Console.Error;
    public bool Interactive { get; init; }
    public bool Quiet { get; init; }
    public string ConfigPath { get; init; } = "";
    public CancellationToken Cancellation { get; init; }
    /// <summary>Continue the run found in the output directory from its last complete write (--resume).</summary>
    public bool Resume { get; init; }
    /// <summary>Which common-noise path to follow (stream CommonNoise + p·2³²); set per path by <see cref="EnsembleRun"/>.</summary>
    public int NoisePath { get; init; }
    /// <summary>Name the written files in the closing "done:" line; false for the stages of a run that merges them (both).</summary>
    public bool ReportFiles { get; init; } = true;
    /// <summary>An interrupted run suggests --resume; false where the caller cannot resume (ensemble paths).</summary>
    public bool ResumeAdvice { get; init; } = true;
    /// <summary>The run_id written into every file of the run (ensemble paths share it); a fresh one per writer when null.</summary>
    public string? RunId { get; init; }
}

public sealed record RunResult(int ExitCode, string Message, IReadOnlyList<string> Files, int Writes, long Steps, double FinalTime);

/// <summary>
/// The spectral geometries by kind: each registers how its PDE/SPDE field is built from a config. A new geometry is its
/// field adapter (an <see cref="IRunField"/>) plus one line here.
/// </summary>
internal static class SpectralGeometries
{
    public delegate IRunField FieldFactory(RunConfig config, string configPath, int noisePath);

    public static readonly IReadOnlyDictionary<GeometryKind, FieldFactory> All = new Dictionary<GeometryKind, FieldFactory>
    {
        [GeometryKind.Circle] = (c, path, p) => new CircleRunField(c, path, p),
        [GeometryKind.Sphere] = (c, path, p) => new SphereRunField(c, path, p),
        [GeometryKind.Zonal] = (c, path, _) => new ZonalRunField(c, path),
    };
}

/// <summary>`meanfield run` for the spectral PDE solvers: the geometry's field as <see cref="SpectralDynamics"/> through <see cref="Simulation.Run"/>.</summary>
internal static class SpectralRun
{
    public static RunResult Execute(RunConfig config, RunOptions options)
    {
        using var field = CreateField(config, options.ConfigPath, options.NoisePath);
        return Execute(config, field, options);
    }

    public static IRunField CreateField(RunConfig config, string configPath, int noisePath = 0) =>
        SpectralGeometries.All.TryGetValue(config.Geometry, out var create)
            ? create(config, configPath, noisePath)
            : throw new ConfigException($"{configPath}: geometry: '{config.Geometry.Name()}' has no spectral solver yet (spectral geometries: {string.Join(", ", SpectralGeometries.All.Keys.Select(k => k.Name()))})");

    public static RunResult Execute(RunConfig config, IRunField field, RunOptions options) =>
        Simulation.Run(config, new SpectralDynamics(config, field), options);

    /// <inheritdoc cref="Simulation.OutputTimes"/>
    public static IReadOnlyList<double> OutputTimes(double tEnd, double interval) => Simulation.OutputTimes(tEnd, interval);
}
