using System.Numerics;
using MeanField.Core;
using MeanField.Core.Noise;
using MeanField.Spectral.Circle;
using MeanField.Spectral.Steppers;

namespace MeanField.Spectral.Tests;

/// <summary>The circle SPDE with common noise (MATH §3.3) and the attention scale s of V = s·I.</summary>
public class CircleStochasticSolverTests
{
    private const double F0 = 1 / (2 * Math.PI);
    private const ulong Seed = 20240607;

    private static Complex[] Smooth(int modes, double amplitude)
    {
        var c = new Complex[modes + 1];
        c[0] = F0;
        for (int k = 1; k <= modes; k++) c[k] = F0 * amplitude * Complex.FromPolarCoordinates(1.0 / k, 0.9 * k + 0.4);
        return c;
    }

    /// <summary>Fields from rows [m, a_cos, a_sin] (m = 0: rotation), as in the config's kind fields.</summary>
    private static CircleNoiseField Fields(params double[][] rows)
    {
        int maxMode = rows.Max(r => (int)r[0]);
        var cos = new double[maxMode + 1];
        var sin = new double[maxMode + 1];
        foreach (var r in rows) { cos[(int)r[0]] = r[1]; sin[(int)r[0]] = r[2]; }
        return new CircleNoiseField(cos, sin);
    }

    private static CircleSpectralSolver Spde(MeanFieldModel model, int n, Complex[] c, CircleNoiseField field, StepperKind scheme,
        double dt, int path = 0, int incrementsPerStep = 1) =>
        new(model, n, c, field, new StochasticOptions(scheme, dt, Seed, path) { IncrementsPerStep = incrementsPerStep });

    private static Complex[] Coefficients(CircleSpectralSolver s, int count) =>
        Enumerable.Range(0, count).Select(s.Coefficient).ToArray();

    // ---- attention scale ----------------------------------------------------------------------------------------

    [TestCase(AttentionKind.USA, 5.0, -1.0)]
    [TestCase(AttentionKind.SA, 5.0, -1.0)]
    [TestCase(AttentionKind.USA, 2.0, 0.5)]
    public void AttentionScaleMultipliesTheLinearGrowthRates(AttentionKind a, double beta, double scale)
    {
        // MATH §4.1 (d = 2) rates λ_k = k² I_k(β) e^β/β (USA), k² I_k/(β I_0) (SA); V = s·I multiplies them by s.
        for (int k = 1; k <= 4; k++)
        {
            double ik = MathNet.Numerics.SpecialFunctions.BesselIScaled(k, beta), i0 = MathNet.Numerics.SpecialFunctions.BesselIScaled(0, beta);
            double expected = scale * (a == AttentionKind.USA ? k * k * ik * Math.Exp(beta) / beta : k * k * ik / (beta * i0));
            var c = new Complex[k + 1];
            c[0] = F0;
            c[k] = F0 * 1e-7;
            double t = 1 / Math.Abs(expected);
            using var solver = new CircleSpectralSolver(new MeanFieldModel(a, beta) { AttentionScale = scale }, 64, c,
                new StepperOptions(StepperKind.Rk4, t / 400, 0));
            solver.AdvanceTo(t);
            double measured = Math.Log(solver.Coefficient(k).Magnitude / c[k].Magnitude) / t;
            Assert.That(measured, Is.EqualTo(expected).Within(1e-4 * Math.Abs(expected)), $"mode {k}");
        }
    }

    [Test]
    public void AttentionOffLeavesTheDensityStillWithoutNoise()
    {
        var c = Smooth(6, 0.5);
        using var solver = new CircleSpectralSolver(new MeanFieldModel(AttentionKind.USA, 5.0) { AttentionScale = 0 }, 64, c,
            new StepperOptions(StepperKind.Dopri5, 1e-3, 1e-10));
        var before = solver.State.ToArray();
        solver.AdvanceTo(2.0);
        Assert.That(solver.State.ToArray(), Is.EqualTo(before));
    }

