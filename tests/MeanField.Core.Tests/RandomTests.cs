using MeanField.Core.Random;

namespace MeanField.Core.Tests;

[TestFixture]
public class RandomTests
{
    // Random123 kat_vectors (as reproduced in DEShawResearch/Random123-Boost libs/random/test/test_philox.cpp):
    // counter words, key words, expected output.
    [TestCase(0x00000000u, 0x00000000u, 0x00000000u, 0x00000000u, 0x00000000u, 0x00000000u, 0x6627e8d5u, 0xe169c58du, 0xbc57ac4cu, 0x9b00dbd8u)]
    [TestCase(0xffffffffu, 0xffffffffu, 0xffffffffu, 0xffffffffu, 0xffffffffu, 0xffffffffu, 0x408f276du, 0x41c83b0eu, 0xa20bc7c6u, 0x6d5451fdu)]
    [TestCase(0x243f6a88u, 0x85a308d3u, 0x13198a2eu, 0x03707344u, 0xa4093822u, 0x299f31d0u, 0xd16cfe09u, 0x94fdccebu, 0x5001e420u, 0x24126ea1u)]
    public void Philox4x32x10KnownAnswers(uint c0, uint c1, uint c2, uint c3, uint k0, uint k1, uint o0, uint o1, uint o2, uint o3)
    {
        var expected = new UInt32x4(o0, o1, o2, o3);
        Assert.That(Philox4x32.Block(new UInt32x4(c0, c1, c2, c3), new UInt32x2(k0, k1)), Is.EqualTo(expected));
        Assert.That(Philox4x32.Block(new UInt32x4(c0, c1, c2, c3), new UInt32x2(k0, k1), rounds: 10), Is.EqualTo(expected));
    }

    // The 7-round vectors from the same file exercise the round count independently.
    [TestCase(0x00000000u, 0x00000000u, 0x00000000u, 0x00000000u, 0x00000000u, 0x00000000u, 0x5f6fb709u, 0x0d893f64u, 0x4f121f81u, 0x4f730a48u)]
    [TestCase(0xffffffffu, 0xffffffffu, 0xffffffffu, 0xffffffffu, 0xffffffffu, 0xffffffffu, 0x5207ddc2u, 0x45165e59u, 0x4d8ee751u, 0x8c52f662u)]
    [TestCase(0x243f6a88u, 0x85a308d3u, 0x13198a2eu, 0x03707344u, 0xa4093822u, 0x299f31d0u, 0x4dfccabau, 0x190a87f0u, 0xc47362bau, 0xb6b5242au)]
    public void Philox4x32x7KnownAnswers(uint c0, uint c1, uint c2, uint c3, uint k0, uint k1, uint o0, uint o1, uint o2, uint o3)
        => Assert.That(Philox4x32.Block(new UInt32x4(c0, c1, c2, c3), new UInt32x2(k0, k1), rounds: 7), Is.EqualTo(new UInt32x4(o0, o1, o2, o3)));

    [Test]
    public void StreamLayoutIsDocumentedPhiloxCounter()
    {
        ulong seed = 12345, stream = 0x0000000700000003ul;
        var key = RandomStream.KeyFromSeed(seed);
        ulong z = RandomStream.SplitMix64(seed);
        Assert.That(key, Is.EqualTo(new UInt32x2((uint)z, (uint)(z >> 32))));
        Assert.That(RandomStream.SplitMix64(0), Is.EqualTo(0xE220A8397B1DCDAFul)); // SplitMix64 reference first output for state 0
        var rs = new RandomStream(seed, stream);
        rs.Position = 2 * 0x1_0000_0005ul; // block 2^32 + 5
        var block = Philox4x32.Block(new UInt32x4(5, 1, 3, 7), key);
        Assert.That(rs.NextUInt64(), Is.EqualTo(block.X0 | ((ulong)block.X1 << 32)));
        Assert.That(rs.NextUInt64(), Is.EqualTo(block.X2 | ((ulong)block.X3 << 32)));
    }

