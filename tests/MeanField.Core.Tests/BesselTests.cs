using System.Diagnostics;
using MeanField.Core;

namespace MeanField.Core.Tests;

/// <summary>Relative-tolerance equality (NUnit's Percent modifier takes a percentage, which is easy to misread).</summary>
internal static class Rel
{
    public static NUnit.Framework.Constraints.Constraint To(double expected, double relativeTolerance)
        => Is.EqualTo(expected).Within(Math.Abs(expected) * relativeTolerance);
}

[TestFixture]
public class BesselTests
{
    private const double Eps = 2.220446049250313e-16;

    // (ν, x, log I_ν(x), log(e^{−x} I_ν(x))): mpmath 1.3.0 besseli at 40 significant digits.
    private static readonly (double Nu, double X, double LogI, double LogScaled)[] Reference =
    [
        (0.0, 0.001, 0.0000002499999843750017465192, -0.0009997500000156250190702),
        (0.0, 0.5, 0.06154971918548130394128, -0.4384502808145186960587),
        (0.0, 1.0, 0.2359143585071786486894, -0.7640856414928213513106),
        (0.0, 10.0, 7.942972083118695554495, -2.057027916881304445505),
        (0.0, 24.9, 22.37875295594668669497, -2.521247044053311883944),
        (0.0, 25.1, 22.57471122461392837718, -2.525288775386073043909),
        (0.0, 100.0, 96.77973268994258371669, -3.220267310057416283312),
        (0.0, 1000.0, 995.6273088898694646715, -4.372691110130535328532),
        (0.0, 5000.0, 4994.822489873587729541, -5.177510126412270459207),
        (0.5, 1e-08, -9.436131724620910141307, -9.436131734620910141307),
        (0.5, 2.0, 0.7160024296894680429821, -1.283997570310531957018),
        (1.0, 5.0, 3.191942030545675463437, -1.808057969454324536563),
        (1.5, 30.0, 27.34656122428856822228, -2.653438775711431777717),
        (2.5, 20.0, 17.42946123007628968421, -2.570538769923710315787),
        (3.0, 0.1, -10.7783313289471034117, -10.87833132894710341725),
        (5.0, 7.0, 3.291586601590417601452, -3.708413398409582398548),
        (7.5, 20.0, 16.16457005274084412061, -3.835429947259155879386),
        (10.0, 20.0, 15.07969383973091816373, -4.920306160269081836269),
        (10.5, 24.0, 19.18957888596599801469, -4.810421114034001985308),
        (17.0, 18.0, 7.930144150002964852696, -10.0698558499970351473),
        (18.0, 18.0, 7.054452171202438952795, -10.9455478287975610472),
        (20.0, 15.0, 0.4989647125379128718987, -14.5010352874620871281),
        (24.5, 1.0, -73.36147145853449705029, -74.36147145853449705029),
        (24.5, 24.5, 10.36357884522213347243, -14.13642115477786652757),
        (25.0, 0.001, -248.026166701917193842, -248.027166701917193842),
        (30.0, 20.0, -2.499421938758223910202, -22.4994219387582239102),
        (49.5, 0.5, -215.1395887572633651112, -215.6395887572633651112),
        (50.0, 100.0, 84.46624343517878252357, -15.53375656482121747643),
        (100.0, 5.0, -272.0484399359969055884, -277.0484399359969055884),
        (100.0, 100.0, 49.88933207079155737991, -50.11066792920844262009),
        (150.0, 100.0, -2.453214324767012104124, -102.4532143247670121041),
        (200.0, 1000.0, 975.6833740597981198199, -24.31662594020188018009),
        (500.5, 150.0, -442.4409704506093178531, -592.4409704506093178531),
        (1000.0, 0.001, -13513.03063802999593928, -13513.03163802999593928),
        (1000.0, 700.0, 61.70564495925887145806, -638.2943550407411285419),
        (1000.0, 1000.0, 528.2938870936566405069, -471.7061129063433594931),
        (1500.0, 1000.0, 5.963321197672750843451, -994.0366788023272491565),
        (2047.0, 0.001, -29123.37368806719722839, -29123.37468806719722839),
        (2047.0, 1.0, -14983.19850992057593196, -14984.19850992057593196),
        (2047.0, 1000.0, -724.3292460901482862681, -1724.329246090148286268),
        (2048.0, 1000.0, -725.7941217878487944038, -1725.794121787848794404),
        (2100.0, 1000.0, -802.5681847480596389111, -1802.568184748059638911),
        (2047.5, 50.0, -6977.185271836462485748, -7027.185271836462485748),
        (3000.0, 2000.0, 16.24756475330319250179, -1983.752435246696807498),
        (0.5, 5000.0, 4994.822464871087208545, -5.177535128912791455108),
        (10.0, 10000.0, 9994.470903531822004873, -5.52909646817799512722),
        (10000.0, 10000.0, 5322.702359494092224291, -4677.297640505907775709),
        (0.25, 3.0, 1.570231107311773960497, -1.429768892688226039503),
        (3.7, 12.2, 9.460100522923278756265, -2.739899477076720533192),
        (33.3, 44.4, 29.4919590323620327014, -14.90804096763796587751),
    ];