    // ---- rotation noise -----------------------------------------------------------------------------------------

    [TestCase(StepperKind.Heun)]
    [TestCase(StepperKind.EulerMaruyama)]
    public void ConstantRotationNoiseRotatesTheDeterministicSolution(StepperKind scheme)
    {
        // fields [[0, σ, 0]]: W = σ dB₀, so ρ(t) = ρ_det(t)(θ − σB₀(t)), i.e. f̂_k(t) = e^{−ikσB₀(t)} f̂_k^det(t).
        const double sigma = 0.7, dt = 1e-3, t = 0.5;
        var model = new MeanFieldModel(AttentionKind.USA, 3.0);
        var c = Smooth(6, 0.4);
        using var spde = Spde(model, 64, c, Fields([0, sigma, 0]), scheme, dt, path: 3);
        using var sameScheme = Spde(model, 64, c, Fields([0, 0, 0]), scheme, dt, path: 3);   // the scheme without noise
        using var accurate = new CircleSpectralSolver(model, 64, c, new StepperOptions(StepperKind.Dopri5, 1e-3, 1e-12));
        spde.AdvanceTo(t);
        sameScheme.AdvanceTo(t);
        accurate.AdvanceTo(t);
        var b = new double[1];
        spde.NoisePath!.Increments(0, (int)Math.Round(t / dt), b);
        Assert.That(Math.Abs(b[0]), Is.GreaterThan(0.05), "the path should actually rotate");

        double roundOff = 0, vsAccurate = 0;
        for (int k = 0; k <= spde.Basis.MaxWavenumber; k++)
        {
            var rotation = Complex.FromPolarCoordinates(1, -k * sigma * b[0]);
            roundOff = Math.Max(roundOff, (spde.Coefficient(k) - rotation * sameScheme.Coefficient(k)).Magnitude);
            vsAccurate = Math.Max(vsAccurate, (spde.Coefficient(k) - rotation * accurate.Coefficient(k)).Magnitude);
        }
        TestContext.Out.WriteLine($"{scheme}: max |Δf̂_k| vs the same scheme rotated {roundOff:E2}, vs dopri5 rotated {vsAccurate:E2}");
        Assert.That(roundOff, Is.LessThan(1e-14 * 500), "exact rotation: only round-off");
        // Against the accurate deterministic solution the error is the scheme's own deterministic error: noise adds none.
        double deterministicError = Enumerable.Range(0, spde.Basis.MaxWavenumber + 1)
            .Max(k => (sameScheme.Coefficient(k) - accurate.Coefficient(k)).Magnitude);
        Assert.That(vsAccurate, Is.LessThan(deterministicError * (1 + 1e-6) + 1e-13));
    }

    // ---- attention off: the exact mean ----------------------------------------------------------------------------

