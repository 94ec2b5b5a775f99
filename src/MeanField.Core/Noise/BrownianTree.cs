using MeanField.Core.Random;

namespace MeanField.Core.Noise;

/// <summary>
/// A Brownian motion B^j (j = 0..Components−1) that any step size can query consistently: B(t) − B(s) for any s ≤ t,
/// built by the Lévy (Brownian-bridge) construction on a dyadic tree whose every node draws its Gaussian from Philox at a
/// counter given by its position (like diffrax's VirtualBrownianTree). Because increments are differences of one
/// function F(t), the increment over [s, t] equals the sum over any partition of [s, t] up to round-off, and a run at
/// dt/2 sees the same path as one at dt (strong-order studies on one path; particles and SPDE at different steps).
/// </summary>
/// <remarks>
/// <para>Time is cut into unit blocks [b, b+1). ξ_b = B(b+1) − B(b) is node 0 of block b. Inside a block W_b(u) = B(b+u) − B(b)
/// is refined by bisection: given W at the ends of [l, r], the midpoint value is (W(l) + W(r))/2 + √((r−l)/4)·Z(node),
/// nodes numbered as a heap (1 for [0, 1], children 2i, 2i+1), down to depth <see cref="Depth"/> (spacing 2⁻⁴⁰ ≈ 9e-13),
/// below which W is linear (a relative variance defect ≤ 2⁻⁴¹/(t − s), i.e. ≤ 5e-8 for steps ≥ 1e-5). A query stops early
/// when it lands on a node (dyadic times). B(t) − B(s) = [ξ_{b_s} − W_{b_s}(s − b_s)] + Σ_{b_s &lt; b &lt; b_t} ξ_b + W_{b_t}(t − b_t)
/// (or W_b(t − b) − W_b(s − b) within one block): t − b is exact in floating point for t ≥ 0.</para>
/// <para>Z(node) is z₀ of Box–Muller on the Philox block at counter (node low 32 bits, node high bits | j ≪ 10, b, path)
/// under the key SplitMix64(SplitMix64(seed) ⊕ <see cref="KeyTag"/>): a key of its own, so the tree never meets the
/// counters of the <see cref="RandomStream"/> sequences (initial conditions, idiosyncratic noise, the MLP sampler).</para>
/// </remarks>
public sealed class BrownianTree
{
    /// <summary>Depth of the dyadic refinement of a unit block.</summary>
    public const int Depth = 40;

    private const ulong KeyTag = 0x4272_6F77_6E54_7265ul;   // "BrownTre"
    private const int MaxComponents = 1 << 22;

    private readonly UInt32x2 _key;
    private readonly uint _path;

    public BrownianTree(ulong seed, int components, int path = 0)
    {
        if (components < 1 || components > MaxComponents) throw new ArgumentOutOfRangeException(nameof(components), components, $"components must lie in 1..{MaxComponents}.");
        if (path < 0) throw new ArgumentOutOfRangeException(nameof(path), path, "path must be ≥ 0.");
        Seed = seed;
        Components = components;
        Path = path;
        _path = (uint)path;
        ulong z = RandomStream.SplitMix64(RandomStream.SplitMix64(seed) ^ KeyTag);
        _key = new UInt32x2((uint)z, (uint)(z >> 32));
    }

    public ulong Seed { get; }
    public int Components { get; }
    public int Path { get; }

    /// <summary>B(t) − B(s) for every component (0 ≤ s ≤ t &lt; 2³²).</summary>
    public void Increment(double s, double t, Span<double> result)
    {
        if (result.Length != Components) throw new ArgumentException($"expected {Components} increments, got a span of {result.Length}.", nameof(result));
        if (!(s >= 0) || !(t >= s) || !(t < 4294967296.0)) throw new ArgumentOutOfRangeException(nameof(t), $"need 0 ≤ s ≤ t < 2³², got s = {s:R}, t = {t:R}.");
        long bs = (long)Math.Floor(s), bt = (long)Math.Floor(t);
        double us = s - bs, ut = t - bt;
        for (int j = 0; j < Components; j++)
        {
            if (bs == bt)
            {
                result[j] = Within(bt, ut, j) - Within(bs, us, j);
                continue;
            }
            double sum = Node(bs, 0, j) - Within(bs, us, j);
            for (long b = bs + 1; b < bt; b++) sum += Node(b, 0, j);
            result[j] = sum + Within(bt, ut, j);
        }
    }

    /// <summary>W_b(u) = B(b + u) − B(b), u ∈ [0, 1).</summary>
    private double Within(long block, double u, int j)
    {
        if (u == 0) return 0;
        double l = 0, r = 1, wl = 0, wr = Node(block, 0, j);
        ulong node = 1;
        for (int level = 0; level < Depth; level++)
        {
            double m = 0.5 * (l + r);
            double wm = 0.5 * (wl + wr) + Math.Sqrt(0.25 * (r - l)) * Node(block, node, j);
            if (u == m) return wm;
            if (u < m) { r = m; wr = wm; node = 2 * node; }
            else { l = m; wl = wm; node = 2 * node + 1; }
        }
        return wl + (wr - wl) * ((u - l) / (r - l));
    }

    /// <summary>The standard Gaussian of a node: Philox at (node low, node high | j ≪ 10, block, path).</summary>
    private double Node(long block, ulong node, int j)
    {
        var counter = new UInt32x4((uint)node, (uint)(node >> 32) | ((uint)j << 10), (uint)block, _path);
        return RandomStream.GaussianOfBlock(Philox4x32.Block(counter, _key));
    }
}
