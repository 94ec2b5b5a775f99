using MeanField.Core;
using static MeanField.Particles.Tests.ParticleTestSupport;

namespace MeanField.Particles.Tests;

public class DynamicsTests
{
    private static double[] Run(ParticleModel model, double[] x0, ParticleIntegrator integrator, double tEnd, int steps,
        string interaction = "dense", int threads = 0, ulong seed = 1)
    {
        int n = x0.Length / model.Dimension;
        var x = (double[])x0.Clone();
        var stepper = new ParticleStepper(model, ParticleInteractions.Create(model, n, interaction, 1e-13, threads), integrator, n, seed, threads);
        for (int s = 0; s < steps; s++) stepper.Step(x, tEnd / steps);
        return x;
    }

    private static double MeanOffDiagonalInnerProduct(double[] x, int n, int d, out double spread)
    {
        double sum = 0, min = double.MaxValue, max = double.MinValue;
        for (int i = 0; i < n; i++)
        for (int j = i + 1; j < n; j++)
        {
            double dot = 0;
            for (int c = 0; c < d; c++) dot += x[i * d + c] * x[j * d + c];
            sum += dot;
            min = Math.Min(min, dot);
            max = Math.Max(max, dot);
        }
        spread = max - min;
        return sum / (n * (n - 1) / 2.0);
    }

    /// <summary>RK4 for the equiangular ODE of MATH §2.5 with a fine step (independent of the particle code).</summary>
    private static double EquiangularOde(AttentionKind attention, int n, double beta, double rho0, double t)
    {
        double F(double r) => attention == AttentionKind.SA
            ? 2 * Math.Exp(beta * r) * (1 - r) * ((n - 1) * r + 1) / (Math.Exp(beta) + (n - 1) * Math.Exp(beta * r))
            : 2.0 / n * Math.Exp(beta * r) * (1 - r) * ((n - 1) * r + 1);
        int steps = 20000;
        double h = t / steps, rho = rho0;
        for (int s = 0; s < steps; s++)
        {
            double k1 = F(rho), k2 = F(rho + h / 2 * k1), k3 = F(rho + h / 2 * k2), k4 = F(rho + h * k3);
            rho += h / 6 * (k1 + 2 * k2 + 2 * k3 + k4);
        }
        return rho;
    }

    // MATH §10 rows 21–22: N = 32, d = 32, β = 1, ρ0 = 0.
    [TestCase(AttentionKind.SA, new[] { 0.04725593, 0.15184934, 0.58977282 })]
    [TestCase(AttentionKind.USA, new[] { 0.05270025, 0.18994211, 0.89467375 })]
    public void EquiangularParticlesFollowTheOde(AttentionKind attention, double[] table)
    {
        const int n = 32, d = 32;
        var model = new ParticleModel(attention, d, 1.0);
        var x = ParticleSampling.Equiangular(n, d, 0.0);
        var stepper = new ParticleStepper(model, new DenseInteraction(model, n), ParticleIntegrator.Rk4, n, 0);
        double[] times = [0.5, 1.0, 2.0];
        double t = 0;
        for (int k = 0; k < times.Length; k++)
        {
            while (t < times[k] - 1e-12) { stepper.Step(x, 0.005); t += 0.005; }
            double rho = MeanOffDiagonalInnerProduct(x, n, d, out double spread);
            Assert.That(spread, Is.LessThan(1e-12), "the configuration stays equiangular");
            Assert.That(rho, Is.EqualTo(table[k]).Within(1e-8), $"MATH §10 value at t = {times[k]}");
            Assert.That(rho, Is.EqualTo(EquiangularOde(attention, n, 1.0, 0.0, times[k])).Within(1e-9), $"ODE at t = {times[k]}");
        }
    }

    [Test]
    public void EquiangularWithNonZeroRho0AndFewerParticlesThanDimensions()
    {
        const int n = 5, d = 7;
        var x0 = ParticleSampling.Equiangular(n, d, -0.2);
        Assert.That(MeanOffDiagonalInnerProduct(x0, n, d, out _), Is.EqualTo(-0.2).Within(1e-15));
        var model = new ParticleModel(AttentionKind.SA, d, 2.0);
        var x = Run(model, x0, ParticleIntegrator.Rk4, 1.0, 100);
        Assert.That(MeanOffDiagonalInnerProduct(x, n, d, out _), Is.EqualTo(EquiangularOde(AttentionKind.SA, n, 2.0, -0.2, 1.0)).Within(1e-9));
    }

