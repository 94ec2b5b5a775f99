using System.Numerics;
using MeanField.Core;
using MeanField.Spectral.Sphere;
using MeanField.Spectral.Zonal;
using MeanField.Steady.Geometries;
using MeanField.Steady.Output;
using PureHDF;

namespace MeanField.Steady.Tests;

public class SphereAndFileTests
{
    [Test]
    public void SphereClusterAboutATiltedAxis_MatchesTheZonalSolver()
    {
        // A one-cluster state on S² above K_#(β, 3): axisymmetric about its own axis. The S² Galerkin system (lmax L) and the
        // zonal d = 3 system (degree L) are both exact-quadrature Galerkin truncations of the same axisymmetric problem,
        // so their stationary states agree to rounding whatever the axis; the S² solve needs two phase conditions.
        const double beta = 1.0;
        const int l = 8;
        double k = 1.4 * ContinuationTests.KSharp(beta, 3), diffusion = 1 / (2 * k);
        using var sphere = new SphereSteadyGeometry(AttentionKind.USA, beta, l);
        var axis = new[] { Math.Sin(0.7) * Math.Cos(1.1), Math.Sin(0.7) * Math.Sin(1.1), Math.Cos(0.7) };
        var start = sphere.Basis.StateFromCoefficients(SphereInitialLaws.VonMisesFisherMixture(l, [new VonMisesFisherComponent(axis, 2.0, 1.0)]));
        var s = SteadyStateSolver.Solve(sphere, start, diffusion);
        Assert.That(s.Converged, Is.True);
        Assert.That(s.Spectrum!.NeutralCount, Is.EqualTo(2), "rotations about the two axes orthogonal to the cluster");

        var zonal = new ZonalSteadyGeometry(AttentionKind.USA, beta, 3, l);
        var z = SteadyStateSolver.Solve(zonal, ZonalInitialLaws.VonMisesFisher(3, l, 2.0), diffusion);
        Assert.That(z.Converged, Is.True);
        for (int n = 1; n <= 4; n++)
            Assert.That(sphere.HarmonicAmplitude(s.State, n), Is.EqualTo(zonal.HarmonicAmplitude(z.State, n)).Within(1e-11), $"A_{n}");
        Assert.That(sphere.DistanceFromUniform(s.State), Is.EqualTo(zonal.DistanceFromUniform(z.State)).Within(1e-11));
        Assert.That(s.Spectrum.Stable && z.Spectrum!.Stable, Is.True);
        // The zonal spectrum (m = 0 modes only) is a subset of the S² one: its leading eigenvalue appears there.
        double zonalLead = z.Spectrum.Eigenvalues[0].Real;
        Assert.That(s.Spectrum.Eigenvalues.Min(e => Math.Abs(e.Real - zonalLead)), Is.LessThan(1e-9 * Math.Abs(zonalLead)));
    }

    [Test]
    public void SphereUniformBranch_BifurcatesAtKSharpOfDimension3()
    {
        const double beta = 1.5;
        using var sphere = new SphereSteadyGeometry(AttentionKind.USA, beta, 4);
        double k = ContinuationTests.KSharp(beta, 3);
        var result = new PseudoArclengthContinuation(sphere, new ContinuationOptions { Parameter = ContinuationParameter.Coupling, MaxPoints = 30 })
            .Run(sphere.Basis.StateFromCoefficients(SphereInitialLaws.Uniform(4)), 0.7 * k, 1.3 * k);
        var b = result.Bifurcations.Single(x => x.FromUniform);
        Assert.That(Math.Abs(b.Parameter - k) / k, Is.LessThan(1e-6));
        Assert.That(b.Direction, Is.EqualTo(BifurcationDirection.Supercritical), "β = 1.5 < β_*(3) = 1.816");
        var branch = result.Branches[b.SwitchedBranch!.Value];
        Assert.That(branch.Points.Skip(1).All(p => p.AmplitudeDegree == 1 && p.Stable), Is.True);
    }

    [Test]
    public void ContinuationFile_HoldsTheBranchAndTheRootAttributes()
    {
        double beta = 1.1 * ContinuationTests.CriticalBeta(2);
        var (geometry, uniform) = ContinuationTests.Usa(2, beta);
        using var _ = (IDisposable)geometry;
        double k = ContinuationTests.KSharp(beta, 2);
        var result = new PseudoArclengthContinuation(geometry, new ContinuationOptions { Parameter = ContinuationParameter.Coupling, MaxPoints = 60 })
            .Run(uniform, 0.8 * k, 1.2 * k);
        string path = Path.Combine(Path.GetTempPath(), $"meanfield-steady-{Guid.NewGuid():N}.h5");
        try
        {
            SteadyHdf5.WriteContinuation(path, geometry, result, new Dictionary<string, object> { ["beta"] = beta });
            using var file = H5File.OpenRead(path);
            Assert.That(file.Attribute("format").Read<string>(), Is.EqualTo("MeanField continuation"));
            var bif = file.Attribute("bifurcation_parameter").Read<double[]>();
            var fold = file.Attribute("fold_parameter").Read<double[]>();
            Assert.That(bif, Has.Length.EqualTo(1));
            Assert.That(Math.Abs(bif[0] - k) / k, Is.LessThan(1e-6));
            Assert.That(fold, Has.Length.EqualTo(1));
            Assert.That(fold[0], Is.LessThan(k));
            int n = result.Branches[0].Points.Count;
            Assert.That(file.Dataset("branch/parameter").Read<double[]>(), Has.Length.EqualTo(n));
            var amplitude = file.Dataset("branches/1/amplitude").Read<double[,]>();
            var points = result.Branches[1].Points;
            Assert.That(amplitude.GetLength(0), Is.EqualTo(points.Count));
            Assert.That(amplitude[points.Count - 1, 0], Is.EqualTo(points[^1].Amplitude));
            Assert.That(amplitude[points.Count - 1, 1], Is.EqualTo(points[^1].Distance));
            var stable = file.Dataset("branches/1/stable").Read<byte[]>();
            Assert.That(stable.Select(x => x == 1), Is.EqualTo(points.Select(p => p.Stable)));
            var density = file.Dataset("branches/1/density").Read<double[,]>();
            Assert.That(density.GetLength(1), Is.EqualTo(geometry.GridSize));
            // The density integrates to 1 (trapezoidal rule on the circle grid).
            double mass = 0;
            for (int j = 0; j < density.GetLength(1); j++) mass += density[points.Count - 1, j] * 2 * Math.PI / geometry.GridSize;
            Assert.That(mass, Is.EqualTo(1).Within(1e-12));
            Assert.That(file.Dataset("branches/1/eigenvalues_real").Read<double[,]>().GetLength(0), Is.EqualTo(points.Count));
            Assert.That(SteadyHdf5.ReadState(path, 1), Is.EqualTo(points[^1].State));
        }
        finally { File.Delete(path); }
    }
}