    [Test]
    public void SameSeedSameSequenceDifferentStreamsOrSeedsDiffer()
    {
        var a = new RandomStream(42, RandomStreams.InitialCondition);
        var b = new RandomStream(42, RandomStreams.InitialCondition);
        var c = new RandomStream(42, RandomStreams.IdiosyncraticNoise);
        var e = new RandomStream(43, RandomStreams.InitialCondition);
        int sameC = 0, sameE = 0;
        for (int i = 0; i < 10000; i++)
        {
            ulong x = a.NextUInt64();
            Assert.That(b.NextUInt64(), Is.EqualTo(x));
            if (c.NextUInt64() == x) sameC++;
            if (e.NextUInt64() == x) sameE++;
        }
        Assert.That(sameC, Is.Zero);
        Assert.That(sameE, Is.Zero);
        Assert.That(RandomStreams.InitialCondition, Is.EqualTo(1));
        Assert.That(RandomStreams.IdiosyncraticNoise, Is.EqualTo(2));
        Assert.That(RandomStreams.CommonNoise, Is.EqualTo(3));
    }

    [Test]
    public void StreamsAreUncorrelated()
    {
        var a = new RandomStream(7, 1);
        var b = new RandomStream(7, 2);
        const int n = 1_000_000;
        double sxy = 0;
        for (int i = 0; i < n; i++) sxy += (a.NextDouble() - 0.5) * (b.NextDouble() - 0.5);
        // Var of the product is 1/144, so the sample mean has σ = 1/(12√n).
        Assert.That(Math.Abs(sxy / n), Is.LessThan(5 / (12 * Math.Sqrt(n))));
    }

    [Test]
    public void RandomAccessMatchesSequentialDraws()
    {
        ulong seed = 2024, stream = RandomStreams.CommonNoise;
        var rs = new RandomStream(seed, stream);
        for (ulong i = 0; i < 1000; i++)
            Assert.That(rs.NextUInt64(), Is.EqualTo(RandomStream.UInt64At(seed, stream, i)));
        rs.Position = 0;
        for (ulong i = 0; i < 1000; i++)
            Assert.That(rs.NextDouble(), Is.EqualTo(RandomStream.UniformAt(seed, stream, i)));
        rs.Position = 0;
        for (ulong i = 0; i < 1001; i++)
            Assert.That(rs.NextGaussian(), Is.EqualTo(RandomStream.GaussianAt(seed, stream, i)));
    }

    [Test]
    public void PositionAndStateRoundTrip()
    {
        var rs = new RandomStream(99, 5);
        for (int i = 0; i < 17; i++) rs.NextDouble();
        ulong pos = rs.Position;
        Assert.That(pos, Is.EqualTo(17));
        double[] ahead = Enumerable.Range(0, 50).Select(_ => rs.NextDouble()).ToArray();
        rs.Position = pos;
        Assert.That(Enumerable.Range(0, 50).Select(_ => rs.NextDouble()), Is.EqualTo(ahead));

        // A fresh stream moved to the same position agrees (including odd positions inside a block).
        var fresh = new RandomStream(99, 5) { Position = pos };
        var again = new RandomStream(99, 5) { Position = pos };
        Assert.That(fresh.NextUInt64(), Is.EqualTo(again.NextUInt64()));

        // Skip is equivalent to drawing.
        var s1 = new RandomStream(1, 1);
        var s2 = new RandomStream(1, 1);
        for (int i = 0; i < 11; i++) s1.NextUInt64();
        s2.Skip(11);
        Assert.That(s2.NextUInt64(), Is.EqualTo(s1.NextUInt64()));

        // The state includes the pending Box–Muller spare.
        var g = new RandomStream(3, RandomStreams.IdiosyncraticNoise);
        g.NextDouble();
        g.NextGaussian(); // leaves a spare pending
        var state = g.State;
        Assert.That(state.HasSpareGaussian, Is.True);
        double[] next = Enumerable.Range(0, 9).Select(_ => g.NextGaussian()).ToArray();
        var h = new RandomStream(3, RandomStreams.IdiosyncraticNoise) { State = state };
        Assert.That(h.State, Is.EqualTo(state));
        Assert.That(Enumerable.Range(0, 9).Select(_ => h.NextGaussian()), Is.EqualTo(next));
        // Setting Position discards the spare.
        h.Position = 0;
        Assert.That(h.State.HasSpareGaussian, Is.False);
    }

