using System.Numerics;
using MeanField.Core;
using MeanField.Spectral.Steppers;

namespace MeanField.Spectral.Sphere;

/// <summary>
/// The mean-field transport operator on S² (MATH §3.1, §9.2) in spherical-harmonic Galerkin form:
///   ∂t ρ = −div_S(ρ X) + D Δ_S ρ,
///   USA: X = β⁻¹ ∇_S(K∗ρ),          (K∗ρ)_l^m = Λ_l a_l^m,  Λ_l = 4π i_l(β) = (2π)^{3/2} β^{−1/2} I_{l+1/2}(β)
///   SA:  X = β⁻¹ ∇_S log(K∗ρ) = ∇_S(K∗ρ) / (β K∗ρ),   K(x,y) = e^{β⟨x,y⟩},
/// both multiplied by the attention scale s of V = s·I (<see cref="MeanFieldModel.AttentionScale"/>; 0 = attention off).
/// The convolution is diagonal (Funk–Hecke); ∇_S is synthesised spectrally (∂_θ from the Legendre derivative identity,
/// ∂_φ = im), ρX is formed on the dealiased grid of <see cref="SphereHarmonicBasis"/>, and its divergence is projected back
/// by the adjoint identity (div V)_l^m = −∫ V·∇conj(Y_l^m) dσ. The linear part −D l(l+1) is applied exactly by the stepper.
/// SA only needs ratios, so it uses e^{−β}Λ_l (no overflow); USA's velocity genuinely scales like e^β (β ≤ 700).
/// The degree-0 tendency is set to exactly 0 (mass conservation).
/// </summary>
public sealed class SphereMeanFieldOperator : ISemilinearSystem, IDisposable
{
    private readonly SphereHarmonicBasis _basis;
    private readonly SphericalHarmonicTransform _sht;
    private readonly MeanFieldModel _model;
    private readonly double[] _multiplier;      // per degree: Λ_l/β (USA: W∗ρ, X = ∇(W∗ρ)) or e^{−β} Λ_l (SA: scaled K∗ρ)
    private readonly double[] _eigenvalues;     // Λ_l (unscaled; +∞ only where it overflows)
    private readonly double[] _linear;
    private readonly Complex[] _a, _psi, _div;
    private readonly double[] _rho, _gt, _gp, _z;

    public SphereMeanFieldOperator(SphereHarmonicBasis basis, MeanFieldModel model)
    {
        _basis = basis;
        _sht = basis.Transform;
        _model = model;
        int L = basis.Lmax;
        double beta = model.Beta;
        _multiplier = new double[L + 1];
        _eigenvalues = new double[L + 1];
        for (int l = 0; l <= L; l++)
        {
            double log = FunkHecke.LogEigenvalue(l, beta, 3);
            _eigenvalues[l] = Math.Exp(log);
            // USA carries s in its potential; SA's ratio ∇Z/Z is scale-free, so s enters where the ratio is formed.
            _multiplier[l] = model.Attention == AttentionKind.USA ? model.AttentionScale * Math.Exp(log - Math.Log(beta)) : Math.Exp(log - beta);
        }
        _linear = new double[basis.StateLength];
        for (int m = 0; m <= L; m++)
            for (int l = m; l <= L; l++)
            {
                int i = basis.Index(l, m);
                _linear[2 * i] = _linear[2 * i + 1] = -model.Diffusion * l * (l + 1.0);
            }
        _a = new Complex[basis.Count];
        _psi = new Complex[basis.Count];
        _div = new Complex[basis.Count];
        _rho = new double[basis.GridSize];
        _gt = new double[basis.GridSize];
        _gp = new double[basis.GridSize];
        _z = model.Attention == AttentionKind.SA ? new double[basis.GridSize] : [];
    }

    public SphereHarmonicBasis Basis => _basis;
    public MeanFieldModel Model => _model;
    public int Length => _basis.StateLength;
    public ReadOnlySpan<double> LinearDiagonal => _linear;

