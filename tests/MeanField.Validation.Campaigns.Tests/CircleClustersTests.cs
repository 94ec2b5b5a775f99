using MeanField.Analysis;
using System.Numerics;

namespace MeanField.Validation.Campaigns.Tests;

public class CircleClustersTests
{
    [Test]
    public void ThreeEqualVonMisesBumpsGiveThreeClustersAtTheirMeans()
    {
        // A mixture of three von Mises laws (κ = 20) at known means: ρ̂_k = (1/3) Σ (I_k/I_0)(κ) e^{−ikμ}/2π.
        double[] means = [0.4, 2.5, 4.6];
        var c = new Complex[200];
        foreach (double mu in means)
        {
            var vm = CircleDensity.VonMises(mu, 20, 199).Coefficients;
            for (int k = 0; k < c.Length; k++) c[k] += vm[k] / 3;
        }
        var centres = CircleClusters.Clusters(CircleClusters.Smoothed(c, 0.02), 1, 0.05).Order().ToArray();
        Assert.That(centres, Is.EqualTo(means).Within(2e-3));
    }

    [Test]
    public void PredictedCentresFollowThePhaseOfTheDominantMode()
    {
        // ρ ∝ 1 + 2a cos(3(θ − φ)) has maxima at φ + 2πj/3, and ρ̂_3 = a e^{−3iφ}/2π.
        double phi = 0.7;
        var predicted = CircleClusters.PredictedCentres(0.01 * Complex.FromPolarCoordinates(1, -3 * phi) / (2 * Math.PI), 3).Order().ToArray();
        Assert.That(predicted, Is.EqualTo(new[] { phi, phi + 2 * Math.PI / 3, phi + 4 * Math.PI / 3 }).Within(1e-12));
    }
}
