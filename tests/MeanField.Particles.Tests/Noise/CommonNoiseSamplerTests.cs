using System.Numerics;
using MeanField.Core;
using MeanField.Core.Noise;
using MeanField.Core.Random;
using MeanField.Particles.Noise;

namespace MeanField.Particles.Tests.Noise;

public class CommonNoiseSamplerTests
{
    [Test]
    public void CircleSamplerIsTheFieldTimesTheUnitTangentWithThePathsIncrements()
    {
        var field = new CircleNoiseField([0.5, 0.2, 0.1, 0.05], [0, 0.3, 0.0, 0.4]);
        var path = new CommonNoisePath(11, field.Components, 0.01);
        var sampler = new CircleHarmonicSampler(field, path);
        var dB = new double[field.Components];
        var x = new double[] { 1, 0, Math.Cos(2.1), Math.Sin(2.1), 3 * Math.Cos(-0.4), 3 * Math.Sin(-0.4) };   // the last off the circle
        var v = new double[x.Length];
        foreach (long step in new long[] { 0, 7 })
        {
            sampler.Draw(step);
            path.Increments(step, dB);
            Assert.That(sampler.Increments.ToArray(), Is.EqualTo(dB));
            sampler.Evaluate(x, v);
            foreach (var (i, theta) in new[] { (0, 0.0), (1, 2.1), (2, -0.4) })
            {
                double w = field.Value(theta, dB);
                Assert.That(v[2 * i], Is.EqualTo(-w * Math.Sin(theta)).Within(1e-15));
                Assert.That(v[2 * i + 1], Is.EqualTo(w * Math.Cos(theta)).Within(1e-15));
            }
        }
    }

    [Test]
    public void SphereSamplerMatchesClosedFormHarmonicsUpToDegreeOne()
    {
        // Y_0 = 1/√(4π); real degree-1 harmonics (Condon–Shortley): Y_{1,0} = c z, √2 Re Y_1^1 = −c x, √2 Im Y_1^1 = −c y, c = √(3/4π).
        var field = new SphereNoiseField([0.7, 0.4]);
        var path = new CommonNoisePath(5, field.Components, 0.02);
        var sampler = new SphereHarmonicSampler(field, path, threads: 1);
        sampler.Draw(3);
        var dB = new double[field.Components];
        path.Increments(3, dB);
        var u = new[] { 0.3, -0.5, 0.8 };
        double norm = Math.Sqrt(u.Sum(a => a * a));
        var x = u.Select(a => a / norm).ToArray();
        var v = new double[3];
        sampler.Evaluate(x, v);
        double c = Math.Sqrt(3 / (4 * Math.PI)), s0 = Math.Sqrt(0.7), s1 = Math.Sqrt(0.4);
        var w = new double[3];
        for (int alpha = 0; alpha < 3; alpha++)
            w[alpha] = s0 / Math.Sqrt(4 * Math.PI) * dB[SphereNoiseField.ComponentIndex(0, 0, alpha)]
                       + s1 * c * (x[2] * dB[SphereNoiseField.ComponentIndex(1, 0, alpha)]
                                   - x[0] * dB[SphereNoiseField.ComponentIndex(1, 1, alpha)]
                                   - x[1] * dB[SphereNoiseField.ComponentIndex(1, 2, alpha)]);
        double radial = w[0] * x[0] + w[1] * x[1] + w[2] * x[2];
        for (int a = 0; a < 3; a++) Assert.That(v[a], Is.EqualTo(w[a] - radial * x[a]).Within(1e-15));
    }

