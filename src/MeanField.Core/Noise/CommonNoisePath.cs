namespace MeanField.Core.Noise;

/// <summary>
/// The Brownian path B^j of the common noise (MATH §2.3, §3.3), j = 0..Components−1, read on the time grid t_s = s·Dt.
/// The SPDE solvers and the particle simulator read the same increments from the same (seed, path), which is what
/// makes "one shared noise path" exact: ΔB_s = B((s+1)·Dt) − B(s·Dt) of the <see cref="BrownianTree"/> (seed, path).
/// </summary>
/// <remarks>
/// The path does not depend on Dt: the tree answers any [s, t], so a run at Dt/2 (or any other step) sees the same
/// Brownian motion, a coarser step k·Dt gets the sum of the k fine increments to round-off, and a run resumed at step s
/// draws exactly what an uninterrupted run draws. Path p of an ensemble is tree p, independent of every other path
/// and of the other random streams.
/// </remarks>
public sealed class CommonNoisePath
{
    private readonly BrownianTree _tree;

    public CommonNoisePath(ulong seed, int components, double dt, int path = 0)
    {
        if (components < 1) throw new ArgumentOutOfRangeException(nameof(components), components, "components must be ≥ 1.");
        if (!(dt > 0) || double.IsInfinity(dt)) throw new ArgumentOutOfRangeException(nameof(dt), dt, "dt must be > 0.");
        if (path < 0) throw new ArgumentOutOfRangeException(nameof(path), path, "path must be ≥ 0.");
        Seed = seed;
        Components = components;
        Dt = dt;
        Path = path;
        _tree = new BrownianTree(seed, components, path);
    }

    public ulong Seed { get; }
    public int Components { get; }
    public double Dt { get; }
    public int Path { get; }

    /// <summary>The path itself, for increments over any interval.</summary>
    public BrownianTree Tree => _tree;

    /// <summary>ΔB over [step·Dt, (step+1)·Dt], one entry per component.</summary>
    public void Increments(long step, Span<double> increments) => Increments(step, 1, increments);

    /// <summary>ΔB over [first·Dt, (first+steps)·Dt] (equal to the sum of the <paramref name="steps"/> fine increments to round-off).</summary>
    public void Increments(long first, int steps, Span<double> increments)
    {
        if (increments.Length != Components)
            throw new ArgumentException($"expected {Components} increments, got a span of {increments.Length}.", nameof(increments));
        if (first < 0 || steps < 1) throw new ArgumentOutOfRangeException(nameof(first), "first must be ≥ 0 and steps ≥ 1.");
        _tree.Increment(first * Dt, (first + steps) * Dt, increments);
    }
}
