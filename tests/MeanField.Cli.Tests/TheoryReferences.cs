using System.Text.RegularExpressions;

namespace MeanField.Cli.Tests;

/// <summary>A "MATH §…" reference: the sections it names and, for §10, the table rows.</summary>
internal sealed record TheoryReference(string Location, string Text, IReadOnlyList<string> Sections, IReadOnlyList<int> Rows);

/// <summary>
/// Finds "MATH §x.y" references ("MATH §2.2–2.3, §3.3 and §10 rows 3–4, 7") and resolves them against the numbered
/// headings ("## §4.2 …") and the §10 table rows of docs/theory.md.
/// </summary>
internal static partial class TheoryReferences
{
    // One section number, then further ones after a range dash (§ optional) or after ",", ";", "and" (§ required),
    // then for §10 an optional row list.
    [GeneratedRegex(@"MATH(?:\.md)?\s*§\s*(?<first>\d+(?:\.\d+)?)")]
    private static partial Regex Start();

    [GeneratedRegex(@"\G(?:\s*[–-]\s*§?\s*(?<to>\d+(?:\.\d+)?)|(?:\s*[,;]\s*|\s+and\s+)§\s*(?<next>\d+(?:\.\d+)?))")]
    private static partial Regex Continuation();

    [GeneratedRegex(@"\G\s+rows?\s+(?<rows>\d+(?:\s*[–-]\s*\d+)?(?:\s*,\s*\d+(?:\s*[–-]\s*\d+)?)*)")]
    private static partial Regex RowList();

    [GeneratedRegex(@"^#+\s+§(?<n>\d+(?:\.\d+)?)(?![\d.]*\d)")]
    private static partial Regex Heading();

    [GeneratedRegex(@"^\|\s*(?<row>\d+)\s*\|")]
    private static partial Regex TableRow();

    public static IEnumerable<TheoryReference> Parse(string text, string location)
    {
        foreach (Match start in Start().Matches(text))
        {
            var sections = new List<string> { start.Groups["first"].Value };
            var rows = new List<int>();
            int at = start.Index + start.Length;
            while (true)
            {
                var m = Continuation().Match(text, at);
                if (m.Success)
                {
                    if (m.Groups["to"].Success) sections.AddRange(RangeAfter(sections[^1], m.Groups["to"].Value));
                    else sections.Add(m.Groups["next"].Value);
                    at = m.Index + m.Length;
                    continue;
                }
                var r = sections[^1] == "10" ? RowList().Match(text, at) : Match.Empty;
                if (r.Success)
                {
                    rows.AddRange(ParseRows(r.Groups["rows"].Value));
                    at = r.Index + r.Length;
                    continue;
                }
                break;
            }
            int line = text.AsSpan(0, start.Index).Count('\n') + 1;
            yield return new TheoryReference($"{location}:{line}", text[start.Index..at], sections, rows);
        }
    }

    /// <summary>The sections after <paramref name="from"/> up to <paramref name="to"/>: "2.2–2.4" → 2.3, 2.4; "4–6" → 5, 6.</summary>
    private static IEnumerable<string> RangeAfter(string from, string to)
    {
        var a = from.Split('.');
        var b = to.Split('.');
        if (a.Length == 2 && b.Length == 1) b = [a[0], b[0]]; // "§2.2–3" means 2.2–2.3
        if (a.Length != b.Length || (a.Length == 2 && a[0] != b[0])) return [to];
        int lo = int.Parse(a[^1]), hi = int.Parse(b[^1]);
        string prefix = a.Length == 2 ? a[0] + "." : "";
        return hi <= lo ? [prefix + hi] : Enumerable.Range(lo + 1, hi - lo).Select(k => prefix + k);
    }

    private static IEnumerable<int> ParseRows(string list)
    {
        foreach (var part in list.Split(','))
        {
            var ends = part.Split(['–', '-'], StringSplitOptions.TrimEntries);
            int lo = int.Parse(ends[0]), hi = int.Parse(ends[^1]);
            for (int k = lo; k <= Math.Max(lo, hi); k++) yield return k;
        }
    }

    /// <summary>The section numbers of theory.md's headings and the row numbers of its §10 table.</summary>
    public static (HashSet<string> Sections, HashSet<int> Rows) Targets(string theory)
    {
        var sections = new HashSet<string>();
        var rows = new HashSet<int>();
        bool inTable = false;
        foreach (var line in theory.Split('\n'))
        {
            var h = Heading().Match(line);
            if (h.Success)
            {
                sections.Add(h.Groups["n"].Value);
                inTable = h.Groups["n"].Value == "10";
                continue;
            }
            if (line.StartsWith("## ")) inTable = false;
            var row = TableRow().Match(line);
            if (inTable && row.Success) rows.Add(int.Parse(row.Groups["row"].Value));
        }
        return (sections, rows);
    }

    /// <summary>What in <paramref name="reference"/> does not resolve, empty when it all does.</summary>
    public static IEnumerable<string> Unresolved(TheoryReference reference, HashSet<string> sections, HashSet<int> rows) =>
        reference.Sections.Where(s => !sections.Contains(s)).Select(s => $"§{s}")
            .Concat(reference.Rows.Where(r => !rows.Contains(r)).Select(r => $"§10 row {r}"));
}
