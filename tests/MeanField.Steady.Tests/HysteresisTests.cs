using System.Numerics;
using MeanField.Core;
using MeanField.Spectral.Circle;
using MeanField.Spectral.Steppers;
using MeanField.Steady.Geometries;

namespace MeanField.Steady.Tests;

public class HysteresisTests
{
    [Test]
    public void BetweenFoldAndKSharp_LargePerturbationsClusterAndSmallOnesDecay()
    {
        // β = 1.1 β_*(2): subcritical, K_fold < K_#. At K between them the uniform state and the upper clustered branch are both
        // stable (hysteresis). Time-dependent runs of the circle PDE (dopri5, diffusion exact) from a small and a large
        // perturbation end on the two different stationary states found by Newton.
        double beta = 1.1 * ContinuationTests.CriticalBeta(2);
        const int grid = 32;
        using var geometry = CircleSteadyGeometry.Create(AttentionKind.USA, beta, grid);
        var uniform = geometry.Basis.StateFromCoefficients([1 / (2 * Math.PI)]);
        double kSharp = ContinuationTests.KSharp(beta, 2);
        var result = new PseudoArclengthContinuation(geometry, new ContinuationOptions { Parameter = ContinuationParameter.Coupling, MaxPoints = 60 })
            .Run(uniform, 0.9 * kSharp, 1.1 * kSharp);
        double kFold = result.Folds.Single().Parameter;
        double k = kFold + 0.5 * (kSharp - kFold), diffusion = 1 / (2 * k);
        var upper = SteadyStateSolver.Solve(geometry, SteadyStateTests.VonMises(geometry.Basis, 3.0), diffusion);
        Assert.That(upper.Converged && upper.Spectrum!.Stable, Is.True);
        double upperA = geometry.HarmonicAmplitude(upper.State, 1);
        var branch = result.Branches[1].Points;
        // The unstable middle state at K (between bifurcation and fold) separates the basins.
        var middle = SteadyStateSolver.Solve(geometry, branch.Where(p => p.Parameter < k && !p.Stable).OrderBy(p => Math.Abs(p.Parameter - k)).First().State, diffusion);
        double middleA = geometry.HarmonicAmplitude(middle.State, 1);
        TestContext.Out.WriteLine($"K_fold = {kFold:R}, K_# = {kSharp:R}, K = {k:R}; A_1: middle {middleA:G6} ({middle.Spectrum!.UnstableCount} unstable), upper {upperA:G6}, upper leading {upper.Spectrum.Eigenvalues[0].Real:G4}");
        Assert.That(middle.Converged && !middle.Spectrum.Stable && middleA < upperA, Is.True);

        double Run(double kappa, double time)
        {
            var start = SteadyStateTests.VonMises(geometry.Basis, kappa, 0.4);
            var c = new Complex[geometry.Basis.MaxWavenumber + 1];
            for (int i = 0; i < c.Length; i++) c[i] = geometry.Basis.Coefficient(start, i);
            using var solver = new CircleSpectralSolver(new MeanFieldModel(AttentionKind.USA, beta, diffusion), grid, c, new StepperOptions(StepperKind.Dopri5, 1e-2, 1e-9));
            solver.AdvanceTo(time);
            return geometry.HarmonicAmplitude(solver.State, 1);
        }
        // κ for A_1 = I_1(κ)/I_0(κ) just below and well above the middle state's amplitude.
        // The slow rates (upper state −0.0136, uniform (K − K_#)-small) are Newton's; t = 300 is several e-folds of the first.
        double smallStart = 0.5 * middleA, largeStart = Math.Min(0.95, 2 * middleA);
        double small = Run(InverseOrder(smallStart), 300);
        double large = Run(InverseOrder(largeStart), 300);
        TestContext.Out.WriteLine($"after t = 300: small start A_1 = {smallStart:G4} → {small:G6}, large start A_1 = {largeStart:G4} → {large:G6}");
        Assert.That(Math.Abs(large - upperA), Is.LessThan(0.05 * Math.Abs(largeStart - upperA)), "the large perturbation settles on the clustered state");
        Assert.That(small, Is.LessThan(0.8 * smallStart), "the small perturbation decays towards uniform");
    }

    private static double InverseOrder(double r)
    {
        double lo = 0, hi = 100;
        for (int i = 0; i < 200; i++)
        {
            double mid = 0.5 * (lo + hi);
            if (MathNet.Numerics.SpecialFunctions.BesselI1(mid) / MathNet.Numerics.SpecialFunctions.BesselI0(mid) < r) lo = mid; else hi = mid;
        }
        return 0.5 * (lo + hi);
    }
}
