using MeanField.Core;
using static MeanField.Particles.Tests.ParticleTestSupport;

namespace MeanField.Particles.Tests;

/// <summary>The symmetric dense path (d = 2, 3: each e^{β⟨x_i, x_j⟩} once for i←j and j←i) against MATH §2.1's double loop.</summary>
public class DenseSymmetricTests
{
    // N = 333 with 32 × 32 sub-tiles and at most 4 panels: 11 blocks (the last one partial, N odd), 4 panels of 3 blocks
    // (the last one partial too), so diagonal and off-diagonal sub-tiles, panel pairs and the masked tail all take part.
    [TestCase(AttentionKind.USA, 2, 32)]
    [TestCase(AttentionKind.SA, 2, 32)]
    [TestCase(AttentionKind.USA, 3, 32)]
    [TestCase(AttentionKind.SA, 3, 32)]
    [TestCase(AttentionKind.USA, 3, 512)]   // the default sub-tile: one panel, one diagonal tile
    [TestCase(AttentionKind.SA, 2, 32, true)]   // Vector256 (four lanes, four exponentials in lock-step)
    [TestCase(AttentionKind.USA, 3, 32, true)]
    public void SymmetricMatchesTheDoubleLoop(AttentionKind attention, int d, int pairBlock, bool narrow = false)
    {
        const int n = 333;
        var model = new ParticleModel(attention, d, 4.0) { AttentionScale = 0.8 };
        var x = MixedConfiguration(n, d, 21);
        var dense = new DenseInteraction(model, n, 0, DenseKernel.Auto, pairBlock, maxPanels: 4, narrow);
        Assert.That(dense.IsSymmetric, "d = 2, 3 with Q = K = I takes the symmetric path");
        AssertMatchesTheDoubleLoop(dense, model, x, 0.8, 1e-13);
    }

    [Test]
    public void SymmetricMatchesTheDoubleLoopWithAValueMatrix()
    {
        const int n = 101, d = 3;
        double[] v = [0.0, -1.0, 0.2, 1.0, 0.1, 0.0, 0.3, 0.0, 0.5];
        var model = new ParticleModel(AttentionKind.SA, d, 2.0, value: v);
        var x = MixedConfiguration(n, d, 22);
        var dense = new DenseInteraction(model, n, 0, DenseKernel.Auto, 16, maxPanels: 3);
        Assert.That(dense.IsSymmetric);
        var drift = new double[n * d];
        dense.Evaluate(x, drift);
        AssertDriftClose(drift, NaiveDrift(model, x, out _), 1, 1e-13);
    }

    [Test]
    public void QueryKeyMatricesKeepThePerPairKernel()
    {
        double[] q = [1.0, 0.3, -0.2, 0.1, 0.8, 0.4, -0.5, 0.2, 1.1];
        Assert.That(new DenseInteraction(new ParticleModel(AttentionKind.SA, 3, 2.0, query: q), 10).IsSymmetric, Is.False);
        Assert.That(new DenseInteraction(new ParticleModel(AttentionKind.SA, 4, 2.0), 10).IsSymmetric, Is.False);
    }

    [TestCase(AttentionKind.SA, 2)]
    [TestCase(AttentionKind.USA, 3)]
    public void SymmetricIsBitIdenticalForOneTwoAndThreeThreads(AttentionKind attention, int d)
    {
        const int n = 333;
        var model = new ParticleModel(attention, d, 4.0);
        var x = MixedConfiguration(n, d, 23);
        // the second evaluation on each instance reuses the partial sums: same bits
        AssertBitIdenticalOverThreads(threads => new DenseInteraction(model, n, threads, DenseKernel.Auto, 32, maxPanels: 4), x, n);
    }

    [Test]
    public void LargeBetaTakesTheCheckedExponential()
    {
        // β = 400: antipodal pairs have β⟨x_i, x_j⟩ − β = −800 < −708, so those weights are subnormal or zero and the
        // kernel must test for it (VecMath.ExpNonPositive); the sums themselves are dominated by near neighbours.
        const int n = 65, d = 2;
        var model = new ParticleModel(AttentionKind.SA, d, 400.0);
        var x = ParticleSampling.Uniform(n, d, 24);
        var drift = new double[n * d];
        new DenseInteraction(model, n, 1).Evaluate(x, drift);
        var reference = new double[n * d];
        new DenseInteraction(model, n, 1, DenseKernel.PerPair).Evaluate(x, reference);
        AssertDriftClose(drift, reference, 1, 1e-13);
    }
}
