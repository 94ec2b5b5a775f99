namespace MeanField.Core.Tests;

public class EqualStepsTests
{
    [TestCase(1.0, 0.1, 10)]    // 1.0/0.1 = 10.000000000000002 in doubles: still 10 steps, not 11
    [TestCase(0.3, 0.1, 3)]     // 0.3/0.1 = 2.9999999999999996: 3
    [TestCase(1.0, 0.3, 4)]     // steps of 0.25 ≤ 0.3
    [TestCase(1e-9, 0.1, 1)]    // a sliver of a step is one step
    [TestCase(0.0, 0.1, 1)]     // never zero steps
    public void CountIsTheSmallestNumberOfStepsNoLongerThanDt(double span, double dt, long expected)
    {
        long n = EqualSteps.Count(span, dt);
        Assert.That(n, Is.EqualTo(expected));
        if (span > 0) Assert.That(span / n, Is.LessThanOrEqualTo(dt * (1 + 1e-12)));
    }
}
