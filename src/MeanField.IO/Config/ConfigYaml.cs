using System.Globalization;
using System.Text;
using MeanField.Core;

namespace MeanField.IO.Config;

/// <summary>The resolved config (defaults filled in, overrides applied) as YAML: stored in every output file as /config.</summary>
public static class ConfigYaml
{
    public static string Write(RunConfig c)
    {
        var s = new StringBuilder();
        s.AppendLine($"name: '{c.Name.Replace("'", "''")}'");
        s.AppendLine($"geometry: {c.Geometry}");
        s.AppendLine($"dimension: {c.Dimension}");
        s.AppendLine("model:");
        s.AppendLine($"  attention: {(c.Model.Attention == AttentionKind.SA ? "sa" : "usa")}");
        s.AppendLine($"  beta: {F(c.Model.Beta)}");
        s.AppendLine($"  diffusion: {F(c.Model.Diffusion)}");
        foreach (var (key, matrix) in new[] { ("query", c.Model.Query), ("key", c.Model.Key), ("value", c.Model.Value) })
            if (matrix is not null) s.AppendLine($"  {key}: {Matrix(matrix, c.Dimension)}");
        s.AppendLine("initial:");
        s.AppendLine($"  kind: {c.Initial.Kind}");
        s.AppendLine($"  amplitude: {F(c.Initial.Amplitude)}");
        s.AppendLine($"  modes: {c.Initial.Modes}");
        s.AppendLine(c.Initial.Components.Count == 0 ? "  components: []" : "  components:");
        foreach (var v in c.Initial.Components)
            s.AppendLine(v.Direction is { } direction
                ? $"    - {{weight: {F(v.Weight)}, direction: [{string.Join(", ", direction.Select(F))}], kappa: {F(v.Kappa)}}}"
                : $"    - {{weight: {F(v.Weight)}, mean: {F(v.Mean)}, kappa: {F(v.Kappa)}}}");
        s.AppendLine(c.Initial.Coefficients.Count == 0 && c.Initial.Harmonics.Count == 0 ? "  coefficients: []" : "  coefficients:");
        foreach (var k in c.Initial.Coefficients)
            s.AppendLine(c.Geometry == "zonal" ? $"    - [{k.K}, {F(k.Re)}]" : $"    - [{k.K}, {F(k.Re)}, {F(k.Im)}]");
        foreach (var h in c.Initial.Harmonics)
            s.AppendLine($"    - [{h.L}, {h.M}, {F(h.Re)}, {F(h.Im)}]");
        s.AppendLine($"  rho0: {F(c.Initial.Rho0)}");
        s.AppendLine($"  file: '{c.Initial.File.Replace("'", "''")}'");
        s.AppendLine($"  dataset: '{c.Initial.Dataset.Replace("'", "''")}'");
        s.AppendLine("solver:");
        s.AppendLine($"  kind: {c.Solver.Kind}");
        s.AppendLine($"  resolution: {c.Solver.Resolution}");
        s.AppendLine($"  stepper: {c.Solver.Stepper}");
        s.AppendLine($"  dt: {F(c.Solver.Dt)}");
        s.AppendLine($"  tolerance: {F(c.Solver.Tolerance)}");
        s.AppendLine($"  t_end: {F(c.Solver.TEnd)}");
        s.AppendLine($"  on_underresolved: {c.Solver.OnUnderresolved}");
        s.AppendLine($"  tail_tolerance: {F(c.Solver.TailTolerance)}");
        s.AppendLine($"  negative_tolerance: {F(c.Solver.NegativeTolerance)}");
        s.AppendLine($"  fft: {c.Solver.Fft}");
        s.AppendLine("particles:");
        if (c.Particles.Count is int count) s.AppendLine($"  count: {count}");
        s.AppendLine($"  integrator: {c.Particles.Integrator}");
        s.AppendLine($"  dt: {F(c.Particles.Dt)}");
        s.AppendLine($"  interaction: {c.Particles.Interaction}");
        s.AppendLine($"  tolerance: {F(c.Particles.Tolerance)}");
        s.AppendLine($"  threads: {c.Particles.Threads}");
        s.AppendLine("output:");
        s.AppendLine($"  directory: '{c.Output.Directory.Replace("'", "''")}'");
        s.AppendLine($"  interval: {F(c.Output.Interval)}");
        s.AppendLine($"  max_writes: {c.Output.MaxWrites}");
        s.AppendLine($"  positions: {(c.Output.Positions ? "true" : "false")}");
        s.AppendLine($"  position_stride: {c.Output.PositionStride}");
        s.AppendLine($"  cluster_epsilon: {F(c.Output.ClusterEpsilon)}");
        s.AppendLine($"  harmonic_degree: {c.Output.HarmonicDegree}");
        s.AppendLine($"  plots: {(c.Output.Plots ? "true" : "false")}");
        s.AppendLine($"seed: {c.Seed}");
        return s.ToString();
    }

    private static string Matrix(IReadOnlyList<double> m, int d) =>
        "[" + string.Join(", ", Enumerable.Range(0, d).Select(r => "[" + string.Join(", ", Enumerable.Range(0, d).Select(c => F(m[r * d + c]))) + "]")) + "]";

    // Round-trip formatting: reading the stored YAML back gives the same doubles bit for bit.
    private static string F(double x) => x.ToString("R", CultureInfo.InvariantCulture);
}
