using System.Numerics;
using MeanField.Core;
using MeanField.Core.Noise;
using MeanField.Spectral.Sphere;
using MeanField.Spectral.Steppers;

namespace MeanField.Spectral.Tests;

/// <summary>The S² SPDE with common noise (MATH §3.3): noise layout, rigid rotations, mean decay, strong order, mass.</summary>
public class SphereStochasticTests
{
    private static readonly double A00 = 1 / Math.Sqrt(4 * Math.PI);

    /// <summary>A smooth initial density of degree ≤ 3 (positive: perturbations total ≤ 0.6 of the uniform part).</summary>
    private static Complex[] Initial(int lmax) => SphereInitialLaws.Explicit(lmax,
    [
        (1, 0, 0.25 * A00), (1, 1, A00 * new Complex(0.1, -0.05)), (2, 1, A00 * new Complex(0.05, 0.08)), (3, 2, A00 * new Complex(-0.04, 0.03)),
    ]);

    /// <summary>Y_n^m(θ, φ), orthonormal with the Condon–Shortley phase, from the textbook P_n^m recurrence (independent of the SHT).</summary>
    private static Complex Harmonic(int n, int m, double theta, double phi)
    {
        double x = Math.Cos(theta), s = Math.Sin(theta);
        double pmm = 1;
        for (int k = 1; k <= m; k++) pmm *= -(2 * k - 1) * s;      // P_m^m = (−1)^m (2m−1)!! sin^m θ
        double p = pmm;
        if (n > m)
        {
            double p1 = x * (2 * m + 1) * pmm, p0 = pmm;
            for (int l = m + 2; l <= n; l++) (p0, p1) = (p1, ((2 * l - 1) * x * p1 - (l + m - 1) * p0) / (l - m));
            p = p1;
        }
        double ratio = 1;   // (n−m)!/(n+m)!
        for (int k = n - m + 1; k <= n + m; k++) ratio /= k;
        return Math.Sqrt((2 * n + 1) / (4 * Math.PI) * ratio) * p * Complex.FromPolarCoordinates(1, m * phi);
    }

    /// <summary>Real orthonormal Y_{n,i}: i = 0 → Y_n^0, i = 2m−1 → √2 Re Y_n^m, i = 2m → √2 Im Y_n^m (SphereNoiseField's layout).</summary>
    private static double RealHarmonic(int n, int i, double theta, double phi)
    {
        if (i == 0) return Harmonic(n, 0, theta, phi).Real;
        var y = Harmonic(n, (i + 1) / 2, theta, phi);
        return Math.Sqrt(2) * (i % 2 == 1 ? y.Real : y.Imaginary);
    }

    [Test]
    public void SynthesisedScalarFieldsEqualTheDirectRealHarmonicSum()
    {
        var field = new SphereNoiseField([0.7, 1.3, 0.4, 0.25]);
        using var basis = new SphereHarmonicBasis(6);
        var noise = new SphereNoiseOperator(basis, field);
        var db = new double[field.Components];
        new CommonNoisePath(7, field.Components, 0.01).Increments(3, db);
        var grid = new double[basis.GridSize];
        // Closed form anchor: Y_{1,1} = √2 Re Y_1^1 = −√(3/4π) x.
        Assert.That(RealHarmonic(1, 1, 0.7, 0.3), Is.EqualTo(-Math.Sqrt(3 / (4 * Math.PI)) * Math.Sin(0.7) * Math.Cos(0.3)).Within(1e-15));
        double worst = 0;
        for (int alpha = 0; alpha < 3; alpha++)
        {
            noise.ScalarField(alpha, db, grid);
            for (int i = 0; i < basis.Nlat; i += 3)
                for (int k = 0; k < basis.Nlon; k += 2)
                {
                    double theta = basis.Colatitudes[i], phi = basis.Longitudes[k], direct = 0;
                    for (int n = 0; n <= field.MaxDegree; n++)
                        for (int r = 0; r <= 2 * n; r++)
                            direct += Math.Sqrt(field.DegreeVariance(n)) * RealHarmonic(n, r, theta, phi) * db[SphereNoiseField.ComponentIndex(n, r, alpha)];
                    worst = Math.Max(worst, Math.Abs(grid[i * basis.Nlon + k] - direct));
                }
        }
        Assert.That(worst, Is.LessThan(1e-13));
    }

