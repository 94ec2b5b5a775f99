using System.Runtime.Intrinsics;
using MeanField.Core.Simd;

namespace MeanField.Core.Tests;

/// <summary>The dense pair sums' exponential (VecMath.ExpNonPositive) against Math.Exp, at both vector widths.</summary>
public class VecMathTests
{
    private static unsafe double MaxUlpError<TV>() where TV : unmanaged, IVec<TV>
    {
        int C = TV.Count;
        var x = new double[C];
        var y = new double[C];
        var rng = new System.Random(3);
        double worst = 0;
        // the whole fast-path range, the region near 0 (k = 0, ±1), and arguments just past the subnormal threshold
        for (int i = 0; i < 200_000; i++)
        {
            for (int c = 0; c < C; c++)
                x[c] = (i % 4) switch
                {
                    0 => -709.0 * rng.NextDouble(),
                    1 => -2.0 * rng.NextDouble(),
                    2 => -1e-3 * rng.NextDouble(),
                    _ => -706 - 40 * rng.NextDouble(),
                };
            fixed (double* px = x, py = y) TV.Store(VecMath.ExpNonPositive(TV.Load(px)), py);
            for (int c = 0; c < C; c++)
            {
                double e = Math.Exp(x[c]);
                if (e >= 2.2250738585072014E-308) worst = Math.Max(worst, Math.Abs(y[c] - e) / (Math.BitIncrement(e) - e));
                else Assert.That(y[c], Is.EqualTo(e).Within(1e-320), $"subnormal e^{x[c]}");
            }
        }
        return worst;
    }

    [Test]
    public void ExpNonPositiveIsWithinTwoUlpOfMathExp()
    {
        if (!Vector256.IsHardwareAccelerated) Assert.Ignore("Vector256 is not accelerated");
        double u256 = MaxUlpError<Vec256>();
        TestContext.Out.WriteLine($"Vector256: max error {u256:F2} ulp");
        Assert.That(u256, Is.LessThanOrEqualTo(2));
        if (Vector512.IsHardwareAccelerated)
        {
            double u512 = MaxUlpError<Vec512>();
            TestContext.Out.WriteLine($"Vector512: max error {u512:F2} ulp");
            Assert.That(u512, Is.LessThanOrEqualTo(2));
        }
    }

    private static unsafe void AssertFourInLockStepMatchOneByOne<TV>() where TV : unmanaged, IVec<TV>
    {
        int C = TV.Count;
        var x = new double[4 * C];
        var one = new double[4 * C];
        var four = new double[4 * C];
        var rng = new System.Random(4);
        for (int i = 0; i < 20_000; i++)
        {
            for (int k = 0; k < x.Length; k++) x[k] = (i % 2 == 0 ? -708.0 : -3.0) * rng.NextDouble();
            fixed (double* px = x, po = one, pf = four)
            {
                for (int v = 0; v < 4; v++) TV.Store(VecMath.ExpNonPositive(TV.Load(px + v * C)), po + v * C);
                TV a = TV.Load(px), b = TV.Load(px + C), c = TV.Load(px + 2 * C), d = TV.Load(px + 3 * C);
                VecMath.ExpAboveFloor4(ref a, ref b, ref c, ref d);
                TV.Store(a, pf); TV.Store(b, pf + C); TV.Store(c, pf + 2 * C); TV.Store(d, pf + 3 * C);
            }
            Assert.That(four, Is.EqualTo(one), "ExpAboveFloor4 against four calls of ExpNonPositive");
        }
    }

    [Test]
    public void ExpAboveFloor4IsBitIdenticalToExpNonPositive()
    {
        if (!Vector256.IsHardwareAccelerated) Assert.Ignore("Vector256 is not accelerated");
        AssertFourInLockStepMatchOneByOne<Vec256>();
        if (Vector512.IsHardwareAccelerated) AssertFourInLockStepMatchOneByOne<Vec512>();
    }
}
