using MeanField.IO.Config;

namespace MeanField.Validation.Campaigns.Tests;

public class CampaignFileTests
{
    private const string Valid = """
        name: t
        kind: equiangular
        reproduces: x
        parameters:
          count: 4
          dimension: 4
          invariants: {time: 0.5}
        quick:
          count: 2
          invariants: {seed: 3}
        expect:
          - {metric: spread_sa, max: 1.0e-12}
        """;

    private static ConfigException Fails(string text) =>
        Assert.Throws<ConfigException>(() => CampaignFile.Parse(text, "c.yaml"))!;

    [Test]
    public void UnknownTopLevelKeyNamesFileLineAndKey()
    {
        var e = Fails(Valid + "\nexpekt: []\n");
        Assert.That(e.Message, Does.Contain("c.yaml:13:").And.Contain("unknown key 'expekt'"));
    }

    [Test]
    public void UnknownKindIsListedWithTheKnownOnes()
    {
        var e = Fails(Valid.Replace("kind: equiangular", "kind: equiangluar"));
        Assert.That(e.Message, Does.Contain("c.yaml:2:").And.Contain("equiangluar").And.Contain("circle-metastable"));
    }

    [Test]
    public void BadChecksAreRejected()
    {
        Assert.That(Fails(Valid.Replace("max: 1.0e-12", "approx: 1")).Message, Does.Contain("exactly one of rel or abs"));
        Assert.That(Fails(Valid.Replace("{metric: spread_sa, max: 1.0e-12}", "{metric: spread_sa}")).Message, Does.Contain("needs min"));
        Assert.That(Fails(Valid.Replace("max: 1.0e-12", "max: 1, mx: 2")).Message, Does.Contain("unknown key 'expect[0].mx'"));
        Assert.That(Fails(Valid.Replace("max: 1.0e-12", "min: 2, max: 1")).Message, Does.Contain("greater than max"));
    }

    [Test]
    public void UnknownParameterIsReportedWhenTheKindReadsItWithItsLine()
    {
        var file = CampaignFile.Parse(Valid.Replace("  count: 4", "  cuont: 4"), "c.yaml");
        var kind = CampaignKinds.Find(file.Kind)!;
        var e = Assert.Throws<ConfigException>(() => kind.Run(file.Parameters(quick: false), new CampaignContext(TextWriter.Null, false)))!;
        Assert.That(e.Message, Does.Contain("c.yaml:5:").And.Contain("unknown key 'parameters.cuont'"));
    }

    [Test]
    public void QuickOverridesMergeKeyByKeyAndRecursively()
    {
        var file = CampaignFile.Parse(Valid, "c.yaml");
        var quick = file.Parameters(quick: true);
        Assert.That(quick.Int("count", 0, _ => true, ""), Is.EqualTo(2));
        Assert.That(quick.Int("dimension", 0, _ => true, ""), Is.EqualTo(4));
        var inv = quick.Mapping("invariants");
        Assert.That(inv.Double("time", 0, _ => true, ""), Is.EqualTo(0.5));
        Assert.That(inv.ULong("seed", 0), Is.EqualTo(3UL));
        Assert.That(file.Parameters(quick: false).Int("count", 0, _ => true, ""), Is.EqualTo(4));
    }

    [TestCase(0.5, true)]
    [TestCase(1.5, false)]
    public void ChecksCompareAsDocumented(double value, bool inRange)
    {
        var check = new ExpectCheck("m", 0, 1, null, null, null, null, "");
        Assert.That(check.Passes(value), Is.EqualTo(inRange));
        Assert.That(new ExpectCheck("m", null, null, null, 10, 0.1, null, "").Passes(10.9), Is.True);
        Assert.That(new ExpectCheck("m", null, null, null, 10, 0.1, null, "").Passes(11.1), Is.False);
        Assert.That(new ExpectCheck("m", null, null, 3, null, null, null, "").Passes(double.NaN), Is.False);
    }
}
