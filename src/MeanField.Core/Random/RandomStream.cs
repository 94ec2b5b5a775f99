using System.Runtime.CompilerServices;

namespace MeanField.Core.Random;

/// <summary>Well-known stream ids: each purpose draws from its own independent Philox sequence.</summary>
public static class RandomStreams
{
    /// <summary>Initial particle positions / initial perturbations.</summary>
    public const ulong InitialCondition = 1;

    /// <summary>Per-particle (idiosyncratic) Brownian increments.</summary>
    public const ulong IdiosyncraticNoise = 2;

    /// <summary>Common (environmental) noise shared by all particles.</summary>
    public const ulong CommonNoise = 3;

    /// <summary>Random query, key and value matrices (particles.random_matrices).</summary>
    public const ulong RandomMatrices = 4;

    /// <summary>
    /// The seed of replica r of a run (particles.replicas) and of replicas_of_seed in a sweep: SplitMix64(SplitMix64(seed) ⊕ r).
    /// Replica r of a run with seed s is exactly the single run with seed ReplicaSeed(s, r).
    /// </summary>
    public static ulong ReplicaSeed(ulong seed, int replica) =>
        RandomStream.SplitMix64(RandomStream.SplitMix64(seed) ^ (ulong)replica);
}

/// <summary>Complete resumable state of a <see cref="RandomStream"/> (besides its seed and stream id).</summary>
/// <param name="Position">Number of 64-bit words consumed so far.</param>
/// <param name="HasSpareGaussian">
/// Whether the second Gaussian of the last Box–Muller pair (drawn from words Position−2 and Position−1) is still
/// pending; it is recomputed from those words on restore, so the state is exact without storing the value.
/// </param>
public readonly record struct RandomStreamState(ulong Position, bool HasSpareGaussian);

/// <summary>
/// A reproducible random sequence built on Philox4x32-10, identified by (seed, stream id).
/// </summary>
/// <remarks>
/// <para>Key = SplitMix64(seed) split into its low and high 32-bit halves (so nearby seeds give unrelated keys).
/// Block b of the sequence is Philox(counter = (b low, b high, streamId low, streamId high), key); every
/// (seed, stream) pair is therefore an independent sequence and any element is computable on its own.</para>
/// <para>The sequence is a stream of 64-bit words: word 2b = X0 | X1≪32 and word 2b+1 = X2 | X3≪32 of block b.
/// <see cref="Position"/> counts words consumed; <see cref="UInt64At"/>, <see cref="UniformAt"/> and
/// <see cref="GaussianAt"/> give random access, which lets work be split across threads without changing results.</para>
/// <para>Gaussians use Box–Muller on two words (not the polar method, whose rejection loop would break random
/// access): u₁ = (w₁≫11 + 1)·2⁻⁵³ ∈ (0,1], θ = 2π(w₂≫11)·2⁻⁵³, z₀ = r cos θ, z₁ = r sin θ, r = √(−2 ln u₁);
/// |z| ≤ 8.57. z₁ is returned by the next call. Results rely on Math.Log/Sqrt/SinCos, so they are bitwise
/// reproducible on one platform and runtime, not necessarily across them.</para>
/// Not thread-safe: use one instance per thread, or the static random-access methods.
/// </remarks>
public sealed class RandomStream
{
    private const double TwoPow53Inv = 1.0 / 9007199254740992.0; // 2^−53
    private const double TwoPow52Inv = 1.0 / 4503599627370496.0; // 2^−52
    private const double TwoPi = 6.283185307179586477;
    private const ulong NoBlock = ulong.MaxValue; // block indices never reach this (Position ≥ 2^64 is impossible)

    private readonly UInt32x2 _key;
    private readonly uint _stream0, _stream1;
    private ulong _position;
    private ulong _cachedBlock = NoBlock;
    private ulong _cachedHighWord;
    private bool _hasSpare;
    private double _spare;

    /// <summary>Creates the sequence for (seed, streamId), positioned at word 0.</summary>
    public RandomStream(ulong seed, ulong streamId)
    {
        Seed = seed;
        StreamId = streamId;
        _key = KeyFromSeed(seed);
        _stream0 = (uint)streamId;
        _stream1 = (uint)(streamId >> 32);
    }

    /// <summary>The seed this stream was created with.</summary>
    public ulong Seed { get; }

    /// <summary>The stream id (see <see cref="RandomStreams"/>).</summary>
    public ulong StreamId { get; }

    /// <summary>Number of 64-bit words consumed. Setting it discards any pending spare Gaussian.</summary>
    public ulong Position
    {
        get => _position;
        set
        {
            _position = value;
            _hasSpare = false;
        }
    }

    /// <summary>The full state (position and pending spare Gaussian), for checkpoint and resume.</summary>
    public RandomStreamState State
    {
        get => new(_position, _hasSpare);
        set
        {
            if (value.HasSpareGaussian && value.Position < 2)
                throw new ArgumentException("A pending Gaussian needs Position ≥ 2.", nameof(value));
            _position = value.Position;
            _hasSpare = value.HasSpareGaussian;
            if (_hasSpare)
                _spare = BoxMuller(WordAt(value.Position - 2), WordAt(value.Position - 1)).Z1;
        }
    }

