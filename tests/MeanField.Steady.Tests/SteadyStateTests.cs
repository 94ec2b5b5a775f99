using System.Numerics;
using MathNet.Numerics;
using MeanField.Core;
using MeanField.Spectral.Circle;
using MeanField.Spectral.Sphere;
using MeanField.Spectral.Zonal;
using MeanField.Steady.Geometries;

namespace MeanField.Steady.Tests;

public class SteadyStateTests
{
    /// <summary>Circle state of a von Mises law e^{κ cos(θ−μ)}/(2π I_0(κ)): f̂_k = I_k(κ)/I_0(κ) e^{−ikμ}/2π (MathNet Bessel).</summary>
    internal static double[] VonMises(FourierCircleBasis basis, double kappa, double mean = 0)
    {
        var c = new Complex[basis.MaxWavenumber + 1];
        double i0 = SpecialFunctions.BesselI0(kappa);
        for (int k = 0; k <= basis.MaxWavenumber; k++)
        {
            double ik = k == 0 ? i0 : k == 1 ? SpecialFunctions.BesselI1(kappa) : ScaledBesselRatio(k, kappa) * i0;
            c[k] = ik / i0 / (2 * Math.PI) * Complex.FromPolarCoordinates(1, -k * mean);
        }
        return basis.StateFromCoefficients(c);
    }

    // I_k(κ)/I_0(κ) by Miller's backward recurrence (independent of the code under test).
    private static double ScaledBesselRatio(int k, double x)
    {
        int top = k + 60 + (int)(2 * x);
        double next = 0, cur = 1e-300, target = 0;
        for (int n = top; n >= 1; n--)
        {
            double prev = 2 * n / x * cur + next;
            next = cur;
            cur = prev;
            if (n - 1 == k) target = cur;
            if (Math.Abs(cur) > 1e200) { cur *= 1e-200; next *= 1e-200; target *= 1e-200; }
        }
        return target / cur;   // cur ∝ I_0
    }

    /// <summary>The root R ∈ (0, 1) of R = I_1(aR)/I_0(aR) (a &gt; 2), by bisection with MathNet's Bessel functions.</summary>
    private static double KuramotoOrder(double a)
    {
        double G(double r) => SpecialFunctions.BesselI1(a * r) / SpecialFunctions.BesselI0(a * r) - r;
        double lo = 1e-6, hi = 1 - 1e-15;
        for (int i = 0; i < 200; i++)
        {
            double mid = 0.5 * (lo + hi);
            if (G(mid) > 0) lo = mid; else hi = mid;
        }
        return 0.5 * (lo + hi);
    }

    private static CircleSteadyGeometry FirstMode(double beta, int grid, out FourierCircleBasis basis)
    {
        basis = new FourierCircleBasis(grid);
        return new CircleSteadyGeometry(basis, new FirstModeCircleOperator(basis, SpecialFunctions.BesselI1(beta) / beta), isQuadratic: true);
    }

    [TestCase(2.5)]
    [TestCase(4.0)]
    [TestCase(8.0)]
    public void FirstModeKernel_StationaryOrderParameterSolvesTheKuramotoSelfConsistency(double a)
    {
        // ρ ∝ exp(aR cos θ) with a = 2I_1(β)/(βD): D f' = f V, V = −(2I_1/β) R sin θ (derivation in the report).
        const double beta = 1.0;
        double diffusion = 2 * SpecialFunctions.BesselI1(beta) / (beta * a);
        var geometry = FirstMode(beta, 96, out var basis);
        double expected = KuramotoOrder(a);
        var start = VonMises(basis, 0.6 * a * expected, mean: 0.7);
        var s = SteadyStateSolver.Solve(geometry, start, diffusion);
        Assert.That(s.Converged, Is.True, $"residuals {string.Join(", ", s.ResidualHistory.Select(x => x.ToString("E2")))}");
        double r = geometry.HarmonicAmplitude(s.State, 1);
        Assert.That(Math.Abs(r - expected), Is.LessThan(1e-10), $"R = {r:R}, root {expected:R}");
        // The whole density is the von Mises law e^{aR cos(θ−ψ)}: check |f̂_2| too.
        var vm = VonMises(basis, a * expected);
        Assert.That(Math.Abs(geometry.HarmonicAmplitude(s.State, 2) - geometry.HarmonicAmplitude(vm, 2)), Is.LessThan(1e-10));
        Assert.That(s.Spectrum!.Stable, Is.True, "the clustered state above a = 2 is stable");
        Assert.That(s.Spectrum.NeutralCount, Is.EqualTo(1), "one rotation factored out");
    }

