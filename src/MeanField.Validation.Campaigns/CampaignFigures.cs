using ScottPlot;

namespace MeanField.Validation.Campaigns;

/// <summary>Draws a campaign's <see cref="FigureRequest"/>s as PNG (ScottPlot, headless). Log axes plot log10 of the data with 10^n tick labels.</summary>
internal static class CampaignFigures
{
    public const int Width = 900, Height = 600;

    /// <summary>Each figure as NAME.png in <paramref name="directory"/>; returns (figure, file name) pairs.</summary>
    public static IReadOnlyList<(FigureRequest Figure, string File)> Draw(IEnumerable<FigureRequest> figures, string directory)
    {
        var written = new List<(FigureRequest, string)>();
        foreach (var f in figures)
        {
            var plot = new Plot();
            var palette = new ScottPlot.Palettes.Category10();
            int colour = 0;
            foreach (var s in f.Series)
            {
                var keep = Enumerable.Range(0, s.X.Length)
                    .Where(i => double.IsFinite(s.X[i]) && double.IsFinite(s.Y[i]) && (!f.LogX || s.X[i] > 0) && (!f.LogY || s.Y[i] > 0)).ToArray();
                var x = keep.Select(i => f.LogX ? Math.Log10(s.X[i]) : s.X[i]).ToArray();
                var y = keep.Select(i => f.LogY ? Math.Log10(s.Y[i]) : s.Y[i]).ToArray();
                if (x.Length == 0) continue;
                var line = plot.Add.Scatter(x, y);
                line.Color = palette.GetColor(colour++);
                line.LegendText = s.Label;
                line.LineWidth = s.Style == SeriesStyle.Markers ? 0 : 2;
                line.MarkerSize = s.Style is SeriesStyle.Markers or SeriesStyle.LineAndMarkers ? 7 : 0;
                if (s.Style == SeriesStyle.Dashed) line.LinePattern = LinePattern.Dashed;
            }
            if (f.LogX) plot.Axes.Bottom.TickGenerator = PowerTicks();
            if (f.LogY) plot.Axes.Left.TickGenerator = PowerTicks();
            plot.Title(f.Title);
            plot.XLabel(f.XLabel);
            plot.YLabel(f.YLabel);
            if (f.Series.Count > 1) plot.ShowLegend(Alignment.UpperRight);
            string file = f.Name + ".png";
            plot.SavePng(Path.Combine(directory, file), Width, Height);
            written.Add((f, file));
        }
        return written;
    }

    private static ScottPlot.TickGenerators.NumericAutomatic PowerTicks() => new()
    {
        IntegerTicksOnly = true,
        LabelFormatter = v => $"1e{v:0}",
    };
}
