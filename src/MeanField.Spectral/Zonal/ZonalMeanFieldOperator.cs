using MeanField.Core;
using MeanField.Spectral.Steppers;

namespace MeanField.Spectral.Zonal;

/// <summary>
/// The zonal mean-field PDE on S^{d−1} (MATH §9.3, §3.1, §3.4) in Gegenbauer–Galerkin form, for the relative density
/// u = g·|S^{d−1}| = Σ c_k q_k (layout in <see cref="ZonalGegenbauerBasis"/>):
///   ∂_t u + (1−t²)^{−(d−3)/2} ∂_t[(1−t²)^{(d−1)/2} u Ψ'(t)] = D Δ_S u,
///   USA: Ψ = Φ_β ∗ μ = Σ_k a_k c_k q_k,   a_k = ρ_0 Λ_k/β = Γ(d/2) 2^{d/2−1} β^{−d/2} I_{k+d/2−1}(β)   (MATH §1.1, §4.1)
///   SA:  Ψ = β^{−1} log(E∗μ),  E∗μ ∝ Z = Σ_k r_k c_k q_k,  r_k = Λ_k/Λ_0 = I_{k+d/2−1}(β)/I_{d/2−1}(β),
///        so Ψ' = Z'/(β Z) (only ratios enter: the e^β factors cancel).
/// Galerkin weak form (integration by parts; the boundary term vanishes because (1−t²)^{(d−1)/2} = 0 at t = ±1):
///   dc_k/dt = ∫ (1−t²) q_k'(t) u(t) Ψ'(t) ŵ(t) dt − D k(k+d−2) c_k,
/// evaluated by the M-point Gauss rule of the basis. The integrand has degree ≤ 3L for USA, so with the default
/// M = ⌊3L/2⌋+1 the USA Galerkin system is integrated exactly (no aliasing); SA's Ψ' is rational and is handled by
/// the same (3/2-rule) quadrature. dc_0/dt = 0 exactly (mass), and for D = 0 the discrete energy ½Σ a_k c_k² is
/// non-decreasing for both kinds as long as u ≥ 0 at the nodes (MATH §3.2).
///
/// The linear part −D k(k+d−2) is diagonal and applied exactly by the integrating-factor steppers.
///
/// Time unit. USA rates scale like e^β β^{−(d−1)/2}. When the largest retained USA rate k(k+d−2)a_k exceeds e^300
/// (only for β ≳ 300), the operator works in the rescaled time τ = t·e^{s} with s = <see cref="LogTimeScale"/> = log of
/// that largest rate, so the fastest mode has rate 1 in τ; all multipliers and the diffusion are divided by e^{s}.
/// Otherwise s = 0 and τ = t. SA never rescales (its rates are O(1)). A caller may force s.
/// </summary>
public sealed class ZonalMeanFieldOperator : ISemilinearSystem
{
    /// <summary>log of the largest rate above which USA switches to rescaled time.</summary>
    public const double RescaleAboveLogRate = 300;

    private readonly ZonalGegenbauerBasis _basis;
    private readonly double[] _linear;
    private readonly double[] _logUsaMultiplier;   // log a_k (physical)
    private readonly double[] _potentialGradient;  // G[j,k] = m_k √(1−t_j²) q_k'(t_j), m_k = a_k e^{−s} (USA) or r_k (SA)
    private readonly double[]? _potentialValue;    // H[j,k] = r_k q_k(t_j) (SA)
    private readonly double[] _u, _p, _z;          // scratch on the grid

    public ZonalMeanFieldOperator(ZonalGegenbauerBasis basis, MeanFieldModel model, double? logTimeScale = null)
        : this(basis, model.Attention, model.Beta, model.Diffusion, logTimeScale, model.AttentionScale) { }

