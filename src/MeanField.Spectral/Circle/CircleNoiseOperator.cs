using MeanField.Core;
using System.Numerics;
using MeanField.Core.Noise;
using MeanField.Spectral.Fft;
using MeanField.Spectral.Steppers;

namespace MeanField.Spectral.Circle;

/// <summary>
/// The common noise of the circle SPDE (MATH §3.3, circle): dρ = … − ∂θ(ρ ∘ W), W(θ, dt) = Σ_j g_j(θ) dB^j the
/// <see cref="CircleNoiseField"/>, pseudo-spectrally on the solver's grid (ρW formed on the grid, ∂θ in Fourier space).
/// <list type="bullet">
/// <item>The constant mode a₀ dB₀ is a rigid rotation, ρ(θ) → ρ(θ − a₀ΔB₀), solved exactly: f̂_k → e^{−ik a₀ΔB₀} f̂_k.
/// It commutes with attention and diffusion (both are convolutions), so pure rotation noise reproduces the rotated
/// deterministic solution to round-off. The other components go through the stepper.</item>
/// <item>Itô correction of those other components, ½ Σ_{j≥1} ∂θ(g_j ∂θ(g_j ρ)) = ½ ∂θ(V ∂θρ + ½ V′ρ) with
/// V = Σ_{j≥1} g_j². For a stationary field V is the constant κ_trunc(1) − a₀² and the correction is the diagonal
/// −(V/2) k² (the rotation's a₀²/2 part is inside the exact rotation, so the Itô drift is (κ_trunc(1)/2) ∂²ρ in all,
/// MATH §3.3 truncation rule). Otherwise it is evaluated on the grid; V has modes ≤ 2M, so it is alias-free only
/// when 2M ≤ K (<see cref="ItoCorrectionIsDealiased"/>).</item>
/// </list>
/// Dealiasing: ρW has modes ≤ K + M, which alias onto retained modes only if M > K, so the field needs M ≤ K.
/// </summary>
public sealed class CircleNoiseOperator : ICommonNoiseOperator, IDisposable
{
    private readonly FourierCircleBasis _basis;
    private readonly IRealFft _density, _wind;
    private readonly double[] _itoDiagonal;
    private readonly double[]? _variance, _varianceSlope;   // V(θ_j), ½V′(θ_j) for the non-stationary correction

    public CircleNoiseOperator(FourierCircleBasis basis, CircleNoiseField field, FftChoice fftBackend = FftChoice.Auto)
    {
        int kmax = basis.MaxWavenumber;
        if (field.MaxMode > kmax)
            throw new ArgumentException($"the noise field has modes up to {field.MaxMode}, above the largest retained wavenumber {kmax}: raise the resolution or lower the noise modes.", nameof(field));
        _basis = basis;
        Field = field;
        _density = RealFftFactory.Create(basis.GridSize, fftBackend);
        _wind = RealFftFactory.Create(basis.GridSize, fftBackend);
        _itoDiagonal = new double[basis.StateLength];
        if (field.IsStationary)
        {
            double v = 0;   // Σ_{m≥1} (c_m² + s_m²)/2, without the rotation (no cancellation against a₀²)
            for (int m = 1; m <= field.MaxMode; m++) v += (Square(field.CosAmplitude(m)) + Square(field.SinAmplitude(m))) / 2;
            for (int k = 0; k <= kmax; k++) _itoDiagonal[2 * k] = _itoDiagonal[2 * k + 1] = -v / 2 * k * k;
        }
        else
        {
            // g_c² + g_s² = (c²+s²)/2 + ((c²−s²)/2) cos 2mθ, so V′/2 = −Σ m (c²−s²)/2 sin 2mθ.
            _variance = new double[basis.GridSize];
            _varianceSlope = new double[basis.GridSize];
            for (int j = 0; j < basis.GridSize; j++)
            {
                double v = 0, slope = 0;
                for (int m = 1; m <= field.MaxMode; m++)
                {
                    double c2 = Square(field.CosAmplitude(m)), s2 = Square(field.SinAmplitude(m));
                    var (sin, cos) = Math.SinCos(2 * m * basis.Theta[j]);
                    v += (c2 + s2) / 2 + (c2 - s2) / 2 * cos;
                    slope -= m * (c2 - s2) / 2 * sin;
                }
                _variance[j] = v;
                _varianceSlope[j] = slope;
            }
        }
    }

