using System.Numerics;
using MeanField.Core;
using MeanField.Spectral.Circle;
using MeanField.Spectral.Fft;
using MeanField.Spectral.Steppers;

namespace MeanField.Spectral.Tests;

public class CircleSolverTests
{
    private const double F0 = 1 / (2 * Math.PI);

    private static CircleSpectralSolver Solver(AttentionKind a, double beta, double diffusion, int n, Complex[] coefficients,
        StepperKind stepper = StepperKind.Dopri5, double dt = 1e-3, double tolerance = 1e-12, FftChoice fft = FftChoice.Auto) =>
        new(new MeanFieldModel(a, beta, diffusion), n, coefficients, new StepperOptions(stepper, dt, tolerance), fft);

    /// <summary>Closed forms of MATH §4.1 (d = 2) computed from MathNet's scaled Bessel functions, independently of the solver.</summary>
    private static double PredictedRate(AttentionKind a, int k, double beta, double diffusion)
    {
        double ik = MathNet.Numerics.SpecialFunctions.BesselIScaled(k, beta);
        double i0 = MathNet.Numerics.SpecialFunctions.BesselIScaled(0, beta);
        double rate = a == AttentionKind.USA ? k * k * ik * Math.Exp(beta) / beta : k * k * ik / (beta * i0);
        return rate - diffusion * k * k;
    }

    [TestCase(AttentionKind.USA, 1.0, 0.0)]
    [TestCase(AttentionKind.USA, 5.0, 0.0)]
    [TestCase(AttentionKind.USA, 50.0, 0.0)]
    [TestCase(AttentionKind.USA, 200.0, 0.0)]
    [TestCase(AttentionKind.SA, 3.0, 0.0)]
    [TestCase(AttentionKind.SA, 5.0, 0.0)]
    [TestCase(AttentionKind.SA, 60.0, 0.0)]
    [TestCase(AttentionKind.SA, 500.0, 0.0)]
    [TestCase(AttentionKind.USA, 2.0, 0.05)]
    [TestCase(AttentionKind.SA, 5.0, 0.02)]
    public void LinearGrowthRatesOfModesOneToSixMatchTheory(AttentionKind a, double beta, double diffusion)
    {
        // One run per mode from a 1e-7 single-mode perturbation: the nonlinearity only feeds modes 2k, 3k, ...,
        // so mode k sees its linear rate up to O(1e-14) relative. (Perturbing all modes at once would let fast
        // modes feed slow ones at O(1e-7 × fast rate), which swamps the tiny rates of high modes at small β.)
        int n = Math.Max(64, 4 * (int)Math.Sqrt(2 * beta) + 24);
        // Rounding noise seeds every mode; keep t below the e-folding time of the fastest one so it stays noise.
        double fastest = Enumerable.Range(1, (n - 1) / 3).Max(k => PredictedRate(a, k, beta, 0));
        for (int k = 1; k <= 6; k++)
        {
            var c = new Complex[k + 1];
            c[0] = F0;
            c[k] = F0 * 1e-7 * Complex.FromPolarCoordinates(1, 0.3 * k);
            double expected = PredictedRate(a, k, beta, diffusion);
            double t = 1.0 / Math.Max(Math.Abs(expected), fastest);
            // Fixed-step RK4 with |λ|·dt ≤ 1/400: its relative error per step, (λdt)⁵/120, is far below 1e-4.
            using var solver = Solver(a, beta, diffusion, n, c, StepperKind.Rk4, t / 400);
            solver.AdvanceTo(t);
            double measured = Math.Log(solver.Coefficient(k).Magnitude / c[k].Magnitude) / t;
            Assert.That(measured, Is.EqualTo(expected).Within(1e-4 * Math.Abs(expected)), $"mode {k}");
        }
    }

    [Test]
    public void DominantModeOfTheMetastableCaseIsThree()
    {
        // MATH §10 row 3: USA β = 5, λ_2, λ_3, λ_4 = 14.0045, 18.5961, 16.3464; checks the solver's absolute time scale.
        var c = new Complex[5];
        c[0] = F0;
        for (int k = 2; k <= 4; k++) c[k] = F0 * 1e-8;
        using var solver = Solver(AttentionKind.USA, 5.0, 0, 64, c, StepperKind.Rk4, 1e-4);
        solver.AdvanceTo(0.1);
        double[] expected = [14.0045, 18.5961, 16.3464];
        for (int k = 2; k <= 4; k++)
            Assert.That(Math.Log(solver.Coefficient(k).Magnitude / c[k].Magnitude) / 0.1, Is.EqualTo(expected[k - 2]).Within(1e-4));
    }

