using System.Diagnostics;
using MeanField.Core;
using MeanField.IO.Config;
using MeanField.Particles;
using MeanField.Runs;

/// <summary>
/// Particle drift evaluations (docs/performance.md, "Particles"). Anchor: the ICLR 2025 paper's code, N = 2·10⁴ on the circle,
/// β = 5, dense float64 on a GPU at 65.8 Euler steps/s. Every figure is the median of 7 timed batches of ≥ 0.3 s (fewer for
/// the largest N, as printed), after a warm-up that lets the JIT reach its optimised tier.
/// </summary>
internal static class ParticleBenchmarks
{
    /// <param name="quick">Only the N = 2·10⁴ table (for tuning).</param>
    public static void Run(string configPath, bool quick = false)
    {
        int cores = Environment.ProcessorCount;
        Console.WriteLine();
        Console.WriteLine("## Particles: one drift evaluation (USA, beta = 5, uniform sample, tolerance 1e-12)");
        Console.WriteLine("| d | N | interaction | K (L for d = 3) | threads | time per evaluation (ms) | evaluations/s | pair interactions/s (dense) |");
        Console.WriteLine("|---|---|---|---|---|---|---|---|");
        foreach (int threads in cores > 1 ? new[] { 1, cores } : [1])
        {
            Measure(2, 20_000, "spectral", threads);
            Measure(2, 20_000, "dense", threads);
            Measure(3, 20_000, "dense", threads);
            Measure(3, 20_000, "spectral", threads);
        }
        if (quick) return;
        Console.WriteLine();
        Console.WriteLine($"## Scaling with N ({cores} threads, d = 2, USA, beta = 5)");
        Console.WriteLine("| d | N | interaction | K (L for d = 3) | threads | time per evaluation (ms) | evaluations/s | pair interactions/s (dense) |");
        Console.WriteLine("|---|---|---|---|---|---|---|---|");
        foreach (int n in new[] { 1_000, 10_000, 100_000, 1_000_000 }) Measure(2, n, "spectral", cores);
        foreach (int n in new[] { 1_000, 3_000, 10_000, 30_000, 100_000 }) Measure(2, n, "dense", cores, repetitions: n >= 100_000 ? 3 : 7);
        foreach (int n in new[] { 1_000, 10_000 }) Measure(32, n, "dense", cores);
        foreach (int n in new[] { 1_000, 10_000, 100_000, 1_000_000 }) Measure(3, n, "spectral", cores, repetitions: n >= 1_000_000 ? 3 : 7);

        // The whole experiment as a user runs it (in-process: no dotnet start-up), HDF5 output included.
        var config = ConfigLoader.LoadFile(configPath);
        var times = new List<double>();
        for (int r = 0; r < 3; r++)
        {
            var sw = Stopwatch.StartNew();
            var result = ParticleRun.Execute(config with { Output = config.Output with { Directory = Path.Combine(Path.GetTempPath(), "meanfield-bench") } },
                new RunOptions { Quiet = true, ConfigPath = configPath, Output = TextWriter.Null, Error = TextWriter.Null });
            times.Add(sw.Elapsed.TotalSeconds);
            if (r == 0) Console.WriteLine($"\nwhole run of {Path.GetFileName(configPath)}: {result.Steps} {config.Particles.Integrator} steps, N = {config.Particles.Count}");
        }
        double median = Benchmarks.Median(times);
        Console.WriteLine($"median of 3: {median:F2} s, {6000 / median:F0} steps/s including 61 HDF5 writes (anchor: 65.8 Euler steps/s on a GPU)");
    }

    private static void Measure(int d, int n, string kind, int threads, int repetitions = 7)
    {
        var model = new ParticleModel(AttentionKind.USA, d, 5.0);
        var x = ParticleSampling.Uniform(n, d, 1);
        var drift = new double[n * d];
        var interaction = ParticleInteractions.Create(model, n, kind, 1e-12, threads);
        var warm = Stopwatch.StartNew();
        int warmEvaluations = 0;
        while (warm.Elapsed.TotalSeconds < 0.5 || warmEvaluations < 2)
        {
            interaction.Evaluate(x, drift);
            warmEvaluations++;
        }
        var perEvaluation = new List<double>();
        for (int r = 0; r < repetitions; r++)
        {
            long count = 0;
            var sw = Stopwatch.StartNew();
            do
            {
                interaction.Evaluate(x, drift);
                count++;
            } while (sw.Elapsed.TotalSeconds < 0.3);
            perEvaluation.Add(sw.Elapsed.TotalSeconds / count);
        }
        double t = Benchmarks.Median(perEvaluation);
        string pairs = kind == "dense" ? $"{(double)n * n / t:E3}" : "";
        Console.WriteLine($"| {d} | {n} | {kind} | {interaction.SpectralModes} | {threads} | {t * 1e3:F4} | {1 / t:F1} | {pairs} |");
    }
}