    public CircleNoiseField Field { get; }
    public int Components => Field.Components;
    public ReadOnlySpan<double> ItoCorrectionDiagonal => _itoDiagonal;
    public bool HasNonDiagonalItoCorrection => _variance is not null;

    /// <summary>False when the grid-evaluated Itô correction of a non-stationary field aliases (2M > K).</summary>
    public bool ItoCorrectionIsDealiased => _variance is null || 2 * Field.MaxMode <= _basis.MaxWavenumber;

    /// <summary>dudt += −∂θ(ρ W) with W = Σ_{j≥1} g_j w_j (the rotation j = 0 is left to <see cref="ApplyExactPart"/>).</summary>
    public void AddNoise(ReadOnlySpan<double> u, ReadOnlySpan<double> weights, Span<double> dudt)
    {
        int maxMode = Field.MaxMode;
        if (maxMode == 0) return;
        // W = Σ_m Re[(c_m w^c_m − i s_m w^s_m) e^{imθ}], i.e. Ŵ_m = (c_m w^c_m − i s_m w^s_m)/2 for m ≥ 1.
        Span<Complex> wHat = _wind.Spectrum;
        wHat.Clear();
        for (int m = 1; m <= maxMode; m++)
            wHat[m] = new Complex(Field.CosAmplitude(m) * weights[2 * m - 1], -Field.SinAmplitude(m) * weights[2 * m]) / 2;
        _wind.Inverse();
        _basis.LoadSpectrum(u, _density.Spectrum);
        _density.Inverse();
        Multiply(_density.Real, _wind.Real);
        _wind.Forward();
        AddDerivative(_wind.Spectrum, -1, dudt);
    }

    /// <summary>The implicit noise step as banded solves in Fourier space (bandwidth 2M+1, O(K M²)).</summary>
    public INoiseStepSolver CreateNoiseStepSolver(int stateLength, NoiseStepRule rule) => new CircleBandedNoiseStepSolver(_basis, Field, rule);

    /// <summary>Rotate by fraction · a₀ ΔB₀: f̂_k → e^{−ik α} f̂_k (mass, k = 0, untouched).</summary>
    public void ApplyExactPart(Span<double> u, ReadOnlySpan<double> increments, double fraction)
    {
        double angle = fraction * Field.CosAmplitude(0) * increments[0];
        if (angle == 0) return;
        for (int k = 1; k <= _basis.MaxWavenumber; k++)
        {
            var (sin, cos) = Math.SinCos(k * angle);
            double re = u[2 * k], im = u[2 * k + 1];
            u[2 * k] = cos * re + sin * im;
            u[2 * k + 1] = cos * im - sin * re;
        }
    }

    /// <summary>dudt += ½ ∂θ(V ∂θρ + ½V′ρ) (non-stationary fields; nothing for stationary ones, whose correction is diagonal).</summary>
    public void AddItoCorrection(ReadOnlySpan<double> u, Span<double> dudt)
    {
        if (_variance is null || _varianceSlope is null) return;
        int kmax = _basis.MaxWavenumber;
        _basis.LoadSpectrum(u, _density.Spectrum);
        _density.Inverse();
        Span<Complex> slope = _wind.Spectrum;
        slope.Clear();
        for (int k = 1; k <= kmax; k++) slope[k] = new Complex(-k * u[2 * k + 1], k * u[2 * k]);   // ik f̂_k
        _wind.Inverse();
        Span<double> flux = _wind.Real;
        ReadOnlySpan<double> f = _density.Real;
        for (int j = 0; j < flux.Length; j++) flux[j] = _variance[j] * flux[j] + _varianceSlope[j] * f[j];
        _wind.Forward();
        AddDerivative(_wind.Spectrum, 0.5, dudt);
    }

    /// <summary>dudt += factor · (ik p̂_k) for k = 1..K.</summary>
    private void AddDerivative(ReadOnlySpan<Complex> pHat, double factor, Span<double> dudt)
    {
        for (int k = 1; k <= _basis.MaxWavenumber; k++)
        {
            dudt[2 * k] -= factor * k * pHat[k].Imaginary;
            dudt[2 * k + 1] += factor * k * pHat[k].Real;
        }
    }

    private static void Multiply(ReadOnlySpan<double> a, Span<double> b)
    {
        for (int j = 0; j < a.Length; j++) b[j] *= a[j];
    }

    private static double Square(double x) => x * x;

    public void Dispose()
    {
        _density.Dispose();
        _wind.Dispose();
    }
}