    [TestCase(StepperKind.Heun)]
    [TestCase(StepperKind.EulerMaruyama)]
    [TestCase(StepperKind.GaussSplitting)]
    [TestCase(StepperKind.MidpointSplitting)]
    public void AttentionOffMeanCoefficientsDecayLikeTheTruncatedHeatSemigroup(StepperKind scheme)
    {
        // MATH §3.3: with attention off the SPDE is linear and E f̂_k(t) = e^{−(κ_trunc(1)/2) k² t} f̂_k(0) (d = 2:
        // n(n+d−2) = k²). The Galerkin truncation keeps this exact for k + M ≤ K (the noise moves mode k to k ± m ≤ K).
        // ReLU MLP kernel with biases, truncated at M = 2, so the rotation a₀ is non-zero too.
        var kernel = new MlpNoiseKernel(MlpActivation.Relu, 2, 0.5, 0.5);
        var field = CircleNoiseField.FromKernel(kernel.Kappa, 2);
        double kappa = field.TruncatedVariance;
        Assert.That(field.CosAmplitude(0), Is.GreaterThan(0));
        const int n = 24, paths = 400, modes = 3;   // K = 7 ≥ 3 + M
        const double dt = 0.005, t = 0.5;
        var model = new MeanFieldModel(AttentionKind.USA, 1.0) { AttentionScale = 0 };
        var c = Smooth(modes, 0.5);
        var sum = new Complex[modes + 1];
        var sumSquares = new (double Re, double Im)[modes + 1];
        for (int p = 0; p < paths; p++)
        {
            using var s = Spde(model, n, c, field, scheme, dt, path: p);
            s.AdvanceTo(t);
            for (int k = 1; k <= modes; k++)
            {
                var z = s.Coefficient(k);
                sum[k] += z;
                sumSquares[k].Re += z.Real * z.Real;
                sumSquares[k].Im += z.Imaginary * z.Imaginary;
            }
        }
        for (int k = 1; k <= modes; k++)
        {
            var mean = sum[k] / paths;
            double seRe = Math.Sqrt((sumSquares[k].Re / paths - mean.Real * mean.Real) / (paths - 1));
            double seIm = Math.Sqrt((sumSquares[k].Im / paths - mean.Imaginary * mean.Imaginary) / (paths - 1));
            var expected = c[k] * Math.Exp(-kappa / 2 * k * k * t);
            TestContext.Out.WriteLine($"{scheme} k = {k}: mean {mean:E4}, expected {expected:E4}, SE ({seRe:E2}, {seIm:E2})");
            Assert.That(mean.Real, Is.EqualTo(expected.Real).Within(4 * seRe), $"Re, mode {k}");
            Assert.That(mean.Imaginary, Is.EqualTo(expected.Imaginary).Within(4 * seIm), $"Im, mode {k}");
            // The check has power: for k ≥ 2 a decay half as large would be seen (k = 1 decays only by e^{−κ t/2} ≈ 0.86).
            if (k >= 2) Assert.That(4 * Math.Max(seRe, seIm), Is.LessThan(0.5 * (c[k] - expected).Magnitude), $"power, mode {k}");
        }
    }

    // ---- strong order -------------------------------------------------------------------------------------------

    /// <summary>
    /// RMS over paths of ‖u_h(T) − u_ref(T)‖₂ for h = T/8 … T/64 against h_ref = T/1024 of the same scheme, all on
    /// one nested Brownian path per sample (each coarse step sums the fine increments); returns the fitted order.
    /// </summary>
    private static double StrongOrder(CircleNoiseField field, StepperKind scheme, int paths, double attentionScale = 1, int[]? levels = null, int fine = 1024)
    {
        const double T = 0.5;
        int[] coarse = levels ?? [8, 16, 32, 64];
        var model = new MeanFieldModel(AttentionKind.USA, 2.0) { AttentionScale = attentionScale };
        var c = Smooth(4, 0.5);
        var squared = new double[coarse.Length];
        for (int p = 0; p < paths; p++)
        {
            double[] Run(int steps)
            {
                using var s = Spde(model, 24, c, field, scheme, T / fine, p, fine / steps);
                s.AdvanceTo(T);
                return s.State.ToArray();
            }
            var reference = Run(fine);
            for (int i = 0; i < coarse.Length; i++)
                squared[i] += Run(coarse[i]).Zip(reference, (x, y) => (x - y) * (x - y)).Sum();
        }
        var logH = coarse.Select(s => Math.Log(T / s)).ToArray();
        var logE = squared.Select(e => 0.5 * Math.Log(e / paths)).ToArray();
        double order = MathNet.Numerics.Fit.Line(logH, logE).B;
        TestContext.Out.WriteLine($"{scheme}: RMS errors {string.Join(", ", logE.Select(e => Math.Exp(e).ToString("E2")))}; fitted order {order:F3}");
        return order;
    }