    // Self-convergence: e(h) = |x_h − x_{h/2}|, order = log2(e(h)/e(h/2)).
    [TestCase(ParticleIntegrator.Rk4, 10, 4.0)]
    [TestCase(ParticleIntegrator.Heun, 20, 2.0)]
    [TestCase(ParticleIntegrator.Layer, 40, 1.0)]
    public void IntegratorsConvergeAtTheirOrder(ParticleIntegrator integrator, int steps, double order)
    {
        const int n = 16, d = 3;
        var model = new ParticleModel(AttentionKind.USA, d, 2.0);
        var x0 = ParticleSampling.Uniform(n, d, 4);
        var a = Run(model, x0, integrator, 0.5, steps);
        var b = Run(model, x0, integrator, 0.5, 2 * steps);
        var c = Run(model, x0, integrator, 0.5, 4 * steps);
        double e1 = MaxDiff(a, b), e2 = MaxDiff(b, c);
        double measured = Math.Log2(e1 / e2);
        TestContext.Out.WriteLine($"{integrator}: errors {e1:E3}, {e2:E3}, order {measured:F3}");
        Assert.That(measured, Is.EqualTo(order).Within(0.25));
    }

    [TestCase(ParticleIntegrator.Rk4, 0.0)]
    [TestCase(ParticleIntegrator.Heun, 0.3)]
    [TestCase(ParticleIntegrator.Layer, 0.3)]
    public void PositionsStayOnTheSphere(ParticleIntegrator integrator, double diffusion)
    {
        const int n = 40, d = 4;
        var model = new ParticleModel(AttentionKind.SA, d, 3.0, diffusion);
        var x = Run(model, ParticleSampling.Uniform(n, d, 2), integrator, 0.2, 20);
        for (int i = 0; i < n; i++)
        {
            double norm = 0;
            for (int c = 0; c < d; c++) norm += x[i * d + c] * x[i * d + c];
            Assert.That(Math.Sqrt(norm), Is.EqualTo(1.0).Within(2e-16 * 4));
        }
    }

    [Test]
    public void NoisyTrajectoriesAreBitIdenticalForAnyThreadCountAndDependOnTheSeed()
    {
        const int n = 1100, d = 3;
        var model = new ParticleModel(AttentionKind.USA, d, 2.0, 0.5);
        var x0 = ParticleSampling.Uniform(n, d, 8);
        var one = Run(model, x0, ParticleIntegrator.Heun, 0.05, 5, threads: 1, seed: 77);
        var two = Run(model, x0, ParticleIntegrator.Heun, 0.05, 5, threads: 2, seed: 77);
        var other = Run(model, x0, ParticleIntegrator.Heun, 0.05, 5, threads: 2, seed: 78);
        Assert.That(two, Is.EqualTo(one));
        Assert.That(MaxDiff(other, one), Is.GreaterThan(1e-3));
        var circle = new ParticleModel(AttentionKind.SA, 2, 5.0, 0.1);
        var c0 = ParticleSampling.Uniform(n, 2, 8);
        Assert.That(Run(circle, c0, ParticleIntegrator.Layer, 0.05, 5, "spectral", threads: 2),
            Is.EqualTo(Run(circle, c0, ParticleIntegrator.Layer, 0.05, 5, "spectral", threads: 1)));
    }

    [TestCase(3, 2000, "dense")]
    [TestCase(2, 20000, "spectral")]
    public void NoiseHasTheGeneratorDTimesTheLaplacian(int d, int n, string interaction)
    {
        // Attention is negligible at tiny β with SA (the drift is the projected mean of n nearly uniform points, O(n^{-1/2}),
        // and it averages out of the mean below). Brownian motion with generator DΔ on S^{d−1}: E⟨x(t), x(0)⟩ = e^{−D(d−1)t}
        // (degree-1 eigenvalue d−1).
        const double diffusion = 0.5, t = 0.4;
        var model = new ParticleModel(AttentionKind.SA, d, 1e-9, diffusion);
        var x0 = ParticleSampling.Uniform(n, d, 5);
        foreach (var integrator in new[] { ParticleIntegrator.Heun, ParticleIntegrator.Layer })
        {
            var x = Run(model, x0, integrator, t, 50, interaction, seed: 9);
            double mean = 0;
            for (int i = 0; i < n; i++)
            for (int c = 0; c < d; c++) mean += x[i * d + c] * x0[i * d + c] / n;
            double expected = Math.Exp(-diffusion * (d - 1) * t);
            // Standard error of the mean ≈ 0.7/√n (≤ 0.016); the weak error O(h) with h = 0.008 is ≈ 3e-3.
            Assert.That(mean, Is.EqualTo(expected).Within(4 * 0.7 / Math.Sqrt(n) + 0.005), integrator.ToString());
        }
    }

