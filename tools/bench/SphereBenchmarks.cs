using System.Diagnostics;
using System.Numerics;
using MeanField.Core;
using MeanField.Spectral.Sphere;

/// <summary>
/// Spherical harmonic transform and sphere-solver benchmarks (dispatch: <c>sht</c>).
/// Single-threaded SHT synthesis/analysis at lmax 127, 255, 511, 1023 on the Gauss grid nlat = L+1, nlon = 2L+2
/// side by side with SHTns 3.5.2 (../shared/anchors/shtns-time.sh, run in the same session when present, and again in this
/// process through tools/bench/shtns-shared.sh), plus one full RHS evaluation of the sphere solver.
/// Every figure is the median of several repetitions.
/// </summary>
internal static class SphereBenchmarks
{
    private const int Repetitions = 9;
    private static readonly int[] Lmaxes = [127, 255, 511, 1023];

    public static void Run()
    {
        Console.WriteLine();
        Console.WriteLine($"## Spherical harmonic transform, one thread (median of {Repetitions} runs of >= 0.3 s each)");
        Console.WriteLine("| lmax | grid (nlat x nlon) | path | synthesis (ms) | analysis (ms) | Legendre-only synth/anal (ms) |");
        Console.WriteLine("|---|---|---|---|---|---|");
        var ours = new Dictionary<int, (double Synthesis, double Analysis)>();
        foreach (int lmax in Lmaxes)
        foreach (bool simd in new[] { true, false })
        {
            if (!simd && lmax > 255) continue;
            int nlat = lmax + 1 + (lmax + 1) % 2, nlon = 2 * lmax + 2;
            using var sht = new SphericalHarmonicTransform(lmax, nlat, nlon, FftChoice.Auto, threads: 1, simd: simd);
            var c = RandomCoefficients(lmax);
            var grid = new double[sht.GridSize];
            var back = new Complex[sht.Count];
            var modes = new Complex[sht.ModeBufferLength];
            double ts = Time(() => sht.Synthesize(c, grid));
            double ta = Time(() => sht.Analyze(grid, back));
            double ls = Time(() => sht.LegendreSynthesis(c, modes));
            double la = Time(() => sht.LegendreAnalysis(modes, back));
            string path = !sht.UsesSimd ? "scalar" : System.Runtime.Intrinsics.Vector512.IsHardwareAccelerated ? "Vector512" : "Vector256";
            if (sht.UsesSimd) ours[lmax] = (ts * 1e3, ta * 1e3);
            Console.WriteLine($"| {lmax} | {nlat} x {nlon} | {path} | {ts * 1e3:F3} | {ta * 1e3:F3} | {ls * 1e3:F3} / {la * 1e3:F3} |");
        }
        Console.WriteLine();
        foreach (var (lmax, (s, a)) in ours)
            Console.WriteLine(System.FormattableString.Invariant($"sht lmax={lmax} synthesis_ms={s:F4} analysis_ms={a:F4}"));
        CompareWithShtns(ours);
        SideBySideInOneProcess();

        Console.WriteLine();
        Console.WriteLine($"## Threads over m (lmax 511, {Environment.ProcessorCount} logical cores)");
        Console.WriteLine("| threads | synthesis (ms) | analysis (ms) |");
        Console.WriteLine("|---|---|---|");
        foreach (int threads in new[] { 1, 2 })
        {
            if (threads > Environment.ProcessorCount) continue;
            using var sht = new SphericalHarmonicTransform(511, 512, 1024, FftChoice.Auto, threads);
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

    /// <summary>
    /// Runs ../shared/anchors/shtns-time.sh (SHTns 3.5.2 built from source, same grids, one thread) right after our own
    /// timings, so both come from one session, and prints the ratios. Nothing is printed when the script is absent.
    /// </summary>
    private static void CompareWithShtns(Dictionary<int, (double Synthesis, double Analysis)> ours)
    {
        string script = Path.GetFullPath(Path.Combine(Benchmarks.RepositoryRoot(), "..", "shared", "anchors", "shtns-time.sh"));
        if (!File.Exists(script)) { Console.WriteLine($"(no SHTns anchor: {script} not found)"); return; }
        var psi = new ProcessStartInfo("bash", [script, .. ours.Keys.Select(k => k.ToString())]) { RedirectStandardOutput = true, RedirectStandardError = true };
        using var p = Process.Start(psi)!;
        string output = p.StandardOutput.ReadToEnd();
        string error = p.StandardError.ReadToEnd();
        p.WaitForExit();
        if (p.ExitCode != 0) { Console.WriteLine($"(SHTns anchor failed: {error.Trim()})"); return; }
        Console.WriteLine();
        Console.WriteLine("## Side by side with SHTns 3.5.2 (same session, one thread, Gauss nlat = L+1, nlon = 2L+2)");
        Console.WriteLine("| lmax | synthesis ours / SHTns (ms) | ratio | analysis ours / SHTns (ms) | ratio |");
        Console.WriteLine("|---|---|---|---|---|");
        var ratios = new List<string>();
        foreach (string line in output.Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            Console.WriteLine(line);
            var fields = line.Split(' ').Select(f => f.Split('=')).Where(f => f.Length == 2).ToDictionary(f => f[0], f => f[1]);
            if (!fields.TryGetValue("lmax", out var ls) || !ours.TryGetValue(int.Parse(ls), out var o)) continue;
            double s = double.Parse(fields["synthesis_ms"], System.Globalization.CultureInfo.InvariantCulture);
            double a = double.Parse(fields["analysis_ms"], System.Globalization.CultureInfo.InvariantCulture);
            ratios.Add(System.FormattableString.Invariant($"| {ls} | {o.Synthesis:F3} / {s:F3} | {o.Synthesis / s:F2} | {o.Analysis:F3} / {a:F3} | {o.Analysis / a:F2} |"));
        }
        foreach (var r in ratios) Console.WriteLine(r);
    }

    /// <summary>
    /// The ratios again, robust to the machine's drift: both transforms in this process in alternating bursts
    /// (<see cref="ShtnsSideBySide"/>), with SHTns as a shared library that tools/bench/shtns-shared.sh builds from the
    /// anchor's source and objects. Skipped, with the reason, when the library cannot be built.
    /// </summary>
    private static void SideBySideInOneProcess()
    {
        string script = Path.Combine(Benchmarks.RepositoryRoot(), "tools", "bench", "shtns-shared.sh");
        var psi = new ProcessStartInfo("bash", [script]) { RedirectStandardOutput = true, RedirectStandardError = true };
        using var p = Process.Start(psi)!;
        string library = p.StandardOutput.ReadToEnd().Trim();
        string error = p.StandardError.ReadToEnd();
        p.WaitForExit();
        Console.WriteLine();
        if (p.ExitCode != 0 || !File.Exists(library)) { Console.WriteLine($"(no in-process comparison: {error.Trim()})"); return; }
        Console.WriteLine("## Side by side in one process (alternating bursts; the ratios to quote on a shared machine)");
        ShtnsSideBySide.Run(library, Lmaxes);
    }

    public static Complex[] RandomCoefficients(int lmax)
    {
        var rng = new Random(1);
        var c = new Complex[SphericalHarmonicTransform.CoefficientCount(lmax)];
        for (int m = 0; m <= lmax; m++)
            for (int l = m; l <= lmax; l++)
                c[SphericalHarmonicTransform.Index(lmax, l, m)] = new Complex(rng.NextDouble() - 0.5, m == 0 ? 0 : rng.NextDouble() - 0.5);
        return c;
    }

    /// <summary>
    /// <c>sht-cpu</c>: one-thread SHT times as process CPU time per call (median of 7 batches of ≥ 0.25 s), for sessions
    /// under load where wall-clock medians are meaningless; pair with tools/bench/shtns_cpu.c for SHTns the same way.
    /// </summary>
    public static void RunCpu(IEnumerable<int> lmaxes)
    {
        foreach (int lmax in lmaxes)
        {
            int nlat = lmax + 1 + (lmax + 1) % 2, nlon = 2 * lmax + 2;
            using var sht = new SphericalHarmonicTransform(lmax, nlat, nlon, FftChoice.Auto, threads: 1);
            var c = RandomCoefficients(lmax);
            var grid = new double[sht.GridSize];
            var back = new Complex[sht.Count];
            var modes = new Complex[sht.ModeBufferLength];
            double ts = CpuTime(() => sht.Synthesize(c, grid)), ta = CpuTime(() => sht.Analyze(grid, back));
            double ls = CpuTime(() => sht.LegendreSynthesis(c, modes)), la = CpuTime(() => sht.LegendreAnalysis(modes, back));
            Console.WriteLine(System.FormattableString.Invariant(
                $"sht_cpu lmax={lmax} synthesis_ms={ts * 1e3:F4} analysis_ms={ta * 1e3:F4} legendre_synthesis_ms={ls * 1e3:F4} legendre_analysis_ms={la * 1e3:F4}"));
        }
        foreach (var attention in new[] { AttentionKind.USA, AttentionKind.SA })
        {
            using var basis = new SphereHarmonicBasis(255);
            using var op = new SphereMeanFieldOperator(basis, new MeanFieldModel(attention, 5.0));
            var u = basis.StateFromCoefficients(SphereInitialLaws.PerturbedUniform(255, 20, 0.1, 1));
            var du = new double[u.Length];
            double t = CpuTime(() => op.EvaluateNonlinear(0, u, du));
            Console.WriteLine(System.FormattableString.Invariant(
                $"sphere_rhs_cpu lmax=255 grid={basis.Nlat}x{basis.Nlon} attention={attention} ms={t * 1e3:F3}"));
        }
    }

    private static double CpuTime(Action action)
    {
        for (int i = 0; i < 3; i++) action();
        var process = Process.GetCurrentProcess();
        var times = new List<double>();
        for (int r = 0; r < 7; r++)
        {
            long count = 0;
            process.Refresh();
            var start = process.TotalProcessorTime;
            var sw = Stopwatch.StartNew();
            do { action(); count++; } while (sw.Elapsed.TotalSeconds < 0.25);
            process.Refresh();
            times.Add((process.TotalProcessorTime - start).TotalSeconds / count);
        }
        times.Sort();
        return times[times.Count / 2];
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