    [Test]
    public void UniformMomentsWithinFiveSigma()
    {
        var rs = new RandomStream(123456789, RandomStreams.InitialCondition);
        const int n = 1_000_000;
        double s1 = 0, s2 = 0, min = 1, max = 0;
        double o1 = 0, oMin = 1, oMax = 0;
        for (int i = 0; i < n; i++)
        {
            double u = rs.NextDouble();
            Assert.That(u >= 0 && u < 1);
            s1 += u - 0.5;
            s2 += (u - 0.5) * (u - 0.5);
            min = Math.Min(min, u);
            max = Math.Max(max, u);
            double v = rs.NextDoubleOpen();
            Assert.That(v > 0 && v < 1);
            o1 += v - 0.5;
            oMin = Math.Min(oMin, v);
            oMax = Math.Max(oMax, v);
        }
        double sigmaMean = Math.Sqrt(1.0 / 12 / n);
        double sigmaVar = Math.Sqrt((1.0 / 80 - 1.0 / 144) / n);
        Assert.That(Math.Abs(s1 / n), Is.LessThan(5 * sigmaMean));
        Assert.That(Math.Abs(s2 / n - 1.0 / 12), Is.LessThan(5 * sigmaVar));
        Assert.That(Math.Abs(o1 / n), Is.LessThan(5 * sigmaMean));
        Assert.That(min, Is.LessThan(1e-4));
        Assert.That(max, Is.GreaterThan(1 - 1e-4));
    }

    [Test]
    public void GaussianMomentsWithinFiveSigma()
    {
        var rs = new RandomStream(987654321, RandomStreams.IdiosyncraticNoise);
        const int n = 1_000_000;
        double s1 = 0, s2 = 0, s3 = 0, s4 = 0;
        int within1 = 0;
        for (int i = 0; i < n; i++)
        {
            double z = rs.NextGaussian();
            s1 += z;
            s2 += z * z;
            s3 += z * z * z;
            s4 += z * z * z * z;
            if (Math.Abs(z) < 1) within1++;
        }
        double mean = s1 / n, m2 = s2 / n, m3 = s3 / n, m4 = s4 / n;
        Assert.That(Math.Abs(mean), Is.LessThan(5 / Math.Sqrt(n)));
        Assert.That(Math.Abs(m2 - 1), Is.LessThan(5 * Math.Sqrt(2.0 / n)));       // Var z² = 2
        Assert.That(Math.Abs(m3), Is.LessThan(5 * Math.Sqrt(15.0 / n)));          // Var z³ = 15
        Assert.That(Math.Abs(m4 - 3), Is.LessThan(5 * Math.Sqrt(96.0 / n)));      // Var z⁴ = 105 − 9 = 96
        double p1 = 0.68268949213708585;                                            // P(|z| < 1)
        Assert.That(Math.Abs((double)within1 / n - p1), Is.LessThan(5 * Math.Sqrt(p1 * (1 - p1) / n)));
    }

    [Test]
    public void BulkGaussiansEqualRepeatedCalls()
    {
        var a = new RandomStream(5, 3);
        var b = new RandomStream(5, 3);
        var buf = new double[101];
        a.NextGaussians(buf);
        for (int i = 0; i < buf.Length; i++) Assert.That(buf[i], Is.EqualTo(b.NextGaussian()));
        Assert.That(a.State, Is.EqualTo(b.State));
    }
}
