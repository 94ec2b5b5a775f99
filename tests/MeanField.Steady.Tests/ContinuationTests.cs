using MathNet.Numerics;
using MeanField.Core;
using MeanField.Spectral.Zonal;
using MeanField.Steady.Geometries;

namespace MeanField.Steady.Tests;

public class ContinuationTests
{
    /// <summary>K_#^{(d)}(β) = β^{d/2}/(2^{d/2} Γ(d/2) I_{d/2}(β)) (MATH §7), with MathNet's Γ and I_ν.</summary>
    internal static double KSharp(double beta, int d) =>
        Math.Pow(beta, 0.5 * d) / (Math.Pow(2, 0.5 * d) * SpecialFunctions.Gamma(0.5 * d) * SpecialFunctions.BesselI(0.5 * d, beta));

    /// <summary>β_*^{(d)}: I_{d/2+1}(β)/I_{d/2}(β) = 1/d (MATH §7), by bisection with MathNet's I_ν.</summary>
    internal static double CriticalBeta(int d)
    {
        double lo = 0.1, hi = 10;
        for (int i = 0; i < 200; i++)
        {
            double mid = 0.5 * (lo + hi);
            if (SpecialFunctions.BesselI(0.5 * d + 1, mid) / SpecialFunctions.BesselI(0.5 * d, mid) < 1.0 / d) lo = mid; else hi = mid;
        }
        return 0.5 * (lo + hi);
    }

    /// <summary>d = 2: the circle (Fourier); d ≥ 3: zonal Gegenbauer on S^{d−1}. Small resolutions: the states near K_# are smooth.</summary>
    internal static (ISteadyGeometry Geometry, double[] Uniform) Usa(int d, double beta)
    {
        if (d == 2)
        {
            var circle = CircleSteadyGeometry.Create(AttentionKind.USA, beta, 32);
            return (circle, circle.Basis.StateFromCoefficients([1 / (2 * Math.PI)]));
        }
        return (new ZonalSteadyGeometry(AttentionKind.USA, beta, d, 10), ZonalInitialLaws.Uniform(10));
    }

    [TestCase(2, 0.5)] [TestCase(2, 2.0)] [TestCase(2, 5.0)]
    [TestCase(3, 0.5)] [TestCase(3, 1.0)] [TestCase(3, 3.0)]
    [TestCase(4, 0.5)] [TestCase(4, 1.5)] [TestCase(4, 4.0)]
    public void UniformBranch_BifurcatesAtKSharp(int d, double beta)
    {
        var (geometry, uniform) = Usa(d, beta);
        double k = KSharp(beta, d);
        var result = new PseudoArclengthContinuation(geometry, new ContinuationOptions { Parameter = ContinuationParameter.Coupling, MaxBranchSwitches = 0 })
            .Run(uniform, 0.6 * k, 1.4 * k);
        (geometry as IDisposable)?.Dispose();
        var fromUniform = result.Bifurcations.Where(b => b.FromUniform && b.Degree == 1).ToList();
        Assert.That(fromUniform, Has.Count.EqualTo(1), "one degree-1 crossing in [0.6, 1.4]·K_#");
        // Any other crossing (β = 5: degree 2 at K = β/(2I_2(β)) on the circle) lies above K_#.
        Assert.That(result.Bifurcations.Where(b => b.Degree != 1).All(b => b.Parameter > k), Is.True);
        double rel = Math.Abs(fromUniform[0].Parameter - k) / k;
        TestContext.Out.WriteLine($"d = {d}, β = {beta}: K_bif = {fromUniform[0].Parameter:R}, K_# = {k:R}, relative error {rel:E2}");
        Assert.That(rel, Is.LessThan(1e-6));
        Assert.That(result.Branches[0].Points.All(p => p.AmplitudeDegree == 0), Is.True, "the first branch stays uniform");
    }

    [TestCase(2, 0.9, BifurcationDirection.Supercritical)]
    [TestCase(2, 1.1, BifurcationDirection.Subcritical)]
    [TestCase(3, 0.9, BifurcationDirection.Supercritical)]
    [TestCase(3, 1.1, BifurcationDirection.Subcritical)]
    [TestCase(4, 0.9, BifurcationDirection.Supercritical)]
    [TestCase(4, 1.1, BifurcationDirection.Subcritical)]
    public void BranchDirectionChangesSignAtBetaStar(int d, double betaOverCritical, BifurcationDirection expected)
    {
        double beta = betaOverCritical * CriticalBeta(d);
        var (geometry, uniform) = Usa(d, beta);
        double k = KSharp(beta, d);
        var result = new PseudoArclengthContinuation(geometry, new ContinuationOptions { Parameter = ContinuationParameter.Coupling, MaxBranchSwitches = 1, MaxPoints = 80 })
            .Run(uniform, 0.8 * k, 1.2 * k);
        (geometry as IDisposable)?.Dispose();
        var b = result.Bifurcations.First(x => x.FromUniform);
        Assert.That(b.SwitchedBranch, Is.Not.Null);
        var branch = result.Branches[b.SwitchedBranch!.Value];
        TestContext.Out.WriteLine($"d = {d}, β = {beta:F4}: K_# = {k:R}, {b.Direction}; folds {string.Join(", ", result.Folds.Select(f => $"{f.Parameter:R} (A = {f.Amplitude:G4})"))}; branch ended {branch.Ended} after {branch.Points.Count} points");
        Assert.That(b.Direction, Is.EqualTo(expected));
        Assert.That(branch.Points.Skip(1).All(p => p.AmplitudeDegree == 1), Is.True, "the new branch is a one-cluster (degree-1) state");
        var folds = result.Folds.Where(f => f.Branch == b.SwitchedBranch).ToList();
        if (expected == BifurcationDirection.Supercritical)
        {
            Assert.That(folds, Is.Empty);
            Assert.That(branch.Points.Skip(1).All(p => p.Stable), Is.True, "a supercritical branch from a stable uniform state is stable");
        }
        else
        {
            Assert.That(folds, Has.Count.EqualTo(1), "subcritical: the branch bends back and folds");
            Assert.That(folds[0].Parameter, Is.LessThan(b.Parameter), "K_fold < K_#: hysteresis");
            // Unstable between the bifurcation and the fold, stable after it (larger amplitude).
            var beforeFold = branch.Points.Skip(1).Where(p => p.Amplitude < 0.9 * folds[0].Amplitude).ToList();
            var afterFold = branch.Points.Where(p => p.Amplitude > 1.1 * folds[0].Amplitude).ToList();
            Assert.That(beforeFold, Is.Not.Empty);
            Assert.That(afterFold, Is.Not.Empty);
            Assert.That(beforeFold.All(p => !p.Stable), Is.True, "small-amplitude subcritical branch is unstable");
            Assert.That(afterFold.All(p => p.Stable), Is.True, "beyond the fold the clustered branch is stable");
        }
    }
}