    [TestCase(StepperKind.Heun, 1.0)]
    [TestCase(StepperKind.EulerMaruyama, 0.5)]
    public void StrongOrderWithCommutativeNoise(StepperKind scheme, double expected)
    {
        // One component, g(θ) = a cos θ: commutative, so stochastic Heun has strong order 1. Euler–Maruyama has 1/2:
        // the noise −∂θ(ρ g) is linear in ρ (multiplicative in the Fourier coefficients), and EM misses the
        // Milstein term ½ G² (ΔB² − h); only additive noise would make EM order 1.
        // For EM the attention is weakened so that the noise error (order 1/2), not the drift's (order 1), dominates at these h.
        double order = StrongOrder(Fields([1, scheme == StepperKind.Heun ? 0.5 : 1.0, 0]), scheme, 100, scheme == StepperKind.Heun ? 1 : 0.2);
        Assert.That(order, Is.EqualTo(expected).Within(0.3));
    }

    [Test]
    public void HeunStrongOrderIsOneHalfWithNonCommutingModes()
    {
        // cos θ and sin θ components do not commute ([G_c, G_s] = −a² ∂θ); without Lévy areas Heun drops to 1/2.
        // Steps T/32 … T/256 (reference T/4096): at T/8 … T/64 the order-1 terms still dominate on some path samples
        // (fitted 0.86 there on the Brownian-tree path, 0.64 here).
        double order = StrongOrder(Fields([1, 0.3, 0.3]), StepperKind.Heun, 100, attentionScale: 0.2, levels: [32, 64, 128, 256], fine: 4096);
        Assert.That(order, Is.EqualTo(0.5).Within(0.3));
    }

    // ---- Stratonovich (Heun) and Itô (EM) agree in law ------------------------------------------------------------

    [Test]
    public void HeunAndEulerMaruyamaAgreeWeaklyWithAttentionAndANonStationaryField()
    {
        // Non-stationary field: EM's Itô correction ½∂θ(V∂θρ + ½V′ρ) is the grid one, not a Laplacian.
        var field = Fields([0, 0.3, 0], [1, 1.0, 0.4], [2, 0.5, 0.0]);
        Assert.That(field.IsStationary, Is.False);
        var model = new MeanFieldModel(AttentionKind.USA, 1.0);
        var c = Smooth(3, 0.5);
        const int paths = 600, n = 24;
        const double dt = 0.005, t = 0.5;
        (Complex Mean, double Se)[] Statistics(StepperKind scheme, int firstPath)
        {
            var values = new List<Complex>[3];
            for (int k = 0; k < 3; k++) values[k] = [];
            for (int p = firstPath; p < firstPath + paths; p++)
            {
                using var s = Spde(model, n, c, field, scheme, dt, p);
                s.AdvanceTo(t);
                for (int k = 1; k <= 2; k++) values[k].Add(s.Coefficient(k));
            }
            return values.Select(v => v.Count == 0 ? (Complex.Zero, 0.0) : MeanAndError(v)).ToArray();
        }
        var heun = Statistics(StepperKind.Heun, 0);
        var em = Statistics(StepperKind.EulerMaruyama, paths);   // independent paths: a genuine comparison in law
        using var noiseless = new CircleSpectralSolver(model, n, c, new StepperOptions(StepperKind.Dopri5, 1e-3, 1e-12));
        noiseless.AdvanceTo(t);
        double power = 0;
        for (int k = 1; k <= 2; k++)
        {
            double se = Math.Sqrt(heun[k].Se * heun[k].Se + em[k].Se * em[k].Se);
            TestContext.Out.WriteLine($"k = {k}: heun {heun[k].Mean:E4}, em {em[k].Mean:E4}, SE {se:E2}, noiseless {noiseless.Coefficient(k):E4}");
            Assert.That((heun[k].Mean - em[k].Mean).Magnitude, Is.LessThan(4 * se), $"mode {k}");
            power = Math.Max(power, (heun[k].Mean - noiseless.Coefficient(k)).Magnitude / se);
        }
        // Power: the noise moves the mean far from the noiseless solution, where EM's mean would stay without its
        // Itô correction (E[ΔB] = 0), so a missing or wrong correction fails the 4·SE check above.
        Assert.That(power, Is.GreaterThan(6));
    }

