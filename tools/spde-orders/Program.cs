// Strong orders, stability limits and exact-solution checks of the SPDE steppers (issue 14; results in
// validation/spde-steppers.md). Run in Release:
//   dotnet run --project tools/spde-orders -c Release -- orders [paths]     # strong orders with bootstrap 95% intervals
//   dotnet run --project tools/spde-orders -c Release -- stability          # largest stable k·a·√dt per scheme
//   dotnet run --project tools/spde-orders -c Release -- push-forward <run.h5>   # a circle run with fields [[1, a, 0]]
//   dotnet run --project tools/spde-orders -c Release -- series <run.h5> <task>  # a scalar task per write
using System.Diagnostics;
using System.Numerics;
using MeanField.Core;
using MeanField.Core.Noise;
using MeanField.IO.Output;
using MeanField.Spectral.Circle;
using MeanField.Spectral.Sphere;
using MeanField.Spectral.Steppers;

string what = args.Length > 0 ? args[0] : "orders";
switch (what)
{
    case "orders": Orders.Run(args.Length > 1 ? int.Parse(args[1]) : 100); break;
    case "stability": Stability.Run(); break;
    case "push-forward": RunChecks.PushForward(args[1]); break;
    case "series": RunChecks.Series(args[1], args[2]); break;
    case "gmres": RunChecks.GmresIterations(); break;
    default: Console.Error.WriteLine($"unknown command '{what}'; allowed: orders, stability, push-forward, series"); return 2;
}
return 0;

/// <summary>One component driven by B: A = Σ_j pattern_j G_j of an inner operator (so the exact solution is exp(A B(t)) u₀).</summary>
internal sealed class OneComponentNoise(ICommonNoiseOperator inner, double[] pattern, int length) : ICommonNoiseOperator
{
    private readonly double[] _weights = new double[pattern.Length];
    private readonly double[] _inner = new double[length], _zero = new double[length];
    public int Components => 1;
    public ReadOnlySpan<double> ItoCorrectionDiagonal => _zero;
    public bool HasNonDiagonalItoCorrection => true;

    public void AddNoise(ReadOnlySpan<double> u, ReadOnlySpan<double> weights, Span<double> dudt)
    {
        for (int j = 0; j < pattern.Length; j++) _weights[j] = pattern[j] * weights[0];
        inner.AddNoise(u, _weights, dudt);
    }

    public void ApplyExactPart(Span<double> u, ReadOnlySpan<double> increments, double fraction) { }

    /// <summary>½ A² u (the Itô correction of the one component).</summary>
    public void AddItoCorrection(ReadOnlySpan<double> u, Span<double> dudt)
    {
        Array.Clear(_inner);
        inner.AddNoise(u, pattern, _inner);
        var twice = new double[u.Length];
        inner.AddNoise(_inner, pattern, twice);
        for (int i = 0; i < u.Length; i++) dudt[i] += 0.5 * twice[i];
    }
}

/// <summary>The cases: a drift, a noise operator, an initial state, and (for one-component noise) the exact solution.</summary>
internal sealed record Case(string Name, Func<ISemilinearSystem> Drift, Func<ICommonNoiseOperator> Noise, double[] Initial, double T,
    double Amplitude, int TopMode, bool Exact);

internal static class Cases
{
    public const double F0 = 1 / (2 * Math.PI);

    public static Complex[] Smooth(int modes, double amplitude)
    {
        var c = new Complex[modes + 1];
        c[0] = F0;
        for (int k = 1; k <= modes; k++) c[k] = F0 * amplitude * Complex.FromPolarCoordinates(1.0 / k, 0.9 * k + 0.4);
        return c;
    }

    /// <summary>Circle, attention off, W = a cos θ ∘ dB: one component, exact solution exp(A B) u₀.</summary>
    public static Case CircleCosine(int n, double a)
    {
        var basis = new FourierCircleBasis(n);
        var field = new CircleNoiseField([0, a], [0, 0]);
        var model = new MeanFieldModel(AttentionKind.USA, 1.0) { AttentionScale = 0 };
        return new Case($"circle, W = {a} cos θ ∘ dB, attention off, n = {n}", () => new CircleMeanFieldOperator(basis, model),
            () => new OneComponentNoise(new CircleNoiseOperator(basis, field), [0, 1, 0], basis.StateLength),
            basis.StateFromCoefficients(Smooth(4, 0.5)), 0.5, a, basis.MaxWavenumber, true);
    }

