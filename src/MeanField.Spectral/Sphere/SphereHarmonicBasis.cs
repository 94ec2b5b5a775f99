using MeanField.Core;
using System.Numerics;

namespace MeanField.Spectral.Sphere;

/// <summary>
/// Spherical-harmonic Galerkin basis on S² up to degree L with a dealiased Gauss grid (3/2 rule).
///
/// <para><b>State layout, stated once.</b> A density ρ = Σ_{l≤L} Σ_{|m|≤l} a_l^m Y_l^m (orthonormal, Condon–Shortley; see
/// <see cref="SphericalHarmonicTransform"/>; ρ w.r.t. the surface measure, a_0^0 = mass/√(4π), uniform: a_0^0 = 1/√(4π))
/// is stored as a real vector u of length 2·(L+1)(L+2)/2: u[2i] = Re a_l^m, u[2i+1] = Im a_l^m with
/// i = index(l, m) = m(2L+3−m)/2 + (l−m) (m-major, 0 ≤ m ≤ l ≤ L). The entries Im a_l^0 are kept at 0.</para>
///
/// <para><b>Grid.</b> nlat = the smallest even integer ≥ (3L+1)/2 Gauss–Legendre colatitudes and nlon = the smallest
/// even 2^a3^b5^c ≥ 3L+1 longitudes. Products ρ·∇Ψ·∇Y with all three factors of degree ≤ L are polynomials of degree
/// ≤ 3L on the sphere, which this grid integrates exactly, so the USA flux divergence is alias-free.
/// (SA's log(K∗ρ) is not band-limited; as on the circle it is resolved, not exactly dealiased.)</para>
/// </summary>
public sealed class SphereHarmonicBasis : IDisposable
{
    public SphereHarmonicBasis(int lmax, FftChoice fftBackend = FftChoice.Auto, int threads = 1, bool simd = true)
    {
        if (lmax < 2) throw new ArgumentOutOfRangeException(nameof(lmax), lmax, "the sphere solver needs lmax ≥ 2.");
        Lmax = lmax;
        int nlat = (3 * lmax + 2) / 2;
        if (nlat % 2 != 0) nlat++;
        Transform = new SphericalHarmonicTransform(lmax, nlat, SmoothEven(3 * lmax + 1), fftBackend, threads, simd);
    }

    /// <summary>L, the largest retained degree (solver.resolution for this geometry).</summary>
    public int Lmax { get; }

    /// <summary>The SHT on the dealiased grid.</summary>
    public SphericalHarmonicTransform Transform { get; }

    public int Nlat => Transform.Nlat;
    public int Nlon => Transform.Nlon;
    public int GridSize => Transform.GridSize;

    /// <summary>(L+1)(L+2)/2 complex coefficients.</summary>
    public int Count => Transform.Count;

    /// <summary>2·Count.</summary>
    public int StateLength => 2 * Count;

    /// <summary>Colatitudes θ_i (increasing), longitudes φ_k = 2πk/nlon, Gauss weights w_i (Σ = 2).</summary>
    public double[] Colatitudes => Transform.Colatitudes;
    public double[] Longitudes => Transform.Longitudes;
    public double[] Weights => Transform.Weights;

    /// <summary>Area weight of the grid point (i, k): w_i·2π/nlon (Σ over the grid = 4π).</summary>
    public double AreaWeight(int i) => Transform.Weights[i] * 2 * Math.PI / Nlon;

    public int Index(int l, int m) => Transform.Index(l, m);

    public Complex Coefficient(ReadOnlySpan<double> state, int l, int m)
    {
        if (m < 0)
        {
            var c = Coefficient(state, l, -m);
            return (m % 2 == 0 ? 1 : -1) * Complex.Conjugate(c);
        }
        if (l > Lmax || m > l) return Complex.Zero;
        int i = Index(l, m);
        return new Complex(state[2 * i], state[2 * i + 1]);
    }

    /// <summary>State from coefficients in the layout of this L (length Count); Im a_l^0 is dropped.</summary>
    public double[] StateFromCoefficients(ReadOnlySpan<Complex> coefficients)
    {
        if (coefficients.Length != Count)
            throw new ArgumentException($"expected {Count} coefficients for lmax {Lmax}, got {coefficients.Length}.");
        var state = new double[StateLength];
        LoadState(coefficients, state);
        return state;
    }

    public void LoadState(ReadOnlySpan<Complex> coefficients, Span<double> state)
    {
        for (int i = 0; i < Count; i++)
        {
            state[2 * i] = coefficients[i].Real;
            state[2 * i + 1] = i <= Lmax ? 0 : coefficients[i].Imaginary;   // i ≤ L ⇔ m = 0
        }
    }

    public void CoefficientsFromState(ReadOnlySpan<double> state, Span<Complex> coefficients)
    {
        for (int i = 0; i < Count; i++) coefficients[i] = new Complex(state[2 * i], i <= Lmax ? 0 : state[2 * i + 1]);
    }

    /// <summary>Re-expands m-major coefficients of degree ≤ <paramref name="fromLmax"/> in the layout of <paramref name="toLmax"/> (truncating or zero-padding).</summary>
    public static Complex[] Resize(ReadOnlySpan<Complex> coefficients, int fromLmax, int toLmax)
    {
        var result = new Complex[SphericalHarmonicTransform.CoefficientCount(toLmax)];
        int top = Math.Min(fromLmax, toLmax);
        for (int m = 0; m <= top; m++)
            for (int l = m; l <= top; l++)
                result[SphericalHarmonicTransform.Index(toLmax, l, m)] = coefficients[SphericalHarmonicTransform.Index(fromLmax, l, m)];
        return result;
    }

    /// <summary>Smallest even n ≥ min whose only prime factors are 2, 3, 5 (fast FFT sizes).</summary>
    internal static int SmoothEven(int min)
    {
        for (int n = Math.Max(4, min + (min & 1)); ; n += 2)
        {
            int r = n;
            foreach (int p in new[] { 2, 3, 5 }) while (r % p == 0) r /= p;
            if (r == 1) return n;
        }
    }

    public void Dispose() => Transform.Dispose();
}