    /// <param name="basis">The Gegenbauer basis and grid.</param>
    /// <param name="attention">SA or USA.</param>
    /// <param name="beta">β &gt; 0 (finite; no 700 cap here: everything is in log form).</param>
    /// <param name="diffusion">D ≥ 0 (generator D Δ_S, D = 1/κ_R).</param>
    /// <param name="logTimeScale">Force the time rescaling s (null: automatic, see the class remarks).</param>
    /// <param name="attentionScale">s of V = s·I: Ψ' is multiplied by it (1 attractive, 0 off, −1 repulsive).</param>
    public ZonalMeanFieldOperator(ZonalGegenbauerBasis basis, AttentionKind attention, double beta, double diffusion = 0,
        double? logTimeScale = null, double attentionScale = 1)
    {
        if (!double.IsFinite(attentionScale)) throw new ArgumentOutOfRangeException(nameof(attentionScale), attentionScale, "the attention scale must be finite.");
        AttentionScale = attentionScale;
        if (!(beta > 0) || !double.IsFinite(beta)) throw new ArgumentOutOfRangeException(nameof(beta), beta, "β must be positive and finite.");
        if (!(diffusion >= 0) || !double.IsFinite(diffusion)) throw new ArgumentOutOfRangeException(nameof(diffusion), diffusion, "diffusion must be finite and ≥ 0.");
        _basis = basis;
        Attention = attention;
        Beta = beta;
        Diffusion = diffusion;
        int d = basis.Dimension, n = basis.StateLength;

        _logUsaMultiplier = new double[n];
        double nu0 = 0.5 * d - 1;
        double logA1 = LinearStability.LogDiffusionThreshold(AttentionKind.USA, 1, beta, d);
        _logUsaMultiplier[0] = logA1 + Bessel.LogRatio(nu0, 1 + nu0, beta);
        for (int k = 1; k < n; k++) _logUsaMultiplier[k] = LinearStability.LogDiffusionThreshold(AttentionKind.USA, k, beta, d);

        double s = 0;
        if (attention == AttentionKind.USA)
        {
            double logMax = double.NegativeInfinity;
            for (int k = 1; k < n; k++) logMax = Math.Max(logMax, Math.Log(SphereGeometry.LaplacianEigenvalue(k, d)) + _logUsaMultiplier[k]);
            if (logMax > RescaleAboveLogRate) s = logMax;
        }
        if (logTimeScale is { } forced)
        {
            if (!double.IsFinite(forced)) throw new ArgumentOutOfRangeException(nameof(logTimeScale), forced, "must be finite.");
            s = forced;
        }
        LogTimeScale = s;

        var logMultiplier = new double[n];
        for (int k = 0; k < n; k++)
            logMultiplier[k] = attention == AttentionKind.USA ? _logUsaMultiplier[k] - s : FunkHecke.LogRatioToDegreeZero(k, beta, d);
        _potentialGradient = basis.BuildMatrix(derivative: true, basis.SqrtOneMinusT2, basis.LogSqrtOneMinusT2, logMultiplier);
        if (attention == AttentionKind.SA) _potentialValue = basis.BuildMatrix(derivative: false, null, null, logMultiplier);
        PotentialMultipliers = Array.ConvertAll(logMultiplier, Math.Exp);

        _linear = new double[n];
        double timeFactor = Math.Exp(-s);
        for (int k = 0; k < n; k++) _linear[k] = -diffusion * timeFactor * SphereGeometry.LaplacianEigenvalue(k, d);
        _u = new double[basis.GridSize];
        _p = new double[basis.GridSize];
        _z = new double[basis.GridSize];
    }

    public ZonalGegenbauerBasis Basis => _basis;
    public AttentionKind Attention { get; }
    public double Beta { get; }
    public double Diffusion { get; }

    /// <summary>The attention scale of V = s·I (multiplies the velocity; the time rescaling ignores it).</summary>
    public double AttentionScale { get; }

    /// <summary>s: the operator's time is τ = t·e^{s} (0 unless USA rates exceed e^300).</summary>
    public double LogTimeScale { get; }

    /// <summary>The multipliers used for Ψ: a_k e^{−s} (USA) or r_k = Λ_k/Λ_0 (SA).</summary>
    public double[] PotentialMultipliers { get; }

    /// <summary>log a_k = log(ρ_0 Λ_k/β), in physical units (energy: E_β = ½ Σ a_k c_k²).</summary>
    public ReadOnlySpan<double> LogEnergyMultipliers => _logUsaMultiplier;

    public int Length => _basis.StateLength;
    public ReadOnlySpan<double> LinearDiagonal => _linear;

    /// <summary>
    /// The linear growth rate of degree n about the uniform state, in the operator's time unit, from its own
    /// multipliers: n(n+d−2)(σ m_n − D e^{−s}) with m_n = a_n e^{−s} (USA) or r_n/β (SA) and σ the attention scale.
    /// MATH §4.1, §4.3.
    /// </summary>
    public double LinearRate(int n)
    {
        double lap = SphereGeometry.LaplacianEigenvalue(n, _basis.Dimension);
        double m = Attention == AttentionKind.USA ? PotentialMultipliers[n] : PotentialMultipliers[n] / Beta;
        return lap * AttentionScale * m + _linear[n];
    }

    public void EvaluateNonlinear(double t, ReadOnlySpan<double> u, Span<double> dudt)
    {
        // ũ_j = √ŵ_j u(t_j);  P_j = √(1−t_j²) Ψ'(t_j);  dc_k = Σ_j B_jk ũ_j P_j.
        _basis.Multiply(_basis.ScaledValueMatrix, u, _u, skipZero: false);
        _basis.Multiply(_potentialGradient, u, _p, skipZero: false);
        if (_potentialValue is not null)
        {
            _basis.Multiply(_potentialValue, u, _z, skipZero: false);
            double invBeta = 1 / Beta;
            for (int j = 0; j < _p.Length; j++) _p[j] = _u[j] == 0 ? 0 : _p[j] * invBeta / _z[j];
        }
        double scale = AttentionScale;
        for (int j = 0; j < _p.Length; j++) _p[j] *= scale * _u[j];
        _basis.MultiplyTransposed(_basis.ScaledFluxMatrix, _p, dudt);
        dudt[0] = 0;   // q_0' = 0: mass is conserved exactly
    }

    /// <summary>
    /// √(1−t_j²) Ψ'(t_j) on the grid, in the operator's time unit: the signed speed of the flow along the meridian
    /// towards the pole e (X = Ψ'(t)(e − t x), |e − t x| = √(1−t²)).
    /// </summary>
    public void MeridionalVelocity(ReadOnlySpan<double> u, Span<double> grid)
    {
        _basis.Multiply(_potentialGradient, u, grid, skipZero: false);
        if (_potentialValue is not null)
        {
            var z = new double[grid.Length];
            _basis.Multiply(_potentialValue, u, z, skipZero: false);
            for (int j = 0; j < grid.Length; j++) grid[j] /= Beta * z[j];
        }
        for (int j = 0; j < grid.Length; j++) grid[j] *= AttentionScale;
    }
}
