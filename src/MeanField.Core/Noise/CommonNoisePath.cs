using MeanField.Core.Random;

namespace MeanField.Core.Noise;

/// <summary>
/// The Brownian path B^j of the common noise (MATH §2.3, §3.3), j = 0..Components−1, on the fixed time grid t_s = s·Dt.
/// The SPDE solvers and the particle simulator read the same increments from the same (seed, path), which is what
/// makes "one shared noise path" exact: ΔB^j_s = √Dt · GaussianAt(seed, stream, s·Components + j).
/// </summary>
/// <remarks>
/// Increments are random-access (Philox), so a run resumed at step s draws exactly what an uninterrupted run draws,
/// and a coarser step k·Dt uses the sum of the k fine increments (nested paths, for strong-order tests).
/// Path p of an ensemble uses stream CommonNoise + p·2³², independent of every other path and of the other streams.
/// </remarks>
public sealed class CommonNoisePath
{
    public CommonNoisePath(ulong seed, int components, double dt, int path = 0)
    {
        if (components < 1) throw new ArgumentOutOfRangeException(nameof(components), components, "components must be ≥ 1.");
        if (!(dt > 0) || double.IsInfinity(dt)) throw new ArgumentOutOfRangeException(nameof(dt), dt, "dt must be > 0.");
        if (path < 0) throw new ArgumentOutOfRangeException(nameof(path), path, "path must be ≥ 0.");
        Seed = seed;
        Components = components;
        Dt = dt;
        Path = path;
        StreamId = RandomStreams.CommonNoise + ((ulong)path << 32);
    }

    public ulong Seed { get; }
    public int Components { get; }
    public double Dt { get; }
    public int Path { get; }
    public ulong StreamId { get; }

    /// <summary>ΔB over [step·Dt, (step+1)·Dt], one entry per component.</summary>
    public void Increments(long step, Span<double> increments) => Increments(step, 1, increments);

    /// <summary>ΔB over [first·Dt, (first+steps)·Dt]: the sum of <paramref name="steps"/> consecutive fine increments.</summary>
    public void Increments(long first, int steps, Span<double> increments)
    {
        if (increments.Length != Components)
            throw new ArgumentException($"expected {Components} increments, got a span of {increments.Length}.", nameof(increments));
        if (first < 0 || steps < 1) throw new ArgumentOutOfRangeException(nameof(first), "first must be ≥ 0 and steps ≥ 1.");
        increments.Clear();
        double scale = Math.Sqrt(Dt);
        for (long s = first; s < first + steps; s++)
        {
            ulong offset = (ulong)s * (ulong)Components;
            for (int j = 0; j < Components; j++)
                increments[j] += scale * RandomStream.GaussianAt(Seed, StreamId, offset + (ulong)j);
        }
    }
}
