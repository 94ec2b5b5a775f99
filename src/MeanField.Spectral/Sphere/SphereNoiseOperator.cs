using System.Numerics;
using MeanField.Core;
using MeanField.Core.Noise;
using MeanField.Spectral.Steppers;

namespace MeanField.Spectral.Sphere;

/// <summary>
/// The common-noise velocity on the grid of a <see cref="SphereHarmonicBasis"/> for one set of increments ΔB
/// (MATH §2.3, §3.3, §9.2):
///   G(x, ΔB) = P_x (w_1, w_2, w_3)(x),   w_α = Σ_{n ≤ L_noise} Σ_i √C_n Y_{n,i}(x) ΔB^{n,i,α},
/// each w_α synthesised by the basis' transform from <see cref="SphereNoiseField.ScalarCoefficient"/> and projected on
/// e_θ = (cos θ cos φ, cos θ sin φ, −sin θ), e_φ = (−sin φ, cos φ, 0).
/// As the <see cref="ICommonNoiseOperator"/> of the S² SPDE (MATH §3.3) it adds the noise flux −div_S(ρ G(x, w)), and
/// its Itô correction is the diagonal (κ_trunc(1)/2) Δ_S (truncation rule); no component is solved exactly. With the
/// <see cref="SphereMeanFieldOperator"/> as drift, attention and noise flux are formed in one dealiased grid pass
/// (<see cref="EvaluateDriftAndNoise"/>); G is synthesised once per set of weights, not per stage.
/// </summary>
/// <remarks>
/// Dealiasing: G has degree ≤ L_noise + 1 (P_x multiplies by x), so ρ·G·∇Y has degree ≤ 2L + L_noise + 1, which the
/// 3/2-rule grid integrates exactly when L_noise ≤ L − 1; the constructor requires that.
/// </remarks>
public sealed class SphereNoiseOperator : ICommonNoiseOperator
{
    private readonly SphereHarmonicBasis _basis;
    private readonly double[] _cosTheta, _sinTheta, _cosPhi, _sinPhi;
    private readonly Complex[] _coefficients;
    private readonly double[][] _w;   // w_α on the grid
    private readonly double[] _theta, _phi;
    private readonly double[] _loaded;       // the weights G was last synthesised for
    private bool _hasLoaded;
    private readonly double[] _itoDiagonal;
    private SphereMeanFieldOperator? _fluxOnly;   // attention off: the noise flux alone (AddNoise outside the fused pass)
    private double[] _flux = [];

    public SphereNoiseOperator(SphereHarmonicBasis basis, SphereNoiseField field)
    {
        if (field.MaxDegree > basis.Lmax - 1)
            throw new ArgumentException($"noise degree {field.MaxDegree} needs lmax ≥ {field.MaxDegree + 1} (the noise flux must stay alias-free); lmax is {basis.Lmax}.");
        _basis = basis;
        Field = field;
        var t = basis.Transform;
        _cosTheta = t.CosColatitudes;
        _sinTheta = t.SinColatitudes;
        _cosPhi = Array.ConvertAll(basis.Longitudes, Math.Cos);
        _sinPhi = Array.ConvertAll(basis.Longitudes, Math.Sin);
        _coefficients = new Complex[basis.Count];
        _w = [new double[basis.GridSize], new double[basis.GridSize], new double[basis.GridSize]];
        _theta = new double[basis.GridSize];
        _phi = new double[basis.GridSize];
        _loaded = new double[field.Components];
        double halfKappa = 0.5 * field.TruncatedKappaAtOne;
        _itoDiagonal = new double[basis.StateLength];
        for (int m = 0; m <= basis.Lmax; m++)
            for (int l = m; l <= basis.Lmax; l++)
            {
                int i = basis.Index(l, m);
                _itoDiagonal[2 * i] = _itoDiagonal[2 * i + 1] = -halfKappa * l * (l + 1.0);
            }
    }

    public SphereNoiseField Field { get; }
    public int Components => Field.Components;

