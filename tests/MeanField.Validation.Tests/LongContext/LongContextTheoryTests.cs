using MeanField.Validation.LongContext;

namespace MeanField.Validation.Tests.LongContext;

[TestFixture]
public class LongContextTheoryTests
{
    // MATH §8 / §10 row 42: a_2 = √2/π = 0.45016, a_3 = 1/2, a_4 = 0.60021.
    [TestCase(2, 0.45016)]
    [TestCase(3, 0.5)]
    [TestCase(4, 0.60021)]
    public void LocalConstantMatchesMath(int d, double expected)
        => Assert.That(LongContextTheory.LocalConstant(d), Is.EqualTo(expected).Within(5e-6));

    // P(D ≤ ε) in closed form (d = 2: arccos(1−ε)/π; d = 3: ε/2; d = 4: semicircle law), divided by a_d ε^α → 1 as ε → 0.
    [TestCase(2)]
    [TestCase(3)]
    [TestCase(4)]
    public void LocalConstantIsTheSmallBallLimit(int d)
    {
        // The relative correction is O(ε).
        double eps = 1e-5, alpha = LongContextTheory.LocalExponent(d);
        double ratio = ExactSmallBall(d, eps) / (LongContextTheory.LocalConstant(d) * Math.Pow(eps, alpha));
        Assert.That(ratio, Is.EqualTo(1).Within(1e-4));
    }

    internal static double ExactSmallBall(int d, double eps)
    {
        // θ = arccos(1−ε) = 2 arcsin √(ε/2), without the cancellation of arccos near 1.
        double theta = 2 * Math.Asin(Math.Sqrt(eps / 2));
        return d switch
        {
            2 => theta / Math.PI,
            3 => eps / 2,
            4 => (theta - 0.5 * Math.Sin(2 * theta)) / Math.PI,   // ∫_{cos θ}^1 √(1−s²) ds / (π/2)
            _ => throw new ArgumentOutOfRangeException(nameof(d)),
        };
    }

    // MATH §8: A_3(10) = 0.9000000041, A_2(10) = 0.94860 (quadrature, independent of the Bessel code).
    [Test]
    public void RadialBiasMatchesMathExamples()
    {
        Assert.That(LongContextTheory.RadialBiasQuadrature(3, 10), Is.EqualTo(0.9000000041).Within(1e-10));
        Assert.That(LongContextTheory.RadialBiasQuadrature(2, 10), Is.EqualTo(0.94860).Within(5e-6));
    }

    [Test]
    public void RadialBiasQuadratureAgreesWithBesselRatioAndClosedForm(
        [Values(2, 3, 4, 8)] int d, [Values(0.5, 10.0, 100.0, 500.0)] double beta)
    {
        double q = LongContextTheory.RadialBiasQuadrature(d, beta);
        Assert.That(q, Is.EqualTo(LongContextTheory.RadialBiasBessel(d, beta)).Within(2e-14));
        if (d == 3) Assert.That(q, Is.EqualTo(1 / Math.Tanh(beta) - 1 / beta).Within(2e-15)); // Langevin function
        // 1 − (d−1)/(2β) + O(β^{−2}); the β^{−2} term is +(d−1)(d−3)/(8β²) (4ν²−1 with ν = d/2−1).
        if (beta >= 100)
            Assert.That(q - LongContextTheory.RadialBiasAsymptotic(d, beta), Is.EqualTo((d - 1) * (d - 3) / (8 * beta * beta)).Within(5 * d * d / Math.Pow(beta, 3)));
    }

    // MATH §8: the large-β tangential variance predicts 5.0e−6 (d = 3, β = 20, n = 1e5) and 6.07e−6 (d = 4, β = 30, n = 2e5);
    // the exact-in-β leading order must approach it as β grows (relative gap O(1/β)).
    [TestCase(3, 20.0, 1e5, 5.0e-6, 5e-8)]
    [TestCase(4, 30.0, 2e5, 6.07e-6, 5e-9)]
    public void TangentialVarianceAsymptoticMatchesMath(int d, double beta, double n, double expected, double tol)
    {
        Assert.That(LongContextTheory.TangentialVarianceAsymptotic(d, beta, n), Is.EqualTo(expected).Within(tol));
        double exact = LongContextTheory.TangentialVarianceLeadingOrder(d, beta, n);
        Assert.That(exact / LongContextTheory.TangentialVarianceAsymptotic(d, beta, n), Is.EqualTo(1).Within(2.0 / beta));
        double exactFar = LongContextTheory.TangentialVarianceLeadingOrder(d, 20 * beta, n);
        Assert.That(exactFar / LongContextTheory.TangentialVarianceAsymptotic(d, 20 * beta, n), Is.EqualTo(1).Within(2.0 / (20 * beta)));
    }

    [Test]
    public void CriticalBetaIsCTimesNToTheTwoOverDMinusOne()
    {
        Assert.That(LongContextTheory.CriticalBeta(3, 0.3, 1e4), Is.EqualTo(3000).Within(1e-9));
        Assert.That(LongContextTheory.CriticalBeta(2, 1, 100), Is.EqualTo(1e4).Within(1e-8));
        Assert.That(LongContextTheory.CriticalBeta(4, 2, 1000), Is.EqualTo(200).Within(1e-10));
    }
}
