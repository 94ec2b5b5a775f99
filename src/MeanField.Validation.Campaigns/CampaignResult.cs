namespace MeanField.Validation.Campaigns;

/// <summary>A named scalar result; <see cref="StandardError"/> is NaN when none is known.</summary>
public sealed record CampaignMetric(string Name, double Value, double StandardError, string Unit, string Description);

/// <summary>A table of equal-length numeric columns (e.g. N, seed, time, W1), kept in column order.</summary>
public sealed record CampaignTable(string Name, string Description, IReadOnlyList<(string Name, double[] Values)> Columns)
{
    public int RowCount => Columns.Count == 0 ? 0 : Columns[0].Values.Length;
}

public enum SeriesStyle { Line, Markers, LineAndMarkers, Dashed }

/// <summary>One curve of a figure.</summary>
public sealed record FigureSeries(string Label, double[] X, double[] Y, SeriesStyle Style = SeriesStyle.Line);

/// <summary>A figure to draw as PNG (name.png): the campaign says what to draw, the runner draws it.</summary>
public sealed record FigureRequest(string Name, string Title, string XLabel, string YLabel, IReadOnlyList<FigureSeries> Series,
    bool LogX = false, bool LogY = false, string Caption = "");

/// <summary>Everything a campaign produced, in the order it should be reported. Notes are Markdown paragraphs for the report.</summary>
public sealed class CampaignResult
{
    public List<CampaignMetric> Metrics { get; } = [];
    public List<CampaignTable> Tables { get; } = [];
    public List<FigureRequest> Figures { get; } = [];
    public List<string> Notes { get; } = [];

    public void Metric(string name, double value, string unit, string description, double standardError = double.NaN) =>
        Metrics.Add(new CampaignMetric(name, value, standardError, unit, description));

    public void Table(string name, string description, params (string Name, double[] Values)[] columns)
    {
        if (columns.Select(c => c.Values.Length).Distinct().Count() > 1)
            throw new ArgumentException($"table {name}: columns differ in length");
        Tables.Add(new CampaignTable(name, description, columns));
    }
}
