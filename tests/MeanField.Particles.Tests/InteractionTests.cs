using MeanField.Core;
using static MeanField.Particles.Tests.ParticleTestSupport;

namespace MeanField.Particles.Tests;

public class InteractionTests
{
    [TestCase(AttentionKind.USA, 2, 37)]
    [TestCase(AttentionKind.SA, 2, 64)]
    [TestCase(AttentionKind.USA, 3, 41)]
    [TestCase(AttentionKind.SA, 5, 29)]
    [TestCase(AttentionKind.USA, 70, 13)]
    public void DenseMatchesTheFormulaInTheIdentityCase(AttentionKind attention, int d, int n)
    {
        var model = new ParticleModel(attention, d, 3.0);
        var x = MixedConfiguration(n, d, 7);
        var drift = new double[n * d];
        var weights = new double[n];
        new DenseInteraction(model, n).Evaluate(x, drift, weights);
        var expected = NaiveDrift(model, x, out var expectedWeights);
        for (int a = 0; a < drift.Length; a++) Assert.That(drift[a], Is.EqualTo(expected[a]).Within(1e-13 * Math.Exp(3.0)));
        for (int i = 0; i < n; i++) Assert.That(weights[i], Is.EqualTo(expectedWeights[i]).Within(1e-13 * expectedWeights[i]));
    }

    [TestCase(AttentionKind.USA)]
    [TestCase(AttentionKind.SA)]
    public void DenseMatchesTheFormulaWithQueryKeyValueMatrices(AttentionKind attention)
    {
        const int d = 3, n = 23;
        double[] q = [1.0, 0.3, -0.2, 0.1, 0.8, 0.4, -0.5, 0.2, 1.1];
        double[] k = [0.9, -0.1, 0.0, 0.2, 1.2, -0.3, 0.1, 0.4, 0.7];
        double[] v = [0.0, -1.0, 0.2, 1.0, 0.1, 0.0, 0.3, 0.0, 0.5];
        var model = new ParticleModel(attention, d, 2.0, query: q, key: k, value: v);
        var x = MixedConfiguration(n, d, 3);
        var drift = new double[n * d];
        new DenseInteraction(model, n).Evaluate(x, drift);
        var expected = NaiveDrift(model, x, out _);
        for (int a = 0; a < drift.Length; a++) Assert.That(drift[a], Is.EqualTo(expected[a]).Within(1e-13 * 50));
    }

    [Test]
    public void BetaMultipliesTheBilinearFormAlsoWithMatrices()
    {
        // Convention (ParticleModel remarks): exponent β⟨Qx, Ky⟩. So β = 1 with Q = K = √2 I is the identity case with β = 2,
        // and β = 2 with Q = K = I is that case exactly (identity matrices are recognised).
        const int d = 3, n = 31;
        var x = MixedConfiguration(n, d, 11);
        double r = Math.Sqrt(2);
        double[] scaled = [r, 0, 0, 0, r, 0, 0, 0, r];
        double[] identity = [1, 0, 0, 0, 1, 0, 0, 0, 1];
        var reference = new double[n * d];
        var folded = new double[n * d];
        var explicitIdentity = new double[n * d];
        new DenseInteraction(new ParticleModel(AttentionKind.USA, d, 2.0), n).Evaluate(x, reference);
        new DenseInteraction(new ParticleModel(AttentionKind.USA, d, 1.0, query: scaled, key: scaled), n).Evaluate(x, folded);
        var model = new ParticleModel(AttentionKind.USA, d, 2.0, query: identity, key: identity, value: identity);
        Assert.That(model.IsIdentityCase);
        new DenseInteraction(model, n).Evaluate(x, explicitIdentity);
        Assert.That(explicitIdentity, Is.EqualTo(reference));
        for (int a = 0; a < reference.Length; a++) Assert.That(folded[a], Is.EqualTo(reference[a]).Within(1e-14 * Math.Exp(2)));
    }

