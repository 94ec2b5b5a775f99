namespace MeanField.Particles.Tests.Noise;

public class SynchronisationDiagnosticsTests
{
    [TestCase(1.0, 0.3)]
    [TestCase(5.0, -0.9)]
    [TestCase(2.0, 1 - 1e-9)]
    public void P3EnergyOfTwoParticlesIsAQuarterOfTheGap(double beta, double u)
    {
        // N = 2: 𝓔_β = ½(e^β − (2e^β + 2e^{βu})/4) = ¼(e^β − e^{βu}) = ¼ e^β (−expm1(−β(1−u))).
        var x = new[] { 1.0, 0, 0, u, Math.Sqrt(1 - u * u), 0 };
        double expected = 0.25 * Math.Exp(beta) * -double.ExpM1(-beta * (1 - u));
        Assert.That(ParticleDiagnostics.P3Energy(x, 3, beta), Is.EqualTo(expected).Within(1e-7 * expected));
    }

    [Test]
    public void P3EnergyVanishesAtOnePointAndMatchesTheGlprEnergy()
    {
        var same = Enumerable.Repeat(new[] { 0.6, 0.8 }, 20).SelectMany(v => v).ToArray();
        Assert.That(ParticleDiagnostics.P3Energy(same, 2, 3.0), Is.EqualTo(0));
        var model = new ParticleModel(MeanField.Core.AttentionKind.USA, 4, 3.0);
        var x = ParticleTestSupport.MixedConfiguration(100, 4, 5);
        var weights = new double[100];
        new DenseInteraction(model, 100, 1).Evaluate(x, new double[x.Length], weights);
        double glpr = ParticleDiagnostics.Energy(weights, 3.0);
        Assert.That(ParticleDiagnostics.P3Energy(x, 4, 3.0), Is.EqualTo(ParticleDiagnostics.P3EnergyFromEnergy(glpr, 3.0)).Within(1e-12 * Math.Exp(3.0)));
    }

    [Test]
    public void CosineStatisticsMatchThePairs()
    {
        var x = ParticleTestSupport.MixedConfiguration(60, 3, 9);
        double sum = 0, min = double.PositiveInfinity;
        int close = 0, pairs = 0;
        for (int i = 0; i < 60; i++)
        for (int j = i + 1; j < 60; j++)
        {
            double dot = x[3 * i] * x[3 * j] + x[3 * i + 1] * x[3 * j + 1] + x[3 * i + 2] * x[3 * j + 2];
            sum += dot;
            min = Math.Min(min, dot);
            if (dot > 0.99) close++;
            pairs++;
        }
        var c = ParticleDiagnostics.Cosines(x, 3, 0.01);
        Assert.That(c.Mean, Is.EqualTo(sum / pairs).Within(1e-14));
        Assert.That(c.Min, Is.EqualTo(min));
        Assert.That(c.CloseFraction, Is.EqualTo((double)close / pairs));
        Assert.That(close, Is.GreaterThan(0));
        var antipodal = ParticleDiagnostics.Cosines([1.0, 0, -1, 0, 1, 0], 2, 1e-3);
        Assert.That(antipodal.Min, Is.EqualTo(-1));
        Assert.That(antipodal.Mean, Is.EqualTo(-1.0 / 3).Within(1e-15));   // pairs: 1·(−1), 1·1, (−1)·1
        Assert.That(antipodal.CloseFraction, Is.EqualTo(1.0 / 3).Within(1e-15));
    }
}
