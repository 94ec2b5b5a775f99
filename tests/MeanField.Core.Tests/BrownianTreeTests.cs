using MeanField.Core.Noise;

namespace MeanField.Core.Tests;

/// <summary>The virtual Brownian tree behind CommonNoisePath: additivity, law, and one path for every step size.</summary>
public class BrownianTreeTests
{
    [Test]
    public void IncrementOverAnIntervalEqualsTheSumOverAnyPartition()
    {
        var tree = new BrownianTree(seed: 17, components: 3, path: 2);
        var rng = new System.Random(5);
        var whole = new double[3];
        var part = new double[3];
        double worst = 0;
        for (int trial = 0; trial < 50; trial++)
        {
            // Intervals inside one block, across one block boundary and across several; random (non-dyadic) cut points.
            double s = rng.NextDouble() * 3, t = s + rng.NextDouble() * (trial % 3 == 0 ? 0.01 : 2.5);
            var cuts = Enumerable.Range(0, 1 + rng.Next(40)).Select(_ => s + rng.NextDouble() * (t - s)).Append(s).Append(t).Order().ToArray();
            tree.Increment(s, t, whole);
            var sum = new double[3];
            for (int i = 0; i + 1 < cuts.Length; i++)
            {
                tree.Increment(cuts[i], cuts[i + 1], part);
                for (int j = 0; j < 3; j++) sum[j] += part[j];
            }
            for (int j = 0; j < 3; j++) worst = Math.Max(worst, Math.Abs(sum[j] - whole[j]));
        }
        Assert.That(worst, Is.LessThan(1e-14));
    }

    [Test]
    public void IncrementsHaveVarianceTheirLengthAndAreUncorrelated()
    {
        // Independent paths, a non-dyadic step and a point off the block grid: Var(B(t) − B(s)) = t − s, adjacent
        // increments uncorrelated, components independent. 4000 paths: standard error of a variance ratio √(2/4000) ≈ 0.022.
        const int paths = 4000;
        const double s = 0.7371, h = 2.5e-4, t2 = 1.6;    // [s, s+h], [s+h, t2] (crosses the block boundary at 1)
        double v1 = 0, v2 = 0, c12 = 0, c01 = 0;
        var a = new double[2];
        var b = new double[2];
        for (int p = 0; p < paths; p++)
        {
            var tree = new BrownianTree(3, 2, p);
            tree.Increment(s, s + h, a);
            tree.Increment(s + h, t2, b);
            v1 += a[0] * a[0] / h;
            v2 += b[1] * b[1] / (t2 - s - h);
            c12 += a[0] * b[0] / Math.Sqrt(h * (t2 - s - h));
            c01 += a[0] * a[1] / h;
        }
        double se = Math.Sqrt(2.0 / paths), seCorrelation = Math.Sqrt(1.0 / paths);
        Assert.That(v1 / paths, Is.EqualTo(1).Within(4 * se));
        Assert.That(v2 / paths, Is.EqualTo(1).Within(4 * se));
        Assert.That(c12 / paths, Is.EqualTo(0).Within(4 * seCorrelation));
        Assert.That(c01 / paths, Is.EqualTo(0).Within(4 * seCorrelation));
    }

    [Test]
    public void BridgeMidpointHasTheBrownianBridgeLaw()
    {
        // Given B(0) and B(1), B(½) − ½B(1) is N(0, ¼) and independent of B(1): the Lévy construction's defining property.
        const int paths = 4000;
        double m2 = 0, cross = 0;
        var half = new double[1];
        var one = new double[1];
        for (int p = 0; p < paths; p++)
        {
            var tree = new BrownianTree(8, 1, p);
            tree.Increment(0, 0.5, half);
            tree.Increment(0, 1, one);
            double bridge = half[0] - 0.5 * one[0];
            m2 += bridge * bridge;
            cross += bridge * one[0];
        }
        Assert.That(m2 / paths, Is.EqualTo(0.25).Within(4 * 0.25 * Math.Sqrt(2.0 / paths)));
        Assert.That(cross / paths, Is.EqualTo(0).Within(4 * 0.5 / Math.Sqrt(paths)));
    }

    [Test]
    public void PathsAtDifferentStepsAreOneBrownianMotion()
    {
        // A run at dt and one at dt/2 (and at a non-commensurate 3dt/7) read one path: over [0, T] their increments agree.
        var coarse = new CommonNoisePath(11, 4, 2.5e-4, path: 1);
        var fine = new CommonNoisePath(11, 4, 1.25e-4, path: 1);
        var a = new double[4];
        var b = new double[4];
        coarse.Increments(0, 4000, a);
        fine.Increments(0, 8000, b);
        Assert.That(b, Is.EqualTo(a).Within(1e-14));
        fine.Increments(2, a);
        var sum = new double[4];
        var step = new double[4];
        fine.Increments(4, step);
        for (int j = 0; j < 4; j++) sum[j] = step[j];
        fine.Increments(5, step);
        for (int j = 0; j < 4; j++) sum[j] += step[j];
        coarse.Increments(2, a);
        Assert.That(a, Is.EqualTo(sum).Within(1e-15), "coarse step 2 = fine steps 4 and 5");
        var other = new CommonNoisePath(11, 4, 3 * 2.5e-4 / 7, path: 1);
        other.Increments(0, 7, b);
        coarse.Increments(0, 3, a);
        Assert.That(b, Is.EqualTo(a).Within(1e-14), "3·dt = 7·(3dt/7)");
    }
}