    private static Complex[] VonMises(double kappa, double mean, int kmax)
    {
        var c = new Complex[kmax + 1];
        double i0 = MathNet.Numerics.SpecialFunctions.BesselIScaled(0, kappa);
        for (int k = 0; k <= kmax; k++)
            c[k] = F0 * MathNet.Numerics.SpecialFunctions.BesselIScaled(k, kappa) / i0 * Complex.FromPolarCoordinates(1, -k * mean);
        return c;
    }

    private static double[] DensityAt(AttentionKind a, double beta, int n, double t, Complex[] initial, int sampleCount)
    {
        int kmax = (n - 1) / 3;
        using var solver = Solver(a, beta, 0, n, initial.Take(kmax + 1).ToArray(), tolerance: 1e-13);
        solver.AdvanceTo(t);
        // Evaluate the Fourier series at common sample points, so different resolutions compare directly.
        var values = new double[sampleCount];
        for (int j = 0; j < sampleCount; j++)
        {
            double theta = 2 * Math.PI * j / sampleCount;
            double f = solver.Coefficient(0).Real;
            for (int k = 1; k <= kmax; k++) f += 2 * (solver.Coefficient(k) * Complex.FromPolarCoordinates(1, k * theta)).Real;
            values[j] = f;
        }
        return values;
    }

    [TestCase(AttentionKind.USA)]
    [TestCase(AttentionKind.SA)]
    public void SpatialErrorDecaysExponentiallyWithResolution(AttentionKind a)
    {
        var initial = VonMises(4.0, 1.0, 200);
        double t = a == AttentionKind.USA ? 0.02 : 0.2;   // USA at β = 3 sharpens ~10× faster than SA
        var reference = DensityAt(a, 3.0, 256, t, initial, 64);
        int[] sizes = [16, 24, 32, 48, 64, 96];
        var errors = sizes.Select(n => DensityAt(a, 3.0, n, t, initial, 64).Zip(reference, (x, y) => Math.Abs(x - y)).Max()).ToArray();
        TestContext.Out.WriteLine(string.Join(", ", sizes.Zip(errors, (n, e) => $"n={n}: {e:E2}")));
        for (int i = 1; i < sizes.Length; i++)
            if (errors[i - 1] > 1e-11) Assert.That(errors[i], Is.LessThan(errors[i - 1] / 3), $"n = {sizes[i]}");
        // Exponential, not algebraic: quadrupling n from 16 to 64 gains far more than the 4^p of any modest order p.
        Assert.That(errors[^1], Is.LessThan(1e-9));
        Assert.That(errors[0] / errors[^1], Is.GreaterThan(1e5));
    }

    [TestCase(0.0)]
    [TestCase(0.1)]
    public void Rk4TemporalOrderIsFour(double diffusion)
    {
        var initial = VonMises(2.0, 0.5, 60);
        double[] Run(double dt)
        {
            using var solver = Solver(AttentionKind.USA, 3.0, diffusion, 64, initial.Take(22).ToArray(), StepperKind.Rk4, dt);
            solver.AdvanceTo(0.4);
            return solver.State.ToArray();
        }
        var u1 = Run(0.005); var u2 = Run(0.0025); var u3 = Run(0.00125);
        double d12 = u1.Zip(u2, (x, y) => Math.Abs(x - y)).Max(), d23 = u2.Zip(u3, (x, y) => Math.Abs(x - y)).Max();
        Assert.That(Math.Log2(d12 / d23), Is.EqualTo(4.0).Within(0.2));
    }

    [TestCase(AttentionKind.USA, 5.0)]
    [TestCase(AttentionKind.SA, 5.0)]
    public void EnergyIsNonDecreasingAndMassIsConserved(AttentionKind a, double beta)
    {
        var c = new Complex[17];
        c[0] = F0;
        for (int k = 1; k <= 16; k++) c[k] = F0 * 5e-3 * Complex.FromPolarCoordinates(1.0 / k, 1.7 * k);
        using var solver = Solver(a, beta, 0, 256, c, tolerance: 1e-10);
        double previous = solver.Diagnose().Energy;
        double tEnd = a == AttentionKind.USA ? 0.4 : 8.0;
        int steps = 0;
        solver.AdvanceTo(tEnd, (t, u) =>
        {
            double e = solver.Energy(u);
            Assert.That(e, Is.GreaterThanOrEqualTo(previous * (1 - 1e-13)), $"t = {t}");
            previous = e;
            steps++;
            return true;
        });
        var d = solver.Diagnose();
        Assert.That(steps, Is.GreaterThan(10));
        Assert.That(d.Mass, Is.EqualTo(1.0).Within(1e-12));
        Assert.That(solver.Coefficient(0).Real, Is.EqualTo(F0).Within(1e-16));
        // Something actually happened: the density is far from uniform.
        Assert.That(d.MinDensity, Is.LessThan(0.5 * F0));
    }

