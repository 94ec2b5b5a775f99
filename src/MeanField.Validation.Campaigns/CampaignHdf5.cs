using PureHDF;

namespace MeanField.Validation.Campaigns;

/// <summary>
/// results.h5 of a campaign. Root attributes: provenance, name, kind, reproduces, quick, passed, wall_time_s.
/// /campaign_yaml: the campaign file text. /metrics/NAME: scalar float64 with attributes std_error, unit, description and,
/// for checked metrics, expected and status. /tables/NAME/COLUMN: float64 vectors (group attribute description).
/// </summary>
internal static class CampaignHdf5
{
    public static void Write(string path, CampaignOutcome o)
    {
        var metrics = new H5Group();
        foreach (var m in o.Result.Metrics)
        {
            var attributes = new Dictionary<string, object>
            {
                ["std_error"] = m.StandardError,
                ["unit"] = m.Unit,
                ["description"] = m.Description,
            };
            var check = o.Checks.FirstOrDefault(c => c.Check.Metric == m.Name);
            if (check is not null)
            {
                attributes["expected"] = check.Check.Describe();
                attributes["status"] = check.Passed ? "PASS" : "FAIL";
            }
            metrics[m.Name] = new H5Dataset<double[]>([m.Value]) { Attributes = attributes };
        }
        var tables = new H5Group();
        foreach (var t in o.Result.Tables)
        {
            var group = new H5Group { Attributes = new Dictionary<string, object> { ["description"] = t.Description } };
            foreach (var (name, values) in t.Columns) group[name] = values;
            tables[t.Name] = group;
        }
        var file = new H5File
        {
            Attributes = new Dictionary<string, object>
            {
                ["format"] = "MeanField validation",
                ["name"] = o.File.Name,
                ["kind"] = o.File.Kind,
                ["reproduces"] = o.File.Reproduces,
                ["quick"] = (byte)(o.Quick ? 1 : 0),
                ["passed"] = (byte)(o.Passed ? 1 : 0),
                ["wall_time_s"] = o.WallSeconds,
                ["git_commit"] = o.Provenance.GitCommit,
                ["software_version"] = o.Provenance.SoftwareVersion,
                ["created_utc"] = o.Provenance.CreatedUtc,
                ["machine"] = o.Provenance.Machine,
                ["command_line"] = o.Provenance.CommandLine,
            },
            ["campaign_yaml"] = o.File.Text,
            ["metrics"] = metrics,
            ["tables"] = tables,
        };
        using var stream = new FileStream(path, FileMode.Create, FileAccess.ReadWrite, FileShare.None);
        file.Write(stream);
    }
}
