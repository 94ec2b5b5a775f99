using PureHDF;
using ScottPlot;

namespace MeanField.Plotting;

/// <summary>
/// The bifurcation diagram of a `meanfield continue` file (root attribute format = "MeanField continuation"): the first
/// non-zero harmonic modulus A_n against the parameter for every branch, solid where the state is linearly stable and
/// dashed where it is not, with the bifurcations (circles) and folds (triangles) marked.
/// </summary>
public static class BifurcationDiagramPlot
{
    public const string Format = "MeanField continuation";

    public static bool IsContinuationFile(string path)
    {
        try
        {
            using var file = H5File.OpenRead(path);
            return file.AttributeExists("format") && file.Attribute("format").Read<string>() == Format;
        }
        catch (Exception e) when (e is not OutOfMemoryException) { return false; }
    }

    public static string Write(string path, string? outputDirectory = null)
    {
        using var file = H5File.OpenRead(path);
        string directory = outputDirectory ?? Path.GetDirectoryName(Path.GetFullPath(path))!;
        Directory.CreateDirectory(directory);
        string parameter = file.Attribute("parameter").Read<string>();
        var plot = new Plot();
        var palette = new ScottPlot.Palettes.Category10();
        var groups = new List<(string Name, IH5Group Group)> { ("branch 0", file.Group("branch")) };
        if (file.LinkExists("branches"))
            foreach (var child in file.Group("branches").Children().OfType<IH5Group>().OrderBy(g => int.Parse(g.Name)))
                groups.Add(($"branch {child.Name}", child));
        for (int b = 0; b < groups.Count; b++)
        {
            var g = groups[b].Group;
            var p = g.Dataset("parameter").Read<double[]>();
            var amplitude = g.Dataset("amplitude").Read<double[,]>();
            var stable = g.Dataset("stable").Read<byte[]>();
            var color = palette.GetColor(b);
            bool labelled = false;
            // Segments of constant stability; each starts at the last point of the previous one, so the curve is unbroken
            // and the style changes at the located fold or bifurcation point (the last point of the old stability).
            int start = 0;
            byte style = stable[0];
            for (int i = 1; i <= p.Length; i++)
            {
                if (i < p.Length && stable[i] == style) continue;
                int end = i - 1 > start ? i - 1 : Math.Min(i, p.Length - 1);
                if (i == p.Length) end = p.Length - 1;
                var xs = p[start..(end + 1)];
                var ys = Enumerable.Range(start, end - start + 1).Select(j => amplitude[j, 0]).ToArray();
                var line = plot.Add.Scatter(xs, ys);
                line.Color = color;
                line.MarkerSize = 0;
                line.LineWidth = 2;
                line.LinePattern = style == 1 ? LinePattern.Solid : LinePattern.Dashed;
                if (!labelled) { line.LegendText = groups[b].Name; labelled = true; }
                if (i < p.Length) { start = end; style = stable[i]; }
            }
        }
        var bif = file.Attribute("bifurcation_parameter").Read<double[]>();
        if (bif.Length > 0)
        {
            var marks = plot.Add.ScatterPoints(bif, new double[bif.Length]);
            marks.MarkerShape = MarkerShape.OpenCircle;
            marks.MarkerSize = 10;
            marks.Color = Colors.Black;
            marks.LegendText = "bifurcation from uniform";
        }
        var foldP = file.Dataset("folds/parameter").Read<double[]>();
        if (foldP.Length > 0)
        {
            var marks = plot.Add.ScatterPoints(foldP, file.Dataset("folds/amplitude").Read<double[]>());
            marks.MarkerShape = MarkerShape.OpenTriangleUp;
            marks.MarkerSize = 10;
            marks.Color = Colors.Red;
            marks.LegendText = "fold";
        }
        plot.ShowLegend(Alignment.UpperLeft);
        string name = file.AttributeExists("name") ? file.Attribute("name").Read<string>() : Path.GetFileNameWithoutExtension(path);
        string beta = file.AttributeExists("beta") ? $", β = {file.Attribute("beta").Read<double>():G6}" : "";
        plot.Title($"{name}: {file.Attribute("geometry").Read<string>()}{beta} (solid stable, dashed unstable)");
        plot.XLabel(parameter == "coupling" ? "coupling K = 1/(2D)" : "diffusion D");
        plot.YLabel("amplitude A_n (first non-zero harmonic; A_1 = |∫xρ|/mass)");
        string png = Path.Combine(directory, Path.GetFileNameWithoutExtension(path) + "_bifurcation.png");
        plot.SavePng(png, RunPlots.Width, RunPlots.Height);
        return png;
    }
}