    [TestCase("dense")]
    [TestCase("spectral")]
    public void UsaConservesTheSumOfLiftedAnglesOnTheCircle(string interaction)
    {
        const int n = 300;
        var model = new ParticleModel(AttentionKind.USA, 2, 4.0);
        var x = MixedConfiguration(n, 2, 12);
        var stepper = new ParticleStepper(model, ParticleInteractions.Create(model, n, interaction, 1e-13), ParticleIntegrator.Rk4, n, 0);
        var drift = new double[2 * n];
        ParticleInteractions.Create(model, n, interaction, 1e-13).Evaluate(x, drift);
        Assert.That(ParticleDiagnostics.NetFlux(x, drift), Is.EqualTo(0).Within(1e-13 * Math.Exp(4)));
        double lifted = 0, motion = 0;
        for (int s = 0; s < 200; s++)
        {
            var before = (double[])x.Clone();
            stepper.Step(x, 1e-3);
            for (int i = 0; i < n; i++)
            {
                double cross = before[2 * i] * x[2 * i + 1] - before[2 * i + 1] * x[2 * i];
                double dot = before[2 * i] * x[2 * i] + before[2 * i + 1] * x[2 * i + 1];
                double dTheta = Math.Atan2(cross, dot);
                lifted += dTheta;
                motion += Math.Abs(dTheta);
            }
        }
        Assert.That(motion / n, Is.GreaterThan(0.05), "particles moved");
        // Exact for the ODE; the scheme keeps it to rounding (60000 atan2 increments of ~1e-3: ≈ 1e-12 absolute).
        Assert.That(Math.Abs(lifted) / n, Is.LessThan(1e-10), "Σθ_i lifted is conserved");

        // SA does not conserve it (so the check can fail).
        var sa = new ParticleModel(AttentionKind.SA, 2, 4.0);
        ParticleInteractions.Create(sa, n, interaction, 1e-13).Evaluate(x, drift);
        Assert.That(Math.Abs(ParticleDiagnostics.NetFlux(x, drift)), Is.GreaterThan(1e-4));
    }

    [TestCase(3)]
    [TestCase(5)]
    public void UsaHasNoTotalAngularVelocityAndSaHas(int d)
    {
        // MATH §2.5 / §10 row 19: N = 50, β = 3 gives ≈ 2e-15 (USA) and ≈ 0.1 (SA).
        const int n = 50;
        var x = ParticleSampling.Uniform(n, d, 21);
        var drift = new double[n * d];
        new DenseInteraction(new ParticleModel(AttentionKind.USA, d, 3.0), n).Evaluate(x, drift);
        Assert.That(ParticleDiagnostics.RotationRate(x, drift, d) * n, Is.LessThan(1e-12));
        new DenseInteraction(new ParticleModel(AttentionKind.SA, d, 3.0), n).Evaluate(x, drift);
        Assert.That(ParticleDiagnostics.RotationRate(x, drift, d) * n, Is.GreaterThan(1e-2));
    }

    [TestCase(AttentionKind.USA, 2, "spectral")]
    [TestCase(AttentionKind.SA, 2, "dense")]
    [TestCase(AttentionKind.USA, 3, "dense")]
    [TestCase(AttentionKind.SA, 4, "dense")]
    public void EnergyIsNonDecreasing(AttentionKind attention, int d, string interaction)
    {
        const int n = 400;
        var model = new ParticleModel(attention, d, 4.0);
        var x = ParticleSampling.Uniform(n, d, 31);
        var evaluator = ParticleInteractions.Create(model, n, interaction, 1e-13);
        var stepper = new ParticleStepper(model, evaluator, ParticleIntegrator.Rk4, n, 0);
        var drift = new double[n * d];
        var weights = new double[n];
        evaluator.Evaluate(x, drift, weights);
        double first = ParticleDiagnostics.Energy(weights, 4.0), previous = first;
        for (int s = 0; s < 60; s++)
        {
            stepper.Step(x, 0.02);
            evaluator.Evaluate(x, drift, weights);
            double e = ParticleDiagnostics.Energy(weights, 4.0);
            Assert.That(e, Is.GreaterThanOrEqualTo(previous * (1 - 1e-14)), $"step {s}");
            previous = e;
        }
        Assert.That(previous, Is.GreaterThan(first * 1.01), "the energy moved");
    }

    [Test]
    public void EnergyMatchesItsDefinition()
    {
        const int n = 60, d = 3;
        var model = new ParticleModel(AttentionKind.SA, d, 2.5);
        var x = ParticleSampling.Uniform(n, d, 1);
        var weights = new double[n];
        new DenseInteraction(model, n).Evaluate(x, new double[n * d], weights);
        double sum = 0;
        for (int i = 0; i < n; i++)
        for (int j = 0; j < n; j++)
        {
            double dot = 0;
            for (int c = 0; c < d; c++) dot += x[i * d + c] * x[j * d + c];
            sum += Math.Exp(2.5 * dot);
        }
        Assert.That(ParticleDiagnostics.Energy(weights, 2.5), Is.EqualTo(sum / (2 * 2.5 * n * n)).Within(1e-14 * sum));
    }

    private static double MaxDiff(double[] a, double[] b)
    {
        double m = 0;
        for (int i = 0; i < a.Length; i++) m = Math.Max(m, Math.Abs(a[i] - b[i]));
        return m;
    }
}
