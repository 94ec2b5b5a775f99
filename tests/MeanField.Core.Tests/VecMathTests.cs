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

    private static unsafe void AssertInPlaceMatchesOneByOne<TV>() where TV : unmanaged, IVec<TV>
    {
        int C = TV.Count;
        var rng = new System.Random(4);
        foreach (int vectors in new[] { 1, 3, 4, 7, 8, 13, 16, 21 })   // the 8-, 4- and 1-vector stretches, alone and together
        {
            var x = new double[vectors * C];
            var one = new double[x.Length];
            for (int k = 0; k < x.Length; k++) x[k] = (k % 2 == 0 ? -708.0 : -3.0) * rng.NextDouble();
            var inPlace = (double[])x.Clone();
            fixed (double* px = x, po = one, pi = inPlace)
            {
                for (int v = 0; v < vectors; v++) TV.Store(VecMath.ExpNonPositive(TV.Load(px + v * C)), po + v * C);
                VecMath.ExpAboveFloorInPlace<TV>(pi, x.Length);
            }
            Assert.That(inPlace, Is.EqualTo(one), $"ExpAboveFloorInPlace against ExpNonPositive, {vectors} vectors");
        }
    }

    [Test]
    public void ExpAboveFloorInPlaceIsBitIdenticalToExpNonPositive()
    {
        if (!Vector256.IsHardwareAccelerated) Assert.Ignore("Vector256 is not accelerated");
        AssertInPlaceMatchesOneByOne<Vec256>();
        if (Vector512.IsHardwareAccelerated) AssertInPlaceMatchesOneByOne<Vec512>();
    }
}
