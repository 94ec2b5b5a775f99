using MeanField.Core;
using MeanField.Spectral.Steppers;

namespace MeanField.Spectral.Zonal;

/// <summary>
/// The zonal mean-field PDE on S^{d−1} (MATH §9.3): a <see cref="ZonalGegenbauerBasis"/> (degrees 0..L, Gauss–Gegenbauer
/// grid), the <see cref="ZonalMeanFieldOperator"/> (SA or USA, diffusion exact), and a <see cref="TimeStepper"/>
/// (rk4 or dopri5).
/// </summary>
/// <remarks>
/// State: orthonormal coefficients c_0..c_L of the relative density u = g|S^{d−1}| (c_0 = mass; uniform law = [1, 0, …]);
/// see <see cref="ZonalInitialLaws"/>. Time: <see cref="SemilinearSolver.Time"/>, <see cref="SemilinearSolver.AdvanceTo"/> and StepperOptions.Dt are in
/// the operator's time unit τ = t·e^{LogTimeScale}; LogTimeScale = 0 (τ = t, physical time) except for USA with
/// rates above e^300 (β ≳ 300), see <see cref="ZonalMeanFieldOperator"/>.
/// </remarks>
public sealed class ZonalSpectralSolver : SemilinearSolver
{
    private readonly double[] _grid;

    /// <param name="attention">SA or USA.</param>
    /// <param name="beta">β &gt; 0 (no upper cap: d = 4096, β = 1000 works).</param>
    /// <param name="diffusion">D ≥ 0.</param>
    /// <param name="dimension">Ambient dimension d ≥ 2.</param>
    /// <param name="maxDegree">L, the highest Gegenbauer degree (solver.resolution).</param>
    /// <param name="initialCoefficients">c_0..c_m (m ≤ L; the rest are zero).</param>
    /// <param name="stepper">Time integrator (dt in the operator's time unit).</param>
    /// <param name="gridSize">Grid nodes M (default ⌊3L/2⌋+1, dealiased).</param>
    /// <param name="logTimeScale">Force the time rescaling s (null: automatic).</param>
    /// <param name="attentionScale">s of V = s·I (1 attractive, 0 off, −1 repulsive).</param>
    public ZonalSpectralSolver(AttentionKind attention, double beta, double diffusion, int dimension, int maxDegree,
        ReadOnlySpan<double> initialCoefficients, StepperOptions stepper, int? gridSize = null, double? logTimeScale = null,
        double attentionScale = 1)
    {
        Basis = new ZonalGegenbauerBasis(dimension, maxDegree, gridSize);
        Operator = new ZonalMeanFieldOperator(Basis, attention, beta, diffusion, logTimeScale, attentionScale);
        if (initialCoefficients.Length > Basis.StateLength)
            throw new ArgumentException($"{initialCoefficients.Length - 1} is above the highest retained degree {maxDegree}.");
        var state = new double[Basis.StateLength];
        initialCoefficients.CopyTo(state);
        Start(Operator, state, stepper);
        _grid = new double[Basis.GridSize];
    }

    public ZonalSpectralSolver(MeanFieldModel model, int dimension, int maxDegree, ReadOnlySpan<double> initialCoefficients,
        StepperOptions stepper, int? gridSize = null)
        : this(model.Attention, model.Beta, model.Diffusion, dimension, maxDegree, initialCoefficients, stepper, gridSize,
            attentionScale: model.AttentionScale) { }

    public ZonalGegenbauerBasis Basis { get; }
    public ZonalMeanFieldOperator Operator { get; }
    public int Dimension => Basis.Dimension;

    // Time (the shell's) is τ, in the operator's time unit (= physical time when LogTimeScale = 0).

    /// <summary>s with τ = t e^{s}.</summary>
    public double LogTimeScale => Operator.LogTimeScale;

    /// <summary>Physical time t = τ e^{−s} (may underflow for huge s; use Time and LogTimeScale then).</summary>
    public double PhysicalTime => Time * Math.Exp(-LogTimeScale);

    /// <summary>c_n (orthonormal, relative density); 0 above L.</summary>
    public double Coefficient(int n) => n <= Basis.MaxDegree ? State[n] : 0;

    /// <summary>Grid nodes t_j.</summary>
    public double[] Nodes => Basis.Nodes;

    /// <summary>Relative density u(t_j) = g(t_j)|S^{d−1}| on the grid (uniform = 1).</summary>
    public void RelativeDensity(Span<double> grid) => Basis.ToNodal(State, grid);