    [Test]
    public void MlpSamplerReadsTheDocumentedGaussiansAndAppliesTheLayer()
    {
        int d = 5, m = 6;
        double dt = 0.04, su = 0.3, sw = 0.2;
        var sampler = new MlpNoiseSampler(MlpActivation.Tanh, d, m, su, sw, seed: 9, dt, path: 2, threads: 2);
        int p = sampler.GaussiansPerStep;
        Assert.That(p, Is.EqualTo(2 * m * d + m + d + 1));   // 71 rounded up to even
        var z = new double[p];
        for (int k = 0; k < p; k++) z[k] = RandomStream.GaussianAt(9, RandomStreams.CommonNoise + (2ul << 32), (ulong)(4 * p + k));
        var x = ParticleSampling.Uniform(3, d, 1);
        var g = new double[x.Length];
        sampler.Draw(4);
        sampler.Evaluate(x, g);
        for (int i = 0; i < 3; i++)
        for (int c = 0; c < d; c++)
        {
            double sum = 0;
            for (int k = 0; k < m; k++)
            {
                double pre = su * z[m * d + k];
                for (int b = 0; b < d; b++) pre += z[k * d + b] * x[i * d + b] / Math.Sqrt(d);
                sum += z[m * d + m + c * m + k] * Math.Tanh(pre);
            }
            double expected = Math.Sqrt(dt) * (sum / Math.Sqrt(m) + sw * z[2 * m * d + m + c]);
            Assert.That(g[i * d + c], Is.EqualTo(expected).Within(1e-14));
        }
    }

    /// <summary>E⟨P_x V(x), P_y V(y)⟩ over draws, with its standard error; V from the sampler with Dt = 1.</summary>
    private static (double[] Mean, double[] Error) ProjectedCovariance(ICommonNoiseSampler sampler, double[] points, int draws, bool project)
    {
        int d = sampler.Dimension, n = points.Length / d;
        var v = new double[points.Length];
        var sum = new double[n];
        var sum2 = new double[n];
        for (int s = 0; s < draws; s++)
        {
            sampler.Draw(s);
            sampler.Evaluate(points, v);
            if (project)
                for (int i = 0; i < n; i++)
                {
                    double r = 0;
                    for (int c = 0; c < d; c++) r += v[i * d + c] * points[i * d + c];
                    for (int c = 0; c < d; c++) v[i * d + c] -= r * points[i * d + c];
                }
            for (int i = 0; i < n; i++)
            {
                double dot = 0;
                for (int c = 0; c < d; c++) dot += v[c] * v[i * d + c];   // pairs (x_0, x_i)
                sum[i] += dot;
                sum2[i] += dot * dot;
            }
        }
        var mean = sum.Select(s => s / draws).ToArray();
        var error = sum2.Select((s, i) => Math.Sqrt((s / draws - mean[i] * mean[i]) / draws)).ToArray();
        return (mean, error);
    }

    /// <summary>x_0 = e_1 and x_i at ⟨x_0, x_i⟩ = u_i.</summary>
    private static double[] Points(int d, double[] cosines)
    {
        var x = new double[cosines.Length * d];
        for (int i = 0; i < cosines.Length; i++)
        {
            x[i * d] = cosines[i];
            x[i * d + 1] = Math.Sqrt(1 - cosines[i] * cosines[i]);
        }
        return x;
    }

    private static readonly double[] Cosines = [1, 0.6, 0, -0.7];

    [Test]
    public void HarmonicAndMlpSamplersAgreeInLawOnTheSphere()
    {
        // Projected fields: E⟨P_x V(x), P_y V(y)⟩ = κ(u) tr(P_x P_y) = κ(u)(1 + u²) in d = 3, for the MLP layer (any width) and
        // for the Karhunen–Loève sampler up to truncation (sigmoid: C_n decays geometrically, κ_trunc = κ to ≈ 1e-9 at L = 12).
        var kernel = new MlpNoiseKernel(MlpActivation.Sigmoid, 3, 0.5, 0.1);
        // 256 quadrature nodes (the default 2048 costs seconds with a quadrature kernel) are exact to rounding at degree 12.
        var field = new SphereNoiseField(ZonalKernelSpectrum.DegreeVariances(kernel.Kappa, 3, 12, nodes: 256));
        Assert.That(field.TruncatedKappaAtOne, Is.EqualTo(kernel.Kappa(1)).Within(1e-8));
        var points = Points(3, Cosines);
        const int draws = 10000;
        var harmonic = ProjectedCovariance(new SphereHarmonicSampler(field, new CommonNoisePath(1, field.Components, 1.0), threads: 1), points, draws, project: false);
        var mlp = ProjectedCovariance(new MlpNoiseSampler(MlpActivation.Sigmoid, 3, 16, 0.5, 0.1, seed: 2, dt: 1, threads: 1), points, draws, project: true);
        for (int i = 0; i < Cosines.Length; i++)
        {
            double u = Cosines[i], expected = kernel.Kappa(u) * (1 + u * u);
            TestContext.Out.WriteLine($"u = {u}: κ(u)(1+u²) = {expected:F5}, harmonic {harmonic.Mean[i]:F5} ± {harmonic.Error[i]:F5}, mlp {mlp.Mean[i]:F5} ± {mlp.Error[i]:F5}");
            Assert.That(harmonic.Mean[i], Is.EqualTo(expected).Within(4 * harmonic.Error[i]), $"harmonic, u = {u}");
            Assert.That(mlp.Mean[i], Is.EqualTo(expected).Within(4 * mlp.Error[i]), $"mlp, u = {u}");
            Assert.That(harmonic.Error[i], Is.LessThan(0.03 * kernel.Kappa(1)));
        }
    }

