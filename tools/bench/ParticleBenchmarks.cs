using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
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

    /// <summary>
    /// Issue #18, high-dimensional particles: one thread, USA, β = 5, identity case. Evaluations/s of the per-pair kernel
    /// (before) and of the blocked Gram-matrix path (after); the Gram stage alone (products G = β X Xᵀ, then e^{G − β})
    /// timed separately and counted as 2·N²·d flops (one FMA = 2 flops; the exponentials and the padding not counted).
    /// Rates are given per wall second and per CPU second of the process (the latter discounts the time slices that other
    /// processes take on a loaded machine, not their share of caches and memory bandwidth).
    /// <paramref name="cases"/>: "d:N" pairs (default 64:4096 512:4096 1024:10000); "blocked" skips the per-pair kernel.
    /// </summary>
    public static void RunHighDimension(IReadOnlyList<string> cases, bool blockedOnly, double peakGflops)
    {
        var list = cases.Count > 0 ? cases.Select(c => (int.Parse(c.Split(':')[0]), int.Parse(c.Split(':')[1]))).ToList()
            : [(64, 4096), (512, 4096), (1024, 10_000)];
        Console.WriteLine();
        var (peakWall, peakCpu) = MeasureFmaPeak();
        Console.WriteLine($"## Dense drift at high d, 1 thread (USA, beta = 5, uniform sample); Gram flops = 2 N^2 d; peak {peakGflops} GFLOP/s");
        Console.WriteLine($"FMA peak measured now (12 independent {(Vector512.IsHardwareAccelerated ? "Vector512" : "Vector256")} FMA chains, 1 thread): " +
                          $"{peakWall:F1} GFLOP/s wall / {peakCpu:F1} GFLOP/s CPU time");
        Console.WriteLine("| d | N | kernel | evaluations | s per evaluation (wall, median) | evaluations/s (wall) | evaluations/s (CPU time) | Gram stage s (wall) | Gram GFLOP/s wall / CPU time | % of peak wall / CPU time | % of measured peak (CPU time) |");
        Console.WriteLine("|---|---|---|---|---|---|---|---|---|---|---|");
        foreach (var (d, n) in list)
        {
            var model = new ParticleModel(AttentionKind.USA, d, 5.0);
            var x = ParticleSampling.Uniform(n, d, 1);
            var drift = new double[n * d];
            foreach (var kernel in blockedOnly ? new[] { DenseKernel.Blocked } : [DenseKernel.PerPair, DenseKernel.Blocked])
            {
                var dense = new DenseInteraction(model, n, 1, kernel);
                var (t, cpu, count) = Time(() => dense.Evaluate(x, drift), kernel == DenseKernel.PerPair && 4.0 * n * n * d > 1e11 ? 1 : 5);
                string gram = " | | |";
                if (kernel == DenseKernel.Blocked)
                {
                    var (tg, cg, _) = Time(() => dense.EvaluateGramStage(x), 5);
                    double g = 2.0 * n * n * d / tg / 1e9, gc = 2.0 * n * n * d / cg / 1e9;
                    gram = $"{tg:F4} | {g:F1} / {gc:F1} | {100 * g / peakGflops:F0} % / {100 * gc / peakGflops:F0} % | {100 * gc / peakCpu:F0} %";
                }
                Console.WriteLine($"| {d} | {n} | {kernel} | {count} | {t:F4} | {1 / t:F2} | {1 / cpu:F2} | {gram} |");
            }
        }
    }

    /// <summary>
    /// Issue #18, dense pair sums at d = 2 and 3 (docs/performance.md, "Dense pair sums"): one thread, β = 5, uniform sample,
    /// USA and SA; pair interactions per process-CPU second, counted as N² per drift evaluation, median of
    /// <paramref name="batches"/> batches of ≥ 0.2 s. One machine-readable line per case:
    /// <c>dense_pairs d=D N=N attention=USA pairs_per_s=X wall_pairs_per_s=Y</c>.
    /// </summary>
    public static void RunDensePairs(IReadOnlyList<int> sizes, int batches = 7)
    {
        ExpThroughput(batches);
        foreach (int n in sizes.Count > 0 ? sizes : [4096, 16384])
        foreach (int d in new[] { 2, 3 })
        foreach (var attention in new[] { AttentionKind.USA, AttentionKind.SA })
        {
            var model = new ParticleModel(attention, d, 5.0);
            var x = ParticleSampling.Uniform(n, d, 1);
            var drift = new double[n * d];
            var dense = new DenseInteraction(model, n, 1);
            var (wall, cpu, _) = Time(() => dense.Evaluate(x, drift), batches, 0.2);
            double pairs = (double)n * n;
            Console.WriteLine($"dense_pairs d={d} N={n} attention={attention} pairs_per_s={pairs / cpu:E3} wall_pairs_per_s={pairs / wall:E3}");
        }
    }

    /// <summary>
    /// The bound's vector exponential: VecMath.ExpAboveFloorInPlace over 512 doubles in L1 (the symmetric kernel's row
    /// buffer), vectors per CPU second, and its 15 FMAs per vector as FMAs per second. One line:
    /// <c>vector_exp width=W vectors_per_s=X fma_per_s=Y</c>.
    /// </summary>
    private static unsafe void ExpThroughput(int batches)
    {
        var buffer = GC.AllocateArray<double>(2 * 512 + 8, pinned: true);   // pinned: the address stays put
        nint aligned;
        fixed (double* start = buffer) aligned = ((nint)start + 63) & ~(nint)63;
        double* source = (double*)aligned + 512;
        for (int k = 0; k < 512; k++) source[k] = -k / 512.0;
        int width = Vector512.IsHardwareAccelerated ? 8 : 4;
        // Each call starts from the same arguments (e^x of e^x would leave the range); the copy is timed alone and taken off.
        void Refill() => Buffer.MemoryCopy((double*)aligned + 512, (double*)aligned, 512 * sizeof(double), 512 * sizeof(double));
        var (_, cpu, _) = Time(() =>
        {
            Refill();
            if (width == 8) MeanField.Core.Simd.VecMath.ExpAboveFloorInPlace<MeanField.Core.Simd.Vec512>((double*)aligned, 512);
            else MeanField.Core.Simd.VecMath.ExpAboveFloorInPlace<MeanField.Core.Simd.Vec256>((double*)aligned, 512);
        }, batches, 0.2);
        var (_, cpuRefill, _) = Time(Refill, batches, 0.2);
        double vectors = 512.0 / width / (cpu - cpuRefill);
        GC.KeepAlive(buffer);
        Console.WriteLine($"vector_exp width={width} vectors_per_s={vectors:E3} fma_per_s={15 * vectors:E3}");
    }

    /// <summary>
    /// FP64 FMA throughput of one thread now (GFLOP/s, wall and CPU time, medians): 12 independent vector FMA chains, so
    /// both FMA pipes stay busy whatever the latency; on a loaded machine the CPU-time figure is the reference for the
    /// kernel rates measured in the same run.
    /// </summary>
    private static (double Wall, double Cpu) MeasureFmaPeak()
    {
        const int iterations = 1 << 22;
        double flops = 2.0 * 12 * iterations * (Vector512.IsHardwareAccelerated ? 8 : 4);
        double sink = 0;
        var (wall, cpu, _) = Time(() => sink += Vector512.IsHardwareAccelerated
            ? FmaChains<MeanField.Core.Simd.Vec512>(iterations) : FmaChains<MeanField.Core.Simd.Vec256>(iterations), 5);
        if (sink == 1.2345) Console.WriteLine();   // keeps the result alive
        return (flops / wall / 1e9, flops / cpu / 1e9);
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static double FmaChains<TV>(int iterations) where TV : unmanaged, MeanField.Core.Simd.IVec<TV>
    {
        var m = TV.Create(0.999999);
        var a = TV.Create(1e-3);
        TV s0 = a, s1 = a, s2 = a, s3 = a, s4 = a, s5 = a, s6 = a, s7 = a, s8 = a, s9 = a, s10 = a, s11 = a;
        for (int k = 0; k < iterations; k++)
        {
            s0 = TV.Fma(s0, m, a); s1 = TV.Fma(s1, m, a); s2 = TV.Fma(s2, m, a); s3 = TV.Fma(s3, m, a);
            s4 = TV.Fma(s4, m, a); s5 = TV.Fma(s5, m, a); s6 = TV.Fma(s6, m, a); s7 = TV.Fma(s7, m, a);
            s8 = TV.Fma(s8, m, a); s9 = TV.Fma(s9, m, a); s10 = TV.Fma(s10, m, a); s11 = TV.Fma(s11, m, a);
        }
        return TV.Sum(s0 + s1 + s2 + s3 + s4 + s5 + s6 + s7 + s8 + s9 + s10 + s11);
    }

    /// <summary>
    /// Medians of wall and process CPU seconds per call over <paramref name="repetitions"/> batches of ≥ <paramref name="batchSeconds"/> (≥ 1 call
    /// each), after two warm-up calls when repetitions > 1 (the minute-long per-pair cases get none).
    /// </summary>
    private static (double Wall, double Cpu, long Calls) Time(Action call, int repetitions, double batchSeconds = 0.3)
    {
        if (repetitions > 1) { call(); call(); }   // lets the JIT reach its optimised tier
        var wall = new List<double>();
        var cpu = new List<double>();
        long total = 0;
        var process = Process.GetCurrentProcess();
        for (int r = 0; r < repetitions; r++)
        {
            long count = 0;
            process.Refresh();
            var cpu0 = process.TotalProcessorTime;
            var sw = Stopwatch.StartNew();
            do { call(); count++; } while (sw.Elapsed.TotalSeconds < batchSeconds);
            double elapsed = sw.Elapsed.TotalSeconds;
            process.Refresh();
            wall.Add(elapsed / count);
            cpu.Add((process.TotalProcessorTime - cpu0).TotalSeconds / count);
            total += count;
        }
        return (Benchmarks.Median(wall), Benchmarks.Median(cpu), total);
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
