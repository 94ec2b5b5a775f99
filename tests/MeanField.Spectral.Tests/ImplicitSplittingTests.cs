using System.Numerics;
using MeanField.Core;
using MeanField.Core.Noise;
using MeanField.Spectral.Circle;
using MeanField.Spectral.Steppers;

namespace MeanField.Spectral.Tests;

/// <summary>
/// The implicit splitting steppers (ImplicitSplittingStepper: midpoint_splitting, gauss_splitting) against exact pathwise solutions of transport noise:
/// the circle's W = a cos θ ∘ dB (exact push-forward), stability where stochastic Heun blows up, mass, rotation, resume.
/// </summary>
public class ImplicitSplittingTests
{
    private const double F0 = 1 / (2 * Math.PI);
    private const ulong Seed = 20240607;
    private const StepperKind Midpoint = StepperKind.MidpointSplitting, Gauss = StepperKind.GaussSplitting;

    private static Complex[] Smooth(int modes, double amplitude)
    {
        var c = new Complex[modes + 1];
        c[0] = F0;
        for (int k = 1; k <= modes; k++) c[k] = F0 * amplitude * Complex.FromPolarCoordinates(1.0 / k, 0.9 * k + 0.4);
        return c;
    }

    private static double Density(Complex[] c, double theta)
    {
        double f = c[0].Real;
        for (int k = 1; k < c.Length; k++) f += 2 * (c[k] * Complex.FromPolarCoordinates(1, k * theta)).Real;
        return f;
    }

    /// <summary>
    /// The exact solution of dρ = −∂θ(ρ a cos θ ∘ dB) (attention off, no diffusion) at B: the push-forward of ρ₀ by the
    /// Stratonovich flow dθ = a cos θ ∘ dB, tan(θ/2 + π/4) = tan(θ₀/2 + π/4) e^{aB}. With φ = θ/2 + π/4 and c = aB the
    /// inverse map is ψ = θ₀/2 + π/4 = atan2(e^{−c} sin φ, cos φ) (same branch as φ), and ρ(θ) = ρ₀(θ₀) dθ₀/dθ with
    /// dθ₀/dθ = dψ/dφ = e^{−c}/(cos²φ + e^{−2c} sin²φ).
    /// </summary>
    private static double PushedForward(Complex[] initial, double a, double b, double theta)
    {
        double c = a * b, phi = theta / 2 + Math.PI / 4;
        var (sin, cos) = Math.SinCos(phi);
        double psi = Math.Atan2(Math.Exp(-c) * sin, cos);
        double theta0 = 2 * psi - Math.PI / 2;
        double jacobian = Math.Exp(-c) / (cos * cos + Math.Exp(-2 * c) * sin * sin);
        return Density(initial, theta0) * jacobian;
    }

    private static CircleSpectralSolver CosineNoise(int n, Complex[] c, double a, StepperKind scheme, double dt, int path = 0) =>
        new(new MeanFieldModel(AttentionKind.USA, 1.0) { AttentionScale = 0 }, n, c, new CircleNoiseField([0, a], [0, 0]),
            new StochasticOptions(scheme, dt, Seed, path));

    /// <summary>Max over writes of max_θ |ρ − ρ_exact| / max_θ ρ_exact.</summary>
    private static double WorstRelativeError(CircleSpectralSolver s, Complex[] c, double a, double dt, double interval, double tEnd)
    {
        var grid = new double[s.Basis.GridSize];
        var b = new double[s.NoisePath!.Components];
        double worst = 0;
        for (int w = 1; w * interval <= tEnd + 1e-12; w++)
        {
            double t = w * interval;
            s.AdvanceTo(t);
            s.NoisePath.Increments(0, (int)Math.Round(t / dt), b);
            s.Density(grid);
            double error = 0, top = 0;
            for (int j = 0; j < grid.Length; j++)
            {
                double exact = PushedForward(c, a, b[1], s.Basis.Theta[j]);
                error = Math.Max(error, Math.Abs(grid[j] - exact));
                top = Math.Max(top, exact);
            }
            worst = Math.Max(worst, error / top);
        }
        return worst;
    }

    [TestCase(Gauss, 1e-6)]
    [TestCase(Midpoint, 3e-3)]
    public void CosineTransportNoiseMatchesTheExactPushForwardAtEveryWrite(StepperKind scheme, double tolerance)
    {
        // The case W = 0.35 cos θ ∘ dB, on a smaller grid and a coarser step than the documented run (there,
        // n = 512 and dt = 2.5e-4, gauss_splitting is within 2.2e-8 and midpoint_splitting within 1.2e-4). One noise
        // component and no drift: the Gauss step has strong order 2, the midpoint step 1.
        const double a = 0.35, dt = 1e-3;
        var c = Smooth(6, 0.5);
        double worst = 0;
        foreach (int path in new[] { 0, 1, 2 })
        {
            using var s = CosineNoise(128, c, a, scheme, dt, path);
            worst = Math.Max(worst, WorstRelativeError(s, c, a, dt, 0.1, 1.0));
        }
        TestContext.Out.WriteLine($"{scheme}: worst relative max-norm error over writes and paths: {worst:E3}");
        Assert.That(worst, Is.LessThan(tolerance));
    }

