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
        s.AppendLine("initial:");
        s.AppendLine($"  kind: {c.Initial.Kind}");
        s.AppendLine($"  amplitude: {F(c.Initial.Amplitude)}");
        s.AppendLine($"  modes: {c.Initial.Modes}");
        s.AppendLine(c.Initial.Components.Count == 0 ? "  components: []" : "  components:");
        foreach (var v in c.Initial.Components)
            s.AppendLine($"    - {{weight: {F(v.Weight)}, mean: {F(v.Mean)}, kappa: {F(v.Kappa)}}}");
        s.AppendLine(c.Initial.Coefficients.Count == 0 ? "  coefficients: []" : "  coefficients:");
        foreach (var k in c.Initial.Coefficients)
            s.AppendLine(c.Geometry == "zonal" ? $"    - [{k.K}, {F(k.Re)}]" : $"    - [{k.K}, {F(k.Re)}, {F(k.Im)}]");
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
        s.AppendLine("output:");
        s.AppendLine($"  directory: '{c.Output.Directory.Replace("'", "''")}'");
        s.AppendLine($"  interval: {F(c.Output.Interval)}");
        s.AppendLine($"  max_writes: {c.Output.MaxWrites}");
        s.AppendLine($"seed: {c.Seed}");
        return s.ToString();
    }

    // Round-trip formatting: reading the stored YAML back gives the same doubles bit for bit.
    private static string F(double x) => x.ToString("R", CultureInfo.InvariantCulture);
}
