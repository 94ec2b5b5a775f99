using MeanField.Core;
using MeanField.Core.Noise;

namespace MeanField.Spectral.Steppers;

/// <summary>
/// How a stochastic run steps: scheme heun (Stratonovich), euler_maruyama (Itô), or midpoint_splitting / gauss_splitting
/// (Stratonovich, <see cref="ImplicitSplittingStepper"/>), the fixed step Dt, and the
/// common-noise path (seed, path index p of an ensemble). Each step spans <see cref="IncrementsPerStep"/> increments of
/// the path with step Dt, so solvers with steps Dt, 2Dt, 4Dt, … see one nested Brownian path (strong-order studies).
/// </summary>
public sealed record StochasticOptions(StepperKind Scheme, double Dt, ulong Seed, int Path = 0)
{
    public static IReadOnlyList<StepperKind> Schemes => StepperKinds.Stochastic;

    public int IncrementsPerStep { get; init; } = 1;

    /// <summary>The solver's step: IncrementsPerStep · Dt.</summary>
    public double Step => IncrementsPerStep * Dt;

    /// <summary>
    /// The stepper of <see cref="Scheme"/> for drift and noise, and the path it reads: <see cref="StochasticStepper"/>
    /// (heun, euler_maruyama) or <see cref="ImplicitSplittingStepper"/> (midpoint_splitting, gauss_splitting).
    /// </summary>
    public (TimeStepper Stepper, CommonNoisePath Path) CreateStepper(ISemilinearSystem drift, ICommonNoiseOperator noise,
        ReadOnlySpan<double> initialState, double initialTime)
    {
        if (NoiseStepRule.Find(Scheme) is { } rule)
        {
            var splitting = new ImplicitSplittingStepper(drift, noise, rule, this, initialState, initialTime);
            return (splitting, splitting.Path);
        }
        var stepper = new StochasticStepper(drift, noise, this, initialState, initialTime);
        return (stepper, stepper.Path);
    }

    public bool IsIto => Scheme switch
    {
        StepperKind.Heun => false,
        StepperKind.EulerMaruyama => true,
        StepperKind.MidpointSplitting or StepperKind.GaussSplitting => false,
        _ => throw new ArgumentException($"'{Scheme.Name()}' is deterministic; stochastic schemes: {string.Join(", ", Schemes.Select(k => k.Name()))}"),
    };
}

/// <summary>
/// Fixed-step integration of du = (L u + N(u)) dt + Σ_j G_j u ∘ dB^j with the increments of a <see cref="CommonNoisePath"/>.
/// Step s (counted from t = 0, so a resumed run draws what an uninterrupted one draws) uses ΔB of path step s:
///   heun:           stochastic Heun (trapezoidal predictor–corrector), which converges to the Stratonovich solution;
///                   strong order 1 for commutative noise, 1/2 in general (no Lévy areas).
///   euler_maruyama: the Itô form, u_new = E(h)(u + h N(u) + h ½Σ_j G_j G_j u + Σ_j G_j u ΔB^j); strong order 1/2
///                   (the noise is linear in u, i.e. multiplicative; only additive noise would give order 1).
/// Both are Lawson (integrating-factor) schemes for L, with the combined slope K(u) = N(u) + Σ_j G_j u ΔB^j/h run
/// through <see cref="IntegratingFactorRungeKutta"/>: with L = 0 they are the textbook schemes. Components the noise
/// operator solves exactly (the circle's rotation) are applied as a symmetric (Strang) splitting, half before and half
/// after the step, which keeps the Heun step symmetric in the cross terms with the other components. Each stage's slope
/// comes from <see cref="ICommonNoiseOperator.EvaluateDriftAndNoise"/>, so a geometry may form drift and noise flux in
/// one grid pass (the sphere).
/// </summary>
internal sealed class StochasticStepper : NoiseDrivenStepper
{
    private static readonly ButcherTableau HeunTableau = new()
    {
        Name = "heun", Order = 1, C = [0, 1], A = [[], [1]], B = [0.5, 0.5],
    };

    private static readonly ButcherTableau EulerTableau = new()
    {
        Name = "euler_maruyama", Order = 1, C = [0], A = [[]], B = [1],
    };

    private readonly SlopeSystem _slope;

    public StochasticStepper(ISemilinearSystem drift, ICommonNoiseOperator noise, StochasticOptions options,
        ReadOnlySpan<double> initialState, double initialTime)
        : this(new SlopeSystem(drift, noise, options.IsIto), options, initialState, initialTime) { }

    private StochasticStepper(SlopeSystem slope, StochasticOptions options, ReadOnlySpan<double> initialState, double initialTime)
        : base(slope, slope.Ito ? EulerTableau : HeunTableau, slope.Noise.Components, options, initialState, initialTime)
    {
        _slope = slope;
    }

    // The exactly solvable part of the noise (the circle's rotation) is Strang-split around the stepped part.
    protected override void TakeStep(double h, ReadOnlySpan<double> increments)
    {
        var noise = _slope.Noise;
        noise.ApplyExactPart(U, increments, 0.5);
        _slope.SetWeights(increments, 1 / h);
        Method.Step(Time, h, U, UNew, default);
        noise.ApplyExactPart(UNew, increments, 0.5);
    }

    /// <summary>K(u) = N(u) [+ the non-diagonal Itô correction] + Σ_j G_j u ΔB^j/h; L (+ the diagonal Itô correction).</summary>
    private sealed class SlopeSystem : ISemilinearSystem
    {
        private readonly ISemilinearSystem _drift;
        private readonly double[] _linear, _weights;

        public SlopeSystem(ISemilinearSystem drift, ICommonNoiseOperator noise, bool ito)
        {
            if (noise.ItoCorrectionDiagonal.Length != drift.Length)
                throw new ArgumentException("the noise operator and the drift have different state lengths.");
            _drift = drift;
            Noise = noise;
            Ito = ito;
            _linear = drift.LinearDiagonal.ToArray();
            if (ito)
                for (int m = 0; m < _linear.Length; m++) _linear[m] += noise.ItoCorrectionDiagonal[m];
            _weights = new double[noise.Components];
        }

        public ICommonNoiseOperator Noise { get; }
        public bool Ito { get; }
        public int Length => _drift.Length;
        public ReadOnlySpan<double> LinearDiagonal => _linear;

        public void SetWeights(ReadOnlySpan<double> increments, double scale)
        {
            for (int j = 0; j < _weights.Length; j++) _weights[j] = increments[j] * scale;
        }

        public void EvaluateNonlinear(double t, ReadOnlySpan<double> u, Span<double> dudt)
        {
            Noise.EvaluateDriftAndNoise(_drift, t, u, _weights, dudt);
            if (Ito && Noise.HasNonDiagonalItoCorrection) Noise.AddItoCorrection(u, dudt);
        }
    }
}
