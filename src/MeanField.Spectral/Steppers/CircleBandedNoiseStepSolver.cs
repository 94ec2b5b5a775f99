using System.Numerics;
using MeanField.Core.Noise;
using MeanField.Spectral.Circle;

namespace MeanField.Spectral.Steppers;

/// <summary>
/// The implicit noise step on the circle, solved directly in Fourier space. For W = Σ_{m=1}^{M} (a^c_m cos mθ ΔB^c_m +
/// a^s_m sin mθ ΔB^s_m), i.e. Ŵ_m = (a^c_m ΔB^c_m − i a^s_m ΔB^s_m)/2 and Ŵ_{−m} = conj Ŵ_m, the Galerkin transport is
///   (A f)_k = −ik Σ_{0 &lt; |m| ≤ M} Ŵ_m f̂_{k−m},   |k| ≤ K,
/// a band of half-width M on the 2K+1 complex coefficients. N(A) f is formed by banded products and each factor
/// (I − c_i A) of D(A) is one banded LU with partial pivoting (upper width 2M after pivoting): O(K M²) per step.
/// Row k = 0 of A is zero, so the mass f̂_0 is copied through exactly; the result is real (Hermitian) up to round-off
/// and its k ≥ 1 half is kept. The rotation a₀ΔB₀ is not part of A (the noise operator applies it exactly).
/// </summary>
internal sealed class CircleBandedNoiseStepSolver : INoiseStepSolver
{
    private readonly CircleNoiseField _field;
    private readonly NoiseStepRule _rule;
    private readonly int _kmax, _size, _width;
    private readonly Complex[] _band, _x, _y, _f, _wind;

    public CircleBandedNoiseStepSolver(FourierCircleBasis basis, CircleNoiseField field, NoiseStepRule rule)
    {
        _field = field;
        _rule = rule;
        _kmax = basis.MaxWavenumber;
        _size = 2 * _kmax + 1;
        _width = 3 * field.MaxMode + 1;
        _band = new Complex[_size * _width];
        _x = new Complex[_size];
        _y = new Complex[_size];
        _f = new Complex[_size];
        _wind = new Complex[2 * field.MaxMode + 1];
    }

    public void Solve(ReadOnlySpan<double> u, ReadOnlySpan<double> increments, Span<double> result)
    {
        int maxMode = _field.MaxMode, kmax = _kmax, n = _size;
        u.CopyTo(result);
        // Ŵ_m for m = −M..M at index m + M; the effective half-width is the highest mode with a non-zero Ŵ.
        int band = 0;
        for (int m = 1; m <= maxMode; m++)
        {
            var w = new Complex(_field.CosAmplitude(m) * increments[2 * m - 1], -_field.SinAmplitude(m) * increments[2 * m]) / 2;
            _wind[maxMode + m] = w;
            _wind[maxMode - m] = Complex.Conjugate(w);
            if (w != Complex.Zero) band = m;
        }
        _wind[maxMode] = Complex.Zero;
        if (band == 0) return;

        for (int i = 0; i < n; i++)
        {
            int k = i - kmax;
            _f[i] = k >= 0 ? new Complex(u[2 * k], u[2 * k + 1]) : new Complex(u[-2 * k], -u[-2 * k + 1]);
        }
        // x = N(A) f by Horner: x = N_P f, then x ← A x + N_p f.
        var numerator = _rule.Numerator;
        for (int i = 0; i < n; i++) _x[i] = numerator[^1] * _f[i];
        for (int p = numerator.Count - 2; p >= 0; p--)
        {
            Apply(_x, _y, band);
            for (int i = 0; i < n; i++) _x[i] = _y[i] + numerator[p] * _f[i];
        }
        foreach (var c in _rule.Shifts)
        {
            SolveShifted(c, band);
            if (!_rule.RealShift) SolveShifted(Complex.Conjugate(c), band);
        }
        for (int k = 1; k <= kmax; k++)
        {
            result[2 * k] = _x[kmax + k].Real;
            result[2 * k + 1] = _x[kmax + k].Imaginary;
        }
    }

    /// <summary>y = A x.</summary>
    private void Apply(Complex[] x, Complex[] y, int band)
    {
        int n = _size, kmax = _kmax, maxMode = _field.MaxMode;
        for (int i = 0; i < n; i++)
        {
            Complex sum = Complex.Zero;
            for (int m = -band; m <= band; m++)
            {
                int j = i - m;
                if (m != 0 && j >= 0 && j < n) sum += _wind[maxMode + m] * x[j];
            }
            y[i] = new Complex(0, -(i - kmax)) * sum;
        }
    }

    /// <summary>x ← (I − cA)⁻¹ x by banded Gaussian elimination with partial pivoting.</summary>
    private void SolveShifted(Complex c, int band)
    {
        int n = _size, kmax = _kmax, maxMode = _field.MaxMode;
        // Row i ↔ wavenumber k = i − K; entry (i, j) stored at i·width + (j − i + M), j − i ∈ [−M, 2M].
        int width = _width, offset = maxMode;
        Array.Clear(_band);
        for (int i = 0; i < n; i++)
        {
            var rowFactor = c * new Complex(0, i - kmax);      // −c · (−ik)
            for (int m = -band; m <= band; m++)
            {
                int j = i - m;
                if (m != 0 && j >= 0 && j < n) _band[i * width + (j - i + offset)] = rowFactor * _wind[maxMode + m];
            }
            _band[i * width + offset] = 1;
        }
        var rhs = _x;
        for (int col = 0; col < n; col++)
        {
            int last = Math.Min(col + band, n - 1), right = Math.Min(col + 2 * band, n - 1);
            int pivot = col;
            double best = _band[col * width + offset].Magnitude;
            for (int i = col + 1; i <= last; i++)
            {
                double v = _band[i * width + (col - i + offset)].Magnitude;
                if (v > best) { best = v; pivot = i; }
            }
            if (pivot != col)
            {
                for (int j = col; j <= right; j++)
                    (_band[col * width + (j - col + offset)], _band[pivot * width + (j - pivot + offset)]) =
                        (_band[pivot * width + (j - pivot + offset)], _band[col * width + (j - col + offset)]);
                (rhs[col], rhs[pivot]) = (rhs[pivot], rhs[col]);
            }
            var diagonal = _band[col * width + offset];
            for (int i = col + 1; i <= last; i++)
            {
                int e = i * width + (col - i + offset);
                if (_band[e] == Complex.Zero) continue;
                var factor = _band[e] / diagonal;
                _band[e] = Complex.Zero;
                for (int j = col + 1; j <= right; j++)
                    _band[i * width + (j - i + offset)] -= factor * _band[col * width + (j - col + offset)];
                rhs[i] -= factor * rhs[col];
            }
        }
        for (int i = n - 1; i >= 0; i--)
        {
            var sum = rhs[i];
            int right = Math.Min(i + 2 * band, n - 1);
            for (int j = i + 1; j <= right; j++) sum -= _band[i * width + (j - i + offset)] * rhs[j];
            rhs[i] = sum / _band[i * width + offset];
        }
    }
}
