using MeanField.Core;
using MeanField.Core.Noise;
using MeanField.Particles.Noise;

namespace MeanField.Particles.Tests.Noise;

public class CommonNoiseStepperTests
{
    [TestCase(2, "dense")]
    [TestCase(2, "spectral")]
    [TestCase(3, "dense")]
    [TestCase(3, "spectral")]
    [TestCase(5, "dense")]
    public void AttentionScaleMultipliesTheVelocityAndLeavesTheWeights(int d, string kind)
    {
        var x = ParticleTestSupport.MixedConfiguration(300, d, 4);
        foreach (var attention in new[] { AttentionKind.USA, AttentionKind.SA })
        {
            var one = new ParticleModel(attention, d, 3.0);
            var reference = new double[x.Length];
            var weights = new double[300];
            ParticleInteractions.Create(one, 300, kind, 1e-12, 1).Evaluate(x, reference, weights);
            foreach (double s in new[] { 0.0, -1.0, 0.5 })
            {
                var model = one with { AttentionScale = s };
                var drift = new double[x.Length];
                var scaledWeights = new double[300];
                ParticleInteractions.Create(model, 300, kind, 1e-12, 1).Evaluate(x, drift, scaledWeights);
                Assert.That(drift, Is.EqualTo(reference.Select(v => s * v).ToArray()), $"{attention}, s = {s}");
                Assert.That(scaledWeights, Is.EqualTo(weights));
            }
        }
    }

    [Test]
    public void WithoutAttentionAndNoiseParticlesStayPut()
    {
        var model = new ParticleModel(AttentionKind.SA, 4, 2.0) { AttentionScale = 0 };
        var x = ParticleSampling.Uniform(50, 4, 3);
        var start = (double[])x.Clone();
        var stepper = new ParticleStepper(model, new DenseInteraction(model, 50, 1), ParticleIntegrator.Heun, 50, 1, 1);
        for (int k = 0; k < 10; k++) stepper.Step(x, 0.1);
        for (int a = 0; a < x.Length; a++) Assert.That(x[a], Is.EqualTo(start[a]).Within(1e-15));
        Assert.That(stepper.Evaluations, Is.EqualTo(0));
    }

    [Test]
    public void RepulsiveScaleReversesTheVelocity()
    {
        // One layer step with s = −1 is x ← N(x − h v) with v the s = 1 drift.
        const double h = 1e-2;
        var attractive = new ParticleModel(AttentionKind.USA, 3, 2.0);
        var repulsive = attractive with { AttentionScale = -1 };
        var x = ParticleTestSupport.MixedConfiguration(40, 3, 8);
        var v = new double[x.Length];
        new DenseInteraction(attractive, 40, 1).Evaluate(x, v);
        var minus = (double[])x.Clone();
        new ParticleStepper(repulsive, new DenseInteraction(repulsive, 40, 1), ParticleIntegrator.Layer, 40, 1, 1).Step(minus, h);
        for (int i = 0; i < 40; i++)
        {
            var y = Enumerable.Range(0, 3).Select(c => x[3 * i + c] - h * v[3 * i + c]).ToArray();
            double norm = Math.Sqrt(y.Sum(t => t * t));
            for (int c = 0; c < 3; c++) Assert.That(minus[3 * i + c], Is.EqualTo(y[c] / norm).Within(1e-15));
        }
        Assert.That(v.Max(Math.Abs), Is.GreaterThan(1e-2), "the attention moves the particles");
    }

    private static double[] RotateCircle(double[] x, double angle)
    {
        var (sin, cos) = Math.SinCos(angle);
        var r = new double[x.Length];
        for (int i = 0; i < x.Length / 2; i++)
        {
            r[2 * i] = cos * x[2 * i] - sin * x[2 * i + 1];
            r[2 * i + 1] = sin * x[2 * i] + cos * x[2 * i + 1];
        }
        return r;
    }

    [TestCase(0.0)]
    [TestCase(1.0)]
    public void HeunTurnsTheCircleByTheRotationNoiseExactly(double attentionScale)
    {
        // A constant rotation field a₀ dB₀ (components: 1): the noisy run is the noiseless run turned by a₀ B_T, exactly up
        // to rounding — attention is rotation-equivariant and Heun on the angle adds a₀ΔB to each step's angle.
        const int n = 60, steps = 200;
        const double sigma = 0.7, h = 0.005;
        var model = new ParticleModel(AttentionKind.USA, 2, 3.0) { AttentionScale = attentionScale };
        var rotation = new CircleNoiseField([sigma], [0.0]);
        var still = new CircleNoiseField([0.0], [0.0]);
        var path = new CommonNoisePath(31, 1, h);
        var x0 = ParticleSampling.Uniform(n, 2, 12);
        var noisy = (double[])x0.Clone();
        var quiet = (double[])x0.Clone();
        var a = new ParticleStepper(model, new DenseInteraction(model, n, 1), ParticleIntegrator.Heun, n, 1, 1, new CircleHarmonicSampler(rotation, path));
        var b = new ParticleStepper(model, new DenseInteraction(model, n, 1), ParticleIntegrator.Heun, n, 1, 1, new CircleHarmonicSampler(still, path));
        for (int k = 0; k < steps; k++)
        {
            a.Step(noisy, h);
            b.Step(quiet, h);
        }
        var total = new double[1];
        path.Increments(0, steps, total);
        var expected = RotateCircle(quiet, sigma * total[0]);
        double error = noisy.Zip(expected, (p, q) => Math.Abs(p - q)).Max();
        TestContext.Out.WriteLine($"s = {attentionScale}: a₀B_T = {sigma * total[0]:F4}, max deviation from the rotated noiseless run {error:E2}");
        Assert.That(error, Is.LessThan(1e-12));
        if (attentionScale == 0)
            Assert.That(quiet, Is.EqualTo(x0).Within(1e-15));
        else
            Assert.That(quiet.Zip(x0, (p, q) => Math.Abs(p - q)).Max(), Is.GreaterThan(1e-3), "attention moved the particles");
    }

    [Test]
    public void HeunWithSphereNoiseKeepsParticlesOnTheSphereAndIsThreadCountIndependent()
    {
        var model = new ParticleModel(AttentionKind.SA, 3, 2.0, diffusion: 0.05);
        var field = SphereNoiseField.FromKernel(u => 0.05 + 0.3 * u + 0.2 * u * u, 4);
        double[] Run(int threads)
        {
            var x = ParticleSampling.Uniform(200, 3, 2);
            var sampler = new SphereHarmonicSampler(field, new CommonNoisePath(4, field.Components, 0.01), threads);
            var stepper = new ParticleStepper(model, new DenseInteraction(model, 200, threads), ParticleIntegrator.Heun, 200, 4, threads, sampler);
            for (int k = 0; k < 20; k++) stepper.Step(x, 0.01);
            return x;
        }
        var one = Run(1);
        Assert.That(Run(2), Is.EqualTo(one));
        for (int i = 0; i < 200; i++)
            Assert.That(one[3 * i] * one[3 * i] + one[3 * i + 1] * one[3 * i + 1] + one[3 * i + 2] * one[3 * i + 2], Is.EqualTo(1).Within(1e-14));
    }
}
