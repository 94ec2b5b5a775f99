using System.Diagnostics;
using System.Numerics;
using MeanField.Core;
using MeanField.Spectral.Sphere;

/// <summary>
/// Spherical harmonic transform and sphere-solver benchmarks (dispatch: <c>sht</c>).
/// Single-threaded SHT synthesis/analysis at lmax 127, 255, 511 on the Gauss grid nlat = L+1, nlon = 2L+2
/// against the SHTns 3.5.2 anchor measured on the reference machine, plus one full RHS evaluation of the sphere solver.
/// Every figure is the median of several repetitions.
/// </summary>
internal static class SphereBenchmarks
{
    private const int Repetitions = 9;

    // SHTns 3.5.2, one thread, Gauss grid, on the reference 2-core AVX-512 machine (ms): synthesis, analysis.
    private static readonly Dictionary<int, (double Synthesis, double Analysis)> Shtns = new()
    {
        [127] = (0.08, 0.34),
        [255] = (0.40, 0.48),
        [511] = (4.7, 6.9),
    };

    public static void Run()
    {
        Console.WriteLine();
        Console.WriteLine($"## Spherical harmonic transform, one thread (median of {Repetitions} runs of >= 0.3 s each)");
        Console.WriteLine("| lmax | grid (nlat x nlon) | path | synthesis (ms) | SHTns | ratio | analysis (ms) | SHTns | ratio | Legendre-only synth/anal (ms) |");
        Console.WriteLine("|---|---|---|---|---|---|---|---|---|---|");
        foreach (int lmax in new[] { 127, 255, 511 })
        foreach (bool simd in new[] { true, false })
        {
            if (!simd && lmax > 255) continue;
            int nlat = lmax + 1 + (lmax + 1) % 2, nlon = 2 * lmax + 2;
            using var sht = new SphericalHarmonicTransform(lmax, nlat, nlon, "auto", threads: 1, simd: simd);
            var c = RandomCoefficients(lmax);
            var grid = new double[sht.GridSize];
            var back = new Complex[sht.Count];
            var modes = new Complex[(lmax + 1) * sht.ModeStride];
            double ts = Time(() => sht.Synthesize(c, grid));
            double ta = Time(() => sht.Analyze(grid, back));
            double ls = Time(() => sht.LegendreSynthesis(c, modes));
            double la = Time(() => sht.LegendreAnalysis(modes, back));
            var (s0, a0) = Shtns[lmax];
            string path = sht.UsesSimd ? "Vector512" : "scalar";
            Console.WriteLine($"| {lmax} | {nlat} x {nlon} | {path} | {ts * 1e3:F3} | {s0:F2} | {ts * 1e3 / s0:F2} | {ta * 1e3:F3} | {a0:F2} | {ta * 1e3 / a0:F2} | {ls * 1e3:F3} / {la * 1e3:F3} |");
        }

        Console.WriteLine();
        Console.WriteLine($"## Threads over m (lmax 511, {Environment.ProcessorCount} logical cores)");
        Console.WriteLine("| threads | synthesis (ms) | analysis (ms) |");
        Console.WriteLine("|---|---|---|");
        foreach (int threads in new[] { 1, 2 })
        {
            using var sht = new SphericalHarmonicTransform(511, 512, 1024, "auto", threads);
            var c = RandomCoefficients(511);
            var grid = new double[sht.GridSize];
            var back = new Complex[sht.Count];
            double ts = Time(() => sht.Synthesize(c, grid));
            double ta = Time(() => sht.Analyze(grid, back));
            Console.WriteLine($"| {threads} | {ts * 1e3:F3} | {ta * 1e3:F3} |");
        }

        Console.WriteLine();
        Console.WriteLine("## One right-hand-side evaluation of the sphere solver (dealiased grid, one thread)");
        Console.WriteLine("| lmax | grid (nlat x nlon) | attention | time per RHS (ms) |");
        Console.WriteLine("|---|---|---|---|");
        foreach (int lmax in new[] { 63, 127, 255 })
        foreach (var attention in new[] { AttentionKind.USA, AttentionKind.SA })
        {
            using var basis = new SphereHarmonicBasis(lmax);
            using var op = new SphereMeanFieldOperator(basis, new MeanFieldModel(attention, 5.0));
            var a = SphereInitialLaws.PerturbedUniform(lmax, Math.Min(lmax, 20), 0.1, 1);
            var u = basis.StateFromCoefficients(a);
            var du = new double[u.Length];
            double t = Time(() => op.EvaluateNonlinear(0, u, du));
            Console.WriteLine($"| {lmax} | {basis.Nlat} x {basis.Nlon} | {attention} | {t * 1e3:F3} |");
        }
    }

    private static Complex[] RandomCoefficients(int lmax)
    {
        var rng = new Random(1);
        var c = new Complex[SphericalHarmonicTransform.CoefficientCount(lmax)];
        for (int m = 0; m <= lmax; m++)
            for (int l = m; l <= lmax; l++)
                c[SphericalHarmonicTransform.Index(lmax, l, m)] = new Complex(rng.NextDouble() - 0.5, m == 0 ? 0 : rng.NextDouble() - 0.5);
        return c;
    }

    /// <summary>Median over repetitions of the mean time of one call (seconds), after a warm-up.</summary>
    private static double Time(Action action)
    {
        var warm = Stopwatch.StartNew();
        while (warm.Elapsed.TotalSeconds < 0.2) action();
        var times = new List<double>();
        for (int r = 0; r < Repetitions; r++)
        {
            long count = 0;
            var sw = Stopwatch.StartNew();
            while (sw.Elapsed.TotalSeconds < 0.3)
            {
                action();
                count++;
            }
            times.Add(sw.Elapsed.TotalSeconds / count);
        }
        times.Sort();
        return times[times.Count / 2];
    }
}