    [TestCase(1.5)]
    [TestCase(1.9)]
    public void FirstModeKernel_BelowTwoOnlyTheUniformStateIsStationary(double a)
    {
        const double beta = 1.0;
        double diffusion = 2 * SpecialFunctions.BesselI1(beta) / (beta * a);
        var geometry = FirstMode(beta, 96, out var basis);
        foreach (double kappa in new[] { 0.5, 2.0, 6.0 })
        {
            var s = SteadyStateSolver.Solve(geometry, VonMises(basis, kappa, 1.0), diffusion);
            Assert.That(s.Converged, Is.True, $"κ = {kappa}");
            Assert.That(geometry.HarmonicAmplitude(s.State, 1), Is.LessThan(1e-10), $"κ = {kappa}: R");
            Assert.That(geometry.DistanceFromUniform(s.State), Is.LessThan(1e-10 * geometry.DistanceFromUniform(VonMises(basis, kappa))), $"κ = {kappa}: ‖ρ − uniform‖");
            Assert.That(s.Spectrum!.Stable, Is.True);
        }
    }

    [Test]
    public void Newton_ConvergesQuadratically()
    {
        using var geometry = CircleSteadyGeometry.Create(AttentionKind.USA, 1.0, 64);
        const double diffusion = 0.2;
        var s = SteadyStateSolver.Solve(geometry, VonMises(geometry.Basis, 2.0), diffusion);
        Assert.That(s.Converged, Is.True);
        var e = s.ResidualHistory.Select(x => x / s.ResidualScale).ToArray();
        TestContext.Out.WriteLine("relative residuals: " + string.Join(", ", e.Select(x => x.ToString("E3"))));
        int checkedSteps = 0;
        for (int k = 0; k + 1 < e.Length; k++)
        {
            if (e[k] > 1e-2 || e[k] < 1e-9) continue;
            // Quadratic: e_{k+1} ≤ C e_k² (C = 10 allows for the constant); linear convergence would fail this at e_k ≲ 1e-3.
            Assert.That(e[k + 1], Is.LessThanOrEqualTo(10 * e[k] * e[k] + 1e-14), $"step {k}: {e[k]:E2} → {e[k + 1]:E2}");
            checkedSteps++;
        }
        Assert.That(checkedSteps, Is.GreaterThanOrEqualTo(2), "at least two steps in the quadratic regime");
    }

    [TestCase(AttentionKind.USA, 1.0, 0.3)]
    [TestCase(AttentionKind.USA, 3.0, 0.5)]
    [TestCase(AttentionKind.SA, 2.0, 0.1)]
    public void CircleUniformState_EigenvaluesAreTheLinearRates(AttentionKind attention, double beta, double diffusion)
    {
        using var geometry = CircleSteadyGeometry.Create(attention, beta, 48);
        var uniform = geometry.Uniform(geometry.Basis.StateFromCoefficients([1 / (2 * Math.PI)]));
        var spectrum = SteadyStateSolver.Spectrum(geometry, uniform, diffusion, count: 2 * geometry.MaxDegree);
        var expected = Enumerable.Range(1, geometry.MaxDegree).SelectMany(k => Enumerable.Repeat(GrowthRate(attention, k, beta, 2, diffusion), 2))
            .OrderByDescending(x => x).ToArray();
        AssertSpectrum(spectrum, expected, attention == AttentionKind.USA ? 1e-10 : 1e-7);
    }

    [TestCase(3, 1.0, 0.2)]
    [TestCase(4, 2.0, 0.15)]
    [TestCase(5, 1.5, 0.3)]
    public void ZonalUniformState_EigenvaluesAreTheLinearRates(int d, double beta, double diffusion)
    {
        var geometry = new ZonalSteadyGeometry(AttentionKind.USA, beta, d, 12);
        var spectrum = SteadyStateSolver.Spectrum(geometry, ZonalInitialLaws.Uniform(12), diffusion, count: 12);
        var expected = Enumerable.Range(1, 12).Select(n => GrowthRate(AttentionKind.USA, n, beta, d, diffusion)).OrderByDescending(x => x).ToArray();
        AssertSpectrum(spectrum, expected, 1e-10);
    }

