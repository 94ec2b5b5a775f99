using System.Text.RegularExpressions;

namespace MeanField.Runs;

/// <summary>
/// The files a run named NAME writes in its output directory: NAME.h5 or the sets NAME_s1.h5, NAME_s2.h5, …, their
/// temporary <c>.tmp</c> forms (managed writer), and for ensembles paths/NAME_pNNNN.h5 (or its sets). Nothing else.
/// </summary>
internal static class RunDirectory
{
    /// <summary>NAME.h5 and NAME_sN.h5 in <paramref name="directory"/> (not the temporary forms), sets in set order.</summary>
    public static IReadOnlyList<string> RunFiles(string directory, string name)
    {
        if (!Directory.Exists(directory)) return [];
        var pattern = new Regex($@"^{Regex.Escape(name)}(?:_s(\d+))?\.h5$", RegexOptions.CultureInvariant);
        return Directory.GetFiles(directory)
            .Select(f => (File: f, Match: pattern.Match(Path.GetFileName(f))))
            .Where(x => x.Match.Success)
            .OrderBy(x => x.Match.Groups[1].Success ? long.Parse(x.Match.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture) : 0)
            .Select(x => x.File).ToArray();
    }

    /// <summary>
    /// Every file of an earlier run named <paramref name="name"/> in <paramref name="directory"/>: its sets (and their
    /// temporary forms) and its ensemble path files under paths/.
    /// </summary>
    public static IReadOnlyList<string> PreviousRunFiles(string directory, string name)
    {
        var found = new List<string>();
        string n = Regex.Escape(name);
        void Add(string dir, string pattern)
        {
            if (!Directory.Exists(dir)) return;
            var regex = new Regex(pattern, RegexOptions.CultureInvariant);
            found.AddRange(Directory.GetFiles(dir).Where(f => regex.IsMatch(Path.GetFileName(f))).Order(StringComparer.Ordinal));
        }
        Add(directory, $@"^{n}(?:_s\d+)?\.h5(?:\.tmp)?$");
        Add(Path.Combine(directory, "paths"), $@"^{n}_p\d{{4,}}(?:_s\d+)?\.h5(?:\.tmp)?$");
        return found;
    }

    /// <summary>Deletes <see cref="PreviousRunFiles"/> so the sets of two runs never mix; returns what was deleted.</summary>
    public static IReadOnlyList<string> DeletePreviousRun(string directory, string name)
    {
        var files = PreviousRunFiles(directory, name);
        foreach (var f in files)
        {
            try { File.Delete(f); }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                throw new MeanField.IO.Output.OutputException(f, $"Cannot delete '{f}', a file of an earlier run '{name}' that a new run replaces: {e.Message}", e);
            }
        }
        return files;
    }
}