    /// <summary>−(κ_trunc(1)/2) l(l+1): the Itô drift ½Σ_j G_j G_j is (κ_trunc(1)/2) Δ_S for the degrees whose flux the
    /// Galerkin system keeps (MATH §3.3 truncation rule).</summary>
    public ReadOnlySpan<double> ItoCorrectionDiagonal => _itoDiagonal;
    public bool HasNonDiagonalItoCorrection => false;
    public void AddItoCorrection(ReadOnlySpan<double> u, Span<double> dudt) { }

    /// <summary>No component is solved exactly on S² (the rotations of degree 1 are mixed with the rest by P_x).</summary>
    public void ApplyExactPart(Span<double> u, ReadOnlySpan<double> increments, double fraction) { }

    /// <summary>dudt += −div_S(ρ G(x, w)).</summary>
    public void AddNoise(ReadOnlySpan<double> u, ReadOnlySpan<double> weights, Span<double> dudt)
    {
        Load(weights);
        _fluxOnly ??= new SphereMeanFieldOperator(_basis, new MeanFieldModel(AttentionKind.USA, 1.0) { AttentionScale = 0 });
        if (_flux.Length != u.Length) _flux = new double[u.Length];
        _fluxOnly.EvaluateTransport(u, _flux, _theta, _phi, 1);
        for (int i = 0; i < _flux.Length; i++) dudt[i] += _flux[i];
    }

    /// <summary>With the S² attention operator as drift: −div_S(ρ (X[ρ] + G(x, w))) in one synthesis and one divergence analysis.</summary>
    public void EvaluateDriftAndNoise(ISemilinearSystem drift, double t, ReadOnlySpan<double> u, ReadOnlySpan<double> weights, Span<double> dudt)
    {
        if (drift is SphereMeanFieldOperator sphere && ReferenceEquals(sphere.Basis, _basis))
        {
            Load(weights);
            sphere.EvaluateTransport(u, dudt, _theta, _phi, 1);
            return;
        }
        drift.EvaluateNonlinear(t, u, dudt);
        AddNoise(u, weights, dudt);
    }

    /// <summary>G_θ and G_φ on the grid for the weights of the last <see cref="Load"/>.</summary>
    public ReadOnlySpan<double> Theta => _theta;
    public ReadOnlySpan<double> Phi => _phi;

    /// <summary>G(x, w) on the grid, into <see cref="Theta"/>/<see cref="Phi"/> (G is linear in w: w = ΔB gives G(x, ΔB)).
    /// A no-op when w is what was loaded last (the stages of one step share it).</summary>
    public void Load(ReadOnlySpan<double> increments)
    {
        if (_hasLoaded && increments.SequenceEqual(_loaded)) return;
        increments.CopyTo(_loaded);
        _hasLoaded = true;
        for (int alpha = 0; alpha < 3; alpha++) ScalarField(alpha, increments, _w[alpha]);
        var (w0, w1, w2) = (_w[0], _w[1], _w[2]);
        int nlat = _basis.Nlat, nlon = _basis.Nlon;
        for (int i = 0; i < nlat; i++)
        {
            double ct = _cosTheta[i], st = _sinTheta[i];
            for (int k = 0; k < nlon; k++)
            {
                int j = i * nlon + k;
                double c = _cosPhi[k], s = _sinPhi[k];
                _theta[j] = ct * (c * w0[j] + s * w1[j]) - st * w2[j];
                _phi[j] = c * w1[j] - s * w0[j];
            }
        }
    }

    /// <summary>The scalar field w_α (α = 0, 1, 2) of the increments on the grid.</summary>
    public void ScalarField(int alpha, ReadOnlySpan<double> increments, Span<double> grid)
    {
        if (alpha is < 0 or > 2) throw new ArgumentOutOfRangeException(nameof(alpha), alpha, "α is 0, 1 or 2.");
        Array.Clear(_coefficients);
        int top = Field.MaxDegree;
        for (int m = 0; m <= top; m++)
            for (int n = m; n <= top; n++)
                _coefficients[_basis.Index(n, m)] = Field.ScalarCoefficient(n, m, alpha, increments);
        _basis.Transform.Synthesize(_coefficients, grid);
    }
}
