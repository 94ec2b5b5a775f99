namespace MeanField.Spectral.Sphere;

/// <summary>
/// Where the SHT keeps the ring Fourier modes between its Legendre and FFT stages: the rings are taken in north–south
/// pairs (ring j and its mirror nlat−1−j), the pairs in blocks of <see cref="Block"/>, and each block holds, order by order
/// (m = 0..L), the modes of its north rings then those of its south rings, in pair order:
///   index(m, ring) = (j / Block)·(L+1)·2·Block + m·2·Block + h·Block + j mod Block,  j = min(ring, nlat−1−ring), h = south.
/// The Legendre stage writes one order at a time (whole vectors of consecutive pairs), the FFT stage reads one block at a
/// time, contiguously; both touch whole cache lines. The last block is padded to <see cref="Block"/> pairs.
/// </summary>
internal readonly record struct RingModeLayout(int Nlat, int Lmax, int Block)
{
    /// <summary>About 256 KB of complex signals per block for the FFT stage (nlon points per pair), a multiple of 8 pairs.</summary>
    public static int BlockFor(int nlon) => Math.Clamp(16384 / nlon, 8, 64) / 8 * 8;

    public int Pairs => Nlat / 2;

    public int Blocks => (Pairs + Block - 1) / Block;

    /// <summary>Entries per block: (L+1)·2·Block.</summary>
    public int BlockLength => (Lmax + 1) * 2 * Block;

    /// <summary>Entries in all: Blocks·BlockLength.</summary>
    public int Length => Blocks * BlockLength;

    /// <summary>Distance between consecutive orders of one ring.</summary>
    public int OrderStride => 2 * Block;

    /// <summary>The mode of order m on north ring j (pair j); its south ring nlat−1−j is Block entries further.</summary>
    public int North(int m, int j) => j / Block * BlockLength + m * 2 * Block + j % Block;

    public int Of(int m, int ring) => ring < Pairs ? North(m, ring) : North(m, Nlat - 1 - ring) + Block;
}