    /// <summary>
    /// Increments for which G(x, ΔB) = ω (axis × x), a rigid rotation: with x = −Y_{1,1}/c, y = −Y_{1,2}/c, z = Y_{1,0}/c
    /// (c = √(3/4π)), (axis × x)_α is a degree-1 scalar field for each α.
    /// </summary>
    private static double[] RotationIncrements(SphereNoiseField field, int axis, double omega)
    {
        var db = new double[field.Components];
        double k = omega / (Math.Sqrt(3 / (4 * Math.PI)) * Math.Sqrt(field.DegreeVariance(1)));
        // coordinate q as a combination of real degree-1 harmonics: index i and sign
        (int I, double Sign)[] coordinate = [(1, -1), (2, -1), (0, 1)];
        // (e_axis × x)_α = ε_{α, axis, q} x_q
        for (int alpha = 0; alpha < 3; alpha++)
            for (int q = 0; q < 3; q++)
            {
                int eps = LeviCivita(alpha, axis, q);
                if (eps == 0) continue;
                db[SphereNoiseField.ComponentIndex(1, coordinate[q].I, alpha)] += eps * coordinate[q].Sign * k;
            }
        return db;
    }

    private static int LeviCivita(int i, int j, int k) => (i == j || j == k || i == k) ? 0 : ((j - i + 3) % 3 == 1 ? 1 : -1);

    [TestCase(0)]
    [TestCase(1)]
    [TestCase(2)]
    public void RigidRotationNoiseRotatesTheDensity(int axis)
    {
        const int lmax = 8;
        const double omega = 0.9, time = 1.3;
        var field = new SphereNoiseField([0.3, 0.8, 0.2]);
        var model = new MeanFieldModel(AttentionKind.USA, 2.0) { AttentionScale = 0 };
        using var basis = new SphereHarmonicBasis(lmax);
        // ΔB/h held fixed (h = 1): the transport ODE of the rotation field, integrated by RK4.
        var system = new FrozenNoiseSystem(new SphereMeanFieldOperator(basis, model), new SphereNoiseOperator(basis, field), RotationIncrements(field, axis, omega));
        var u0 = basis.StateFromCoefficients(Initial(lmax));
        var stepper = new FixedStepStepper(system, ButcherTableau.ClassicalRk4, u0, 0, 1e-3);
        stepper.AdvanceTo(time);
        var u = stepper.State;
        var before = SphereSpectralSolver.DegreeSpectrum(basis, u0);
        var after = SphereSpectralSolver.DegreeSpectrum(basis, u);
        for (int n = 0; n <= lmax; n++)
            Assert.That(after[n], Is.EqualTo(before[n]).Within(1e-12), $"a rotation keeps the degree-{n} power");
        if (axis != 2) return;
        // About z: ρ(θ, φ − ωt), i.e. a_l^m → a_l^m e^{−imωt}.
        for (int m = 0; m <= lmax; m++)
            for (int l = m; l <= lmax; l++)
            {
                var expected = basis.Coefficient(u0, l, m) * Complex.FromPolarCoordinates(1, -m * omega * time);
                Assert.That(Complex.Abs(basis.Coefficient(u, l, m) - expected), Is.LessThan(1e-12), $"l = {l}, m = {m}");
            }
    }

    /// <summary>du/dt = N(u) + Σ_j G_j(u) w_j with the weights w held fixed: the ODE one stochastic step integrates, as the stepper forms it.</summary>
    private sealed class FrozenNoiseSystem(ISemilinearSystem drift, ICommonNoiseOperator noise, double[] weights) : ISemilinearSystem
    {
        public int Length => drift.Length;
        public ReadOnlySpan<double> LinearDiagonal => drift.LinearDiagonal;
        public void EvaluateNonlinear(double t, ReadOnlySpan<double> u, Span<double> dudt) => noise.EvaluateDriftAndNoise(drift, t, u, weights, dudt);
    }

    [Test]
    public void OneGridPassEqualsTheAttentionDriftPlusTheNoiseFlux()
    {
        // The stepper's fused evaluation (attention and noise flux on one grid) is the sum of the two separate fluxes.
        const int lmax = 8;
        var field = new SphereNoiseField([0.3, 0.8, 0.2, 0.1]);
        using var basis = new SphereHarmonicBasis(lmax);
        var u = basis.StateFromCoefficients(Initial(lmax));
        var weights = new double[field.Components];
        new CommonNoisePath(4, field.Components, 0.01).Increments(2, weights);
        foreach (var attention in new[] { AttentionKind.USA, AttentionKind.SA })
        {
            var drift = new SphereMeanFieldOperator(basis, new MeanFieldModel(attention, 3.0));
            ICommonNoiseOperator noise = new SphereNoiseOperator(basis, field);
            var fused = new double[u.Length];
            var separate = new double[u.Length];
            noise.EvaluateDriftAndNoise(drift, 0, u, weights, fused);
            drift.EvaluateNonlinear(0, u, separate);
            noise.AddNoise(u, weights, separate);
            double scale = separate.Max(Math.Abs);
            for (int i = 0; i < u.Length; i++) Assert.That(fused[i], Is.EqualTo(separate[i]).Within(1e-13 * scale), $"{attention}, entry {i}");
        }
    }

