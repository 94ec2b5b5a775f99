using System.Numerics;
using MeanField.Core;
using MeanField.Spectral.Fft;
using MeanField.Spectral.Steppers;

namespace MeanField.Spectral.Circle;

/// <summary>
/// The mean-field transport operator on S^1 (MATH §3.1, §9.1) in pseudo-spectral form:
///   ∂t f = −∂θ(f V) + D ∂²θ f,
///   USA: V = ∂θ(W∗f),            W(φ) = e^{β cos φ}/β,  (W∗f)^_k = 2π I_k(β)/β · f̂_k
///   SA:  V = ∂θ(W∗f) / (β W∗f)   (= β⁻¹ ∂θ log(G∗f), G = e^{β cos φ})
/// Convolutions and derivatives are diagonal in Fourier space; f·V is formed on the grid; −D k² is the linear part,
/// applied exactly by the stepper. SA only needs ratios of Bessel functions, so it uses e^{−β}I_k (no overflow);
/// USA's velocity genuinely scales like e^β and uses the unscaled multiplier (β ≤ 700).
/// The velocity is multiplied by the model's attention scale s (V = s·I: 1 attractive, 0 off, −1 repulsive); for SA
/// only the numerator ∂θ(W∗f) is scaled, the normalisation W∗f is not.
/// </summary>
public sealed class CircleMeanFieldOperator : ISemilinearSystem, IDisposable
{
    private readonly FourierCircleBasis _basis;
    private readonly MeanFieldModel _model;
    private readonly double[] _scaledBessel;        // e^{−β} I_k(β), k = 0..K
    private readonly double[] _multiplier;          // 2π I_k(β)/β, scaled by e^{−β} for SA
    private readonly double[] _linear;
    private readonly IRealFft _density, _velocity, _potential;

    public CircleMeanFieldOperator(FourierCircleBasis basis, MeanFieldModel model, FftChoice fftBackend = FftChoice.Auto)
    {
        _basis = basis;
        _model = model;
        int kmax = basis.MaxWavenumber;
        double beta = model.Beta;
        _scaledBessel = Bessel.ScaledIArray(kmax + 1, 0, beta);
        double scale = model.Attention == AttentionKind.USA ? Math.Exp(beta) : 1.0;
        _multiplier = new double[kmax + 1];
        for (int k = 0; k <= kmax; k++) _multiplier[k] = 2 * Math.PI * _scaledBessel[k] * scale / beta;
        _linear = new double[basis.StateLength];
        for (int k = 0; k <= kmax; k++) _linear[2 * k] = _linear[2 * k + 1] = -model.Diffusion * k * k;
        _density = RealFftFactory.Create(basis.GridSize, fftBackend);
        _velocity = RealFftFactory.Create(basis.GridSize, fftBackend);
        _potential = model.Attention == AttentionKind.SA ? RealFftFactory.Create(basis.GridSize, fftBackend) : _velocity;
    }

    public FourierCircleBasis Basis => _basis;
    public MeanFieldModel Model => _model;
    public string FftBackend => _density.Backend;
    public int Length => _basis.StateLength;
    public ReadOnlySpan<double> LinearDiagonal => _linear;

    /// <summary>e^{−β} I_k(β) for k = 0..K.</summary>
    public ReadOnlySpan<double> ScaledBessel => _scaledBessel;

    public void EvaluateNonlinear(double t, ReadOnlySpan<double> u, Span<double> dudt)
    {
        if (_model.AttentionScale == 0)
        {
            dudt.Clear();   // attention off: no transport at all (and no FFTs)
            return;
        }
        int kmax = _basis.MaxWavenumber;
        _basis.LoadSpectrum(u, _density.Spectrum);
        _density.Inverse();
        SynthesiseVelocityParts(u);

        Span<double> f = _density.Real, flux = _velocity.Real;
        if (_model.Attention == AttentionKind.SA)
        {
            ReadOnlySpan<double> potential = _potential.Real;
            double invBeta = 1 / _model.Beta;
            for (int j = 0; j < f.Length; j++) flux[j] = f[j] * flux[j] * invBeta / potential[j];
        }
        else
        {
            Multiply(f, flux);
        }
        _velocity.Forward();

        ReadOnlySpan<Complex> pHat = _velocity.Spectrum;
        for (int k = 0; k <= kmax; k++)
        {
            dudt[2 * k] = k * pHat[k].Imaginary;       // −ik p̂_k
            dudt[2 * k + 1] = -k * pHat[k].Real;
        }
        dudt[0] = dudt[1] = 0;   // mass is conserved exactly
    }

    /// <summary>
    /// ∂θ(W∗f) into the velocity FFT's grid, and for SA also W∗f into the potential FFT's grid:
    /// V = ∂θ(W∗f) for USA, V = ∂θ(W∗f)/(β W∗f) for SA.
    /// </summary>
    private void SynthesiseVelocityParts(ReadOnlySpan<double> u)
    {
        int kmax = _basis.MaxWavenumber;
        Span<Complex> vHat = _velocity.Spectrum;
        vHat[(kmax + 1)..].Clear();
        double scale = _model.AttentionScale;
        for (int k = 0; k <= kmax; k++)
        {
            double m = scale * k * _multiplier[k];
            vHat[k] = new Complex(-m * u[2 * k + 1], m * u[2 * k]);   // i k (W∗f)^_k
        }
        _velocity.Inverse();
        if (_model.Attention == AttentionKind.SA)
        {
            Span<Complex> uHat = _potential.Spectrum;
            uHat[(kmax + 1)..].Clear();
            for (int k = 0; k <= kmax; k++) uHat[k] = _multiplier[k] * new Complex(u[2 * k], u[2 * k + 1]);
            _potential.Inverse();
        }
    }

    /// <summary>Density f(θ_j) on the grid.</summary>
    public void Density(ReadOnlySpan<double> u, Span<double> grid)
    {
        _basis.LoadSpectrum(u, _density.Spectrum);
        _density.Inverse();
        _density.Real.CopyTo(grid);
    }

    /// <summary>Velocity V(θ_j) on the grid.</summary>
    public void Velocity(ReadOnlySpan<double> u, Span<double> grid)
    {
        SynthesiseVelocityParts(u);
        _velocity.Real.CopyTo(grid);
        if (_model.Attention == AttentionKind.SA)
            for (int j = 0; j < grid.Length; j++) grid[j] /= _model.Beta * _potential.Real[j];
    }

    private static void Multiply(ReadOnlySpan<double> a, Span<double> b)
    {
        int j = 0;
        if (Vector.IsHardwareAccelerated)
        {
            int w = Vector<double>.Count;
            for (; j <= a.Length - w; j += w) (new Vector<double>(a[j..]) * new Vector<double>(b[j..])).CopyTo(b[j..]);
        }
        for (; j < a.Length; j++) b[j] *= a[j];
    }

    public void Dispose()
    {
        _density.Dispose();
        _velocity.Dispose();
        if (!ReferenceEquals(_potential, _velocity)) _potential.Dispose();
    }
}
