using System.Globalization;

namespace MeanField.Validation.Campaigns;

/// <summary>Numbers as they appear in metric names and captions (invariant culture, 6 significant digits).</summary>
internal static class CampaignLabels
{
    public static string Label(double x) => x.ToString("G6", CultureInfo.InvariantCulture);

    public static double[] Column(IEnumerable<double[]> rows, int index) => rows.Select(r => r[index]).ToArray();
}