    [Test]
    public void HarmonicAndMlpSamplersAgreeInLawOnTheCircle()
    {
        // On S¹ the projected covariance is κ(u)·u² (Q(δ) cos δ with Q(δ) = κ(cos δ) cos δ, MATH §3.3); ReLU's closed-form
        // kernel, whose truncation at M = 32 is within 1e-3 relative of κ(1) (checked), well inside the Monte Carlo error.
        var kernel = new MlpNoiseKernel(MlpActivation.Relu, 2, 0.3, 0.2);
        var field = CircleNoiseField.FromKernel(kernel.Kappa, 32);
        Assert.That(field.TruncatedVariance, Is.EqualTo(kernel.Kappa(1)).Within(1e-3 * kernel.Kappa(1)));
        var points = Points(2, Cosines);
        const int draws = 10000;
        var harmonic = ProjectedCovariance(new CircleHarmonicSampler(field, new CommonNoisePath(3, field.Components, 1.0)), points, draws, project: false);
        var mlp = ProjectedCovariance(new MlpNoiseSampler(MlpActivation.Relu, 2, 16, 0.3, 0.2, seed: 4, dt: 1, threads: 1), points, draws, project: true);
        for (int i = 0; i < Cosines.Length; i++)
        {
            double u = Cosines[i], expected = kernel.Kappa(u) * u * u;
            TestContext.Out.WriteLine($"u = {u}: κ(u)u² = {expected:F5}, harmonic {harmonic.Mean[i]:F5} ± {harmonic.Error[i]:F5}, mlp {mlp.Mean[i]:F5} ± {mlp.Error[i]:F5}");
            Assert.That(harmonic.Mean[i], Is.EqualTo(expected).Within(4 * harmonic.Error[i] + 1e-12), $"harmonic, u = {u}");
            Assert.That(mlp.Mean[i], Is.EqualTo(expected).Within(4 * mlp.Error[i] + 1e-12), $"mlp, u = {u}");
        }
    }

    [Test]
    public void MlpLayerCovarianceIsTheKernelInDimension64()
    {
        // E⟨G(x), G(y)⟩/d = κ(⟨x,y⟩) for the unprojected layer, ReLU with σ_U = σ_W = 0.1 (P3's grid; κ(1) = 0.0228125).
        const int d = 64, draws = 2000;
        var kernel = new MlpNoiseKernel(MlpActivation.Relu, d, 0.1, 0.1);
        Assert.That(kernel.Kappa(1), Is.EqualTo(0.0228125).Within(1e-12));   // MATH §10 row 36
        var points = Points(d, Cosines);
        var (mean, error) = ProjectedCovariance(new MlpNoiseSampler(MlpActivation.Relu, d, 64, 0.1, 0.1, seed: 6, dt: 1, threads: 1), points, draws, project: false);
        for (int i = 0; i < Cosines.Length; i++)
        {
            double u = Cosines[i], estimate = mean[i] / d, se = error[i] / d;
            TestContext.Out.WriteLine($"u = {u}: κ(u) = {kernel.Kappa(u):F6}, mlp {estimate:F6} ± {se:F6}");
            Assert.That(estimate, Is.EqualTo(kernel.Kappa(u)).Within(4 * se), $"u = {u}");
            Assert.That(se, Is.LessThan(0.03 * kernel.Kappa(1)));
        }
    }
}