    /// <summary>Circle, USA β = 2 attention with rotation + non-commuting cos θ, sin θ fields: no closed form.</summary>
    public static Case CircleAttention(int n)
    {
        var basis = new FourierCircleBasis(n);
        var field = new CircleNoiseField([0.2, 0.3], [0, 0.3]);
        var model = new MeanFieldModel(AttentionKind.USA, 2.0) { AttentionScale = 0.5 };
        return new Case($"circle, USA β = 2 (scale 0.5), fields [[0, 0.2, 0], [1, 0.3, 0.3]] (non-commuting), n = {n}",
            () => new CircleMeanFieldOperator(basis, model), () => new CircleNoiseOperator(basis, field),
            basis.StateFromCoefficients(Smooth(4, 0.5)), 0.5, 0.3, basis.MaxWavenumber, false);
    }

    /// <summary>S², attention off, one component driving a fixed degree-1 field (compressive + rotating): exact exp(A B) u₀.</summary>
    public static Case SphereDegreeOne(int lmax)
    {
        var basis = new SphereHarmonicBasis(lmax);
        var field = new SphereNoiseField([0, 1.0]);
        var pattern = new double[field.Components];
        double[] p = [0.21, -0.13, 0.07, 0.11, 0.18, -0.09, -0.05, 0.16, 0.12, 0.08, -0.14, 0.1];
        for (int j = 0; j < 12; j++) pattern[j] = 0.6 * p[j];
        var model = new MeanFieldModel(AttentionKind.USA, 1.0) { AttentionScale = 0 };
        double a = Math.Sqrt(pattern.Sum(x => x * x) / (4 * Math.PI) * 3);   // |G| scale: √(3/4π)·‖pattern‖
        return new Case($"S², one Brownian motion driving a fixed degree-1 field, attention off, lmax = {lmax}",
            () => new SphereMeanFieldOperator(basis, model), () => new OneComponentNoise(new SphereNoiseOperator(basis, field), pattern, basis.StateLength),
            basis.StateFromCoefficients(Initial(lmax)), 0.5, a, lmax, true);
    }

    /// <summary>S², SA β = 4 attention with the ReLU MLP noise of configs/sphere-common-noise.yaml (degree 3): no closed form.</summary>
    public static Case SphereMlp(int lmax)
    {
        var basis = new SphereHarmonicBasis(lmax);
        var field = SphereNoiseField.FromKernel(new MlpNoiseKernel(MlpActivation.Relu, 3, 0.1, 0.1).Kappa, 3);
        var model = new MeanFieldModel(AttentionKind.SA, 4.0);
        return new Case($"S², SA β = 4, ReLU MLP noise (σ = 0.1, degree 3, κ_trunc(1) = {field.TruncatedKappaAtOne:F4}), lmax = {lmax}",
            () => new SphereMeanFieldOperator(basis, model), () => new SphereNoiseOperator(basis, field),
            basis.StateFromCoefficients(Initial(lmax)), 0.5, Math.Sqrt(field.TruncatedKappaAtOne), lmax, false);
    }

    private static Complex[] Initial(int lmax)
    {
        double a00 = 1 / Math.Sqrt(4 * Math.PI);
        return SphereInitialLaws.Explicit(lmax,
        [
            (1, 0, 0.25 * a00), (1, 1, a00 * new Complex(0.1, -0.05)), (2, 1, a00 * new Complex(0.05, 0.08)), (3, 2, a00 * new Complex(-0.04, 0.03)),
        ]);
    }

    /// <summary>u(T) of a scheme at step dt on path p (seed fixed): the Brownian tree makes every dt read one path.</summary>
    public static double[] Run(Case c, StepperKind scheme, double dt, int path)
    {
        var (stepper, _) = new StochasticOptions(scheme, dt, 14, path).CreateStepper(c.Drift(), c.Noise(), c.Initial, 0);
        stepper.AdvanceTo(c.T);
        return stepper.State.ToArray();
    }

