using MeanField.Core.Random;

namespace MeanField.Analysis.Tests;

[TestFixture]
public class RateFitTests
{
    private static readonly double[] Ns = [100, 1000, 10000, 100000];

    private static List<(double, double)> Synthetic(ulong seed, double sigma, int seeds)
    {
        var r = new RandomStream(seed, 13);
        var list = new List<(double, double)>();
        foreach (double n in Ns)
            for (int s = 0; s < seeds; s++) list.Add((n, 3 * Math.Pow(n, -0.5) * Math.Exp(sigma * r.NextGaussian())));
        return list;
    }

    [Test]
    public void Exact_power_law_is_recovered()
    {
        var fit = RateFit.Fit(Synthetic(1, 0, 3));
        Assert.That(fit.Slope, Is.EqualTo(-0.5).Within(1e-12));
        Assert.That(fit.Intercept, Is.EqualTo(Math.Log(3)).Within(1e-11));
        Assert.That(fit.RSquared, Is.EqualTo(1).Within(1e-12));
        Assert.That(fit.PointCount, Is.EqualTo(4));
        Assert.That(fit.SlopeWithin(-0.51, -0.49), Is.True);
        Assert.That(fit.SlopeWithin(-1.1, -0.9), Is.False);
    }

    [Test]
    public void Noisy_slope_is_within_its_interval_and_the_interval_covers_in_at_least_90_percent()
    {
        var fit = RateFit.Fit(Synthetic(2, 0.3, 5));
        Assert.That(fit.IntervalContains(-0.5), Is.True);
        Assert.That(fit.Upper - fit.Lower, Is.GreaterThan(0).And.LessThan(0.5));
        Assert.That(fit.ConfidenceLevel, Is.EqualTo(0.95));
        int covered = 0;
        for (ulong rep = 0; rep < 200; rep++) if (RateFit.Fit(Synthetic(100 + rep, 0.3, 5)).IntervalContains(-0.5)) covered++;
        Assert.That(covered, Is.GreaterThanOrEqualTo(180));
    }

    [Test]
    public void Interval_uses_the_student_t_quantile()
    {
        // Three N, one seed each: the residual SE with 1 dof, t_{0.975,1} = 12.7062.
        var fit = RateFit.Fit([(10, 1.0), (100, 0.5), (1000, 0.1)]);
        Assert.That(fit.DegreesOfFreedom, Is.EqualTo(1));
        Assert.That((fit.Upper - fit.Slope) / fit.SlopeStandardError, Is.EqualTo(12.7062047).Within(1e-6));
        Assert.That(double.IsNaN(fit.SeedStandardError), Is.True);
    }

    [Test]
    public void Rejects_bad_input()
    {
        Assert.Throws<ArgumentException>(() => RateFit.Fit([(10, 1.0), (10, 0.5)]));
        Assert.Throws<ArgumentException>(() => RateFit.Fit([(10, 0.0), (100, 0.5)]));
    }
}