    [TestCase(Gauss, 2e-3)]
    [TestCase(Midpoint, 0.1)]
    public void StaysStableAndExactWhereStochasticHeunBlowsUp(StepperKind scheme, double tolerance)
    {
        // k·a·√dt = 85 · 2 · 0.032 ≈ 5 at the top mode of n = 256: Heun's amplification (1 + (kaΔB)⁴/4 per step) explodes
        // round-off; the midpoint step has |amplification| → 1 at high k and keeps following the exact solution.
        const double a = 2.0, dt = 1e-3, t = 0.2;
        var c = Smooth(4, 0.4);
        using var heun = CosineNoise(256, c, a, StepperKind.Heun, dt);
        bool heunFailed;
        try
        {
            heun.AdvanceTo(t);
            heunFailed = heun.State.ToArray().Max(Math.Abs) > 1e3;
        }
        catch (IntegrationException) { heunFailed = true; }
        Assert.That(heunFailed, Is.True, "the explicit scheme should be unstable here (else the test proves nothing)");
        using var implicitSplitting = CosineNoise(256, c, a, scheme, dt);
        double worst = WorstRelativeError(implicitSplitting, c, a, dt, 0.05, t);
        TestContext.Out.WriteLine($"{scheme}: relative error {worst:E3}");
        Assert.That(worst, Is.LessThan(tolerance));
    }

    [TestCase(Gauss)]
    [TestCase(Midpoint)]
    public void MassIsConservedAndTheDensityStaysPositive(StepperKind scheme)
    {
        var field = CircleNoiseField.FromKernel(new MlpNoiseKernel(MlpActivation.Relu, 2, 0.1, 0.1).Kappa, 8);
        using var s = new CircleSpectralSolver(new MeanFieldModel(AttentionKind.USA, 1.0), 64, Smooth(10, 0.3), field,
            new StochasticOptions(scheme, 1e-3, Seed));
        s.AdvanceTo(0.3);
        var d = s.Diagnose();
        Assert.That(d.Mass, Is.EqualTo(1.0).Within(1e-12));
        Assert.That(s.Coefficient(0).Real, Is.EqualTo(F0));
        Assert.That(d.MinDensity, Is.LessThan(0.8 * F0), "something happened");
        Assert.That(d.MinDensity, Is.GreaterThan(0));
    }

    [TestCase(Gauss)]
    [TestCase(Midpoint)]
    public void ConstantRotationNoiseRotatesTheDeterministicSolution(StepperKind scheme)
    {
        // fields [[0, σ, 0]]: ρ(t) = ρ_det(t)(θ − σB₀(t)); the splitting's drift half-steps commute with the exact rotation.
        const double sigma = 0.7, dt = 1e-3, t = 0.5;
        var model = new MeanFieldModel(AttentionKind.USA, 3.0);
        var c = Smooth(6, 0.4);
        using var spde = new CircleSpectralSolver(model, 64, c, new CircleNoiseField([sigma], [0]), new StochasticOptions(scheme, dt, Seed, 3));
        using var still = new CircleSpectralSolver(model, 64, c, new CircleNoiseField([0.0], [0]), new StochasticOptions(scheme, dt, Seed, 3));
        spde.AdvanceTo(t);
        still.AdvanceTo(t);
        var b = new double[1];
        spde.NoisePath!.Increments(0, (int)Math.Round(t / dt), b);
        Assert.That(Math.Abs(b[0]), Is.GreaterThan(0.05));
        double worst = 0;
        for (int k = 0; k <= spde.Basis.MaxWavenumber; k++)
            worst = Math.Max(worst, (spde.Coefficient(k) - Complex.FromPolarCoordinates(1, -k * sigma * b[0]) * still.Coefficient(k)).Magnitude);
        Assert.That(worst, Is.LessThan(5e-13));
    }

    [TestCase(Gauss)]
    [TestCase(Midpoint)]
    public void ResumedRunRepeatsTheUninterruptedOneBitForBit(StepperKind scheme)
    {
        var field = new CircleNoiseField([0.2, 0.5, 0, 0.1], [0, 0.5, 0, 0.2]);
        var model = new MeanFieldModel(AttentionKind.SA, 4.0);
        StochasticOptions options = new(scheme, 2e-3, Seed);
        using var whole = new CircleSpectralSolver(model, 64, Smooth(5, 0.3), field, options);
        using var split = new CircleSpectralSolver(model, 64, Smooth(5, 0.3), field, options);
        whole.AdvanceTo(0.2);
        split.AdvanceTo(0.1);
        using var resumed = new CircleSpectralSolver(model, 64, Smooth(1, 0), field, options);
        resumed.Stepper.Restore(split.Time, split.State, split.Stepper.Steps, split.Stepper.ControllerState);
        resumed.AdvanceTo(0.2);
        Assert.That(resumed.State.ToArray(), Is.EqualTo(whole.State.ToArray()));
    }
}
