using System.Numerics;
using MeanField.Core;
using MeanField.Spectral.Sphere;
using MeanField.Spectral.Steppers;
using MeanField.Spectral.Zonal;

namespace MeanField.Spectral.Tests;

/// <summary>model.attention_scale s (V = s·I) in the S² and zonal solvers: the linear rates scale by s (MATH §4.1).</summary>
public class AttentionScaleTests
{
    private static readonly double A00 = 1 / Math.Sqrt(4 * Math.PI);

    [TestCase(AttentionKind.USA, 3.0)]
    [TestCase(AttentionKind.SA, 3.0)]
    public void RepulsiveScaleFlipsTheSignOfTheSphereGrowthRates(AttentionKind kind, double beta)
    {
        const double eps = 1e-7;
        for (int n = 1; n <= 4; n++)
        {
            double expected = -LinearStability.GrowthRate(kind, n, beta, 3);
            int lmax = n + 2;
            var model = new MeanFieldModel(kind, beta) { AttentionScale = -1 };
            var entries = new List<(int, int, Complex)> { (n, 0, eps * A00), (n, 1, eps * A00 * new Complex(0.6, 0.8)) };
            double t = 1 / Math.Abs(expected);
            using var solver = new SphereSpectralSolver(model, lmax, SphereInitialLaws.Explicit(lmax, entries), new StepperOptions(StepperKind.Rk4, t / 400, 0));
            var initial = solver.Coefficients();
            solver.AdvanceTo(t);
            for (int m = 0; m <= 1; m++)
            {
                double measured = Math.Log(solver.Coefficient(n, m).Magnitude / initial[solver.Basis.Index(n, m)].Magnitude) / t;
                Assert.That(measured, Is.EqualTo(expected).Within(1e-4 * Math.Abs(expected)), $"n = {n}, m = {m}");
            }
        }
    }

    [TestCase(AttentionKind.USA)]
    [TestCase(AttentionKind.SA)]
    public void ZeroScaleLeavesTheSphereDensityStill(AttentionKind kind)
    {
        var model = new MeanFieldModel(kind, 5.0) { AttentionScale = 0 };
        var entries = new List<(int, int, Complex)> { (1, 0, 0.2 * A00), (2, 1, 0.1 * A00 * new Complex(0.6, 0.8)), (3, 3, new Complex(0, 0.05 * A00)) };
        using var solver = new SphereSpectralSolver(model, 8, SphereInitialLaws.Explicit(8, entries), new StepperOptions(StepperKind.Rk4, 0.01, 0));
        var initial = solver.State.ToArray();
        solver.AdvanceTo(1.0);
        Assert.That(solver.State.ToArray(), Is.EqualTo(initial));
    }

    [TestCase(AttentionKind.USA, 4)]
    [TestCase(AttentionKind.SA, 8)]
    public void RepulsiveScaleFlipsTheSignOfTheZonalGrowthRates(AttentionKind kind, int d)
    {
        const int l = 8;
        const double eps = 1e-7, beta = 3.0;
        foreach (int n in new[] { 1, 2, 4 })
        {
            var c = ZonalInitialLaws.Uniform(l);
            c[n] = eps;
            double expected = -LinearStability.GrowthRate(kind, n, beta, d);
            double t = 1 / Math.Abs(expected);
            var solver = new ZonalSpectralSolver(new MeanFieldModel(kind, beta) { AttentionScale = -1 }, d, l, c, new StepperOptions(StepperKind.Rk4, t / 400, 0));
            Assert.That(solver.Operator.LinearRate(n), Is.EqualTo(expected).Within(1e-9 * Math.Abs(expected)));
            solver.AdvanceTo(t);
            double measured = Math.Log(solver.Coefficient(n) / eps) / t;
            Assert.That(measured, Is.EqualTo(expected).Within(1e-4 * Math.Abs(expected)), $"degree {n}");
        }
    }

    [Test]
    public void ZeroScaleLeavesTheZonalDensityStill()
    {
        var c = ZonalInitialLaws.Uniform(8);
        c[1] = 0.3;
        c[3] = -0.1;
        var solver = new ZonalSpectralSolver(new MeanFieldModel(AttentionKind.USA, 5.0) { AttentionScale = 0 }, 5, 8, c, new StepperOptions(StepperKind.Rk4, 0.01, 0));
        solver.AdvanceTo(1.0);
        Assert.That(solver.State.ToArray(), Is.EqualTo(c));
    }
}