    /// <summary>Run one path to t = steps·dt·incrementsPerStep and return the state.</summary>
    private static double[] RunPath(MeanFieldModel model, int lmax, SphereNoiseField field, StepperKind scheme, double dt, int incrementsPerStep,
        int path, double time, ulong seed = 11)
    {
        using var solver = new SphereSpectralSolver(model, lmax, Initial(lmax), field, new StochasticOptions(scheme, dt, seed, path) { IncrementsPerStep = incrementsPerStep });
        solver.AdvanceTo(time);
        return solver.State.ToArray();
    }

    [Test]
    public void WithAttentionOffTheMeanCoefficientsDecayLikeTheHeatSemigroup()
    {
        // MATH §3.3: the SPDE is linear, E μ_t = e^{t (κ_trunc(1)/2) Δ} μ_0, so every E a_n^m(t) = a_n^m(0) e^{−(κ/2) n(n+1) t}
        // (exact in the Galerkin system for n + L_noise + 1 ≤ lmax, where no flux is truncated). Linearity lets the start be a
        // signed, mass-free perturbation: the random transport of the uniform part would only add variance.
        // Per degree the statistic is the projection X = ⟨a_n(0), a_n(t)⟩/|a_n(0)|², E X = e^{−(κ/2) n(n+1) t}.
        const int lmax = 7, paths = 200;
        const double time = 0.8, dt = 0.02;
        var field = new SphereNoiseField([0.5, 1.0, 0.5]);
        double kappa = field.TruncatedKappaAtOne;
        Assert.That(kappa, Is.EqualTo(6 / (4 * Math.PI)).Within(1e-14));
        var model = new MeanFieldModel(AttentionKind.USA, 1.0) { AttentionScale = 0 };
        using var basis = new SphereHarmonicBasis(lmax);
        var initial = SphereInitialLaws.Explicit(lmax,
            [(0, 0, 0), (1, 0, 0.5), (1, 1, new Complex(0.3, -0.2)), (2, 1, new Complex(0.2, 0.3)), (2, 2, 0.25), (3, 0, -0.3), (3, 2, new Complex(-0.2, 0.1))]);
        var u0 = basis.StateFromCoefficients(initial);
        const int degrees = 3;
        foreach (StepperKind scheme in StochasticOptions.Schemes)
        {
            var samples = new double[degrees, paths];
            for (int p = 0; p < paths; p++)
            {
                using var solver = new SphereSpectralSolver(model, lmax, initial, field, new StochasticOptions(scheme, dt, 5, p));
                solver.AdvanceTo(time);
                for (int n = 1; n <= degrees; n++) samples[n - 1, p] = Projection(basis, u0, solver.State, n);
            }
            for (int n = 1; n <= degrees; n++)
            {
                double expected = Math.Exp(-0.5 * kappa * n * (n + 1) * time);
                var (mean, se) = MeanAndStandardError(samples, n - 1);
                TestContext.Out.WriteLine($"{scheme} degree {n}: E X = {mean:F4} ± {se:F4}, expected {expected:F4} (κ 20 % larger: {Math.Exp(-0.6 * kappa * n * (n + 1) * time):F4})");
                Assert.That(Math.Abs(mean - expected), Is.LessThan(4 * se), $"{scheme}, degree {n}");
            }
        }
    }

    /// <summary>⟨a_n(0), a_n(t)⟩/|a_n(0)|² over m = −n..n (real inner product; m &gt; 0 counts twice).</summary>
    private static double Projection(SphereHarmonicBasis basis, ReadOnlySpan<double> u0, ReadOnlySpan<double> u, int n)
    {
        double dot = 0, norm = 0;
        for (int m = 0; m <= n; m++)
        {
            var a = basis.Coefficient(u0, n, m);
            var b = basis.Coefficient(u, n, m);
            double w = m == 0 ? 1 : 2;
            dot += w * (a.Real * b.Real + a.Imaginary * b.Imaginary);
            norm += w * (a.Real * a.Real + a.Imaginary * a.Imaginary);
        }
        return dot / norm;
    }

