using System.Numerics;
using MeanField.Core;
using MeanField.Spectral.Circle;
using MeanField.Spectral.Steppers;
using MeanField.Spectral.Zonal;

namespace MeanField.Spectral.Tests;

public class ZonalSolverTests
{
    /// <summary>
    /// MATH §4.1, computed here independently of the library's LinearStability/FunkHecke:
    /// USA λ_n = n(n+d−2) Γ(d/2) 2^{d/2−1} β^{−d/2} I_{n+d/2−1}(β); SA λ_n = n(n+d−2) I_{n+d/2−1}(β)/(β I_{d/2−1}(β)).
    /// Returned as a logarithm.
    /// </summary>
    private static double LogClosedFormRate(AttentionKind a, int n, double beta, int d)
    {
        double nu = 0.5 * d - 1, lap = Math.Log(n * (n + d - 2.0));
        return a == AttentionKind.USA
            ? lap + MathNet.Numerics.SpecialFunctions.GammaLn(0.5 * d) + nu * Math.Log(2) - 0.5 * d * Math.Log(beta) + Bessel.LogI(n + nu, beta)
            : lap + Bessel.LogI(n + nu, beta) - Bessel.LogI(nu, beta) - Math.Log(beta);
    }

    private static ZonalSpectralSolver Solver(AttentionKind a, double beta, double diffusion, int d, int l, double[] c,
        StepperKind stepper, double dt, double tolerance = 1e-10) =>
        new(a, beta, diffusion, d, l, c, new StepperOptions(stepper, dt, tolerance));

    [Test]
    public void LinearGrowthRatesOfSingleDegreePerturbationsMatchMath41(
        [Values(3, 4, 8, 64, 512)] int d, [Values(AttentionKind.SA, AttentionKind.USA)] AttentionKind a,
        [Values(2.0, 20.0)] double beta)
    {
        const int l = 8;
        const double eps = 1e-7;
        double fastest = Enumerable.Range(1, l).Max(k => Math.Exp(LogClosedFormRate(a, k, beta, d)));
        foreach (int n in new[] { 1, 2, 3, 5 })
        {
            var c = ZonalInitialLaws.Uniform(l);
            c[n] = eps;
            double expected = Math.Exp(LogClosedFormRate(a, n, beta, d));
            // t ≤ 1/λ_max so rounding noise in the other degrees stays noise; RK4 with |λ|dt ≤ 1/400.
            double t = 1.0 / Math.Max(expected, fastest);
            var solver = Solver(a, beta, 0, d, l, c, StepperKind.Rk4, t / 400);
            Assert.That(solver.LogTimeScale, Is.EqualTo(0));
            solver.AdvanceTo(t);
            double measured = Math.Log(solver.Coefficient(n) / eps) / t;
            Assert.That(measured, Is.EqualTo(expected).Within(1e-4 * expected), $"degree {n}");
        }
    }

    [Test]
    public void UsaAtHugeBetaRunsInRescaledTime()
    {
        // d = 2, β = 1000: rates ~ e^{1000} overflow double; the operator runs in τ = t e^{s}.
        const int l = 64, n = 20, d = 2;
        const double beta = 1000;
        var c = ZonalInitialLaws.Uniform(l);
        c[n] = 1e-7;
        var solver = Solver(AttentionKind.USA, beta, 0, d, l, c, StepperKind.Rk4, 1.0 / 400);
        Assert.That(solver.LogTimeScale, Is.GreaterThan(900));
        double logMax = Enumerable.Range(1, l).Max(k => LogClosedFormRate(AttentionKind.USA, k, beta, d));
        Assert.That(solver.LogTimeScale, Is.EqualTo(logMax).Within(1e-9 * logMax));
        double expected = Math.Exp(LogClosedFormRate(AttentionKind.USA, n, beta, d) - solver.LogTimeScale);
        solver.AdvanceTo(1.0);
        Assert.That(Math.Log(solver.Coefficient(n) / 1e-7), Is.EqualTo(expected).Within(1e-4 * expected));
        Assert.That(solver.Operator.LinearRate(n), Is.EqualTo(expected).Within(1e-9 * expected));
    }