    /// <summary>Sample mean and its standard error √(Σ|z − mean|² / ((N−1) N)).</summary>
    private static (Complex Mean, double Se) MeanAndError(IReadOnlyList<Complex> values)
    {
        var mean = values.Aggregate(Complex.Zero, (a, b) => a + b) / values.Count;
        double squares = values.Sum(z => Math.Pow((z - mean).Magnitude, 2));
        return (mean, Math.Sqrt(squares / ((values.Count - 1.0) * values.Count)));
    }

    // ---- invariants ---------------------------------------------------------------------------------------------

    [TestCase(StepperKind.Heun)]
    [TestCase(StepperKind.EulerMaruyama)]
    public void MassIsConserved(StepperKind scheme)
    {
        var field = CircleNoiseField.FromKernel(new MlpNoiseKernel(MlpActivation.Relu, 2, 0.1, 0.1).Kappa, 8);
        using var s = Spde(new MeanFieldModel(AttentionKind.USA, 1.0), 64, Smooth(10, 0.3), field, scheme, 1e-3);
        s.AdvanceTo(0.3);
        var d = s.Diagnose();
        Assert.That(d.Mass, Is.EqualTo(1.0).Within(1e-12));
        Assert.That(s.Coefficient(0).Real, Is.EqualTo(F0));
        Assert.That(d.MinDensity, Is.LessThan(0.8 * F0), "something happened");
    }

    [Test]
    public void P3EnergyMatchesItsClosedFormAndTheAttentionEnergy()
    {
        const double beta = 3.0;
        var model = new MeanFieldModel(AttentionKind.USA, beta);
        using var uniform = new CircleSpectralSolver(model, 64, [F0], new StepperOptions(StepperKind.Rk4, 1e-3, 0));
        // 𝓔_β(uniform) = ½(e^β − I₀(β)) (MATH §3.2).
        Assert.That(uniform.P3Energy(uniform.State),
            Is.EqualTo(0.5 * (Math.Exp(beta) - MathNet.Numerics.SpecialFunctions.BesselI0(beta))).Within(1e-13 * Math.Exp(beta)));
        using var perturbed = new CircleSpectralSolver(model, 64, Smooth(8, 0.8), new StepperOptions(StepperKind.Rk4, 1e-3, 0));
        // 𝓔_β = ½e^β − βE_β for a probability density.
        Assert.That(perturbed.P3Energy(perturbed.State),
            Is.EqualTo(0.5 * Math.Exp(beta) - beta * perturbed.Energy(perturbed.State)).Within(1e-13 * Math.Exp(beta)));
    }

    [Test]
    public void ResumedStochasticStepperDrawsTheSameIncrements()
    {
        var field = Fields([0, 0.2, 0], [1, 0.5, 0.5], [3, 0.1, 0.2]);
        var model = new MeanFieldModel(AttentionKind.SA, 4.0);
        using var whole = Spde(model, 64, Smooth(5, 0.3), field, StepperKind.Heun, 2e-3);
        using var split = Spde(model, 64, Smooth(5, 0.3), field, StepperKind.Heun, 2e-3);
        whole.AdvanceTo(0.2);
        split.AdvanceTo(0.1);
        using var resumed = Spde(model, 64, Smooth(1, 0), field, StepperKind.Heun, 2e-3);
        resumed.Stepper.Restore(split.Time, split.State, split.Stepper.Steps, split.Stepper.ControllerState);
        resumed.AdvanceTo(0.2);
        Assert.That(resumed.State.ToArray(), Is.EqualTo(whole.State.ToArray()));
    }
}