    private static (double Mean, double StandardError) MeanAndStandardError(double[,] samples, int row)
    {
        int n = samples.GetLength(1);
        double mean = 0, square = 0;
        for (int p = 0; p < n; p++) mean += samples[row, p];
        mean /= n;
        for (int p = 0; p < n; p++) square += (samples[row, p] - mean) * (samples[row, p] - mean);
        return (mean, Math.Sqrt(square / (n - 1) / n));
    }

    [Test]
    public void HeunHasStrongOrderOneHalf()
    {
        // Nested paths (StochasticOptions.IncrementsPerStep: a coarse run sums the fine increments). The noise fields do not commute
        // (their Lie brackets are non-zero), so the Lévy areas Heun ignores give strong order ½. The error is measured as
        // the RMS difference of successive levels, ‖u_{2h} − u_h‖ ∝ h^{1/2}, which a finest-level reference would bias.
        // Weak noise keeps the order-1 terms (relative size ~ n√(κh) for degree n) below the order-½ ones.
        const int lmax = 5, paths = 100, fine = 64;
        const double time = 0.5;
        double dt = time / fine;
        var field = new SphereNoiseField([0.04, 0.12, 0.06]);
        var model = new MeanFieldModel(AttentionKind.USA, 1.0);
        int[] levels = [1, 2, 4, 8, 16];
        var squares = new double[levels.Length - 1];
        for (int p = 0; p < paths; p++)
        {
            var previous = RunPath(model, lmax, field, StepperKind.Heun, dt, levels[0], p, time);
            for (int s = 1; s < levels.Length; s++)
            {
                var u = RunPath(model, lmax, field, StepperKind.Heun, dt, levels[s], p, time);
                double e = 0;
                for (int i = 0; i < u.Length; i++) e += (u[i] - previous[i]) * (u[i] - previous[i]);
                squares[s - 1] += e / paths;
                previous = u;
            }
        }
        var x = levels.Skip(1).Select(k => Math.Log(k * dt)).ToArray();
        var y = squares.Select(e => 0.5 * Math.Log(e)).ToArray();
        double slope = Slope(x, y);
        TestContext.Out.WriteLine($"RMS level differences {string.Join(", ", squares.Select(Math.Sqrt).Select(e => e.ToString("E3")))}; fitted strong order {slope:F3}");
        Assert.That(slope, Is.EqualTo(0.5).Within(0.3));
    }

    private static double Slope(double[] x, double[] y)
    {
        double mx = x.Average(), my = y.Average(), sxy = 0, sxx = 0;
        for (int i = 0; i < x.Length; i++)
        {
            sxy += (x[i] - mx) * (y[i] - my);
            sxx += (x[i] - mx) * (x[i] - mx);
        }
        return sxy / sxx;
    }

    [Test]
    public void ItoCorrectionOfTheGalerkinNoiseIsTheTruncatedKappaLaplacian()
    {
        // The Stratonovich → Itô drift of du = Σ_j B_j u ∘ dB^j is ½ Σ_j B_j B_j u. MATH §3.3's truncation rule says it is
        // (κ_trunc(1)/2) Δ_S u; in the Galerkin system exactly so for degrees n with n + L_noise + 1 ≤ lmax (no flux lost),
        // which is what euler_maruyama's linear part uses.
        const int lmax = 10;
        var field = new SphereNoiseField([0.5, 1.0, 0.3, 0.2]);
        using var basis = new SphereHarmonicBasis(lmax);
        var noise = new SphereNoiseOperator(basis, field);
        var u = basis.StateFromCoefficients(SphereInitialLaws.Explicit(lmax,
            [(0, 0, 0), (1, 0, 0.5), (1, 1, new Complex(0.3, -0.2)), (2, 1, new Complex(0.2, 0.3)), (3, 0, -0.3), (5, 4, new Complex(-0.2, 0.1))]));
        var drift = new double[u.Length];
        var once = new double[u.Length];
        var twice = new double[u.Length];
        var unit = new double[field.Components];
        for (int j = 0; j < field.Components; j++)
        {
            Array.Clear(unit);
            unit[j] = 1;
            Array.Clear(once);
            Array.Clear(twice);
            noise.AddNoise(u, unit, once);      // B_j u
            noise.AddNoise(once, unit, twice);
            for (int i = 0; i < u.Length; i++) drift[i] += 0.5 * twice[i];
        }
        double kappa = field.TruncatedKappaAtOne;
        for (int l = 0; l <= lmax - field.MaxDegree - 1; l++)
            for (int m = 0; m <= l; m++)
            {
                var expected = -0.5 * kappa * l * (l + 1) * basis.Coefficient(u, l, m);
                Assert.That(Complex.Abs(basis.Coefficient(drift, l, m) - expected), Is.LessThan(1e-14), $"l = {l}, m = {m}");
                var diagonal = noise.ItoCorrectionDiagonal[2 * basis.Index(l, m)] * basis.Coefficient(u, l, m);
                Assert.That(Complex.Abs(diagonal - expected), Is.LessThan(1e-14), $"euler_maruyama's diagonal, l = {l}, m = {m}");
            }
        Assert.That(noise.HasNonDiagonalItoCorrection, Is.False);
    }