    /// <summary>The operator's linearisation at the uniform state, by a symmetric difference (exact for USA: N is bilinear).</summary>
    private static double OperatorRate(ZonalMeanFieldOperator op, int n)
    {
        int len = op.Length;
        var up = new double[len];
        var down = new double[len];
        var fp = new double[len];
        var fm = new double[len];
        const double eps = 1e-6;
        up[0] = down[0] = 1;
        up[n] = eps;
        down[n] = -eps;
        op.EvaluateNonlinear(0, up, fp);
        op.EvaluateNonlinear(0, down, fm);
        for (int k = 0; k < len; k++)
            if (k != n) Assert.That(fp[k] - fm[k], Is.EqualTo(0).Within(1e-10 * Math.Abs(fp[n]) + 1e-16), "zonal data excite only their own degree at first order");
        return (fp[n] - fm[n]) / (2 * eps) + op.LinearDiagonal[n];
    }

    [TestCase(3.0, 2)]
    [TestCase(10.0, 4)]
    [TestCase(20.0, 5)]
    [TestCase(50.0, 9)]
    public void DominantDegreeForDimensionFourMatchesMathRow9(double beta, int expected)
    {
        const int d = 4, l = 24;
        foreach (var a in new[] { AttentionKind.SA, AttentionKind.USA })
        {
            var op = new ZonalMeanFieldOperator(new ZonalGegenbauerBasis(d, l), a, beta);
            var rates = Enumerable.Range(1, l).Select(n => OperatorRate(op, n)).ToArray();
            int nStar = Array.IndexOf(rates, rates.Max()) + 1;
            Assert.That(nStar, Is.EqualTo(expected), $"{a}");
            Assert.That(LinearStability.DominantIndex(a, beta, d), Is.EqualTo(expected));
            for (int n = 1; n <= 10; n++)
            {
                double reference = LinearStability.GrowthRate(a, n, beta, d);
                Assert.That(rates[n - 1], Is.EqualTo(reference).Within(1e-8 * reference), $"{a} degree {n}");
            }
        }
    }

    [TestCase(AttentionKind.USA, 3.0, 0.5)]
    [TestCase(AttentionKind.SA, 3.0, 2.0)]
    public void CircleCaseAgreesWithTheCircleSolverOnEvenData(AttentionKind a, double beta, double tEnd)
    {
        // Even circle density f(θ) = F0(1 + Σ ε_k cos kθ) (w.r.t. dθ, which is σ on S^1) ↔ zonal u(t) = 2π f(arccos t),
        // q_k = √2 cos kθ: c_0 = 2π f̂_0, c_k = 2√2 π f̂_k.
        const int k = 32;
        const double f0 = 1 / (2 * Math.PI);
        double[] eps = [0, 0.3, 0.2, 0.1, 0.05];
        var fHat = new Complex[eps.Length];
        fHat[0] = f0;
        for (int m = 1; m < eps.Length; m++) fHat[m] = f0 * eps[m] / 2;
        using var circle = new CircleSpectralSolver(new MeanFieldModel(a, beta), 3 * k + 2, fHat, new StepperOptions(StepperKind.Rk4, 1e-3, 0));
        Assert.That(circle.Basis.MaxWavenumber, Is.EqualTo(k));
        var zonalInit = ZonalInitialLaws.Perturbed(2, k, Enumerable.Range(1, eps.Length - 1).Select(m => (m, eps[m])));
        var zonal = Solver(a, beta, 0, 2, k, zonalInit, StepperKind.Rk4, 1e-3);
        for (int m = 0; m <= k; m++)
        {
            double expected = m == 0 ? 2 * Math.PI * fHat[0].Real : 2 * Math.Sqrt(2) * Math.PI * (m < fHat.Length ? fHat[m].Real : 0);
            Assert.That(zonal.Coefficient(m), Is.EqualTo(expected).Within(1e-15), $"initial c_{m}");
        }
        Assert.That(zonal.Energy(zonal.State), Is.EqualTo(circle.Energy(circle.State)).Within(1e-12 * circle.Energy(circle.State)));
        foreach (double t in new[] { tEnd / 2, tEnd })
        {
            circle.AdvanceTo(t);
            zonal.AdvanceTo(t);
            double change = 0;
            for (int m = 0; m <= k; m++)
            {
                double expected = (m == 0 ? 2 * Math.PI : 2 * Math.Sqrt(2) * Math.PI) * circle.Coefficient(m).Real;
                Assert.That(circle.Coefficient(m).Imaginary, Is.EqualTo(0).Within(1e-14));
                Assert.That(zonal.Coefficient(m), Is.EqualTo(expected).Within(1e-8), $"t = {t}, degree {m}");
                change = Math.Max(change, Math.Abs(zonal.Coefficient(m) - zonalInit[m]));
            }
            Assert.That(change, Is.GreaterThan(1e-2), "the comparison must be made after a nonlinear evolution");
            // Same physical density on the zonal nodes: g(t_j) = f(arccos t_j).
            var g = new double[zonal.Basis.GridSize];
            zonal.Density(g);
            for (int j = 0; j < g.Length; j += 5)
            {
                double th = Math.Acos(zonal.Nodes[j]), f = circle.Coefficient(0).Real;
                for (int m = 1; m <= k; m++) f += 2 * circle.Coefficient(m).Real * Math.Cos(m * th);
                Assert.That(g[j], Is.EqualTo(f).Within(1e-8 * f0));
            }
            Assert.That(zonal.Energy(zonal.State), Is.EqualTo(circle.Energy(circle.State)).Within(1e-8 * circle.Energy(circle.State)));
        }
    }

