using System.Globalization;
using MeanField.Core.Random;
using MeanField.IO.Output;

namespace MeanField.Runs.Tests;

/// <summary>
/// particles.replicas: replica r of a run with seed s is the single run with seed SplitMix64(SplitMix64(s) ⊕ r), bit for
/// bit, for every per-replica task; the mean and standard error are those of the replica columns.
/// </summary>
public class ReplicaRunTests
{
    private const ulong Seed = 7;
    private const int Replicas = 3;

    private static readonly string[] ReplicaTasks = ["energy", "p3_energy", "cluster_count", "rotation_rate", "cosine_mean", "cosine_min", "cosine_close_fraction", "span_dimension"];

    // Circle: SA, layer steps with idiosyncratic noise (the noise stream is seeded per replica too). S²: USA, rk4, uniform start.
    private const string Circle = """
        geometry: circle
        dimension: 2
        seed: 7
        model: {attention: sa, beta: 4.0, diffusion: 0.05}
        initial: {kind: uniform}
        solver: {kind: particles, t_end: 0.5}
        particles: {count: 12, integrator: layer, dt: 0.05, interaction: dense, replicas: 3}
        output: {interval: 0.25}
        """;

    private const string Sphere = """
        geometry: sphere
        dimension: 3
        seed: 7
        model: {attention: usa, beta: 2.0}
        initial: {kind: uniform}
        solver: {kind: particles, t_end: 0.4}
        particles: {count: 10, integrator: rk4, dt: 0.1, replicas: 3}
        output: {interval: 0.2}
        """;

    // Random matrices redrawn every step (each replica's from its own seed), d = 3, SA, layer steps.
    private const string RandomLayers = """
        geometry: sphere
        dimension: 3
        seed: 7
        model: {attention: sa, beta: 1.5}
        initial: {kind: uniform}
        solver: {kind: particles, t_end: 0.3}
        particles: {count: 8, integrator: layer, dt: 0.05, replicas: 3, random_matrices: {query_key: gaussian, value: goe, scale: 1.2, redraw: true}}
        output: {interval: 0.1}
        """;

    [TestCase(RandomLayers, 3, TestName = "Replica r is the single run with its derived seed and matrices, bit for bit (S², random Q, K, V redrawn every step)")]
    [TestCase(Circle, 2, TestName = "Replica r is the single run with its derived seed, bit for bit (circle, SA, layer with noise)")]
    [TestCase(Sphere, 3, TestName = "Replica r is the single run with its derived seed, bit for bit (S², USA, rk4)")]
    public void Replica_equals_single_run(string yaml, int d)
    {
        string dir = RunTestSupport.TempDirectory();
        string config = Path.Combine(dir, "replicas.yaml");
        File.WriteAllText(config, yaml);
        var (code, _, err) = RunTestSupport.RunCli("run", config, "--out", Path.Combine(dir, "all"), "--quiet");
        Assert.That(code, Is.EqualTo(0), err);
        using var all = RunFile.Open(Path.Combine(dir, "all", "replicas.h5"));
        var positions = all.Flat("tasks/positions");   // (writes, R, N, d)
        int writes = all.Vector("scales/sim_time").Length;
        int perReplica = positions.Length / writes / Replicas;

        for (int r = 0; r < Replicas; r++)
        {
            // The derivation written out here, not taken from the code under test.
            ulong seed = RandomStream.SplitMix64(RandomStream.SplitMix64(Seed) ^ (ulong)r);
            string single = Path.Combine(dir, $"single{r}");
            (code, _, err) = RunTestSupport.RunCli("run", config, "--out", single, "--quiet",
                "--set", $"seed={seed.ToString(CultureInfo.InvariantCulture)}", "--set", "particles.replicas=1");
            Assert.That(code, Is.EqualTo(0), err);
            using var one = RunFile.Open(Path.Combine(single, "replicas.h5"));
            var own = one.Flat("tasks/positions");
            Assert.That(own.Length, Is.EqualTo(writes * perReplica));
            for (int w = 0; w < writes; w++)
            for (int k = 0; k < perReplica; k++)
                Assert.That(BitConverter.DoubleToInt64Bits(positions[(w * Replicas + r) * perReplica + k]), Is.EqualTo(BitConverter.DoubleToInt64Bits(own[w * perReplica + k])),
                    $"replica {r}, write {w}, position value {k}");
            foreach (string task in ReplicaTasks)
            {
                var column = Column(all.Matrix($"tasks/{task}"), r);
                Assert.That(column.Select(BitConverter.DoubleToInt64Bits), Is.EqualTo(one.Vector($"tasks/{task}").Select(BitConverter.DoubleToInt64Bits)), $"replica {r}: {task}");
            }
        }

        // Independent seeds: the replicas start apart.
        Assert.That(positions.AsSpan(0, perReplica).SequenceEqual(positions.AsSpan(perReplica, perReplica)), Is.False);
        foreach (string task in ReplicaTasks)
        {
            var values = all.Matrix($"tasks/{task}");
            var mean = all.Vector($"tasks/{task}_mean");
            var se = all.Vector($"tasks/{task}_se");
            for (int w = 0; w < writes; w++)
            {
                var row = Enumerable.Range(0, Replicas).Select(r => values[w, r]).ToArray();
                double m = row.Average();
                double s = Math.Sqrt(row.Sum(v => (v - m) * (v - m)) / (Replicas - 1) / Replicas);
                Assert.That(mean[w], Is.EqualTo(m).Within(1e-14 * Math.Max(1, Math.Abs(m))), $"{task}_mean at write {w}");
                Assert.That(se[w], Is.EqualTo(s).Within(1e-12 * Math.Max(1, Math.Abs(m))), $"{task}_se at write {w}");
            }
        }
        Assert.That(d, Is.EqualTo(positions.Length / writes / Replicas / int.Parse(all.Attribute("particle_count"), CultureInfo.InvariantCulture)));
    }

    [Test]
    public void Replicas_with_common_noise_are_a_config_error_naming_the_key()
    {
        string dir = RunTestSupport.TempDirectory();
        string config = Path.Combine(dir, "noisy.yaml");
        File.WriteAllText(config, Circle.Replace("diffusion: 0.05}", "diffusion: 0.05, common_noise: {kind: fields, amplitudes: [[0, 0.1, 0]]}}"));
        var (code, _, err) = RunTestSupport.RunCli("run", config, "--out", Path.Combine(dir, "out"), "--quiet");
        Assert.That(code, Is.EqualTo(2), err);
        Assert.That(err, Does.Contain("particles.replicas").And.Contain("common_noise"));
    }

    private static double[] Column(double[,] m, int c) => Enumerable.Range(0, m.GetLength(0)).Select(r => m[r, c]).ToArray();
}