    [Test]
    public void LogScaledIMatchesHighPrecisionReference()
    {
        double worst = 0;
        foreach (var (nu, x, _, refScaled) in Reference)
        {
            double got = Bessel.LogScaledI(nu, x);
            double ulps = Math.Abs(got - refScaled) / (Eps * Math.Max(1.0, Math.Abs(refScaled)));
            worst = Math.Max(worst, ulps);
            Assert.That(ulps, Is.LessThan(32), $"ν={nu}, x={x}: got {got:R}, want {refScaled:R}");
        }
        TestContext.Out.WriteLine($"LogScaledI worst error: {worst:F1} ulp of max(1,|value|)");
    }

    [Test]
    public void LogIMatchesHighPrecisionReference()
    {
        // LogI = LogScaledI + x: its absolute error is bounded by ~ε(ν + x), not by ε|LogI| (cancellation).
        foreach (var (nu, x, refLog, _) in Reference)
        {
            double got = Bessel.LogI(nu, x);
            double tol = 4 * Eps * (1 + nu + x + Math.Abs(refLog));
            Assert.That(got, Is.EqualTo(refLog).Within(tol), $"ν={nu}, x={x}");
        }
    }

    [Test]
    public void ScaledIIsRelativelyAccurateWhereRepresentable()
    {
        foreach (var (nu, x, _, refScaled) in Reference)
        {
            if (refScaled < -700) continue;
            double want = Math.Exp(refScaled);
            double tol = 32 * Eps * Math.Max(1.0, Math.Abs(refScaled)) + 2 * Eps;
            Assert.That(Bessel.ScaledI(nu, x) / want - 1, Is.EqualTo(0).Within(tol), $"ν={nu}, x={x}");
        }
    }

    // Closed forms: e^{−x}I_{1/2}(x) = √(2/(πx))·(1−e^{−2x})/2, e^{−x}I_{3/2}(x) = √(2/(πx))·(e^{−x}cosh x − e^{−x}sinh x/x),
    // then the upward recurrence I_{ν+1} = I_{ν−1} − (2ν/x) I_ν. Upward recurrence amplifies rounding like
    // e^{n²/x} (I decreases in ν), so it is used only up to n ≈ √(2x); higher orders are covered by the mpmath table.
    [TestCase(1.0)]
    [TestCase(2.0)]
    [TestCase(5.0)]
    [TestCase(10.0)]
    [TestCase(24.0)]
    [TestCase(26.0)]
    [TestCase(50.0)]
    [TestCase(200.0)]
    [TestCase(1000.0)]
    public void HalfIntegerOrdersMatchClosedForms(double x)
    {
        int nmax = (int)Math.Ceiling(Math.Sqrt(2 * x));
        double c = Math.Sqrt(2 / (Math.PI * x));
        double e2 = Math.Exp(-2 * x);
        double sinhS = 0.5 * (1 - e2), coshS = 0.5 * (1 + e2); // e^{−x} sinh x, e^{−x} cosh x
        double prev = c * sinhS, cur = c * (coshS - sinhS / x);
        double worst = 0;
        Check(0, prev);
        Check(1, cur);
        for (int n = 1; n < nmax; n++)
        {
            double next = prev - (2 * n + 1) / x * cur;
            prev = cur;
            cur = next;
            Check(n + 1, cur);
        }
        TestContext.Out.WriteLine($"x={x}: worst relative error {worst:E2} over n ≤ {nmax}");

        void Check(int n, double want)
        {
            double got = Bessel.ScaledI(n + 0.5, x);
            double rel = Math.Abs(got / want - 1);
            worst = Math.Max(worst, rel);
            // Both sides carry a few ulp per step of the recurrence, and ScaledI ≈ ε·|log value| (log form).
            double tol = 4 * Eps * (n + 2) * (1 + n * n / x) + 8 * Eps * Math.Abs(Math.Log(want));
            Assert.That(rel, Is.LessThan(tol), $"n={n}+1/2, x={x}: got {got:R}, want {want:R}");
        }
    }