    [Test]
    public void HeunEulerMaruyamaAndGaussSplittingAgreeWeakly()
    {
        // Attention on (nonlinear): E a_1^0(t) and E 𝓔_β(t) of the Stratonovich and the Itô scheme agree within Monte Carlo error.
        const int lmax = 8, paths = 80;
        const double time = 0.5, dt = 0.01;
        var field = SphereNoiseField.FromKernel(new MlpNoiseKernel(MlpActivation.Relu, 3, 0.3, 0.3).Kappa, 3);
        var model = new MeanFieldModel(AttentionKind.USA, 2.0);
        StepperKind[] schemes = [StepperKind.Heun, StepperKind.EulerMaruyama, StepperKind.GaussSplitting];
        var samples = new double[2 * schemes.Length, paths];
        for (int p = 0; p < paths; p++)
        {
            int row = 0;
            foreach (StepperKind scheme in schemes)
            {
                using var solver = new SphereSpectralSolver(model, lmax, Initial(lmax), field, new StochasticOptions(scheme, dt, 9, p));
                solver.AdvanceTo(time);
                samples[row++, p] = solver.Coefficient(1, 0).Real;
                samples[row++, p] = solver.P3Energy(solver.State);
            }
        }
        foreach (var (row, name) in new[] { (0, "a_1^0"), (1, "P3 energy") })
        {
            var (heun, seHeun) = MeanAndStandardError(samples, row);
            var (euler, seEuler) = MeanAndStandardError(samples, row + 2);
            var (gauss, seGauss) = MeanAndStandardError(samples, row + 4);
            TestContext.Out.WriteLine($"{name}: heun {heun:G5} ± {seHeun:G2}, euler_maruyama {euler:G5} ± {seEuler:G2}, gauss_splitting {gauss:G5} ± {seGauss:G2}");
            Assert.That(Math.Abs(heun - euler), Is.LessThan(4 * Math.Sqrt(seHeun * seHeun + seEuler * seEuler)), name);
            // The splitting is a Stratonovich scheme too (no Itô correction): it must agree with the Itô scheme in law.
            Assert.That(Math.Abs(gauss - euler), Is.LessThan(4 * Math.Sqrt(seGauss * seGauss + seEuler * seEuler)), name);
        }
    }

    [Test]
    public void P3EnergyOfTheUniformDensityHasItsClosedForm()
    {
        // 𝓔_β(σ̄) = ½(e^β − ∬ e^{β⟨x,y⟩} dσ̄ dσ̄) = ½(e^β − sinh β / β).
        const double beta = 3;
        var field = new SphereNoiseField([0.1, 0.1]);
        using var solver = new SphereSpectralSolver(new MeanFieldModel(AttentionKind.USA, beta), 4, SphereInitialLaws.Explicit(4, []), field,
            new StochasticOptions(StepperKind.Heun, 0.01, 1));
        Assert.That(solver.P3Energy(solver.State), Is.EqualTo(0.5 * (Math.Exp(beta) - Math.Sinh(beta) / beta)).Within(1e-12));
    }

    [TestCase(StepperKind.Heun)]
    [TestCase(StepperKind.EulerMaruyama)]
    public void MassIsConserved(StepperKind scheme)
    {
        var field = SphereNoiseField.FromKernel(new MlpNoiseKernel(MlpActivation.Relu, 3, 0.1, 0.1).Kappa, 5);
        using var solver = new SphereSpectralSolver(new MeanFieldModel(AttentionKind.SA, 4.0), 8, Initial(8), field, new StochasticOptions(scheme, 0.02, 3));
        solver.AdvanceTo(1.0);
        Assert.That(solver.Stepper.Steps, Is.EqualTo(50));
        Assert.That(solver.Diagnose().Mass, Is.EqualTo(1).Within(1e-12));
    }

    // ---- implicit splitting: the projective flow of a degree-1 field ------------------------------------------------

