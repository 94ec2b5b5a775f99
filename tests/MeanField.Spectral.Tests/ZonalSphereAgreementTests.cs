using System.Numerics;
using MeanField.Core;
using MeanField.Spectral.Sphere;
using MeanField.Spectral.Steppers;
using MeanField.Spectral.Zonal;

namespace MeanField.Spectral.Tests;

/// <summary>Issue 5: on axisymmetric data the zonal solver with d = 3 and the S² harmonic solver are the same PDE.</summary>
public class ZonalSphereAgreementTests
{
    [TestCase(AttentionKind.USA, 3.0, 0.0)]
    [TestCase(AttentionKind.SA, 4.0, 0.0)]
    [TestCase(AttentionKind.USA, 2.0, 0.05)]
    public void ZonalD3AgreesWithTheSphereSolverOnAxisymmetricData(AttentionKind attention, double beta, double diffusion)
    {
        const int lmax = 24;
        // ρ = (1/4π)(1 + Σ ε_n P_n(cos θ)) about the z axis: zonal coefficients (P_n(1) = 1) and a_n^0 = ε_n √(4π/(2n+1))/4π.
        (int N, double Eps)[] perturbation = [(1, 0.3), (2, 0.15), (3, -0.1)];
        var zonalInitial = ZonalInitialLaws.Perturbed(3, lmax, perturbation);
        var sphereInitial = SphereInitialLaws.Explicit(lmax,
            perturbation.Select(p => (p.N, 0, new Complex(p.Eps * Math.Sqrt(4 * Math.PI / (2 * p.N + 1)) / (4 * Math.PI), 0))));
        var stepper = new StepperOptions(StepperKind.Rk4, 1e-3, 0);
        var model = new MeanFieldModel(attention, beta, diffusion);
        var zonal = new ZonalSpectralSolver(model, 3, lmax, zonalInitial, stepper);
        using var sphere = new SphereSpectralSolver(model, lmax, sphereInitial, stepper);
        double t = attention == AttentionKind.USA ? 0.15 : 1.0;
        zonal.AdvanceTo(t);
        sphere.AdvanceTo(t);

        // Same physical density: g_n (zonal, ρ = Σ g_n P_n) = a_n^0 √((2n+1)/4π) (sphere); m ≠ 0 stays zero.
        var g = zonal.GegenbauerCoefficients();
        double scale = g.Max(Math.Abs);
        Assert.That(Math.Abs(g[3]), Is.GreaterThan(1e-3 * scale), "the run must have evolved a non-trivial shape");
        for (int n = 0; n <= lmax; n++)
        {
            double fromSphere = sphere.Coefficient(n, 0).Real * Math.Sqrt((2 * n + 1) / (4 * Math.PI));
            Assert.That(fromSphere, Is.EqualTo(g[n]).Within(1e-8 * scale), $"degree {n}");
            for (int m = 1; m <= n; m++) Assert.That(sphere.Coefficient(n, m).Magnitude, Is.LessThan(1e-13 * scale));
        }
        Assert.That(sphere.Diagnose().Energy, Is.EqualTo(zonal.Diagnose().Energy).Within(1e-8).Percent);
    }
}