    [TestCase(0.5), TestCase(1.0), TestCase(5.0), TestCase(20.0), TestCase(60.0), TestCase(200.0)]
    public void SpectralAgreesWithDenseToTheRequestedTolerance(double beta)
    {
        const int n = 1500;
        var x = MixedConfiguration(n, 2, 5);
        foreach (double tolerance in new[] { 1e-12, 1e-6 })
        foreach (var attention in new[] { AttentionKind.USA, AttentionKind.SA })
        {
            var model = new ParticleModel(attention, 2, beta);
            var dense = new double[2 * n];
            var spectral = new double[2 * n];
            var denseWeights = new double[n];
            var spectralWeights = new double[n];
            new DenseInteraction(model, n).Evaluate(x, dense, denseWeights);
            var s = new CircleSpectralInteraction(model, n, tolerance);
            s.Evaluate(x, spectral, spectralWeights);
            double worst = 0;
            for (int i = 0; i < n; i++)
            {
                double err = Math.Sqrt(Sq(dense[2 * i] - spectral[2 * i]) + Sq(dense[2 * i + 1] - spectral[2 * i + 1]));
                // USA: relative to the particle's weight sum (1/N) Σ_j e^{β⟨x_i,x_j⟩}; SA drifts are weighted averages (scale 1).
                double scale = attention == AttentionKind.USA ? denseWeights[i] : 1.0;
                worst = Math.Max(worst, err / scale);
                Assert.That(spectralWeights[i], Is.EqualTo(denseWeights[i]).Within(tolerance * denseWeights[i] + 1e-14 * denseWeights[i]));
            }
            TestContext.Out.WriteLine($"beta {beta} tol {tolerance:E0} {attention}: K = {s.SpectralModes}, worst relative error {worst:E2}");
            Assert.That(worst, Is.LessThanOrEqualTo(tolerance), $"beta {beta}, tolerance {tolerance}, {attention}, K = {s.SpectralModes}");
        }
    }

    [Test]
    public void TheModeCountComesFromTheBesselTailAndGrowsWithBeta()
    {
        int k5 = CircleSpectralInteraction.ModesFor(5, 1e-12, 20000);
        int k50 = CircleSpectralInteraction.ModesFor(50, 1e-12, 20000);
        // Bound at K: Σ_{k>K} (2k/β + 2) e^{−β} I_k(β) ≤ 1e-12/N, and not at K − 1.
        double Tail(double beta, int from)
        {
            double s = 0;
            var iv = Bessel.ScaledIArray(400, 0, beta);
            for (int k = from; k < 400; k++) s += (2.0 * k / beta + 2) * iv[k];
            return s;
        }
        Assert.That(Tail(5, k5 + 1), Is.LessThanOrEqualTo(1e-12 / 20000));
        Assert.That(Tail(5, k5), Is.GreaterThan(1e-12 / 20000));
        Assert.That(Tail(50, k50 + 1), Is.LessThanOrEqualTo(1e-12 / 20000));
        Assert.That(k50, Is.GreaterThan(k5));
    }

    [Test]
    public void ResultsAreBitIdenticalForAnyThreadCount()
    {
        foreach (var (d, kind) in new[] { (2, "dense"), (2, "spectral"), (3, "dense") })
        {
            const int n = 3001;
            var model = new ParticleModel(AttentionKind.SA, d, 4.0);
            var x = MixedConfiguration(n, d, 9);
            var one = new double[n * d];
            var two = new double[n * d];
            var three = new double[n * d];
            ParticleInteractions.Create(model, n, kind, 1e-12, threads: 1).Evaluate(x, one);
            ParticleInteractions.Create(model, n, kind, 1e-12, threads: 2).Evaluate(x, two);
            ParticleInteractions.Create(model, n, kind, 1e-12, threads: 3).Evaluate(x, three);
            Assert.That(two, Is.EqualTo(one), kind);
            Assert.That(three, Is.EqualTo(one), kind);
        }
    }

    [TestCase(2), TestCase(3)]
    public void SpectralWithValueMinusIdentityMatchesDense(int d)
    {
        // V = −I (P2's forward heat phase) keeps the kernel zonal: the spectral sums must reproduce the dense V = −I drift.
        const int n = 900;
        var x = MixedConfiguration(n, d, 21);
        var minusIdentity = new double[d * d];
        for (int c = 0; c < d; c++) minusIdentity[c * d + c] = -1;
        foreach (var attention in new[] { AttentionKind.SA, AttentionKind.USA })
        {
            var model = new ParticleModel(attention, d, 6.0, value: minusIdentity);
            Assert.That(model.ValueSign, Is.EqualTo(-1));
            Assert.That(ParticleInteractions.SpectralAvailable(model));
            var dense = new double[n * d];
            var spectral = new double[n * d];
            new DenseInteraction(model, n).Evaluate(x, dense);
            ParticleInteractions.Create(model, n, "spectral", 1e-12).Evaluate(x, spectral);
            double scale = dense.Max(Math.Abs);
            for (int a = 0; a < dense.Length; a++) Assert.That(spectral[a], Is.EqualTo(dense[a]).Within(1e-9 * scale), attention.ToString());
        }
        var other = new double[d * d];
        for (int c = 0; c < d; c++) other[c * d + c] = c + 1;
        Assert.That(new ParticleModel(AttentionKind.SA, d, 6.0, value: other).ValueSign, Is.Zero);
    }

    private static double Sq(double v) => v * v;
}
