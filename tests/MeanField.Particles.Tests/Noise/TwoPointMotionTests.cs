using MeanField.Core;
using MeanField.Core.Noise;
using MeanField.Core.Random;
using MeanField.Particles.Noise;

namespace MeanField.Particles.Tests.Noise;

/// <summary>
/// Attention off, two particles in one common noise: u = ⟨X, Y⟩ diffuses with drift G_0(u) = κ(u)(d−2+u²) − (d−1)κ(1)u and
/// variance rate 2G_1(u) = 2(1−u²)(κ(1) − uκ(u)) (MATH §2.3). One layer step x ← N(x + √dt G(x)) of size dt = 1e-3 is checked
/// against both. The drift is estimated with the control variate L = √dt(⟨G(x), P_x y⟩ + ⟨G(y), P_y x⟩), the first-order part
/// of Δu, whose mean is exactly 0 (E G = 0): Δu − L = O(dt), so the drift's Monte Carlo error is O(1/√M), not O(1/√(M dt)).
/// </summary>
public class TwoPointMotionTests
{
    private const int D = 4;
    private const double Dt = 1e-3;

    private static double G0(Func<double, double> kappa, double u, int d) => kappa(u) * (d - 2 + u * u) - (d - 1) * kappa(1) * u;
    private static double G1(Func<double, double> kappa, double u) => (1 - u * u) * (kappa(1) - u * kappa(u));

    /// <summary>Accumulates one-step samples of Δu and of Δu − L.</summary>
    private sealed class Moments
    {
        private double _sum, _sum2, _cv, _cv2;
        private long _count;

        public void Add(double du, double control)
        {
            _sum += du;
            _sum2 += du * du;
            double r = du - control;
            _cv += r;
            _cv2 += r * r;
            _count++;
        }

        public double Drift => _cv / _count / Dt;
        public double DriftError => Math.Sqrt((_cv2 / _count - Math.Pow(_cv / _count, 2)) / _count) / Dt;
        public double VarianceRate => (_sum2 / _count - Math.Pow(_sum / _count, 2)) / Dt;
        public double VarianceRateError => VarianceRate * Math.Sqrt(2.0 / _count);
    }

    /// <summary>Δu and L for positions x, y and the field values gx = G(x)√dt, gy = G(y)√dt (ambient, d components).</summary>
    private static (double Du, double Control) Step(ReadOnlySpan<double> x, ReadOnlySpan<double> y, ReadOnlySpan<double> gx, ReadOnlySpan<double> gy, double u)
    {
        int d = x.Length;
        double nx = 0, ny = 0, dot = 0, lx = 0, ly = 0, xgy = 0, ygx = 0;
        for (int c = 0; c < d; c++)
        {
            double a = x[c] + gx[c], b = y[c] + gy[c];
            nx += a * a;
            ny += b * b;
            dot += a * b;
            ygx += y[c] * gx[c];
            xgy += x[c] * gy[c];
            lx += x[c] * gx[c];
            ly += y[c] * gy[c];
        }
        double control = ygx - u * lx + xgy - u * ly;   // ⟨G(x), P_x y⟩ + ⟨G(y), P_y x⟩ (times √dt)
        return (dot / Math.Sqrt(nx * ny) - u, control);
    }

    private static double[] Pair(double u, int d)
    {
        var p = new double[2 * d];
        p[0] = 1;
        p[d] = u;
        p[d + 1] = Math.Sqrt(1 - u * u);
        return p;
    }

