namespace MeanField.Spectral.Steppers;

/// <summary>Called after every accepted step; return false to stop the integration there.</summary>
public delegate bool StepObserver(double time, ReadOnlySpan<double> state);

public enum AdvanceOutcome { ReachedTarget, StoppedByObserver, Cancelled }

/// <summary>A failure of the time integration, at a known simulation time.</summary>
public class IntegrationException(string message, double time) : Exception(message)
{
    public double Time { get; } = time;
}

/// <summary>
/// Owns the state and time of a semilinear system and advances it to requested times exactly.
/// Two implementations: <see cref="FixedStepStepper"/> and <see cref="AdaptiveStepper"/>.
/// </summary>
public abstract class TimeStepper
{
    protected readonly IntegratingFactorRungeKutta Method;
    protected readonly double[] U;
    protected readonly double[] UNew;

    protected TimeStepper(ISemilinearSystem system, ButcherTableau tableau, ReadOnlySpan<double> initialState, double initialTime)
    {
        if (initialState.Length != system.Length)
            throw new ArgumentException($"Initial state has length {initialState.Length}, the system needs {system.Length}.");
        Method = new IntegratingFactorRungeKutta(system, tableau);
        U = initialState.ToArray();
        UNew = new double[U.Length];
        Time = initialTime;
    }

    public double Time { get; protected set; }
    public ReadOnlySpan<double> State => U;
    public long Steps { get; protected set; }
    public long RejectedSteps { get; protected set; }
    public long Evaluations => Method.Evaluations;
    /// <summary>Size of the last accepted step (0 before the first).</summary>
    public double LastStep { get; protected set; }
    public string Name => Method.Tableau.Name;

    /// <summary>Integrate until Time == target exactly (the last step is shortened to land on it).</summary>
    public abstract AdvanceOutcome AdvanceTo(double target, StepObserver? observer = null, CancellationToken cancellation = default);

    /// <summary>Length of <see cref="ControllerState"/>, the same for every stepper so output layouts agree.</summary>
    public const int ControllerStateLength = 3;

    /// <summary>
    /// What, besides time and state, decides how the integration continues: [last step, proposed next step,
    /// error memory of the controller] (the last two are 0 for fixed steps). Stored at every write for --resume.
    /// </summary>
    public double[] ControllerState => [LastStep, .. ControllerMemory()];

    protected abstract double[] ControllerMemory();

    protected abstract void RestoreControllerMemory(ReadOnlySpan<double> memory);

    /// <summary>
    /// Continue from a checkpoint written by an earlier run. The first slope is recomputed from the state; since the
    /// right-hand side is deterministic this reproduces the uninterrupted run bit for bit.
    /// </summary>
    public void Restore(double time, ReadOnlySpan<double> state, long steps, ReadOnlySpan<double> controllerState)
    {
        if (state.Length != U.Length) throw new ArgumentException($"checkpoint state has length {state.Length}, the solver needs {U.Length}");
        if (controllerState.Length != ControllerStateLength) throw new ArgumentException($"controller state needs {ControllerStateLength} entries");
        state.CopyTo(U);
        Time = time;
        Steps = steps;
        LastStep = controllerState[0];
        RestoreControllerMemory(controllerState[1..]);
        Method.Reset();
    }

    protected void Commit(double h, double newTime)
    {
        for (int m = 0; m < U.Length; m++)
            if (!double.IsFinite(UNew[m]))
                throw new IntegrationException($"non-finite value in the state after the step from t = {Time:G6} (dt = {h:G3})", Time);
        Array.Copy(UNew, U, U.Length);
        Method.Accept();
        Time = newTime;
        LastStep = h;
        Steps++;
    }
}

/// <summary>
/// Classical fixed-step integration (e.g. RK4). Each call to AdvanceTo splits [Time, target] into equal steps no larger
/// than <c>maxStep</c>, so output times are hit exactly and the temporal order is clean.
/// </summary>
internal sealed class FixedStepStepper(ISemilinearSystem system, ButcherTableau tableau, ReadOnlySpan<double> initialState, double initialTime, double maxStep)
    : TimeStepper(system, tableau, initialState, initialTime)
{
    public double MaxStep { get; } = maxStep > 0 && double.IsFinite(maxStep)
        ? maxStep : throw new ArgumentOutOfRangeException(nameof(maxStep), maxStep, "dt must be positive and finite.");

    protected override double[] ControllerMemory() => [0, 0];

    protected override void RestoreControllerMemory(ReadOnlySpan<double> memory) { }

    public override AdvanceOutcome AdvanceTo(double target, StepObserver? observer = null, CancellationToken cancellation = default)
    {
        double span = target - Time;
        if (span <= 0) return AdvanceOutcome.ReachedTarget;
        // The 1e-9 slack keeps dt = interval/k from turning into k+1 steps through rounding.
        long count = Math.Max(1, (long)Math.Ceiling(span / MaxStep * (1 - 1e-9)));
        double start = Time, h = span / count;
        for (long i = 1; i <= count; i++)
        {
            if (cancellation.IsCancellationRequested) return AdvanceOutcome.Cancelled;
            Method.Step(Time, h, U, UNew, default);
            Commit(h, i == count ? target : start + i * h);
            if (observer is not null && !observer(Time, U)) return AdvanceOutcome.StoppedByObserver;
        }
        return AdvanceOutcome.ReachedTarget;
    }
}