    /// <summary>exp(A B(T)) u₀ for a one-component case: RK4 in β = B from 0 to B(T), 4000 steps (error ≪ 1e-10 here).</summary>
    public static double[] Exact(Case c, int path)
    {
        var noise = c.Noise();
        var b = new double[1];
        new BrownianTree(14, 1, path).Increment(0, c.T, b);   // B(T): the path every dt reads
        var system = new FrozenNoise(noise, c.Initial.Length);
        var stepper = new FixedStepStepper(system, ButcherTableau.ClassicalRk4, c.Initial, 0, Math.Abs(b[0]) / 4000 + 1e-300);
        if (b[0] == 0) return c.Initial.ToArray();
        system.Sign = Math.Sign(b[0]);
        stepper.AdvanceTo(Math.Abs(b[0]));
        return stepper.State.ToArray();
    }

    private sealed class FrozenNoise(ICommonNoiseOperator noise, int length) : ISemilinearSystem
    {
        private readonly double[] _zero = new double[length];
        public double Sign { get; set; } = 1;
        public int Length => length;
        public ReadOnlySpan<double> LinearDiagonal => _zero;
        public void EvaluateNonlinear(double t, ReadOnlySpan<double> u, Span<double> dudt)
        {
            dudt.Clear();
            noise.AddNoise(u, [Sign], dudt);
        }
    }

    public static double RelativeDistance(double[] x, double[] y)
    {
        double d = 0, n = 0;
        for (int i = 0; i < x.Length; i++) { d += (x[i] - y[i]) * (x[i] - y[i]); n += y[i] * y[i]; }
        return Math.Sqrt(d / n);
    }
}

internal static class Orders
{
    public static readonly StepperKind[] Schemes = [StepperKind.Heun, StepperKind.EulerMaruyama, StepperKind.MidpointSplitting, StepperKind.GaussSplitting];

    public static void Run(int paths)
    {
        Console.WriteLine($"# Strong orders of the SPDE steppers ({paths} paths per case, steps dt … dt/16 on one Brownian-tree path each)");
        Console.WriteLine();
        Console.WriteLine("Error: RMS over paths of the relative ℓ² distance of the state at T. Exact cases (one noise component): against");
        Console.WriteLine("exp(A B(T)) u₀ of the Galerkin system, so the spatial truncation cancels. Other cases: successive levels");
        Console.WriteLine("‖u_h − u_{h/2}‖ (unbiased for the order, no reference run). Order = least-squares slope of log error on log h;");
        Console.WriteLine("95% interval by bootstrap over paths (1000 resamples).");
        Report(Cases.CircleCosine(64, 0.5), paths, 0.5 / 64);
        Report(Cases.CircleAttention(64), paths, 0.5 / 64);
        Report(Cases.SphereDegreeOne(12), paths, 0.5 / 16);
        Report(Cases.SphereMlp(8), paths, 0.5 / 16);
    }

    private static void Report(Case c, int paths, double dt0)
    {
        const int levels = 5;
        Console.WriteLine();
        Console.WriteLine($"## {c.Name}, T = {c.T}, dt = {dt0:G4} … {dt0 / 16:G4}; top mode K·a·√dt at the coarsest step = {c.TopMode * c.Amplitude * Math.Sqrt(dt0):F2}");
        Console.WriteLine();
        Console.WriteLine("| scheme | RMS error at dt, dt/2, …, dt/16 | strong order | 95% interval | seconds |");
        Console.WriteLine("|---|---|---|---|---|");
        foreach (StepperKind scheme in Schemes)
        {
            var watch = Stopwatch.StartNew();
            int points = c.Exact ? levels : levels - 1;
            var errors = new double[paths, points];
            bool failed = false;
            for (int p = 0; p < paths && !failed; p++)
            {
                try
                {
                    var states = Enumerable.Range(0, levels).Select(l => Cases.Run(c, scheme, dt0 / (1 << l), p)).ToArray();
                    if (c.Exact)
                    {
                        var exact = Cases.Exact(c, p);
                        for (int l = 0; l < levels; l++) errors[p, l] = Cases.RelativeDistance(states[l], exact);
                    }
                    else
                        for (int l = 0; l + 1 < levels; l++) errors[p, l] = Cases.RelativeDistance(states[l], states[l + 1]);
                }
                catch (IntegrationException) { failed = true; }
            }
            var h = Enumerable.Range(0, points).Select(l => dt0 / (1 << l)).ToArray();
            var rms = Rms(errors, Enumerable.Range(0, paths).ToArray());
            if (failed || rms.Any(e => !double.IsFinite(e) || e > 1))
            {
                Console.WriteLine($"| {scheme} | unstable (non-finite or O(1) error at the coarse steps) | – | – | {watch.Elapsed.TotalSeconds:F1} |");
                continue;
            }
            double order = Slope(h, rms);
            var random = new System.Random(1);
            var boot = new double[1000];
            for (int b = 0; b < boot.Length; b++)
                boot[b] = Slope(h, Rms(errors, Enumerable.Range(0, paths).Select(_ => random.Next(paths)).ToArray()));
            Array.Sort(boot);
            Console.WriteLine($"| {scheme} | {string.Join(", ", rms.Select(e => e.ToString("E2")))} | {order:F2} | [{boot[25]:F2}, {boot[974]:F2}] | {watch.Elapsed.TotalSeconds:F1} |");
        }
    }

