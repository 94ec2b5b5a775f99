using System.Numerics;
using System.Runtime.InteropServices;
using MeanField.Core;
using MeanField.Spectral.Sphere;

/// <summary>
/// <c>sht-ab LIB [L ...]</c>: our SHT and SHTns 3.5.2 in one process, in alternating bursts of about 40 ms each (ours, then
/// SHTns, then the other way round), timed by the thread's CPU clock. On a shared machine whose speed drifts by ±20 % from
/// minute to minute, two processes run one after the other see different machines; bursts 40 ms apart see the same one, so
/// the per-round ratios scatter far less than the ratio of two separate medians. LIB is a shared library of the anchor's
/// SHTns build whose transform code is the anchor's object code (tools/bench/shtns-shared.sh). Same grids and settings as
/// tools/bench/shtns_cpu.c: Gauss, nlat = L+1 rounded up to even, nlon = 2L+2, no polar optimisation, one thread,
/// orthonormal harmonics.
/// </summary>
internal static unsafe class ShtnsSideBySide
{
    private const int Rounds = 41;
    private const double BurstSeconds = 0.04;

    public static void Run(string library, IEnumerable<int> lmaxes)
    {
        var lib = NativeLibrary.Load(library);
        var create = (delegate* unmanaged<int, int, int, int, nint>)NativeLibrary.GetExport(lib, "shtns_create");
        var setGrid = (delegate* unmanaged<nint, int, double, int, int*, int*, int>)NativeLibrary.GetExport(lib, "shtns_set_grid_auto");
        var synthesis = (delegate* unmanaged<nint, Complex*, double*, void>)NativeLibrary.GetExport(lib, "SH_to_spat");
        var analysis = (delegate* unmanaged<nint, double*, Complex*, void>)NativeLibrary.GetExport(lib, "spat_to_SH");
        var alloc = (delegate* unmanaged<nuint, void*>)NativeLibrary.GetExport(lib, "shtns_malloc");
        var free = (delegate* unmanaged<void*, void>)NativeLibrary.GetExport(lib, "shtns_free");
        var destroy = (delegate* unmanaged<nint, void>)NativeLibrary.GetExport(lib, "shtns_destroy");
        const int orthonormal = 0, gauss = 0, allowPadding = 256 * 256, scalarOnly = 256 * 16;
        Console.WriteLine($"# SHTns from {library}; {Rounds} rounds of {BurstSeconds * 1e3:F0} ms bursts per transform, thread CPU time");
        Console.WriteLine("| lmax | synthesis ours / SHTns (ms) | ratio (quartiles) | analysis ours / SHTns (ms) | ratio (quartiles) |");
        Console.WriteLine("|---|---|---|---|---|");
        var lines = new List<string>();
        foreach (int lmax in lmaxes)
        {
            int nlat = lmax + 1 + (lmax + 1) % 2, nlon = 2 * lmax + 2, gotLat = nlat, gotLon = nlon;
            nint cfg = create(lmax, lmax, 1, orthonormal);
            if (cfg == 0) throw new InvalidOperationException($"shtns_create failed for lmax {lmax}.");
            setGrid(cfg, gauss | allowPadding | scalarOnly, 0.0, 2, &gotLat, &gotLon);
            if (gotLat != nlat || gotLon != nlon) throw new InvalidOperationException($"SHTns chose a {gotLat} x {gotLon} grid, not {nlat} x {nlon}.");
            // struct shtns_info starts: unsigned nlm; 4 unsigned shorts; unsigned nlat, nphi, nspat
            uint nlm = *(uint*)cfg, nspat = *(uint*)((byte*)cfg + 20);
            var q = (Complex*)alloc(nlm * (nuint)sizeof(Complex));
            var spatial = (double*)alloc(nspat * sizeof(double));
            using var sht = new SphericalHarmonicTransform(lmax, nlat, nlon, FftChoice.Auto, threads: 1);
            var c = SphereBenchmarks.RandomCoefficients(lmax);
            if (nlm != c.Length) throw new InvalidOperationException($"SHTns holds {nlm} coefficients at lmax {lmax}, we hold {c.Length}.");
            c.CopyTo(new Span<Complex>(q, c.Length));   // SHTns's LM order for mmax = lmax, mres = 1 is ours
            var grid = new double[sht.GridSize];
            var back = new Complex[sht.Count];
            Action oursS = () => sht.Synthesize(c, grid), oursA = () => sht.Analyze(grid, back);
            Action theirsS = () => synthesis(cfg, q, spatial), theirsA = () => analysis(cfg, spatial, q);
            var (os, ts, rs) = Alternate(oursS, theirsS);
            var (oa, ta, ra) = Alternate(oursA, theirsA);
            string row = System.FormattableString.Invariant(
                $"| {lmax} | {os * 1e3:F4} / {ts * 1e3:F4} | {rs.Median:F3} ({rs.Low:F3}–{rs.High:F3}) | {oa * 1e3:F4} / {ta * 1e3:F4} | {ra.Median:F3} ({ra.Low:F3}–{ra.High:F3}) |");
            Console.WriteLine(row);
            free(q);
            free(spatial);
            destroy(cfg);
            lines.Add(System.FormattableString.Invariant(
                $"sht_ab lmax={lmax} synthesis_ratio={rs.Median:F3} analysis_ratio={ra.Median:F3} ours_ms={os * 1e3:F4}/{oa * 1e3:F4} shtns_ms={ts * 1e3:F4}/{ta * 1e3:F4}"));
        }
        foreach (var l in lines) Console.WriteLine(l);
    }

    /// <summary>Medians of ours and theirs per call (s), and the median and quartiles of the per-round ratios ours/theirs.</summary>
    private static (double Ours, double Theirs, (double Median, double Low, double High) Ratio) Alternate(Action ours, Action theirs)
    {
        Burst(ours);
        Burst(theirs);
        var o = new double[Rounds];
        var t = new double[Rounds];
        var r = new double[Rounds];
        for (int i = 0; i < Rounds; i++)
        {
            if (i % 2 == 0) { o[i] = Burst(ours); t[i] = Burst(theirs); }
            else { t[i] = Burst(theirs); o[i] = Burst(ours); }
            r[i] = o[i] / t[i];
        }
        Array.Sort(o);
        Array.Sort(t);
        Array.Sort(r);
        return (o[Rounds / 2], t[Rounds / 2], (r[Rounds / 2], r[Rounds / 4], r[3 * Rounds / 4]));
    }

    /// <summary>Thread CPU seconds per call over a burst of about <see cref="BurstSeconds"/>.</summary>
    private static double Burst(Action action)
    {
        double start = ThreadCpuSeconds(), now;
        long count = 0;
        do { action(); count++; } while ((now = ThreadCpuSeconds()) - start < BurstSeconds);
        return (now - start) / count;
    }

    [StructLayout(LayoutKind.Sequential)]
    private struct Timespec { public long Seconds, Nanoseconds; }

    [DllImport("libc", EntryPoint = "clock_gettime")]
    private static extern int ClockGetTime(int clock, out Timespec time);

    private static double ThreadCpuSeconds()
    {
        const int threadCpuClock = 3;   // CLOCK_THREAD_CPUTIME_ID
        ClockGetTime(threadCpuClock, out var t);
        return t.Seconds + 1e-9 * t.Nanoseconds;
    }
}