    // MATH §7 table: K_#^{(d)}(β); the degree-1 threshold is D = 1/κ_{R,1} = 1/(2 K_#) (MATH §4.3).
    [TestCase(2, 0.5, 0.969389)]
    [TestCase(2, 1.0, 0.884707)]
    [TestCase(2, 2.0, 0.628679)]
    [TestCase(2, 5.0, 0.102730)]
    [TestCase(3, 0.5, 1.463095)]
    [TestCase(3, 1.0, 1.359141)]
    [TestCase(3, 2.0, 1.026291)]
    [TestCase(3, 5.0, 0.210547)]
    [TestCase(4, 0.5, 1.958870)]
    [TestCase(4, 1.0, 1.841652)]
    [TestCase(4, 2.0, 1.451487)]
    [TestCase(4, 5.0, 0.357028)]
    public void DegreeOneGrowthChangesSignAtTheMunRosenzweigThreshold(int d, double beta, double kSharp)
    {
        double threshold = LinearStability.DiffusionThreshold(AttentionKind.USA, 1, beta, d);
        Assert.That(threshold, Is.EqualTo(1 / (2 * kSharp)).Within(6e-6 * threshold), "MATH §7 table");
        AssertSignFlip(AttentionKind.USA, d, beta, threshold);
    }

    [TestCase(3, 10.0, 11.1111)]   // MATH §10 row 30: noisy SA, d = 3, β = 10: κ_{R,1} = β/(coth β − 1/β)
    [TestCase(2, 1.0, 0)]
    [TestCase(4, 5.0, 0)]
    public void SaDegreeOneThresholdFlipsSign(int d, double beta, double kappaR)
    {
        double threshold = LinearStability.DiffusionThreshold(AttentionKind.SA, 1, beta, d);
        if (kappaR > 0) Assert.That(1 / threshold, Is.EqualTo(kappaR).Within(1e-4));
        AssertSignFlip(AttentionKind.SA, d, beta, threshold);
    }