    /// <summary>
    /// A degree-1 noise field is linear before projection: w(x, ΔB) = M(ΔB) x with M_{α·} = √C₁ c (−ΔB^{1,1,α}, −ΔB^{1,2,α},
    /// ΔB^{1,0,α}) from Y_{1,0} = c z, Y_{1,1} = −c x, Y_{1,2} = −c y (c = √(3/4π)); G = P_x M x moves points by the
    /// projective flow of ẋ = Mx.
    /// </summary>
    private static double[,] DegreeOneMatrix(SphereNoiseField field, ReadOnlySpan<double> db)
    {
        double scale = Math.Sqrt(field.DegreeVariance(1)) * Math.Sqrt(3 / (4 * Math.PI));
        var m = new double[3, 3];
        for (int alpha = 0; alpha < 3; alpha++)
        {
            m[alpha, 0] = -scale * db[SphereNoiseField.ComponentIndex(1, 1, alpha)];
            m[alpha, 1] = -scale * db[SphereNoiseField.ComponentIndex(1, 2, alpha)];
            m[alpha, 2] = scale * db[SphereNoiseField.ComponentIndex(1, 0, alpha)];
        }
        return m;
    }

    private static double[,] Multiply(double[,] a, double[,] b)
    {
        var c = new double[3, 3];
        for (int i = 0; i < 3; i++)
            for (int j = 0; j < 3; j++)
                for (int k = 0; k < 3; k++) c[i, j] += a[i, k] * b[k, j];
        return c;
    }

    /// <summary>e^M by scaling and squaring with a 24-term Taylor series (‖M/2^s‖ ≤ ½): to round-off for a 3×3 M.</summary>
    private static double[,] Exponential(double[,] m)
    {
        double norm = 0;
        foreach (double v in m) norm = Math.Max(norm, Math.Abs(v));
        int s = Math.Max(0, (int)Math.Ceiling(Math.Log2(3 * norm / 0.5)));
        var a = new double[3, 3];
        for (int i = 0; i < 3; i++) for (int j = 0; j < 3; j++) a[i, j] = m[i, j] / Math.Pow(2, s);
        var result = new double[3, 3];
        var term = new double[3, 3];
        for (int i = 0; i < 3; i++) result[i, i] = term[i, i] = 1;
        for (int k = 1; k <= 24; k++)
        {
            term = Multiply(term, a);
            for (int i = 0; i < 3; i++) for (int j = 0; j < 3; j++) { term[i, j] /= k; result[i, j] += term[i, j]; }
        }
        for (int i = 0; i < s; i++) result = Multiply(result, result);
        return result;
    }

    private static double[,] Inverse(double[,] a, out double determinant)
    {
        determinant = a[0, 0] * (a[1, 1] * a[2, 2] - a[1, 2] * a[2, 1]) - a[0, 1] * (a[1, 0] * a[2, 2] - a[1, 2] * a[2, 0])
                      + a[0, 2] * (a[1, 0] * a[2, 1] - a[1, 1] * a[2, 0]);
        var inv = new double[3, 3];
        for (int i = 0; i < 3; i++)
            for (int j = 0; j < 3; j++)
            {
                int i1 = (j + 1) % 3, i2 = (j + 2) % 3, j1 = (i + 1) % 3, j2 = (i + 2) % 3;
                inv[i, j] = (a[i1, j1] * a[i2, j2] - a[i1, j2] * a[i2, j1]) / determinant;
            }
        return inv;
    }

    /// <summary>
    /// The pushed-forward density ρ(x) = ρ₀(y) det(Φ⁻¹)/|Φ⁻¹x|³, y = Φ⁻¹x/|Φ⁻¹x| (the area Jacobian of x ↦ Ax/|Ax| is
    /// det A/|Ax|³), ρ₀ from its coefficients through the independent harmonic recurrence above.
    /// </summary>
    private static double PushedForward((int L, int M, Complex A)[] initial, double[,] inverse, double determinant, double[] x)
    {
        var y = new double[3];
        for (int i = 0; i < 3; i++) for (int j = 0; j < 3; j++) y[i] += inverse[i, j] * x[j];
        double r = Math.Sqrt(y[0] * y[0] + y[1] * y[1] + y[2] * y[2]);
        double theta = Math.Acos(Math.Clamp(y[2] / r, -1, 1)), phi = Math.Atan2(y[1], y[0]);
        double rho = 0;
        foreach (var (l, m, a) in initial)
            rho += (m == 0 ? 1 : 2) * (a * Harmonic(l, m, theta, phi)).Real;
        return rho * determinant / (r * r * r);
    }

