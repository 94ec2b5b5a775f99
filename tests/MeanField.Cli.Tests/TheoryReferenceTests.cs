namespace MeanField.Cli.Tests;

/// <summary>Every "MATH §x.y" in code, help texts, configs and docs names a heading (and §10 row) of docs/theory.md.</summary>
public class TheoryReferenceTests
{
    private static readonly string[] Roots = ["src", "docs", "configs", "validation", "tools", "tests"];
    private static readonly string[] Extensions = [".cs", ".md", ".yaml", ".yml", ".csproj", ".props", ".txt"];

    [Test]
    public void EveryMathReferenceResolvesToATheoryHeading()
    {
        string root = RepositoryTestSupport.RepositoryRoot();
        var (sections, rows) = TheoryReferences.Targets(File.ReadAllText(Path.Combine(root, "docs", "theory.md")));
        Assert.That(sections, Is.SupersetOf(new[] { "1", "1.1", "2.3", "3.3", "4.2", "5", "9.3", "10" }),
            "docs/theory.md lost its numbered headings");
        Assert.That(rows, Has.Count.EqualTo(49), "docs/theory.md §10 should list rows 1–49");

        var files = Roots.Select(r => Path.Combine(root, r)).Where(Directory.Exists)
            .SelectMany(d => Directory.EnumerateFiles(d, "*", SearchOption.AllDirectories))
            .Where(f => Extensions.Contains(Path.GetExtension(f)))
            .Where(f => !f.Split(Path.DirectorySeparatorChar).Any(part => part is "bin" or "obj"))
            .Append(Path.Combine(root, "README.md"));
        var references = files.SelectMany(f => TheoryReferences.Parse(File.ReadAllText(f), Path.GetRelativePath(root, f))).ToList();
        Assert.That(references, Has.Count.GreaterThan(100), "the scan found too few references: wrong root?");

        var broken = references
            .Select(r => (r, missing: TheoryReferences.Unresolved(r, sections, rows).ToList()))
            .Where(x => x.missing.Count > 0)
            .Select(x => $"{x.r.Location}: \"{x.r.Text}\" → no {string.Join(", ", x.missing)} in docs/theory.md")
            .ToList();
        Assert.That(broken, Is.Empty, string.Join("\n", broken));
    }

    [Test]
    public void ParserReadsListsRangesAndRows()
    {
        var r = TheoryReferences.Parse("see (MATH §2.2–2.4, §3.3 and §10 rows 3–4, 7) here", "x").Single();
        Assert.That(r.Sections, Is.EqualTo(new[] { "2.2", "2.3", "2.4", "3.3", "10" }));
        Assert.That(r.Rows, Is.EqualTo(new[] { 3, 4, 7 }));
        // "10 digits" after a comma without § is prose, not a section; "§8's" is §8.
        Assert.That(TheoryReferences.Parse("(MATH §7; 10 digits)", "x").Single().Sections, Is.EqualTo(new[] { "7" }));
        Assert.That(TheoryReferences.Parse("MATH §8's table", "x").Single().Sections, Is.EqualTo(new[] { "8" }));
        Assert.That(TheoryReferences.Parse("MATH.md §4.1.", "x").Single().Sections, Is.EqualTo(new[] { "4.1" }));
    }

    [Test]
    public void UnknownSectionsAndRowsAreReported()
    {
        var (sections, rows) = TheoryReferences.Targets("## §4 Lin\n### §4.2 Dominant\n## §10 Numbers\n| row | a |\n|---|---|\n| 3 | x |\n## §11 End\n| 7 | y |\n");
        Assert.That(sections, Is.EquivalentTo(new[] { "4", "4.2", "10", "11" }));
        Assert.That(rows, Is.EquivalentTo(new[] { 3 }), "only rows of the §10 table count");
        // Split so that the repository scan above does not read this deliberately broken reference.
        var r = TheoryReferences.Parse("MATH §4.2, §4.3 and §10 rows 3, 7; MATH " + "§12", "x").ToList();
        Assert.That(TheoryReferences.Unresolved(r[0], sections, rows), Is.EqualTo(new[] { "§4.3", "§10 row 7" }));
        Assert.That(TheoryReferences.Unresolved(r[1], sections, rows), Is.EqualTo(new[] { "§12" }));
    }
}
