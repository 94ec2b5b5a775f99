using MeanField.Core;
using MeanField.Steady.Geometries;

namespace MeanField.Steady.Tests;

public class MetastableBranchTests
{
    [Test]
    public void ThreeClusterBranchAtBeta5_IsASaddleWhoseUnstableEigenvaluesShrinkAsDiffusionDecreases()
    {
        // USA, β = 5 on the circle: mode 3 of the uniform state crosses zero at D_3 = I_3(5)/5 = 2.0662 (MATH §4.3), and the
        // 3-periodic subspace is invariant, so the branch switched to there is a 3-cluster state. In the full space it is
        // unstable (modes 1, 2 of the cluster positions), and those unstable rates shrink as D → 0 (ICLR meta-stability).
        const double beta = 5;
        using var geometry = CircleSteadyGeometry.Create(AttentionKind.USA, beta, 96);
        var uniform = geometry.Basis.StateFromCoefficients([1 / (2 * Math.PI)]);
        var result = new PseudoArclengthContinuation(geometry, new ContinuationOptions { MaxBranchSwitches = 1, MaxPoints = 120 })
            .Run(uniform, 2.3, 0.6);
        var b = result.Bifurcations.First(x => x.FromUniform);
        Assert.That(b.Degree, Is.EqualTo(3));
        Assert.That(b.Parameter, Is.EqualTo(Bessel.I(3, beta) / beta).Within(1e-9));
        var branch = result.Branches[b.SwitchedBranch!.Value].Points.Skip(1).ToList();
        foreach (var p in branch.Where((_, i) => i % 5 == 0))
            TestContext.Out.WriteLine($"D = {p.Diffusion:F4}: A_3 = {p.Amplitude:F4}, unstable {p.Spectrum.UnstableCount}, leading {string.Join(", ", p.Spectrum.Eigenvalues.Take(4).Select(e => e.Real.ToString("G5")))}");
        Assert.That(branch.All(p => p.AmplitudeDegree == 3), Is.True, "3-periodic states");
        Assert.That(branch.All(p => !p.Stable), Is.True, "saddles in the full space");
        Assert.That(branch.All(p => p.Spectrum.UnstableCount == 4), Is.True, "two unstable pairs (the cos/sin of modes 1 and 2)");
        var leading = branch.Select(p => p.Spectrum.Eigenvalues[0].Real).ToArray();
        var second = branch.Select(p => p.Spectrum.Eigenvalues[2].Real).ToArray();
        for (int i = 1; i < branch.Count; i++)
        {
            Assert.That(branch[i].Diffusion, Is.LessThan(branch[i - 1].Diffusion), "no fold on the way down");
            Assert.That(leading[i], Is.LessThan(leading[i - 1]), $"leading unstable rate shrinks (D = {branch[i].Diffusion:F4})");
            Assert.That(second[i], Is.LessThan(second[i - 1]), $"second unstable rate shrinks (D = {branch[i].Diffusion:F4})");
        }
        Assert.That(leading[^1], Is.LessThan(0.15 * leading[0]));
        Assert.That(second[^1], Is.LessThan(0.01 * second[0]));
        // Resolved: the last retained Fourier mode is negligible at the smallest D.
        Assert.That(geometry.HarmonicAmplitude(branch[^1].State, geometry.MaxDegree), Is.LessThan(1e-8));
    }
}

public class MetastableTimeDependentTests
{
    [Test]
    public void ThreeClusterSaddle_IsWhereANearUniformRunIsClosestToStationary()
    {
        // USA, β = 5, D = 1.2 (between D_4 = 1.022 and D_3 = 2.066): the near-uniform run grows mode 3 fastest, passes close to
        // the 3-cluster saddle of Newton's branch, lingers (its unstable rates are small) and leaves along modes 1, 2.
        const double beta = 5, diffusion = 1.2;
        const int grid = 96;
        using var geometry = CircleSteadyGeometry.Create(AttentionKind.USA, beta, grid);
        var basis = geometry.Basis;
        var c = new System.Numerics.Complex[basis.MaxWavenumber + 1];
        double f0 = 1 / (2 * Math.PI);
        c[0] = f0;
        c[3] = f0 * 1e-3;
        c[1] = f0 * 1e-8; c[2] = f0 * 1e-8 * System.Numerics.Complex.ImaginaryOne; c[4] = f0 * 1e-8;
        using var solver = new MeanField.Spectral.Circle.CircleSpectralSolver(new MeanFieldModel(AttentionKind.USA, beta, diffusion), grid, c,
            new MeanField.Spectral.Steppers.StepperOptions(StepperKind.Dopri5, 1e-3, 1e-10));
        var system = new StationarySystem(geometry, solver.State, phaseConditions: false);
        double best = double.PositiveInfinity, bestTime = 0;
        double[] bestState = [];
        for (double t = 0.02; t <= 12; t += 0.02)
        {
            solver.AdvanceTo(t);
            double r = system.RightHandSideNorm(solver.State, diffusion);
            if (r < best) { best = r; bestTime = t; bestState = solver.State.ToArray(); }
        }
        var steady = SteadyStateSolver.Solve(geometry, bestState, diffusion);
        Assert.That(steady.Converged, Is.True);
        Assert.That(steady.Spectrum!.Stable, Is.False, "a saddle");
        Assert.That(geometry.HarmonicAmplitude(steady.State, 1), Is.LessThan(1e-9), "3-periodic: no mode 1");
        Assert.That(geometry.HarmonicAmplitude(steady.State, 3), Is.GreaterThan(0.5));
        // Newton started at the run's closest state stays close to it (same phase; the phase condition removes rotations).
        var grid1 = new double[grid];
        var grid2 = new double[grid];
        geometry.Density(bestState, grid1);
        geometry.Density(steady.State, grid2);
        double diff = Math.Sqrt(grid1.Zip(grid2, (a, b) => (a - b) * (a - b)).Sum() / grid2.Select(x => x * x).Sum());
        TestContext.Out.WriteLine($"closest to stationary at t = {bestTime:F2}: ‖rhs‖ = {best:E2}; relative L² distance to the Newton 3-cluster state {diff:E2}; A_3 run {geometry.HarmonicAmplitude(bestState, 3):F6}, Newton {geometry.HarmonicAmplitude(steady.State, 3):F6}; unstable eigenvalues {string.Join(", ", steady.Spectrum.Eigenvalues.Take(steady.Spectrum.UnstableCount).Select(e => e.Real.ToString("G4")))}");
        Assert.That(diff, Is.LessThan(1e-3));
    }
}