    private static void Check(string label, Moments m, Func<double, double> kappa, double u, double varianceTolerance)
    {
        double g0 = G0(kappa, u, D), g1 = G1(kappa, u);
        TestContext.Out.WriteLine($"{label}, u = {u}: drift {m.Drift:F5} ± {m.DriftError:F5} vs G_0 = {g0:F5} (diff {(m.Drift - g0) / m.DriftError:F2}σ); " +
                                  $"variance rate {m.VarianceRate:F5} ± {m.VarianceRateError:F5} vs 2G_1 = {2 * g1:F5} (rel {m.VarianceRate / (2 * g1) - 1:E2})");
        Assert.That(m.Drift, Is.EqualTo(g0).Within(4 * m.DriftError), $"{label}: drift at u = {u}");
        // The scheme's variance rate is 2G_1 + O(dt) (MATH §2.3 measured < 0.5 % at dt = 1e-3); allow that plus 3σ of Monte Carlo.
        Assert.That(m.VarianceRate, Is.EqualTo(2 * g1).Within(varianceTolerance * 2 * g1 + 3 * m.VarianceRateError), $"{label}: variance rate at u = {u}");
    }

    [TestCase(-0.6)]
    [TestCase(0.2)]
    [TestCase(0.7)]
    public void GaussianFieldWithPolynomialKernelMatchesTheGenerator(double u)
    {
        // κ(u) = 0.05 + 0.3u + 0.2u² is not an MLP kernel: sample (G(x), G(y)) ~ N(0, [[κ(1), κ(u)], [κ(u), κ(1)]] ⊗ I_d) exactly.
        static double Kappa(double t) => 0.05 + 0.3 * t + 0.2 * t * t;
        const int samples = 600_000;
        double k1 = Kappa(1), rho = Kappa(u) / k1, s = Math.Sqrt(k1 * Dt), t = Math.Sqrt(1 - rho * rho);
        var p = Pair(u, D);
        var stream = new RandomStream(17, 99);
        Span<double> gx = stackalloc double[D], gy = stackalloc double[D];
        var m = new Moments();
        for (int k = 0; k < samples; k++)
        {
            for (int c = 0; c < D; c++)
            {
                double z1 = stream.NextGaussian(), z2 = stream.NextGaussian();
                gx[c] = s * z1;
                gy[c] = s * (rho * z1 + t * z2);
            }
            var (du, control) = Step(p.AsSpan(0, D), p.AsSpan(D, D), gx, gy, u);
            m.Add(du, control);
        }
        Check("Gaussian field", m, Kappa, u, 0.005);
        Assert.That(m.VarianceRateError, Is.LessThan(0.002 * m.VarianceRate));
    }

    [TestCase(-0.6)]
    [TestCase(0.7)]
    public void ReluMlpLayerThroughTheStepperMatchesTheGenerator(double u)
    {
        // The library path: ParticleStepper (layer, attention scale 0) with the MLP sampler, two particles reset before every
        // step; step k reads fresh weights. κ, G_0, G_1 from MlpNoiseKernel (ReLU, σ_U = σ_W = 0.5, κ(1) = 0.5).
        const int samples = 150_000, width = 8;
        var kernel = new MlpNoiseKernel(MlpActivation.Relu, D, 0.5, 0.5);
        var model = new ParticleModel(AttentionKind.USA, D, 1.0) { AttentionScale = 0 };
        var sampler = new MlpNoiseSampler(MlpActivation.Relu, D, width, 0.5, 0.5, seed: 23, Dt, threads: 1);
        var stepper = new ParticleStepper(model, new DenseInteraction(model, 2, 1), ParticleIntegrator.Layer, 2, seed: 23, threads: 1, sampler);
        var p = Pair(u, D);
        var x = new double[2 * D];
        var g = new double[2 * D];
        var m = new Moments();
        for (int k = 0; k < samples; k++)
        {
            p.CopyTo(x, 0);
            stepper.Step(x, Dt);
            sampler.Evaluate(p, g);   // the same draw at the starting points, for the control variate
            double dot = 0;
            for (int c = 0; c < D; c++) dot += x[c] * x[D + c];
            var (_, control) = Step(p.AsSpan(0, D), p.AsSpan(D, D), g.AsSpan(0, D), g.AsSpan(D, D), u);
            m.Add(dot - u, control);
        }
        Assert.That(stepper.Evaluations, Is.EqualTo(0), "attention scale 0 skips the interaction");
        Check($"ReLU MLP layer (m = {width})", m, kernel.Kappa, u, 0.005);
    }
}
