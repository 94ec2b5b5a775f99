// MeanField benchmarks (Stopwatch harness; run in Release):
//   dotnet run --project tools/bench -c Release            # everything
//   dotnet run --project tools/bench -c Release -- rhs     # RHS evaluations per second only
//   dotnet run --project tools/bench -c Release -- solve   # the ICLR 2025 PDE experiment to 1e-8
//   dotnet run --project tools/bench -c Release -- sht     # spherical harmonic transform vs SHTns, sphere RHS
//   dotnet run --project tools/bench -c Release -- sht-cpu [L ...]   # SHT CPU time per call (under load; see shtns_cpu.c)
//   dotnet run --project tools/bench -c Release -- sht-ab "$(tools/bench/shtns-shared.sh)" [L ...]   # ours and SHTns in one process, alternating bursts
//   dotnet run --project tools/bench -c Release -- particles   # particle drift evaluations: spectral and dense, scaling in N
//   dotnet run --project tools/bench -c Release -- dense-highd [blocked] [d:N ...]   # dense drift at d = 64…1024, per-pair vs blocked, Gram GFLOP/s
//   dotnet run --project tools/bench -c Release -- dense-pairs [N ...]   # dense drift at d = 2, 3, one thread: pair interactions per CPU second
//   dotnet run --project tools/bench -c Release -- fft     # real FFT pairs: FFTW, managed (MathNet + own Bluestein), FftSharp 2.2.0
// Every figure is the median of several repetitions; results go to docs/performance.md by hand, with the machine.
using System.Diagnostics;
using System.Numerics;
using MeanField.Core;
using MeanField.IO.Config;
using MeanField.Runs;
using MeanField.Spectral.Circle;
using MeanField.Spectral.Fft;
using MeanField.Spectral.Steppers;

string what = args.Length > 0 ? args[0] : "all";
Console.WriteLine($"# machine: {Environment.ProcessorCount} logical cores, {System.Runtime.InteropServices.RuntimeInformation.OSDescription}, " +
                  $".NET {Environment.Version}, Vector<double>.Count = {Vector<double>.Count}, FFTW available: {RealFftFactory.FftwAvailable}");
if (what is "all" or "rhs") Benchmarks.RightHandSide();
if (what is "all" or "solve") Benchmarks.MetastableSolve(Path.Combine(Benchmarks.RepositoryRoot(), "configs", "circle-metastable.yaml"));
if (what is "all" or "sht") SphereBenchmarks.Run();
if (what is "sht-cpu") SphereBenchmarks.RunCpu(args.Length > 1 ? args.Skip(1).Select(int.Parse) : [127, 255, 511, 1023]);
if (what is "sht-ab")
{
    if (args.Length < 2) throw new ArgumentException("sht-ab needs the path of a shared SHTns library (tools/bench/shtns-shared.sh prints it).");
    ShtnsSideBySide.Run(args[1], args.Length > 2 ? args.Skip(2).Select(int.Parse) : [127, 255, 511, 1023]);
}
if (what is "all" or "fft") FftBenchmarks.Run();
if (what is "dense-highd")
    ParticleBenchmarks.RunHighDimension(args.Skip(1).Where(a => a.Contains(':')).ToList(), args.Contains("blocked"), peakGflops: 112);
if (what is "dense-pairs") ParticleBenchmarks.RunDensePairs(args.Skip(1).Select(int.Parse).ToList());
if (what is "all" or "particles") ParticleBenchmarks.Run(Path.Combine(Benchmarks.RepositoryRoot(), "configs", "particles-circle-metastable.yaml"), quick: args.Contains("quick"));

internal static class Benchmarks
{
    private const int Repetitions = 7;

