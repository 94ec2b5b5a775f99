using MeanField.Core;
using MeanField.IO.Config;

namespace MeanField.Validation.Campaigns;

/// <summary>List-valued and model parameters for campaign kinds (scalars go through <see cref="YamlMappingReader"/> directly).</summary>
internal static class ParameterReading
{
    /// <summary>A non-empty list of numbers each satisfying <paramref name="valid"/>; <paramref name="fallback"/> when absent.</summary>
    public static double[] Doubles(this YamlMappingReader r, string key, double[] fallback, Func<double, bool> valid, string requirement)
    {
        if (!r.Has(key)) { r.Node(key); return fallback; }
        var values = r.List(key, (node, k) => r.ParseDouble(node, k, valid, requirement)).ToArray();
        if (values.Length == 0) throw r.Error(r.Node(key), key, "expected a non-empty list of numbers");
        return values;
    }

    public static int[] Ints(this YamlMappingReader r, string key, int[] fallback, Func<int, bool> valid, string requirement)
    {
        if (!r.Has(key)) { r.Node(key); return fallback; }
        var values = r.List(key, (node, k) => r.ParseInt(node, k, valid, requirement)).ToArray();
        if (values.Length == 0) throw r.Error(r.Node(key), key, "expected a non-empty list of integers");
        return values;
    }

    public static AttentionKind Attention(this YamlMappingReader r, string key, string fallback) =>
        r.Choice(key, fallback, ["sa", "usa"]) == "sa" ? AttentionKind.SA : AttentionKind.USA;
}