    private static double[] Rms(double[,] errors, int[] sample)
    {
        int points = errors.GetLength(1);
        var rms = new double[points];
        for (int l = 0; l < points; l++)
        {
            double s = 0;
            foreach (int p in sample) s += errors[p, l] * errors[p, l];
            rms[l] = Math.Sqrt(s / sample.Length);
        }
        return rms;
    }

    private static double Slope(double[] h, double[] e)
    {
        var x = h.Select(v => Math.Log(v)).ToArray();
        var y = e.Select(v => Math.Log(v)).ToArray();
        double mx = x.Average(), my = y.Average(), sxy = 0, sxx = 0;
        for (int i = 0; i < x.Length; i++) { sxy += (x[i] - mx) * (y[i] - my); sxx += (x[i] - mx) * (x[i] - mx); }
        return sxy / sxx;
    }
}

internal static class Stability
{
    /// <summary>
    /// For each scheme, the largest dt = 2⁻ᵏ (k = 2, 3, …, scanned from large to small) at which the one-component cosine
    /// case at n = 256 (K = 85, a = 1) stays bounded to T = 1 on 5 paths: finite, with ‖u(T)‖₂ ≤ 2‖exp(A B(T)) u₀‖₂
    /// (the exact solution's norm; unstable schemes grow the top modes by many orders of magnitude). Reported with
    /// K·a·√dt and the RMS relative error there (stability, not accuracy).
    /// </summary>
    public static void Run()
    {
        Console.WriteLine("# Largest stable K·a·√dt (circle, W = a cos θ ∘ dB, attention off, a = 1, n = 256 so K = 85, T = 1, 5 paths)");
        Console.WriteLine();
        Console.WriteLine("Stable: every path finite with ‖u(T)‖₂ ≤ 2‖exp(A B(T)) u₀‖₂; dt = 2⁻ᵏ scanned from k = 2 (K·a·√dt = 42) downwards, to k = 22.");
        Console.WriteLine();
        Console.WriteLine("| scheme | largest stable dt | K·a·√dt there | relative error there | seconds |");
        Console.WriteLine("|---|---|---|---|---|");
        var c = Cases.CircleCosine(256, 1.0) with { T = 1.0 };
        var exact = Enumerable.Range(0, 5).Select(p => Cases.Exact(c, p)).ToArray();
        foreach (StepperKind scheme in Orders.Schemes)
        {
            var watch = Stopwatch.StartNew();
            double found = double.NaN, error = double.NaN;
            for (int k = 2; k <= 22 && double.IsNaN(found); k++)
            {
                double dt = Math.Pow(2, -k), squares = 0;
                bool ok = true;
                for (int p = 0; p < 5 && ok; p++)
                {
                    try
                    {
                        var u = Cases.Run(c, scheme, dt, p);
                        ok = u.All(double.IsFinite) && Norm(u) <= 2 * Norm(exact[p]);
                        double e = Cases.RelativeDistance(u, exact[p]);
                        squares += e * e / 5;
                    }
                    catch (IntegrationException) { ok = false; }
                }
                if (ok) { found = dt; error = Math.Sqrt(squares); }
            }
            Console.WriteLine(double.IsNaN(found)
                ? $"| {scheme} | none ≥ 2⁻²² | – | – | {watch.Elapsed.TotalSeconds:F0} |"
                : $"| {scheme} | 2^{Math.Log2(found):F0} = {found:G4} | {85 * Math.Sqrt(found):F2} | {error:E2} | {watch.Elapsed.TotalSeconds:F0} |");
        }
    }

    private static double Norm(double[] u) => Math.Sqrt(u.Sum(x => x * x));
}