    [Test]
    public void SmallArgumentSeriesForLargeOrders()
    {
        // I_ν(x) = (x/2)^ν/Γ(ν+1) Σ_k q^k/(k!(ν+1)_k), q = x²/4 (1 + q/(ν+1) + q²/(2(ν+1)(ν+2)) + …).
        foreach (double nu in new[] { 25.0, 30.0, 100.0, 1000.0, 2047.0, 2047.5, 4000.0 })
        {
            foreach (double x in new[] { 1e-6, 1e-3, 0.1, 1.0, 3.0 })
            {
                double q = 0.25 * x * x;
                double series = 1, term = 1;
                for (int k = 1; k < 30; k++) series += term *= q / (k * (nu + k));
                double want = nu * Math.Log(0.5 * x) - LogGammaBySummation(nu + 1) + Math.Log(series);
                double got = Bessel.LogI(nu, x);
                Assert.That(got, Is.EqualTo(want).Within(8 * Eps * Math.Abs(want)), $"ν={nu}, x={x}");
            }
        }
    }

    [Test]
    public void RecurrenceHoldsAcrossMethodBoundary()
    {
        // I_{ν−1} − I_{ν+1} = (2ν/x) I_ν, checked around s = √(ν²+x²) = 25 where the method switches.
        foreach (double x in new[] { 0.5, 5.0, 15.0, 20.0, 24.0, 24.99, 25.01, 30.0, 100.0 })
        {
            for (double nu = 1; nu <= 40; nu += 0.5)
            {
                double lhs = Bessel.ScaledI(nu - 1, x) - Bessel.ScaledI(nu + 1, x);
                double rhs = 2 * nu / x * Bessel.ScaledI(nu, x);
                double big = Bessel.ScaledI(nu - 1, x);
                // ScaledI has relative error ≈ ε·|log value| (it is exp of a logarithm).
                Assert.That(lhs, Is.EqualTo(rhs).Within(16 * Eps * (1 + Math.Abs(Math.Log(big))) * big), $"ν={nu}, x={x}");
            }
        }
    }

    [Test]
    public void MatchesMathNetWhereItIsRepresentable()
    {
        // MathNet (AMOS) is an independent implementation, itself accurate to a few 1e−14 here.
        double worst = 0;
        foreach (double x in new[] { 0.01, 0.3, 1, 3, 7.5, 10, 20, 24.9, 25.1, 40, 100, 300, 1000 })
        {
            for (double nu = 0; nu <= 200; nu += nu < 30 ? 0.5 : 17)
            {
                double mn = MathNet.Numerics.SpecialFunctions.BesselIScaled(nu, x);
                if (!(mn > 1e-280)) continue;
                double rel = Math.Abs(Bessel.ScaledI(nu, x) / mn - 1);
                worst = Math.Max(worst, rel);
                Assert.That(rel, Is.LessThan(5e-13), $"ν={nu}, x={x}");
            }
        }
        TestContext.Out.WriteLine($"max relative difference to MathNet: {worst:E2}");
    }

    [Test]
    public void ZeroArgumentAndLargeArgumentLimits()
    {
        Assert.That(Bessel.ScaledI(0, 0), Is.EqualTo(1.0));
        Assert.That(Bessel.ScaledI(2.5, 0), Is.EqualTo(0.0));
        Assert.That(Bessel.LogI(0, 0), Is.EqualTo(0.0));
        Assert.That(Bessel.LogI(1, 0), Is.EqualTo(double.NegativeInfinity));
        // e^{−x} I_ν(x) → (2πx)^{−1/2} (1 − (4ν²−1)/(8x)) for x → ∞.
        double x = 1e8;
        Assert.That(Bessel.ScaledI(3, x), Rel.To((1 - 35.0 / (8 * x)) / Math.Sqrt(2 * Math.PI * x), 1e-14));
        // No overflow or NaN in the extreme corners.
        Assert.That(double.IsFinite(Bessel.LogI(5000, 1e-300)), Is.True);
        Assert.That(Bessel.LogI(0, 1e6), Is.EqualTo(1e6 - 0.5 * Math.Log(2 * Math.PI * 1e6) + Math.Log(1 + 1 / 8e6)).Within(1e-9));
        Assert.That(Bessel.I(0, 800), Is.EqualTo(double.PositiveInfinity));
        Assert.That(Bessel.ScaledI(2047, 1000), Is.EqualTo(0.0)); // true value ~ e^{−1724}
    }

