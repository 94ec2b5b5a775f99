using System.Globalization;

namespace MeanField.Cli;

/// <summary>Plain CSV tables written by the campaign commands (attention-scaling, noisy-threshold).</summary>
internal static class CsvOutput
{
    /// <summary>Invariant-culture number formatting, as every table and CSV file uses.</summary>
    public static string Format(double x, string format) => x.ToString(format, CultureInfo.InvariantCulture);

    /// <summary>Writes each (file name, lines) into <paramref name="directory"/>; false (message on error) when that fails.</summary>
    public static bool TryWrite(string directory, IEnumerable<(string Name, IEnumerable<string> Lines)> files, TextWriter error)
    {
        try
        {
            Directory.CreateDirectory(directory);
            foreach (var (name, lines) in files) File.WriteAllLines(Path.Combine(directory, name), lines);
            return true;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            error.WriteLine($"output error: {e.Message}");
            return false;
        }
    }
}
