using MeanField.Core;
using static MeanField.Particles.Tests.ParticleTestSupport;

namespace MeanField.Particles.Tests;

/// <summary>The blocked (Gram-matrix) dense path for large d against MATH §2.1's double loop (ParticleTestSupport.NaiveDrift).</summary>
public class DenseBlockedTests
{
    // N = 300: not a multiple of the 32-particle panel, the 64-row chunk or the 4-row register tile.
    [TestCase(AttentionKind.SA, 64)]
    [TestCase(AttentionKind.USA, 64)]
    [TestCase(AttentionKind.SA, 128)]
    [TestCase(AttentionKind.USA, 128)]
    public void BlockedMatchesTheDoubleLoop(AttentionKind attention, int d)
    {
        const int n = 300;
        var model = new ParticleModel(attention, d, 4.0) { AttentionScale = -0.7 };
        var x = MixedConfiguration(n, d, 11);
        var dense = new DenseInteraction(model, n, 0);
        Assert.That(dense.IsBlocked, "d ≥ 16 takes the blocked path by default");
        AssertMatchesTheDoubleLoop(dense, model, x, -0.7, 1e-12);
    }

    // d and N that are multiples of none of the tile sizes (32-particle panels, 32-component V x panels, 128-deep c blocks,
    // 32-row chunks, 4-row register tiles): d = 24 and 40 leave a narrow last V x panel, d = 136 a short last c block.
    [TestCase(AttentionKind.SA, 24, 101)]
    [TestCase(AttentionKind.USA, 24, 101)]
    [TestCase(AttentionKind.USA, 40, 37)]
    [TestCase(AttentionKind.SA, 136, 45)]
    public void BlockedMatchesTheDoubleLoopOffTheTileSizes(AttentionKind attention, int d, int n)
    {
        var rng = new Random(d + n);
        double[] Near(double a) => Enumerable.Range(0, d * d).Select(k => (k / d == k % d ? a : 0) + 0.05 * (rng.NextDouble() - 0.5)).ToArray();
        var model = new ParticleModel(attention, d, 3.0, query: Near(1), key: Near(0.9), value: Near(-1)) { AttentionScale = 0.8 };
        var x = MixedConfiguration(n, d, 14);
        var dense = new DenseInteraction(model, n, 0);
        Assert.That(dense.IsBlocked, "d ≥ 16, a multiple of 8, takes the blocked path by default");
        AssertMatchesTheDoubleLoop(dense, model, x, 0.8, 1e-12);
    }

    [TestCase(AttentionKind.SA)]
    [TestCase(AttentionKind.USA)]
    public void BlockedMatchesTheDoubleLoopWithMatrices(AttentionKind attention)
    {
        const int n = 300, d = 64;
        var rng = new Random(5);
        double[] Near(double a) => Enumerable.Range(0, d * d).Select(k => (k / d == k % d ? a : 0) + 0.05 * (rng.NextDouble() - 0.5)).ToArray();
        var model = new ParticleModel(attention, d, 2.0, query: Near(1), key: Near(0.9), value: Near(-1));
        var x = MixedConfiguration(n, d, 12);
        AssertMatchesTheDoubleLoop(new DenseInteraction(model, n, 0, DenseKernel.Blocked), model, x, 1, 1e-12);
    }

    [TestCase(AttentionKind.SA)]
    [TestCase(AttentionKind.USA)]
    public void BlockedIsBitIdenticalForOneTwoAndThreeThreads(AttentionKind attention)
    {
        const int n = 300, d = 64;
        var model = new ParticleModel(attention, d, 4.0);
        var x = MixedConfiguration(n, d, 13);
        // the second evaluation on each instance reuses the tiles: same bits
        AssertBitIdenticalOverThreads(threads => new DenseInteraction(model, n, threads, DenseKernel.Blocked), x, n);
    }
}
