using MeanField.Core;

namespace MeanField.Core.Tests;

/// <summary>The one Gauss–Legendre rule: exact on polynomials of degree ≤ 2n − 1, symmetric, nodes roots of P_n.</summary>
public class GaussLegendreTests
{
    [TestCase(1)]
    [TestCase(8)]
    [TestCase(63)]
    [TestCase(128)]
    [TestCase(301)]
    [TestCase(602)]   // where MathNet's rule is off by ~1e−9
    public void Rule_integrates_every_even_monomial_up_to_degree_2n_minus_2_and_is_symmetric(int n)
    {
        var (x, w) = GaussLegendre.Create(n);
        Assert.That(x, Is.Ordered.Ascending);
        for (int i = 0; i < n; i++)
        {
            Assert.That(x[i], Is.EqualTo(-x[n - 1 - i]), "exact mirror");
            Assert.That(w[i], Is.EqualTo(w[n - 1 - i]));
            var (p, dp) = GaussLegendre.LegendreAndDerivative(n, x[i]);
            Assert.That(Math.Abs(p / dp), Is.LessThan(1e-15), "a root of P_n: the next Newton step is below rounding");
        }
        // ∫ x^{2k} dx = 2/(2k+1), exactly integrated for 2k ≤ 2n − 1; odd moments vanish by symmetry.
        for (int k = 0; 2 * k <= 2 * n - 1; k += Math.Max(1, n / 16))
        {
            double sum = 0;
            for (int i = 0; i < n; i++) sum += w[i] * Math.Pow(x[i], 2 * k);
            Assert.That(sum, Is.EqualTo(2.0 / (2 * k + 1)).Within(4e-15 * Math.Sqrt(n)), $"moment 2k = {2 * k}");
        }
    }
}