    /// <summary>Advances by <paramref name="words"/> 64-bit words (discards any pending spare Gaussian).</summary>
    public void Skip(ulong words) => Position = _position + words;

    /// <summary>Next uniformly distributed 64-bit word.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public ulong NextUInt64()
    {
        ulong pos = _position++;
        if ((pos & 1) != 0 && (pos >> 1) == _cachedBlock) return _cachedHighWord;
        return Refill(pos);
    }

    /// <summary>Uniform on [0, 1): the top 53 bits of a word times 2⁻⁵³.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public double NextDouble() => (NextUInt64() >> 11) * TwoPow53Inv;

    /// <summary>Uniform on the open interval (0, 1): (top 52 bits + ½)·2⁻⁵², symmetric about ½.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public double NextDoubleOpen() => ((NextUInt64() >> 12) + 0.5) * TwoPow52Inv;

    /// <summary>Standard normal deviate (Box–Muller; pairs are cached, see the class remarks).</summary>
    public double NextGaussian()
    {
        if (_hasSpare)
        {
            _hasSpare = false;
            return _spare;
        }
        ulong w1 = NextUInt64();
        ulong w2 = NextUInt64();
        var (z0, z1) = BoxMuller(w1, w2);
        _spare = z1;
        _hasSpare = true;
        return z0;
    }

    /// <summary>Fills <paramref name="destination"/> with the same values as repeated <see cref="NextGaussian"/>.</summary>
    public void NextGaussians(Span<double> destination)
    {
        for (int i = 0; i < destination.Length; i++) destination[i] = NextGaussian();
    }

    /// <summary>Word <paramref name="index"/> of the (seed, streamId) sequence.</summary>
    public static ulong UInt64At(ulong seed, ulong streamId, ulong index)
    {
        var o = Philox4x32.Block(Counter(index >> 1, (uint)streamId, (uint)(streamId >> 32)), KeyFromSeed(seed));
        return (index & 1) == 0 ? o.X0 | ((ulong)o.X1 << 32) : o.X2 | ((ulong)o.X3 << 32);
    }

    /// <summary>The value <see cref="NextDouble"/> returns at Position = <paramref name="index"/>.</summary>
    public static double UniformAt(ulong seed, ulong streamId, ulong index)
        => (UInt64At(seed, streamId, index) >> 11) * TwoPow53Inv;

    /// <summary>
    /// Gaussian number <paramref name="index"/> of the sequence: pair j = index/2 comes from block j (words 2j, 2j+1),
    /// even index → z₀, odd → z₁. Equals the index-th <see cref="NextGaussian"/> of a fresh stream that draws only Gaussians.
    /// </summary>
    public static double GaussianAt(ulong seed, ulong streamId, ulong index)
    {
        var o = Philox4x32.Block(Counter(index >> 1, (uint)streamId, (uint)(streamId >> 32)), KeyFromSeed(seed));
        var (z0, z1) = BoxMuller(o.X0 | ((ulong)o.X1 << 32), o.X2 | ((ulong)o.X3 << 32));
        return (index & 1) == 0 ? z0 : z1;
    }

    /// <summary>z₀ of the Box–Muller pair of one Philox output block (words X0|X1≪32, X2|X3≪32), for keyed trees of draws.</summary>
    public static double GaussianOfBlock(UInt32x4 block) =>
        BoxMuller(block.X0 | ((ulong)block.X1 << 32), block.X2 | ((ulong)block.X3 << 32)).Z0;

    /// <summary>Philox key for a seed: SplitMix64(seed), low half first.</summary>
    public static UInt32x2 KeyFromSeed(ulong seed)
    {
        ulong z = SplitMix64(seed);
        return new UInt32x2((uint)z, (uint)(z >> 32));
    }

    /// <summary>One SplitMix64 output (Steele, Lea, Flood 2014) for state <paramref name="x"/>.</summary>
    public static ulong SplitMix64(ulong x)
    {
        ulong z = x + 0x9E3779B97F4A7C15ul;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ul;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBul;
        return z ^ (z >> 31);
    }

    private ulong WordAt(ulong index)
    {
        var o = Philox4x32.Block(Counter(index >> 1, _stream0, _stream1), _key);
        return (index & 1) == 0 ? o.X0 | ((ulong)o.X1 << 32) : o.X2 | ((ulong)o.X3 << 32);
    }

    private ulong Refill(ulong pos)
    {
        ulong block = pos >> 1;
        var o = Philox4x32.Block(Counter(block, _stream0, _stream1), _key);
        _cachedBlock = block;
        _cachedHighWord = o.X2 | ((ulong)o.X3 << 32);
        return (pos & 1) == 0 ? o.X0 | ((ulong)o.X1 << 32) : _cachedHighWord;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static UInt32x4 Counter(ulong block, uint stream0, uint stream1)
        => new((uint)block, (uint)(block >> 32), stream0, stream1);

    private static (double Z0, double Z1) BoxMuller(ulong w1, ulong w2)
    {
        double u1 = ((w1 >> 11) + 1) * TwoPow53Inv; // (0, 1]: log is finite
        double theta = TwoPi * ((w2 >> 11) * TwoPow53Inv);
        double r = Math.Sqrt(-2.0 * Math.Log(u1));
        var (sin, cos) = Math.SinCos(theta);
        return (r * cos, r * sin);
    }
}