    /// <summary>Λ_l = 4π i_l(β), l = 0..L (Funk–Hecke eigenvalues of e^{β⟨x,y⟩} on S²).</summary>
    public ReadOnlySpan<double> Eigenvalues => _eigenvalues;

    public void EvaluateNonlinear(double t, ReadOnlySpan<double> u, Span<double> dudt) => EvaluateTransport(u, dudt, default, default, 0);

    /// <summary>
    /// −div_S(ρ (X[ρ] + c·V)) for an extra tangent velocity V = V_θ e_θ + V_φ e_φ given on the grid (empty: none), formed
    /// on the same dealiased grid as the attention flux (one synthesis, one divergence analysis). The stochastic solver
    /// passes the noise velocity of the step here (<see cref="SphereNoiseOperator"/>).
    /// </summary>
    public void EvaluateTransport(ReadOnlySpan<double> u, Span<double> dudt, ReadOnlySpan<double> extraTheta, ReadOnlySpan<double> extraPhi, double extraScale)
    {
        _basis.CoefficientsFromState(u, _a);
        _sht.Synthesize(_a, _rho);
        var rho = _rho;
        var gt = _gt;
        var gp = _gp;
        if (_model.AttentionScale == 0)
        {
            gt.AsSpan().Clear();
            gp.AsSpan().Clear();
        }
        else
        {
            VelocityParts();
            if (_model.Attention == AttentionKind.SA)
            {
                double invBeta = _model.AttentionScale / _model.Beta;
                var z = _z;
                for (int j = 0; j < rho.Length; j++)
                {
                    double s = invBeta / z[j];
                    gt[j] *= s;
                    gp[j] *= s;
                }
            }
        }
        if (!extraTheta.IsEmpty)
        {
            for (int j = 0; j < rho.Length; j++)
            {
                gt[j] += extraScale * extraTheta[j];
                gp[j] += extraScale * extraPhi[j];
            }
        }
        for (int j = 0; j < rho.Length; j++)
        {
            double s = rho[j];
            gt[j] *= s;
            gp[j] *= s;
        }
        _sht.AnalyzeDivergence(gt, gp, _div);
        for (int i = 0; i < _div.Length; i++)
        {
            dudt[2 * i] = -_div[i].Real;
            dudt[2 * i + 1] = -_div[i].Imaginary;
        }
        dudt[0] = dudt[1] = 0;                                        // mass is conserved exactly
        for (int l = 0; l <= _basis.Lmax; l++) dudt[2 * l + 1] = 0;   // Im a_l^0 ≡ 0
    }

    /// <summary>From _a: ∇(potential) into _gt/_gp: for USA the potential is W∗ρ = β⁻¹K∗ρ (so X = ∇(W∗ρ)); for SA the scaled K∗ρ, with its values in _z.</summary>
    private void VelocityParts()
    {
        for (int m = 0; m <= _basis.Lmax; m++)
        {
            int o = _basis.Index(m, m);
            for (int l = m; l <= _basis.Lmax; l++) _psi[o + l - m] = _multiplier[l] * _a[o + l - m];
        }
        _sht.SynthesizeGradient(_psi, _model.Attention == AttentionKind.SA ? _z : default, _gt, _gp);
    }

    /// <summary>Density ρ on the grid (nlat·nlon, row-major).</summary>
    public void Density(ReadOnlySpan<double> u, Span<double> grid)
    {
        _basis.CoefficientsFromState(u, _a);
        _sht.Synthesize(_a, grid);
    }

    /// <summary>Velocity X = X_θ e_θ + X_φ e_φ on the grid.</summary>
    public void Velocity(ReadOnlySpan<double> u, Span<double> xTheta, Span<double> xPhi)
    {
        _basis.CoefficientsFromState(u, _a);
        VelocityParts();
        double invBeta = _model.AttentionScale / _model.Beta;
        for (int j = 0; j < xTheta.Length; j++)
        {
            double s = _model.Attention == AttentionKind.SA ? invBeta / _z[j] : 1.0;
            xTheta[j] = _gt[j] * s;
            xPhi[j] = _gp[j] * s;
        }
    }

    public void Dispose() { }
}