/// <summary>
/// Adaptive integration with an embedded pair (Dormand–Prince 5(4)) and Hairer's stabilised step-size controller.
/// Local error is measured in the max norm relative to the largest state entry:
///   err = max_i |e_i| / (tolerance · max(‖u‖∞, ‖u_new‖∞)),  accepted when err ≤ 1.
/// A failed step (error too large, or non-finite) is retried with a smaller step; repeated failure down to
/// steps of relative size 1e-14 raises an <see cref="IntegrationException"/> (step-size collapse).
/// </summary>
internal sealed class AdaptiveStepper : TimeStepper
{
    private const double Safety = 0.9, MinShrink = 0.2, MaxGrow = 10.0, Beta = 0.04;
    private readonly double[] _error;
    private double _proposed;
    private double _previousError = 1e-4;

    public AdaptiveStepper(ISemilinearSystem system, ButcherTableau tableau, ReadOnlySpan<double> initialState, double initialTime,
        double tolerance, double initialStep)
        : base(system, tableau, initialState, initialTime)
    {
        if (tableau.BHat is null) throw new ArgumentException($"Tableau {tableau.Name} has no embedded solution.");
        if (!(tolerance > 0 && tolerance < 1)) throw new ArgumentOutOfRangeException(nameof(tolerance), tolerance, "tolerance must lie in (0, 1).");
        if (!(initialStep > 0 && double.IsFinite(initialStep))) throw new ArgumentOutOfRangeException(nameof(initialStep), initialStep, "dt must be positive and finite.");
        Tolerance = tolerance;
        _proposed = initialStep;
        _error = new double[U.Length];
    }

    public double Tolerance { get; }

    /// <summary>The step the controller will try next.</summary>
    public double ProposedStep => _proposed;

    protected override double[] ControllerMemory() => [_proposed, _previousError];

    protected override void RestoreControllerMemory(ReadOnlySpan<double> memory)
    {
        if (!(memory[0] > 0) || !(memory[1] > 0)) throw new ArgumentException("invalid adaptive controller state in the checkpoint");
        _proposed = memory[0];
        _previousError = memory[1];
    }

    public override AdvanceOutcome AdvanceTo(double target, StepObserver? observer = null, CancellationToken cancellation = default)
    {
        bool lastRejected = false;
        while (Time < target)
        {
            if (cancellation.IsCancellationRequested) return AdvanceOutcome.Cancelled;
            double h = _proposed;
            bool final = Time + 1.01 * h >= target;   // avoid leaving a sliver before the target
            if (final) h = target - Time;

            Method.Step(Time, h, U, UNew, _error);
            double err = ErrorNorm();
            double errExponent = Math.Pow(err, 0.2 - Beta * 0.75);
            if (err <= 1.0)
            {
                double factor = Math.Clamp(errExponent / Math.Pow(_previousError, Beta) / Safety, 1 / MaxGrow, 1 / MinShrink);
                double next = h / factor;
                if (lastRejected) next = Math.Min(next, h);
                _previousError = Math.Max(err, 1e-4);
                Commit(h, final ? target : Time + h);
                // A step shortened to land on the target says little about the natural step size:
                // keep the controller's proposal unless even the short step wants a smaller one.
                if (!final || next < h) _proposed = next;
                lastRejected = false;
                if (observer is not null && !observer(Time, U)) return AdvanceOutcome.StoppedByObserver;
            }
            else
            {
                RejectedSteps++;
                lastRejected = true;
                double shrink = double.IsFinite(err) ? Math.Min(1 / MinShrink, errExponent / Safety) : 1 / MinShrink;
                _proposed = h / shrink;
                if (_proposed < 1e-14 * Math.Max(Math.Abs(Time), Math.Abs(target)) || _proposed < double.Epsilon * 1e10)
                    throw new IntegrationException(
                        $"step-size collapse at t = {Time:G6}: the adaptive stepper needed dt = {_proposed:G3} " +
                        $"(error estimate {err:G3} × tolerance)", Time);
            }
        }
        return AdvanceOutcome.ReachedTarget;
    }

    private double ErrorNorm()
    {
        double scale = 0, worst = 0;
        for (int m = 0; m < U.Length; m++)
        {
            scale = Math.Max(scale, Math.Max(Math.Abs(U[m]), Math.Abs(UNew[m])));
            double e = Math.Abs(_error[m]);
            if (!(e <= worst)) worst = e;     // NaN propagates through the negated comparison
        }
        if (double.IsNaN(worst) || !double.IsFinite(scale)) return double.PositiveInfinity;
        return scale == 0 ? worst / Tolerance : worst / (Tolerance * scale);
    }
}
