using MeanField.Spectral.Steppers;

namespace MeanField.Spectral.Tests;

/// <summary>Steppers against the closed-form logistic equation u' = λu − u², with λu as the exact linear part.</summary>
public class StepperTests
{
    private sealed class Logistic(double lambda, int copies) : ISemilinearSystem
    {
        private readonly double[] _linear = Enumerable.Repeat(lambda, copies).ToArray();
        public int Length => copies;
        public ReadOnlySpan<double> LinearDiagonal => _linear;
        public void EvaluateNonlinear(double t, ReadOnlySpan<double> u, Span<double> dudt)
        {
            for (int i = 0; i < u.Length; i++) dudt[i] = -u[i] * u[i];
        }
        public static double Exact(double lambda, double u0, double t)
        {
            if (lambda == 0) return u0 / (1 + u0 * t);
            double e = Math.Exp(lambda * t);
            return lambda * u0 * e / (lambda + u0 * (e - 1));
        }
    }

    private static double FixedStepError(ButcherTableau tableau, double lambda, double dt)
    {
        var system = new Logistic(lambda, 1);
        var stepper = new FixedStepStepper(system, tableau, [0.5], 0, dt);
        stepper.AdvanceTo(1.0);
        return Math.Abs(stepper.State[0] - Logistic.Exact(lambda, 0.5, 1.0));
    }

    [TestCase(0.0)]
    [TestCase(-3.0)]   // with an integrating factor the order must stay 4
    public void Rk4IsFourthOrder(double lambda)
    {
        double e1 = FixedStepError(ButcherTableau.ClassicalRk4, lambda, 0.1);
        double e2 = FixedStepError(ButcherTableau.ClassicalRk4, lambda, 0.05);
        double e3 = FixedStepError(ButcherTableau.ClassicalRk4, lambda, 0.025);
        Assert.That(Math.Log2(e1 / e2), Is.EqualTo(4.0).Within(0.2));
        Assert.That(Math.Log2(e2 / e3), Is.EqualTo(4.0).Within(0.2));
    }

    /// <summary>(x, y)' = λ(x, y) + (y, −x): a damped rotation, exact solution e^{λt} R(t)(x0, y0).</summary>
    private sealed class DampedRotation(double lambda) : ISemilinearSystem
    {
        private readonly double[] _linear = [lambda, lambda];
        public int Length => 2;
        public ReadOnlySpan<double> LinearDiagonal => _linear;
        public void EvaluateNonlinear(double t, ReadOnlySpan<double> u, Span<double> dudt)
        {
            dudt[0] = u[1];
            dudt[1] = -u[0];
        }
    }

    // The logistic equation makes Dormand–Prince super-converge before the asymptotic regime; a rotation does not.
    [TestCase(0.0)]
    [TestCase(-1.0)]
    public void DormandPrinceSolutionIsFifthOrder(double lambda)
    {
        double Error(double dt)
        {
            var stepper = new FixedStepStepper(new DampedRotation(lambda), ButcherTableau.DormandPrince54, [1.0, 0.0], 0, dt);
            stepper.AdvanceTo(4.0);
            return Math.Abs(stepper.State[0] - Math.Exp(lambda * 4.0) * Math.Cos(4.0));
        }
        double e1 = Error(0.4), e2 = Error(0.2), e3 = Error(0.1);
        Assert.That(Math.Log2(e1 / e2), Is.EqualTo(5.0).Within(0.3));
        Assert.That(Math.Log2(e2 / e3), Is.EqualTo(5.0).Within(0.3));
    }

    [Test]
    public void AdaptiveErrorFollowsTolerance()
    {
        foreach (double tol in new[] { 1e-6, 1e-9, 1e-12 })
        {
            var stepper = new AdaptiveStepper(new Logistic(-1.0, 1), ButcherTableau.DormandPrince54, [0.5], 0, tol, 0.1);
            stepper.AdvanceTo(3.0);
            double err = Math.Abs(stepper.State[0] - Logistic.Exact(-1.0, 0.5, 3.0));
            Assert.That(err, Is.LessThan(50 * tol), $"tolerance {tol}");
            Assert.That(stepper.Time, Is.EqualTo(3.0));
        }
    }

    [Test]
    public void OutputTimesAreHitExactly()
    {
        var stepper = new AdaptiveStepper(new Logistic(0, 1), ButcherTableau.DormandPrince54, [0.5], 0, 1e-8, 0.3);
        for (int k = 1; k <= 10; k++)
        {
            stepper.AdvanceTo(k * 0.07);
            Assert.That(stepper.Time, Is.EqualTo(k * 0.07));
        }
        var fixedStep = new FixedStepStepper(new Logistic(0, 1), ButcherTableau.ClassicalRk4, [0.5], 0, 0.03);
        fixedStep.AdvanceTo(0.1);
        Assert.That(fixedStep.Time, Is.EqualTo(0.1));
        Assert.That(fixedStep.Steps, Is.EqualTo(4));   // ⌈0.1/0.03⌉ equal steps
    }

    [Test]
    public void AdaptiveStepperFindsTheScaleOfAFastProblemFromABadFirstStep()
    {
        // u' = −u² with u0 = 1e8: the natural step is ~1e-9; a first trial of 1 must be rejected down to it.
        var stepper = new AdaptiveStepper(new Logistic(0, 1), ButcherTableau.DormandPrince54, [1e8], 0, 1e-10, 1.0);
        stepper.AdvanceTo(1e-6);
        Assert.That(stepper.State[0], Is.EqualTo(1e8 / (1 + 1e8 * 1e-6)).Within(1e-8).Percent);
        Assert.That(stepper.RejectedSteps, Is.GreaterThan(0));
    }

    [Test]
    public void StiffDiffusionDoesNotLimitTheStep()
    {
        // λ = −1e6 is handled exactly by the integrating factor: 10 steps of 0.1 stay stable and accurate.
        var stepper = new FixedStepStepper(new Logistic(-1e6, 1), ButcherTableau.ClassicalRk4, [0.5], 0, 0.1);
        stepper.AdvanceTo(1.0);
        Assert.That(stepper.State[0], Is.EqualTo(Logistic.Exact(-1e6, 0.5, 1.0)).Within(1e-300));
        Assert.That(double.IsFinite(stepper.State[0]));
    }

    [Test]
    public void NonFiniteStateStopsWithTheTime()
    {
        // u' = −u² from u0 = −1 blows up at t = 1.
        var stepper = new FixedStepStepper(new Logistic(0, 1), ButcherTableau.ClassicalRk4, [-1.0], 0, 0.25);
        var e = Assert.Throws<IntegrationException>(() => stepper.AdvanceTo(3.0));
        Assert.That(e!.Time, Is.GreaterThan(0.5).And.LessThan(3.0));
    }

    [Test]
    public void AdaptiveStepCollapseIsReported()
    {
        var stepper = new AdaptiveStepper(new Logistic(0, 1), ButcherTableau.DormandPrince54, [-1.0], 0, 1e-8, 0.1);
        var e = Assert.Throws<IntegrationException>(() => stepper.AdvanceTo(3.0));
        Assert.That(e!.Message, Does.Contain("step-size collapse").Or.Contain("non-finite"));
        Assert.That(e.Time, Is.EqualTo(1.0).Within(0.01));
    }
}