    private static void AssertSignFlip(AttentionKind a, int d, double beta, double threshold)
    {
        const int l = 4;
        const double eps = 1e-7;
        double a1 = Math.Exp(LogClosedFormRate(a, 1, beta, d)) / (d - 1);
        foreach (double factor in new[] { 0.99, 1.01 })
        {
            double diffusion = factor * threshold;
            var c = ZonalInitialLaws.Uniform(l);
            c[1] = eps;
            double t = 10 / ((d - 1) * a1);
            var solver = Solver(a, beta, diffusion, d, l, c, StepperKind.Rk4, t / 200);
            solver.AdvanceTo(t);
            double rate = Math.Log(solver.Coefficient(1) / eps) / t;
            double expected = (d - 1) * (a1 - diffusion);
            Assert.That(Math.Sign(rate), Is.EqualTo(factor < 1 ? 1 : -1), $"D = {factor} × threshold");
            Assert.That(rate, Is.EqualTo(expected).Within(1e-3 * Math.Abs(expected)));
        }
    }

    [Test]
    public void MassIsConservedAndEnergyNeverDecreases(
        [Values(3, 64)] int d, [Values(AttentionKind.SA, AttentionKind.USA)] AttentionKind a)
    {
        // Nonlinear run from a perturbed von Mises–Fisher state (positive density), dopri5 at tight tolerance, over the
        // well-resolved part of the evolution (about 0.7 e-folding times of the dominant degree: the law then
        // concentrates at the pole faster than any fixed L resolves, and beyond that u < 0 appears and E_β is no
        // longer monotone - a resolution limit, flagged by the spectral tail).
        int l = d == 3 ? 48 : 32;
        double beta = d == 3 ? 4.0 : 10.0;
        var c = ZonalInitialLaws.VonMisesFisher(d, l, d == 3 ? 1.0 : 2.0);
        var p = ZonalInitialLaws.Perturbed(d, l, [(3, 0.002), (4, -0.001)]);
        for (int k = 1; k <= l; k++) c[k] += p[k];
        var solver = Solver(a, beta, 0, d, l, c, StepperKind.Dopri5, 1e-3, 1e-10);
        double e0 = solver.Energy(solver.State), previous = e0;
        int violations = 0, steps = 0;
        double tEnd = 0.7 / solver.Operator.LinearRate(LinearStability.DominantIndex(a, beta, d));
        Assert.That(solver.Diagnose().MinRelativeDensity, Is.GreaterThan(0));
        solver.AdvanceTo(tEnd, (t, u) =>
        {
            double e = solver.Energy(u);
            if (e < previous * (1 - 1e-14)) violations++;
            previous = e;
            steps++;
            return true;
        });
        var diag = solver.Diagnose();
        Assert.That(steps, Is.GreaterThan(5));
        Assert.That(violations, Is.EqualTo(0));
        Assert.That(diag.Energy, Is.GreaterThan(e0 * (1 + 1e-4)), "the run must actually be nonlinear");
        Assert.That(diag.Mass, Is.EqualTo(1.0).Within(1e-12));
        Assert.That(solver.Coefficient(0), Is.EqualTo(1.0).Within(1e-15));
        Assert.That(diag.SpectralTail, Is.LessThan(1e-3));
        Assert.That(diag.MinRelativeDensity, Is.GreaterThan(0));
        Assert.That(diag.PolarMoment, Is.GreaterThan(c[1] / Math.Sqrt(d)), "attraction concentrates the law at the pole");
    }