    [TestCase(StepperKind.GaussSplitting, 2e-6)]
    [TestCase(StepperKind.MidpointSplitting, 2e-3)]
    public void DegreeOneNoiseIsTheProjectiveFlowOfTheMatrixProduct(StepperKind scheme, double tolerance) => ProjectiveFlow(scheme, tolerance, 24, 0.01);

    private static void ProjectiveFlow(StepperKind scheme, double tolerance, int lmax, double dt)
    {
        // Attention off, no diffusion: the SPDE transports ρ along G = P_x M(∘dB) x, and over each step the splitting's
        // noise step is R(A(ΔB)) ≈ exp(A(ΔB)), the push-forward by x ↦ e^{M(ΔB)}x/|e^{M(ΔB)}x| (to O(ΔB⁵) for Gauss,
        // O(ΔB³) for midpoint). So on the same path ρ(t) is the push-forward by Φ = Π_s e^{M(ΔB_s)} (later steps on the
        // left), integrated here to round-off. (Φ differs from the Stratonovich solution of dΦ = Σ_j M_j Φ ∘ dB_j by the
        // Lévy areas the increments do not carry: strong order ½ in dt, as for every scheme fed increments only.)
        const double time = 0.5;
        var field = new SphereNoiseField([0, 0.1]);
        (int, int, Complex)[] initial =
        [
            (0, 0, A00), (1, 0, 0.25 * A00), (1, 1, A00 * new Complex(0.1, -0.05)), (2, 1, A00 * new Complex(0.05, 0.08)), (3, 2, A00 * new Complex(-0.04, 0.03)),
        ];
        var model = new MeanFieldModel(AttentionKind.USA, 1.0) { AttentionScale = 0 };
        using var solver = new SphereSpectralSolver(model, lmax, Initial(lmax), field, new StochasticOptions(scheme, dt, 11));
        var phi = new double[3, 3];
        for (int i = 0; i < 3; i++) phi[i, i] = 1;
        var db = new double[field.Components];
        var grid = new double[solver.Basis.GridSize];
        var basis = solver.Basis;
        double worst = 0, moved = 0;
        for (int step = 0; step < (int)Math.Round(time / dt); step++)
        {
            solver.NoisePath!.Increments(step, db);
            phi = Multiply(Exponential(DegreeOneMatrix(field, db)), phi);
            solver.AdvanceTo((step + 1) * dt);
            if ((step + 1) % (int)Math.Round(0.1 / dt) != 0) continue;
            solver.Density(grid);
            var inverse = Inverse(phi, out double det);
            double error = 0, top = 0;
            for (int i = 0; i < basis.Nlat; i++)
                for (int k = 0; k < basis.Nlon; k++)
                {
                    double st = Math.Sin(basis.Colatitudes[i]);
                    double[] x = [st * Math.Cos(basis.Longitudes[k]), st * Math.Sin(basis.Longitudes[k]), Math.Cos(basis.Colatitudes[i])];
                    double exact = PushedForward(initial, inverse, 1 / det, x);
                    error = Math.Max(error, Math.Abs(grid[i * basis.Nlon + k] - exact));
                    top = Math.Max(top, exact);
                    moved = Math.Max(moved, Math.Abs(exact - PushedForward(initial, new double[,] { { 1, 0, 0 }, { 0, 1, 0 }, { 0, 0, 1 } }, 1, x)));
                }
            worst = Math.Max(worst, error / top);
        }
        TestContext.Out.WriteLine($"{scheme} lmax {lmax} dt {dt}: worst relative max-norm error {worst:E3}; the flow moved the density by {moved:E2}");
        Assert.That(moved, Is.GreaterThan(0.05 * A00), "the noise should move the density");
        Assert.That(worst, Is.LessThan(tolerance));
        Assert.That(solver.Diagnose().Mass, Is.EqualTo(1).Within(1e-12));
    }

    /// <summary>One Brownian motion B driving a fixed set of increments ("pattern") of an inner noise operator: A = A(pattern).</summary>
    private sealed class OneComponentNoise(ICommonNoiseOperator inner, double[] pattern) : ICommonNoiseOperator
    {
        private readonly double[] _weights = new double[pattern.Length];
        public int Components => 1;
        public ReadOnlySpan<double> ItoCorrectionDiagonal => inner.ItoCorrectionDiagonal;   // unused by the Stratonovich schemes
        public bool HasNonDiagonalItoCorrection => false;
        public void AddItoCorrection(ReadOnlySpan<double> u, Span<double> dudt) { }
        public void ApplyExactPart(Span<double> u, ReadOnlySpan<double> increments, double fraction) { }
        public void AddNoise(ReadOnlySpan<double> u, ReadOnlySpan<double> weights, Span<double> dudt)
        {
            for (int j = 0; j < pattern.Length; j++) _weights[j] = pattern[j] * weights[0];
            inner.AddNoise(u, _weights, dudt);
        }
    }