    public static string RepositoryRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "MeanField.sln"))) dir = dir.Parent;
        return dir?.FullName ?? Directory.GetCurrentDirectory();
    }

    public static double Median(IEnumerable<double> xs)
    {
        var s = xs.Order().ToArray();
        return s.Length % 2 == 1 ? s[s.Length / 2] : 0.5 * (s[s.Length / 2 - 1] + s[s.Length / 2]);
    }

    public static void RightHandSide()
    {
        Console.WriteLine();
        Console.WriteLine("## One right-hand-side evaluation of the circle solver (median of 7 runs of >= 0.2 s each)");
        Console.WriteLine("| n | attention | FFT | time per RHS (us) | RHS per second |");
        Console.WriteLine("|---|---|---|---|---|");
        FftChoice[] backends = RealFftFactory.FftwAvailable ? [FftChoice.Fftw, FftChoice.Managed] : [FftChoice.Managed];
        foreach (int n in new[] { 256, 1024, 4096 })
        foreach (var attention in new[] { AttentionKind.USA, AttentionKind.SA })
        foreach (var backend in backends)
        {
            var basis = new FourierCircleBasis(n);
            using var op = new CircleMeanFieldOperator(basis, new MeanFieldModel(attention, 5.0), backend);
            var c = new Complex[basis.MaxWavenumber + 1];
            c[0] = 1 / (2 * Math.PI);
            for (int k = 1; k <= basis.MaxWavenumber; k++) c[k] = 1e-3 * Complex.FromPolarCoordinates(Math.Exp(-0.05 * k), k);
            var u = basis.StateFromCoefficients(c);
            var du = new double[u.Length];
            for (int i = 0; i < 2000; i++) op.EvaluateNonlinear(0, u, du);   // warm-up and JIT tiering
            var times = new List<double>();
            for (int r = 0; r < Repetitions; r++)
            {
                long count = 0;
                var sw = Stopwatch.StartNew();
                while (sw.Elapsed.TotalSeconds < 0.2)
                {
                    for (int i = 0; i < 100; i++) op.EvaluateNonlinear(0, u, du);
                    count += 100;
                }
                times.Add(sw.Elapsed.TotalSeconds / count);
            }
            double t = Median(times);
            Console.WriteLine($"| {n} | {attention} | {backend.Name()} | {t * 1e6:F2} | {1 / t:F0} |");
        }
    }

    /// <summary>
    /// The ICLR 2025 PDE experiment (USA, β = 5, near-uniform start, T = 0.5) from configs/circle-metastable.yaml:
    /// a reference solution (tolerance 1e-13, resolution 1024) and the wall time of solves at looser settings,
    /// with their relative max-norm error in the density at T = 0.5. Solve time only: no output writing.
    /// </summary>
    public static void MetastableSolve(string configPath)
    {
        var config = ConfigLoader.LoadFile(configPath);
        var model = new MeanFieldModel(config.Model.Attention, config.Model.Beta, config.Model.Diffusion);
        const double tEnd = 0.5;
        double[] Solve(int n, double tolerance, out double seconds, out long evaluations, FftChoice backend = FftChoice.Auto)
        {
            var basis = new FourierCircleBasis(n);
            var c = MeanField.Runs.InitialLaws.InitialLawMapping.FromConfig(config).CircleCoefficients(basis.MaxWavenumber);
            var sw = Stopwatch.StartNew();
            using var solver = new CircleSpectralSolver(model, n, c, new StepperOptions(StepperKind.Dopri5, 1e-3, tolerance), backend);
            solver.AdvanceTo(tEnd);
            seconds = sw.Elapsed.TotalSeconds;
            evaluations = solver.Stepper.Evaluations;
            // Sample the band-limited solution on a common fine grid so resolutions compare.
            var values = new double[2048];
            for (int j = 0; j < values.Length; j++)
            {
                double theta = 2 * Math.PI * j / values.Length, f = solver.Coefficient(0).Real;
                for (int k = 1; k <= basis.MaxWavenumber; k++) f += 2 * (solver.Coefficient(k) * Complex.FromPolarCoordinates(1, k * theta)).Real;
                values[j] = f;
            }
            return values;
        }

        // Two independent references (different resolution and step sequence) bound the reference's own error.
        var reference = Solve(1024, 1e-14, out double refSeconds, out long refEvaluations);
        var check = Solve(2048, 3e-14, out _, out _);
        double scale = reference.Max(Math.Abs);
        double referenceError = check.Zip(reference, (a, b) => Math.Abs(a - b)).Max() / scale;
        Console.WriteLine();
        Console.WriteLine($"## ICLR 2025 PDE experiment: USA, beta = {model.Beta}, T = {tEnd}, initial law of {Path.GetFileName(configPath)}");
        Console.WriteLine($"reference: resolution 1024, tolerance 1e-14: {refSeconds:F3} s, {refEvaluations} RHS evaluations, max density {scale:F4} " +
                          $"(= {scale * 2 * Math.PI:F2} x uniform); a second reference (2048, 3e-14) differs by {referenceError:E1} relative");
        Console.WriteLine("| resolution | tolerance | FFT | solve time (s), median of 7 | RHS evaluations | relative error vs reference |");
        Console.WriteLine("|---|---|---|---|---|---|");
        FftChoice[] backends = RealFftFactory.FftwAvailable ? [FftChoice.Fftw, FftChoice.Managed] : [FftChoice.Managed];
        // Tiered JIT: solve for 2 s first so every row is measured with optimised (tier-1) code.
        var warmup = Stopwatch.StartNew();
        while (warmup.Elapsed.TotalSeconds < 2)
            foreach (var backend in backends) Solve(256, 1e-9, out _, out _, backend);
        foreach (var backend in backends)
        foreach (var (n, tol) in new[] { (256, 1e-9), (256, 1e-11), (256, 1e-12), (384, 1e-12), (512, 1e-12), (512, 1e-13) })
        {
            Solve(n, tol, out _, out _, backend);   // warm-up
            var seconds = new List<double>();
            double[] result = [];
            long evaluations = 0;
            for (int r = 0; r < Repetitions; r++)
            {
                result = Solve(n, tol, out double s, out evaluations, backend);
                seconds.Add(s);
            }
            double error = result.Zip(reference, (a, b) => Math.Abs(a - b)).Max() / scale;
            Console.WriteLine($"| {n} | {tol:E0} | {backend.Name()} | {Median(seconds):F4} | {evaluations} | {error:E2} |");
        }

        // Whole command: config → HDF5, as a user runs it (in-process, so without dotnet's start-up).
        var times = new List<double>();
        string outDir = Path.Combine(Path.GetTempPath(), "meanfield-bench");
        for (int r = 0; r < 3; r++)
        {
            var sw = Stopwatch.StartNew();
            SpectralRun.Execute(config with { Output = config.Output with { Directory = outDir } },
                new RunOptions { Quiet = true, ConfigPath = configPath, Output = TextWriter.Null, Error = TextWriter.Null });
            times.Add(sw.Elapsed.TotalSeconds);
        }
        Console.WriteLine($"whole run of {Path.GetFileName(configPath)} (t_end {config.Solver.TEnd}, resolution {config.Solver.Resolution}, HDF5 output included): median {Median(times):F3} s of 3");
    }
}