    /// <summary>
    /// Physical density g(t_j) with respect to the surface measure σ (uniform = 1/|S^{d−1}|, MATH §1) on the grid.
    /// Overflows for d ≳ 1600, where 1/|S^{d−1}| exceeds the double range: use <see cref="RelativeDensity"/> and
    /// <see cref="DensityLogScale"/> there.
    /// </summary>
    public void Density(Span<double> grid)
    {
        Basis.ToNodal(State, grid);
        double scale = Math.Exp(DensityLogScale);
        for (int j = 0; j < grid.Length; j++) grid[j] *= scale;
    }

    /// <summary>−log |S^{d−1}|: g = u·e^{DensityLogScale}.</summary>
    public double DensityLogScale => -Basis.LogSurfaceArea;

    /// <summary>MATH §9.3 coefficients g_n (g = Σ g_n P_n^{(d)}), n = 0..L; may overflow for large d.</summary>
    public double[] GegenbauerCoefficients()
    {
        var g = new double[Basis.StateLength];
        Basis.ToGegenbauerCoefficients(State, g);
        return g;
    }

    /// <summary>√(Σ_{n ≥ ⌊2L/3⌋+1} c_n² / Σ_n c_n²).</summary>
    public static double SpectralTail(ReadOnlySpan<double> state)
    {
        int l = state.Length - 1, first = 2 * l / 3 + 1;
        double top = 0, all = 0;
        for (int n = 0; n <= l; n++)
        {
            double a = state[n] * state[n];
            all += a;
            if (n >= first) top += a;
        }
        // A non-finite state has a NaN tail (never 0): the run reports a numerical failure, not a resolved state.
        return all > 0 ? Math.Sqrt(top / all) : double.IsFinite(all) ? 0 : double.NaN;
    }

    /// <summary>log E_β of a state: E_β = (1/2β)∬ e^{β⟨x,y⟩} dμ dμ = ½ Σ_n a_n c_n² (addition theorem + Funk–Hecke).</summary>
    public double LogEnergy(ReadOnlySpan<double> state)
    {
        var logA = Operator.LogEnergyMultipliers;
        double max = double.NegativeInfinity;
        for (int n = 0; n < state.Length; n++)
            if (state[n] != 0) max = Math.Max(max, logA[n] + 2 * Math.Log(Math.Abs(state[n])));
        if (double.IsNegativeInfinity(max)) return max;
        double sum = 0;
        for (int n = 0; n < state.Length; n++)
            if (state[n] != 0) sum += Math.Exp(logA[n] + 2 * Math.Log(Math.Abs(state[n])) - max);
        return Math.Log(0.5) + max + Math.Log(sum);
    }

    /// <summary>E_β (physical units; +∞ only if beyond the double range).</summary>
    public double Energy(ReadOnlySpan<double> state) => Math.Exp(LogEnergy(state));

    /// <summary>
    /// log(1e−16): nodes with ŵ_j below 1e−16·max ŵ are left out of the minimum density. There a coefficient error of
    /// one rounding unit moves u(t_j) by up to 1e−16‖c‖/√ŵ_j, so the value is undetermined, and it carries no weight in
    /// any integral (this only happens for large d, where the outer nodes have weights down to e^{−1000} and below).
    /// </summary>
    public const double SignificantLogWeight = -36.841361487904734;

    public ZonalDiagnostics Diagnose(int modeCount = 33)
    {
        var u = State;
        Basis.ToScaledNodal(u, _grid);
        double mass = 0;
        var sw = Basis.SqrtWeights;
        for (int j = 0; j < _grid.Length; j++) mass += sw[j] * _grid[j];
        Basis.ToNodal(u, _grid);
        double min = double.PositiveInfinity;
        var logW = Basis.LogWeights;
        double cut = logW.Max() + SignificantLogWeight;
        for (int j = 0; j < _grid.Length; j++) if (logW[j] >= cut) min = Math.Min(min, _grid[j]);
        var modes = new double[modeCount];
        int count = Math.Min(modeCount, Basis.StateLength);
        for (int n = 0; n < count; n++) modes[n] = u[n];
        var g = GegenbauerCoefficients();
        var gModes = new double[modeCount];
        Array.Copy(g, gModes, count);
        double logE = LogEnergy(u);
        return new ZonalDiagnostics
        {
            Mass = mass,
            Energy = Math.Exp(logE),
            LogEnergy = logE,
            SpectralTail = SpectralTail(u),
            MinRelativeDensity = min,
            MinDensity = min * Math.Exp(DensityLogScale),
            PolarMoment = u.Length > 1 ? u[1] / Math.Sqrt(Dimension) : 0,
            Modes = modes,
            GegenbauerModes = gModes,
        };
    }
}