internal static class RunChecks
{
    /// <summary>
    /// A circle run with attention off, no diffusion and fields [[1, a, 0]]: the max-norm error of /tasks/density at every
    /// write against the exact push-forward tan(θ/2 + π/4) = tan(θ₀/2 + π/4)·e^{aB(t)} of the first write (B the running
    /// sum of /tasks/noise_increments, component 1), relative to max ρ_exact. ρ₀ between grid points: trigonometric interpolation.
    /// </summary>
    public static void PushForward(string file)
    {
        using var run = RunFile.Open(file);
        var theta = run.Vector("grid/theta");
        var cos = run.Vector("grid/noise_amplitude_cos");
        double a = cos[1];
        var density = run.Matrix("tasks/density");
        var increments = run.Matrix("tasks/noise_increments");
        var times = run.Vector("scales/sim_time");
        int n = theta.Length, writes = times.Length;
        // ρ₀'s Fourier coefficients from the first write (exact for band-limited data).
        int kmax = n / 2 - 1;
        var c = new Complex[kmax + 1];
        for (int k = 0; k <= kmax; k++)
        {
            Complex s = 0;
            for (int j = 0; j < n; j++) s += density[0, j] * Complex.FromPolarCoordinates(1, -k * theta[j]);
            c[k] = s / n;
        }
        double b = 0, worst = 0;
        Console.WriteLine($"# {file}: a = {a}, {writes} writes");
        for (int w = 0; w < writes; w++)
        {
            b += increments[w, 1];
            double error = 0, top = 0, e = Math.Exp(-a * b);
            for (int j = 0; j < n; j++)
            {
                double phi = theta[j] / 2 + Math.PI / 4;
                var (sin, cs) = Math.SinCos(phi);
                double theta0 = 2 * Math.Atan2(e * sin, cs) - Math.PI / 2;
                double jacobian = e / (cs * cs + e * e * sin * sin);
                double rho0 = c[0].Real;
                for (int k = 1; k <= kmax; k++) rho0 += 2 * (c[k] * Complex.FromPolarCoordinates(1, k * theta0)).Real;
                double exact = rho0 * jacobian;
                error = Math.Max(error, Math.Abs(density[w, j] - exact));
                top = Math.Max(top, exact);
            }
            worst = Math.Max(worst, error / top);
            Console.WriteLine($"t = {times[w]:F3}  B = {b,9:F5}  relative max-norm error {error / top:E3}");
        }
        Console.WriteLine($"worst over writes: {worst:E3}");
    }

    /// <summary>GMRES iterations of one S² noise step (the ReLU MLP field of configs/sphere-common-noise.yaml) per lmax and dt.</summary>
    public static void GmresIterations()
    {
        var field = SphereNoiseField.FromKernel(new MlpNoiseKernel(MlpActivation.Relu, 3, 0.1, 0.1).Kappa, 3);
        Console.WriteLine("| lmax | dt | midpoint iterations (mean over 20 steps) | gauss iterations |");
        Console.WriteLine("|---|---|---|---|");
        foreach (int lmax in new[] { 32, 64 })
        foreach (double dt in new[] { 2.5e-4, 1e-3, 4e-3 })
        {
            using var basis = new SphereHarmonicBasis(lmax);
            var noise = new SphereNoiseOperator(basis, field);
            var u = basis.StateFromCoefficients(SphereInitialLaws.Explicit(lmax, [(1, 0, 0.07), (2, 1, new Complex(0.02, 0.03)), (9, 4, new Complex(0.01, 0.01))]));
            var path = new CommonNoisePath(7, field.Components, dt);
            var db = new double[field.Components];
            var result = new double[u.Length];
            var counts = new List<double>();
            foreach (var rule in NoiseStepRule.All)
            {
                var solver = new KrylovNoiseStepSolver(noise, u.Length, rule);
                double sum = 0;
                for (int s = 0; s < 20; s++)
                {
                    path.Increments(s, db);
                    solver.Solve(u, db, result);
                    sum += solver.LastIterations;
                }
                counts.Add(sum / 20);
            }
            Console.WriteLine($"| {lmax} | {dt:G3} | {counts[0]:F1} | {counts[1]:F1} |");
        }
    }

    public static void Series(string file, string task)
    {
        using var run = RunFile.Open(file);
        var times = run.Vector("scales/sim_time");
        var values = run.Vector($"tasks/{task}");
        for (int w = 0; w < times.Length; w++) Console.WriteLine($"{times[w]:F3} {values[w]:G8}");
    }
}