    [Test]
    public void SphereUniformState_EigenvaluesAreTheLinearRatesWithMultiplicity2lPlus1()
    {
        const double beta = 2.0, diffusion = 0.25;
        using var geometry = new SphereSteadyGeometry(AttentionKind.USA, beta, 8);
        var uniform = geometry.Basis.StateFromCoefficients(SphereInitialLaws.Uniform(8));
        var spectrum = SteadyStateSolver.Spectrum(geometry, uniform, diffusion, count: 80);
        var expected = Enumerable.Range(1, 8).SelectMany(l => Enumerable.Repeat(GrowthRate(AttentionKind.USA, l, beta, 3, diffusion), 2 * l + 1))
            .OrderByDescending(x => x).ToArray();
        AssertSpectrum(spectrum, expected, 1e-10);
    }

    /// <summary>γ_n = n(n+d−2)(a_n − D) of MATH §4.3, with a_n from MATH §4.1 evaluated here with MathNet's Bessel I_ν.</summary>
    private static double GrowthRate(AttentionKind attention, int n, double beta, int d, double diffusion)
    {
        double nu = n + 0.5 * d - 1;
        double a = attention == AttentionKind.USA
            ? SpecialFunctions.Gamma(0.5 * d) * Math.Pow(2, 0.5 * d - 1) * Math.Pow(beta, -0.5 * d) * SpecialFunctions.BesselI(nu, beta)
            : SpecialFunctions.BesselI(nu, beta) / (beta * SpecialFunctions.BesselI(0.5 * d - 1, beta));
        return n * (n + d - 2.0) * (a - diffusion);
    }

    private static void AssertSpectrum(JacobianSpectrum spectrum, double[] expected, double relative)
    {
        Assert.That(spectrum.Eigenvalues.Length, Is.EqualTo(expected.Length));
        for (int i = 0; i < expected.Length; i++)
        {
            var got = spectrum.Eigenvalues[i];
            Assert.That(Math.Abs(got.Real - expected[i]), Is.LessThanOrEqualTo(relative * Math.Abs(expected[i])), $"eigenvalue {i}: {got} vs {expected[i]:R}");
            Assert.That(Math.Abs(got.Imaginary), Is.LessThanOrEqualTo(relative * Math.Abs(expected[i])), $"eigenvalue {i}: {got}");
        }
    }
}

public class ArnoldiTests
{
    [Test]
    public void Arnoldi_AgreesWithTheDenseSpectrumAtAClusteredState()
    {
        // Zonal d = 3 (simple eigenvalues), a one-cluster state at K = 2 K_#(β = 2): the eigenvalues nearest 0 (here the
        // leading ones) by matrix-free shift-invert Arnoldi equal those of the assembled Jacobian.
        const double beta = 2.0;
        const int l = 40;
        double diffusion = 1 / (4 * ContinuationTests.KSharp(beta, 3));
        var geometry = new ZonalSteadyGeometry(AttentionKind.USA, beta, 3, l);
        var s = SteadyStateSolver.Solve(geometry, ZonalInitialLaws.VonMisesFisher(3, l, 3.0), diffusion, spectrum: false);
        Assert.That(s.Converged, Is.True);
        var dense = SteadyStateSolver.Spectrum(geometry, s.State, diffusion, 6, SpectrumMethod.Dense);
        var arnoldi = SteadyStateSolver.Spectrum(geometry, s.State, diffusion, 6, SpectrumMethod.Arnoldi);
        Assert.That(arnoldi.Method, Is.EqualTo("arnoldi"));
        for (int i = 0; i < 6; i++)
            Assert.That(arnoldi.Eigenvalues[i].Real, Is.EqualTo(dense.Eigenvalues[i].Real).Within(1e-8 * Math.Abs(dense.Eigenvalues[i].Real)), $"eigenvalue {i}");
        Assert.That(arnoldi.Stable, Is.EqualTo(dense.Stable));
    }

    [Test]
    public void Arnoldi_FindsTheUnstableModeOfTheUniformState()
    {
        const double beta = 1.0;
        var geometry = new ZonalSteadyGeometry(AttentionKind.USA, beta, 4, 30);
        double a1 = 1 / (2 * ContinuationTests.KSharp(beta, 4));   // D threshold of degree 1
        double diffusion = 0.8 * a1;
        var arnoldi = SteadyStateSolver.Spectrum(geometry, ZonalInitialLaws.Uniform(30), diffusion, 4, SpectrumMethod.Arnoldi);
        Assert.That(arnoldi.UnstableCount, Is.EqualTo(1));
        double expected = 3 * (a1 - diffusion);   // γ_1 = (d−1)(a_1 − D), MATH §4.3
        Assert.That(arnoldi.Eigenvalues[0].Real, Is.EqualTo(expected).Within(1e-9 * expected));
    }
}
