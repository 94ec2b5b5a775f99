using System.Runtime.CompilerServices;

namespace MeanField.Core.Random;

/// <summary>Four 32-bit words: a Philox counter or output block.</summary>
public readonly record struct UInt32x4(uint X0, uint X1, uint X2, uint X3);

/// <summary>Two 32-bit words: a Philox key.</summary>
public readonly record struct UInt32x2(uint X0, uint X1);

/// <summary>
/// Philox4x32-10 counter-based generator (Salmon, Moraes, Dror, Shaw, "Parallel random numbers: as easy as
/// 1, 2, 3", SC'11; Random123). Output is a pure function of (counter, key); matches Random123's kat_vectors.
/// </summary>
public static class Philox4x32
{
    private const uint M0 = 0xD2511F53u;
    private const uint M1 = 0xCD9E8D57u;
    private const uint W0 = 0x9E3779B9u; // key schedule (golden ratio)
    private const uint W1 = 0xBB67AE85u; // key schedule (√3 − 1)

    /// <summary>The standard 10-round Philox4x32 block.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static UInt32x4 Block(UInt32x4 counter, UInt32x2 key)
    {
        uint c0 = counter.X0, c1 = counter.X1, c2 = counter.X2, c3 = counter.X3;
        uint k0 = key.X0, k1 = key.X1;
        Round(ref c0, ref c1, ref c2, ref c3, k0, k1); k0 += W0; k1 += W1;
        Round(ref c0, ref c1, ref c2, ref c3, k0, k1); k0 += W0; k1 += W1;
        Round(ref c0, ref c1, ref c2, ref c3, k0, k1); k0 += W0; k1 += W1;
        Round(ref c0, ref c1, ref c2, ref c3, k0, k1); k0 += W0; k1 += W1;
        Round(ref c0, ref c1, ref c2, ref c3, k0, k1); k0 += W0; k1 += W1;
        Round(ref c0, ref c1, ref c2, ref c3, k0, k1); k0 += W0; k1 += W1;
        Round(ref c0, ref c1, ref c2, ref c3, k0, k1); k0 += W0; k1 += W1;
        Round(ref c0, ref c1, ref c2, ref c3, k0, k1); k0 += W0; k1 += W1;
        Round(ref c0, ref c1, ref c2, ref c3, k0, k1); k0 += W0; k1 += W1;
        Round(ref c0, ref c1, ref c2, ref c3, k0, k1);
        return new UInt32x4(c0, c1, c2, c3);
    }

    /// <summary>Philox4x32 with a given number of rounds (Random123 also publishes 7-round vectors).</summary>
    public static UInt32x4 Block(UInt32x4 counter, UInt32x2 key, int rounds)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(rounds);
        uint c0 = counter.X0, c1 = counter.X1, c2 = counter.X2, c3 = counter.X3;
        uint k0 = key.X0, k1 = key.X1;
        for (int r = 0; r < rounds; r++)
        {
            if (r > 0)
            {
                k0 += W0;
                k1 += W1;
            }
            Round(ref c0, ref c1, ref c2, ref c3, k0, k1);
        }
        return new UInt32x4(c0, c1, c2, c3);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Round(ref uint c0, ref uint c1, ref uint c2, ref uint c3, uint k0, uint k1)
    {
        ulong p0 = (ulong)M0 * c0;
        ulong p1 = (ulong)M1 * c2;
        uint n0 = (uint)(p1 >> 32) ^ c1 ^ k0;
        uint n2 = (uint)(p0 >> 32) ^ c3 ^ k1;
        c1 = (uint)p1;
        c3 = (uint)p0;
        c0 = n0;
        c2 = n2;
    }
}