    [Test]
    public void RejectsInvalidArguments()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => Bessel.LogI(-0.5, 1));
        Assert.Throws<ArgumentOutOfRangeException>(() => Bessel.LogI(1, -1));
        Assert.Throws<ArgumentOutOfRangeException>(() => Bessel.LogI(double.NaN, 1));
        Assert.Throws<ArgumentOutOfRangeException>(() => Bessel.ScaledIArray(-1, 0, 1));
    }

    [Test]
    public void LogRatioCancelsExponentials()
    {
        // I_{3/2}(x)/I_{1/2}(x) = coth x − 1/x (the Langevin function); at x = 10: 0.9000000041…
        foreach (double x in new[] { 0.5, 10.0, 100.0, 1000.0 })
        {
            double want = 1 / Math.Tanh(x) - 1 / x;
            double cond = (1 / Math.Tanh(x) + 1 / x) / want; // cancellation in the closed form itself
            Assert.That(Math.Exp(Bessel.LogRatio(1.5, 0.5, x)), Rel.To(want, 8 * Eps * cond));
        }
    }

    [TestCase(0.0, 1000.0)]
    [TestCase(0.0, 5.0)]
    [TestCase(0.5, 100.0)]
    [TestCase(1023.0, 1000.0)]
    [TestCase(0.0, 1e-3)]
    public void ScaledIArrayMatchesPointwiseAndIsFast(double nuOffset, double x)
    {
        const int count = 2000;
        var sw = Stopwatch.StartNew();
        double[] a = Bessel.ScaledIArray(count, nuOffset, x);
        double ms = sw.Elapsed.TotalMilliseconds;
        Assert.That(a, Has.Length.EqualTo(count));
        for (int k = 0; k < count; k++)
            Assert.That(a[k], Is.EqualTo(Bessel.ScaledI(k + nuOffset, x)), $"k={k}");
        for (int k = 1; k < count; k++)
            Assert.That(a[k], Is.LessThanOrEqualTo(a[k - 1]));
        Assert.That(ms, Is.LessThan(100), "setup-time budget");
        TestContext.Out.WriteLine($"ScaledIArray({count}, {nuOffset}, {x}): {ms:F3} ms");
    }

    /// <summary>
    /// e^{−β} i_n(β) for n = 0, 1, 2 from the sinh/cosh closed forms (MATH §1.1), without overflow, with the
    /// condition number Σ|terms|/|value| of the cancellation in the closed form (large for small β).
    /// </summary>
    internal static (double Value, double Condition) ScaledSphericalI(int n, double b)
    {
        double e2 = Math.Exp(-2 * b);
        double sh = 0.5 * (1 - e2), ch = 0.5 * (1 + e2); // e^{−β} sinh β, e^{−β} cosh β
        return n switch
        {
            0 => (sh / b, 1),
            1 => ((b * ch - sh) / (b * b), (b * ch + sh) / Math.Abs(b * ch - sh)),
            2 => (((b * b + 3) * sh - 3 * b * ch) / (b * b * b), ((b * b + 3) * sh + 3 * b * ch) / Math.Abs((b * b + 3) * sh - 3 * b * ch)),
            _ => throw new ArgumentOutOfRangeException(nameof(n)),
        };
    }

    /// <summary>log Γ(z) for integer or half-integer z, by compensated summation of logs (independent of the code).</summary>
    internal static double LogGammaBySummation(double z)
    {
        double sum = 0, comp = 0;
        double start = z == Math.Floor(z) ? 1.0 : 0.5;
        if (start == 0.5) Add(0.5 * Math.Log(Math.PI));
        for (double t = start; t < z - 0.25; t += 1) Add(Math.Log(t));
        return sum + comp;

        void Add(double v)
        {
            double s = sum + v;
            comp += Math.Abs(sum) >= Math.Abs(v) ? (sum - s) + v : (v - s) + sum; // Neumaier
            sum = s;
        }
    }
}