    [Test]
    public void UsaNetFluxVanishesSoTheLiftedMeanAngleIsConserved()
    {
        var initial = VonMises(3.0, 0.7, 80);
        var c = initial.Take(81).ToArray();
        c[3] += F0 * 0.05 * Complex.FromPolarCoordinates(1, 0.4);   // keeps the density positive (SA needs G∗ρ > 0)
        using var usa = Solver(AttentionKind.USA, 4.0, 0, 256, c);
        using var sa = Solver(AttentionKind.SA, 4.0, 0, 256, c);
        foreach (double t in new[] { 0.0, 0.05, 0.1 })
        {
            usa.AdvanceTo(t);
            sa.AdvanceTo(t);
            var du = usa.Diagnose();
            var velocity = new double[256];
            usa.Operator.Velocity(usa.State, velocity);
            double scale = velocity.Max(Math.Abs);
            Assert.That(Math.Abs(du.NetFlux), Is.LessThan(1e-12 * scale), $"USA at t = {t}");
        }
        // SA is not a gradient flow in the flat metric: its net flux is not zero (so the check above can fail).
        Assert.That(Math.Abs(sa.Diagnose().NetFlux), Is.GreaterThan(1e-6));
    }

    [Test]
    public void EnergyFromCoefficientsMatchesDirectQuadrature()
    {
        var c = VonMises(2.5, 0.3, 40);
        c[2] += F0 * 0.1;
        using var solver = Solver(AttentionKind.SA, 2.0, 0, 128, c);
        var f = new double[128];
        solver.Density(f);
        double h = 2 * Math.PI / 128, direct = 0;
        for (int i = 0; i < 128; i++)
            for (int j = 0; j < 128; j++)
                direct += Math.Exp(2.0 * Math.Cos(h * (i - j))) * f[i] * f[j];
        direct *= h * h / (2 * 2.0);
        Assert.That(solver.Diagnose().Energy, Is.EqualTo(direct).Within(1e-12).Percent);
    }

    [Test]
    public void FftwAndManagedBackendsGiveTheSameRightHandSide()
    {
        Assume.That(RealFftFactory.FftwAvailable, "FFTW not installed");
        foreach (var a in new[] { AttentionKind.USA, AttentionKind.SA })
        {
            var basis = new FourierCircleBasis(256);
            var model = new MeanFieldModel(a, 5.0, 0.01);
            var u = basis.StateFromCoefficients(VonMises(3.0, 1.0, basis.MaxWavenumber));
            using var fftw = new CircleMeanFieldOperator(basis, model, FftChoice.Fftw);
            using var managed = new CircleMeanFieldOperator(basis, model, FftChoice.Managed);
            var r1 = new double[basis.StateLength]; var r2 = new double[basis.StateLength];
            fftw.EvaluateNonlinear(0, u, r1);
            managed.EvaluateNonlinear(0, u, r2);
            double scale = r1.Max(Math.Abs);
            for (int i = 0; i < r1.Length; i++) Assert.That(r2[i], Is.EqualTo(r1[i]).Within(1e-13 * scale));
        }
    }

    [Test]
    public void AdaptiveStepperCopesWithLargeBetaUsaWithoutAGoodFirstStep()
    {
        // USA at β = 100: rates ~ e^β/β^{1/2}, ~1e41. The first trial step 1e-3 is absurd; the controller must find
        // the scale itself and agree with a fine fixed-step RK4 reference.
        var c = VonMises(2.0, 0.0, 40);
        double lambda = PredictedRate(AttentionKind.USA, 10, 100, 0);
        double t = 1 / lambda;
        using var adaptive = Solver(AttentionKind.USA, 100, 0, 128, c, StepperKind.Dopri5, 1e-3, 1e-11);
        adaptive.AdvanceTo(t);
        using var reference = Solver(AttentionKind.USA, 100, 0, 128, c, StepperKind.Rk4, t / 4000);
        reference.AdvanceTo(t);
        Assert.That(adaptive.Stepper.RejectedSteps, Is.GreaterThan(0));
        for (int k = 0; k <= 42; k++)
            Assert.That((adaptive.Coefficient(k) - reference.Coefficient(k)).Magnitude, Is.LessThan(1e-9 * F0), $"mode {k}");
    }

    [Test]
    public void UniformDensityIsStationary()
    {
        using var solver = Solver(AttentionKind.USA, 5.0, 0.1, 64, [F0]);
        solver.AdvanceTo(1.0);
        for (int i = 2; i < solver.State.Length; i++) Assert.That(solver.State[i], Is.EqualTo(0.0).Within(1e-17));
    }
}