    [TestCase(StepperKind.GaussSplitting, 5e-7)]
    [TestCase(StepperKind.MidpointSplitting, 2e-4)]
    public void OneComponentDegreeOneNoiseIsTheProjectiveFlowOfExpMB(StepperKind scheme, double tolerance)
    {
        // The issue's closed form: one Brownian motion B drives G = P_x (M B) x (a fixed mix of all twelve degree-1
        // fields), so dΦ = M Φ ∘ dB has Φ(t) = e^{M B(t)} exactly and ρ(t) is the push-forward by x ↦ Φx/|Φx|, here on the
        // Brownian-tree path at every write. Gauss: strong order 2 (measured, docs/performance.md), midpoint 1.
        const int lmax = 24;
        const double dt = 0.01, time = 0.5;
        var field = new SphereNoiseField([0, 0.1]);
        double[] pattern = [0.8, -0.5, 0.3, 0.4, 0.7, -0.35, -0.2, 0.6, 0.45, 0.3, -0.55, 0.4];
        var m = DegreeOneMatrix(field, pattern);
        (int, int, Complex)[] initial =
        [
            (0, 0, A00), (1, 0, 0.25 * A00), (1, 1, A00 * new Complex(0.1, -0.05)), (2, 1, A00 * new Complex(0.05, 0.08)), (3, 2, A00 * new Complex(-0.04, 0.03)),
        ];
        using var basis = new SphereHarmonicBasis(lmax);
        var drift = new SphereMeanFieldOperator(basis, new MeanFieldModel(AttentionKind.USA, 1.0) { AttentionScale = 0 });
        var noise = new OneComponentNoise(new SphereNoiseOperator(basis, field), pattern);
        var (stepper, path) = new StochasticOptions(scheme, dt, 23).CreateStepper(drift, noise, basis.StateFromCoefficients(Initial(lmax)), 0);
        var grid = new double[basis.GridSize];
        var b = new double[1];
        double worst = 0, moved = 0;
        for (int w = 1; w <= 5; w++)
        {
            double t = w * time / 5;
            stepper.AdvanceTo(t);
            path.Tree.Increment(0, t, b);
            var phi = new double[3, 3];
            for (int i = 0; i < 3; i++) for (int j = 0; j < 3; j++) phi[i, j] = m[i, j] * b[0];
            var inverse = Inverse(Exponential(phi), out double det);
            drift.Density(stepper.State, grid);
            double error = 0, top = 0;
            for (int i = 0; i < basis.Nlat; i++)
                for (int k = 0; k < basis.Nlon; k++)
                {
                    double st = Math.Sin(basis.Colatitudes[i]);
                    double[] x = [st * Math.Cos(basis.Longitudes[k]), st * Math.Sin(basis.Longitudes[k]), Math.Cos(basis.Colatitudes[i])];
                    double exact = PushedForward(initial, inverse, 1 / det, x);
                    error = Math.Max(error, Math.Abs(grid[i * basis.Nlon + k] - exact));
                    top = Math.Max(top, exact);
                    moved = Math.Max(moved, Math.Abs(exact - PushedForward(initial, new double[,] { { 1, 0, 0 }, { 0, 1, 0 }, { 0, 0, 1 } }, 1, x)));
                }
            worst = Math.Max(worst, error / top);
        }
        TestContext.Out.WriteLine($"{scheme}: worst relative max-norm error against e^(M B) {worst:E3}; the flow moved the density by {moved:E2}");
        Assert.That(moved, Is.GreaterThan(0.05 * A00), "the noise should move the density");
        Assert.That(worst, Is.LessThan(tolerance));
    }

    [TestCase(StepperKind.GaussSplitting)]
    [TestCase(StepperKind.MidpointSplitting)]
    public void ImplicitSplittingConservesMass(StepperKind scheme)
    {
        var field = SphereNoiseField.FromKernel(new MlpNoiseKernel(MlpActivation.Relu, 3, 0.1, 0.1).Kappa, 5);
        using var solver = new SphereSpectralSolver(new MeanFieldModel(AttentionKind.SA, 4.0), 8, Initial(8), field, new StochasticOptions(scheme, 0.02, 3));
        solver.AdvanceTo(1.0);
        Assert.That(solver.Diagnose().Mass, Is.EqualTo(1).Within(1e-12));
    }
}
