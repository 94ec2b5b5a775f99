using MeanField.Core;
using MeanField.IO.Config;
using MeanField.Runs;
using MeanField.Runs.InitialLaws;
using MeanField.Steady;
using MeanField.Steady.Geometries;

namespace MeanField.Cli;

/// <summary>What `meanfield steady` and `meanfield continue` need from a run config.</summary>
/// <param name="Geometry">The spectral geometry (owns native resources: dispose).</param>
/// <param name="Start">The config's initial law in the geometry's layout.</param>
/// <param name="Diffusion">model.diffusion.</param>
/// <param name="Name">name.</param>
/// <param name="OutputDirectory">output.directory (after --out).</param>
/// <param name="Attributes">Provenance and model attributes for the output file.</param>
internal sealed record SteadySetup(ISteadyGeometry Geometry, double[] Start, double Diffusion, string Name, string OutputDirectory,
    IReadOnlyDictionary<string, object> Attributes) : IDisposable
{
    public void Dispose() => (Geometry as IDisposable)?.Dispose();
}

/// <summary>
/// The one place where the steady-state commands read <see cref="RunConfig"/> (the config schema is being reworked: only
/// this file follows it). Geometry circle (solver.resolution grid points), sphere (lmax) or zonal (largest degree, any
/// dimension); model.attention, beta, diffusion, attention_scale; initial laws of the spectral solvers; no common noise.
/// </summary>
internal static class SteadyConfigAdapter
{
    /// <summary>Reads the config (with --set overrides and --out) and builds the geometry and the start state.</summary>
    public static SteadySetup Load(string path, IReadOnlyList<string> overrides, string? outDirectory)
    {
        var c = ConfigLoader.LoadFile(path, overrides, outDirectory);
        if (c.Model.CommonNoise is not null)
            throw new ConfigException($"{path}: model.common_noise: stationary states are for the deterministic PDE with diffusion; remove model.common_noise");
        var m = c.Model;
        ISteadyGeometry geometry;
        double[] start;
        switch (c.Geometry)
        {
            case GeometryKind.Circle:
            {
                var circle = CircleSteadyGeometry.Create(m.Attention, m.Beta, c.Solver.Resolution, m.AttentionScale, c.Solver.Fft);
                var coefficients = InitialLawMapping.FromConfig(c).CircleCoefficients(circle.Basis.MaxWavenumber);
                if (coefficients.Length > circle.Basis.MaxWavenumber + 1)
                {
                    circle.Dispose();
                    throw new ConfigException($"{path}: initial.coefficients: wavenumber {coefficients.Length - 1} is above the largest retained wavenumber {circle.Basis.MaxWavenumber} of solver.resolution {c.Solver.Resolution}");
                }
                geometry = circle;
                start = circle.Basis.StateFromCoefficients(coefficients);
                break;
            }
            case GeometryKind.Sphere:
            {
                var sphere = new SphereSteadyGeometry(m.Attention, m.Beta, c.Solver.Resolution, m.AttentionScale, c.Solver.Fft);
                geometry = sphere;
                start = sphere.Basis.StateFromCoefficients(InitialLawMapping.FromConfig(c).SphereCoefficients(c.Solver.Resolution));
                break;
            }
            case GeometryKind.Zonal:
                geometry = new ZonalSteadyGeometry(m.Attention, m.Beta, c.Dimension, c.Solver.Resolution, m.AttentionScale);
                start = InitialLawMapping.FromConfig(c).ZonalCoefficients(c.Dimension, c.Solver.Resolution);
                break;
            default:
                throw new ConfigException($"{path}: geometry: '{c.Geometry.Name()}' is not one of: circle, sphere, zonal");
        }
        var attributes = Provenance.RunAttributes(c, path);
        attributes.Remove("format");
        attributes["attention_scale"] = m.AttentionScale;
        attributes["resolution"] = (long)c.Solver.Resolution;
        attributes["config"] = File.ReadAllText(path);
        return new SteadySetup(geometry, start, m.Diffusion, c.Name, c.Output.Directory, attributes);
    }
}