    [Test]
    public void EnergyOfTheUniformAndVonMisesLawsMatchesClosedForms()
    {
        // E_β(σ̄) = (1/2β) E[e^{β⟨x,y⟩}] = ρ_0 Λ_0/(2β); and for vMF(κ) the energy by direct quadrature of ∬.
        const int d = 3, l = 40;
        const double beta = 2.5, kappa = 1.5;
        var uniform = Solver(AttentionKind.USA, beta, 0, d, l, ZonalInitialLaws.Uniform(l), StepperKind.Rk4, 1e-3);
        Assert.That(uniform.Energy(uniform.State), Is.EqualTo(Math.Sinh(beta) / beta / (2 * beta)).Within(1e-14));
        // d = 3: E = (1/2β) E_{x,y ~ vMF}[e^{β⟨x,y⟩}]; with u(t) = κ e^{κt}/(2 sinh κ) (ŵ = dt/2) and
        // ∫ e^{β⟨x,y⟩} dμ(y) = Σ_n Λ_n/(4π) ... use the vMF identity: E_y[e^{β⟨x,y⟩}] = sinh|κe + βx|/|κe+βx| · κ/sinh κ.
        var vmf = Solver(AttentionKind.USA, beta, 0, d, l, ZonalInitialLaws.VonMisesFisher(d, l, kappa), StepperKind.Rk4, 1e-3);
        var rule = GaussGegenbauer.Create(d, 80);
        double e = 0;
        for (int j = 0; j < rule.Count; j++)
        {
            double t = rule.Nodes[j];
            double r = Math.Sqrt(kappa * kappa + beta * beta + 2 * kappa * beta * t);
            double inner = Math.Sinh(r) / r * kappa / Math.Sinh(kappa);
            double density = kappa * Math.Exp(kappa * t) / Math.Sinh(kappa);   // relative density of x
            e += rule.Weights[j] * density * inner;
        }
        e /= 2 * beta;
        Assert.That(vmf.Energy(vmf.State), Is.EqualTo(e).Within(1e-12 * e));
    }

    [TestCase(AttentionKind.USA)]
    [TestCase(AttentionKind.SA)]
    public void HighDimensionAndLargeBetaStayFinite(AttentionKind a)
    {
        // d = 4096, β = 1000 (MeanFieldModel caps β at 700; the zonal solver takes β directly). A weak vMF start
        // (polar moment ≈ 0.006): USA then accelerates explosively (Ψ grows like e^{β·polar moment}); over half an
        // e-folding time of the dominant degree it stays resolved.
        const int d = 4096, l = 64;
        const double beta = 1000;
        var c = ZonalInitialLaws.VonMisesFisher(d, l, 20);
        var op = new ZonalMeanFieldOperator(new ZonalGegenbauerBasis(d, l), a, beta);
        Assert.That(op.PotentialMultipliers.All(double.IsFinite), Is.True);
        Assert.That(op.LogTimeScale, Is.EqualTo(0), "here the USA rates (~e^118) still fit in double");
        int nStar = LinearStability.DominantIndex(a, beta, d);
        double rate = op.LinearRate(nStar);
        double expectedRate = LinearStability.GrowthRate(a, nStar, beta, d);
        Assert.That(rate, Is.EqualTo(expectedRate).Within(1e-9 * expectedRate));
        var solver = Solver(a, beta, 0, d, l, c, StepperKind.Dopri5, 0.01 / rate, 1e-10);
        double e0 = solver.Energy(solver.State), previous = e0;
        int violations = 0;
        Assert.That(solver.Diagnose().MinRelativeDensity, Is.GreaterThan(0));
        solver.AdvanceTo(0.5 / rate, (t, s) =>
        {
            double e = solver.Energy(s);
            if (e < previous * (1 - 1e-14)) violations++;
            previous = e;
            return true;
        });
        var diag = solver.Diagnose();
        Assert.That(violations, Is.EqualTo(0));
        Assert.That(solver.State.ToArray().All(double.IsFinite), Is.True);
        Assert.That(solver.Coefficient(0), Is.EqualTo(1).Within(1e-15));
        Assert.That(diag.Mass, Is.EqualTo(1).Within(1e-12));
        Assert.That(double.IsFinite(diag.LogEnergy), Is.True);
        Assert.That(diag.Energy, Is.GreaterThan(e0));
        Assert.That(diag.MinRelativeDensity, Is.GreaterThan(0));
        Assert.That(diag.SpectralTail, Is.LessThan(1e-10));
        Assert.That(diag.PolarMoment, Is.GreaterThan(1.2 * c[1] / Math.Sqrt(d)));
        var u = new double[solver.Basis.GridSize];
        solver.Basis.ToScaledNodal(solver.State, u);
        Assert.That(u.All(double.IsFinite), Is.True);
    }
}
