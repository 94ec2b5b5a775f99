using System.Buffers;
using MeanField.Core;
using MeanField.Core.Simd;

namespace MeanField.Particles;

/// <summary>
/// O(N·L²) attention sums on S² (d = 3, identity case) from the addition theorem (MATH §1.1):
/// e^{β⟨x,y⟩} = Σ_n Λ_n Σ_{m=−n}^{n} Y_n^m(x) conj(Y_n^m(y)), Λ_n = 4π i_n(β) (Funk–Hecke eigenvalue; Σ_m Y_n^m(x) conj Y_n^m(y)
/// = (2n+1)/(4π) P_n(⟨x,y⟩) and e^{βt} = Σ_n (2n+1) i_n(β) P_n(t)). With the moments M_n^m = (1/N) Σ_j Y_n^m(x_j),
///   Z(x) = (1/N) Σ_j e^{β⟨x,x_j⟩} = Σ_{n≤L} Λ_n Σ_m Y_n^m(x) conj(M_n^m),
///   P_x (1/N) Σ_j e^{β⟨x,x_j⟩} x_j = (1/β) ∇_S Z(x),
/// so the USA drift is ∇_S Z/β and the SA drift ∇_S Z/(β Z) (exactly the dense sums, self-interaction included).
/// </summary>
/// <remarks>
/// <para>Gradient. ∇_S Z = P_x ∇Z̃ with Z̃ the harmonic polynomial extension Σ Λ_n Σ_m r^n Y_n^m conj(M_n^m). The solid
/// harmonics differentiate into degree n−1 (orthonormal, Condon–Shortley; s_n = √((2n+1)/(2n−1))):
/// ∂_z (r^n Y_n^m) = s_n √((n+m)(n−m)) r^{n−1} Y_{n−1}^m and (∂_x + i∂_y)(r^n Y_n^m) = s_n √((n−m)(n−m−1)) r^{n−1} Y_{n−1}^{m+1},
/// so Z, ∂_z Z̃ and (∂_x + i∂_y) Z̃ are three sums over the same Y_l^m(x), m ≥ 0, evaluated pole-free by one recurrence
/// (<see cref="SphericalHarmonics"/>). All weights are scaled by e^{−β}: λ_n = e^{−β}Λ_n.</para>
/// <para>Truncation. |Σ_m Y_n^m(x) conj M_n^m| ≤ (2n+1)/(4π) and its tangential gradient ≤ (2n+1)/(4π)·n(n+1)/2 (|P_n'| ≤ P_n'(1)).
/// Every particle's weight sum (1/N) Σ_j e^{β⟨x_i,x_j⟩} is at least e^β/N (its own term), so L is the smallest degree with
/// Σ_{n>L} (2n+1) e^{−β} i_n(β) (n(n+1)/(2β) + 1) ≤ tolerance/N. Then each USA drift differs from the dense one by at most
/// tolerance × the particle's weight sum, each weight sum by at most tolerance × itself, and each SA drift (an average of
/// unit vectors) by at most about 2·tolerance — the circle's convention (<see cref="CircleSpectralInteraction"/>).
/// e^{−β} i_n(β) ≈ e^{−n²/2β}/(2β) for n ≪ β, so L grows like √(β ln(N/tolerance)): L = 19 at β = 2, 26 at β = 5, 65 at β = 50,
/// 125 at β = 200 (N = 10³–2·10⁴, tolerance 1e-12).
/// Rounding adds about 1e-16·N relative to a particle's weight sum in the worst (isolated particle) case.</para>
/// <para>Cost per evaluation ≈ 14 multiply–adds per particle and (l, m) pair, i.e. O(N L²/2), vectorised over particles
/// (8 lanes where the hardware has AVX-512, else 4: each kernel is written once over <see cref="IVec{TSelf}"/>), and
/// (L+1)(L+2)/2 complex moments.
/// Moments are summed in chunks whose boundaries depend only on N, and the chunk partials in order, so results do not depend
/// on the thread count.</para>
/// </remarks>
internal sealed class SphereSpectralInteraction : IParticleInteraction
{

    private readonly ParticleModel _model;
    private readonly SphericalHarmonics _h;
    private readonly int _n, _padded, _lmax, _count, _chunk;
    private readonly double[] _lambda;                         // e^{−β} 4π i_n(β), n = 0..L
    private readonly double[] _x0, _x1, _x2, _mask;            // unit positions, component-major, zero padded; mask 1/0
    private readonly double[] _partialRe, _partialIm;          // per chunk × count: Σ_j Y_l^m(x_j)
    private readonly double[] _cZr, _cZi, _cDr, _cDi, _e1r, _e1i, _e2r, _e2i;   // per (l, m), see Combine
    private readonly double[] _z, _gx, _gy, _gz;               // per particle: e^{−β} Z and ∇Z̃
    private readonly ChunkedParallel _parallel;

    public SphereSpectralInteraction(ParticleModel model, int count, double tolerance, int threads = 0)
    {
        if (model.Dimension != 3 || !model.IsSignedIdentityCase)
            throw new ArgumentException("spherical-harmonic summation needs the identity case (no query/key matrices, value I or −I) on S² (dimension 3).", nameof(model));
        ArgumentOutOfRangeException.ThrowIfLessThan(count, 1);
        _model = model;
        _n = count;
        _lmax = DegreeFor(model.Beta, tolerance, count);
        _h = new SphericalHarmonics(_lmax);
        _count = _h.Count;
        _padded = (count + 7) / 8 * 8;
        // At most 64 moment chunks (memory 64 × count partials), at least 256 particles each; a function of N only.
        _chunk = Math.Max(256, ((count + 63) / 64 + 7) / 8 * 8);
        _lambda = ScaledEigenvalues(model.Beta, _lmax + 1);
        _x0 = new double[_padded];
        _x1 = new double[_padded];
        _x2 = new double[_padded];
        _mask = new double[_padded];
        int chunks = ChunkedParallel.ChunkCount(_padded, _chunk);
        _partialRe = new double[chunks * _count];
        _partialIm = new double[chunks * _count];
        _cZr = new double[_count]; _cZi = new double[_count];
        _cDr = new double[_count]; _cDi = new double[_count];
        _e1r = new double[_count]; _e1i = new double[_count];
        _e2r = new double[_count]; _e2i = new double[_count];
        _z = new double[_padded];
        _gx = new double[_padded];
        _gy = new double[_padded];
        _gz = new double[_padded];
        _parallel = new ChunkedParallel(threads);
    }

    public string Name => "spectral";

    /// <summary>The largest spherical-harmonic degree L kept.</summary>
    public int SpectralModes => _lmax;

    /// <summary>e^{−β} Λ_n = e^{−β} 4π i_n(β) = 4π √(π/(2β)) e^{−β} I_{n+1/2}(β), n = 0..count−1.</summary>
    public static double[] ScaledEigenvalues(double beta, int count)
    {
        var v = Bessel.ScaledIArray(count, 0.5, beta);
        double c = 4 * Math.PI * Math.Sqrt(Math.PI / (2 * beta));
        for (int k = 0; k < count; k++) v[k] *= c;
        return v;
    }

    /// <summary>The smallest degree L whose truncation bound (class remarks) is ≤ tolerance/count.</summary>
    public static int DegreeFor(double beta, double tolerance, int count)
    {
        if (!(tolerance > 0)) throw new ArgumentOutOfRangeException(nameof(tolerance), tolerance, "tolerance must be > 0.");
        // e^{−β} i_n(β) ≈ e^{−n²/2β}/(2β): beyond n ≈ 16√β + 40 every term is far below 1e-40.
        int cap = 40 + (int)Math.Ceiling(16 * Math.Sqrt(beta));
        var lambda = ScaledEigenvalues(beta, cap + 2);
        double bound = tolerance / count, tail = 0;
        int degree = cap;
        for (int n = cap + 1; n >= 2; n--)
        {
            // λ_n/(4π) = e^{−β} i_n(β)
            tail += (2.0 * n + 1) * lambda[n] / (4 * Math.PI) * (n * (n + 1.0) / (2 * beta) + 1);
            if (tail > bound) break;
            degree = n - 1;
        }
        return Math.Max(degree, 1);
    }

    public void Evaluate(double[] positions, double[] drift, double[]? meanWeights = null)
    {
        int n = _n;
        if (positions.Length != 3 * n || drift.Length != 3 * n) throw new ArgumentException("positions and drift must hold N×3 values.");
        for (int j = 0; j < n; j++)
        {
            double a = positions[3 * j], b = positions[3 * j + 1], c = positions[3 * j + 2], r = Math.Sqrt(a * a + b * b + c * c);
            _x0[j] = a / r;
            _x1[j] = b / r;
            _x2[j] = c / r;
            _mask[j] = 1;
        }

        _parallel.For(_padded, _chunk, Moments);
        Combine();
        _parallel.For(_padded, 64, (_, start, end) => Sums(start, end));

        double eBeta = Math.Exp(_model.Beta), beta = _model.Beta;
        bool usa = _model.Attention == AttentionKind.USA;
        for (int i = 0; i < n; i++)
        {
            double scale = _model.ValueSign * (usa ? eBeta / beta : 1 / (beta * _z[i])) * _model.AttentionScale;   // V = ±s·I
            double g0 = scale * _gx[i], g1 = scale * _gy[i], g2 = scale * _gz[i];
            double x0 = positions[3 * i], x1 = positions[3 * i + 1], x2 = positions[3 * i + 2];
            double radial = g0 * x0 + g1 * x1 + g2 * x2;
            drift[3 * i] = g0 - radial * x0;
            drift[3 * i + 1] = g1 - radial * x1;
            drift[3 * i + 2] = g2 - radial * x2;
            if (meanWeights is not null) meanWeights[i] = eBeta * _z[i];
        }
    }

    // Σ_j Y_l^m(x_j) over one chunk, one vector of particles at a time, into the chunk's partials.
    private void Moments(int chunk, int start, int end)
    {
        if (Vec512.IsHardwareAccelerated) Moments<Vec512>(chunk, start, end);
        else Moments<Vec256>(chunk, start, end);
    }

    private unsafe void Moments<TV>(int chunk, int start, int end) where TV : unmanaged, IVec<TV>
    {
        int count = _count, L = _lmax, w = TV.Count;
        // One accumulator vector per real and per imaginary moment, rented per chunk (chunks run in parallel).
        var buffer = ArrayPool<double>.Shared.Rent(2 * count * w);
        try
        {
            Array.Clear(buffer, 0, 2 * count * w);
            var a = _h.RecurrenceA;
            var b = _h.RecurrenceB;
            var sectoral = _h.Sectoral;
            fixed (double* acc = buffer, x0 = _x0, x1 = _x1, x2 = _x2, mask = _mask)
            {
                for (int j = start; j < end; j += w)
                {
                    var ex = TV.Load(x0 + j);
                    var ey = TV.Load(x1 + j);
                    var z = TV.Load(x2 + j);
                    var wr = TV.Load(mask + j);   // (x₀ + i x₁)^m, 0 for padding
                    var wi = TV.Zero;
                    for (int m = 0; m <= L; m++)
                    {
                        int o = SphericalHarmonics.Index(L, m, m);
                        var p2 = TV.Zero;
                        var p1 = TV.Create(sectoral[m]);
                        double* ao = acc + 2 * o * w;
                        TV.Store(TV.Fma(p1, wr, TV.Load(ao)), ao);
                        TV.Store(TV.Fma(p1, wi, TV.Load(ao + w)), ao + w);
                        for (int i = o + 1; i <= o + L - m; i++)
                        {
                            var p = TV.Fma(TV.Create(a[i]) * z, p1, -(TV.Create(b[i]) * p2));
                            double* ai = acc + 2 * i * w;
                            TV.Store(TV.Fma(p, wr, TV.Load(ai)), ai);
                            TV.Store(TV.Fma(p, wi, TV.Load(ai + w)), ai + w);
                            p2 = p1;
                            p1 = p;
                        }
                        var t2 = wr * ex - wi * ey;
                        wi = wr * ey + wi * ex;
                        wr = t2;
                    }
                }
                for (int i = 0; i < count; i++)
                {
                    _partialRe[chunk * count + i] = TV.Sum(TV.Load(acc + 2 * i * w));
                    _partialIm[chunk * count + i] = TV.Sum(TV.Load(acc + (2 * i + 1) * w));
                }
            }
        }
        finally
        {
            ArrayPool<double>.Shared.Return(buffer);
        }
    }

    // Moments → the coefficients of the three sums (class remarks), each multiplying Y_l^m(x), m ≥ 0:
    //   Z       = Re Σ Y cZ,  cZ_l^m = (m ? 2 : 1) λ_l conj(M_l^m)
    //   ∂_z Z̃   = Re Σ Y cD,  cD_l^m = (m ? 2 : 1) λ_{l+1} s_{l+1} √((l+1+m)(l+1−m)) conj(M_{l+1}^m)
    //   ∂_+ Z̃   = Σ Y A − Σ_{m≥1} conj(Y) B,  A_l^m = λ_{l+1} s_{l+1} √((l+2−m)(l+1−m)) conj(M_{l+1}^{m−1}) (conj M^{−1} = −M^1),
    //             B_l^m = λ_{l+1} s_{l+1} √((l+2+m)(l+1+m)) M_{l+1}^{m+1}   (the m < 0 terms folded by Y^{−m} = (−1)^m conj Y^m).
    private void Combine()
    {
        int count = _count, L = _lmax, chunks = _partialRe.Length / count;
        var mr = new double[count];
        var mi = new double[count];
        for (int i = 0; i < count; i++)
        {
            double re = 0, im = 0;
            for (int c = 0; c < chunks; c++) { re += _partialRe[c * count + i]; im += _partialIm[c * count + i]; }
            mr[i] = re / _n;
            mi[i] = im / _n;
        }
        for (int m = 0; m <= L; m++)
        for (int l = m; l <= L; l++)
        {
            int i = SphericalHarmonics.Index(L, l, m);
            double fold = m == 0 ? 1 : 2;
            _cZr[i] = fold * _lambda[l] * mr[i];
            _cZi[i] = -fold * _lambda[l] * mi[i];
            if (l == L)
            {
                _cDr[i] = _cDi[i] = _e1r[i] = _e1i[i] = _e2r[i] = _e2i[i] = 0;
                continue;
            }
            double w = _lambda[l + 1] * Math.Sqrt((2.0 * l + 3) / (2.0 * l + 1));
            int up = SphericalHarmonics.Index(L, l + 1, m);
            double d = fold * w * Math.Sqrt((l + 1.0 + m) * (l + 1.0 - m));
            _cDr[i] = d * mr[up];
            _cDi[i] = -d * mi[up];
            double ar, ai;
            double aw = w * Math.Sqrt((l + 2.0 - m) * (l + 1.0 - m));
            if (m == 0)
            {
                int k = SphericalHarmonics.Index(L, l + 1, 1);
                ar = -aw * mr[k];
                ai = -aw * mi[k];
            }
            else
            {
                int k = SphericalHarmonics.Index(L, l + 1, m - 1);
                ar = aw * mr[k];
                ai = -aw * mi[k];
            }
            double br = 0, bi = 0;
            if (m >= 1 && m + 1 <= l + 1)
            {
                double bw = w * Math.Sqrt((l + 2.0 + m) * (l + 1.0 + m));
                int k = SphericalHarmonics.Index(L, l + 1, m + 1);
                br = bw * mr[k];
                bi = bw * mi[k];
            }
            _e1r[i] = ar - br;
            _e1i[i] = ai - bi;
            _e2r[i] = ar + br;
            _e2i[i] = ai + bi;
        }
    }

    // Per particle: Z, ∂_z Z̃ and ∂_± Z̃ from one pass of the recurrence. For fixed m the l-sums are real combinations of P̃_l^m,
    // multiplied by w = (x₀ + i x₁)^m at the end: Re(Y c) = P̃ (w_r c_r − w_i c_i);
    // Y A − conj(Y) B = P̃ [(w_r E1_r − w_i E2_i) + i (w_r E1_i + w_i E2_r)] with E1 = A − B, E2 = A + B.
    private void Sums(int start, int end)
    {
        if (Vec512.IsHardwareAccelerated) Sums<Vec512>(start, end);
        else Sums<Vec256>(start, end);
    }

    private unsafe void Sums<TV>(int start, int end) where TV : unmanaged, IVec<TV>
    {
        int L = _lmax, w = TV.Count;
        var a = _h.RecurrenceA;
        var b = _h.RecurrenceB;
        var sectoral = _h.Sectoral;
        fixed (double* x0 = _x0, x1 = _x1, x2 = _x2, zOut = _z, gxOut = _gx, gyOut = _gy, gzOut = _gz)
        {
            for (int j = start; j < end; j += w)
            {
                var ex = TV.Load(x0 + j);
                var ey = TV.Load(x1 + j);
                var z = TV.Load(x2 + j);
                var wr = TV.Create(1.0);
                var wi = TV.Zero;
                var zs = TV.Zero;
                var gz = TV.Zero;
                var gx = TV.Zero;
                var gy = TV.Zero;
                for (int m = 0; m <= L; m++)
                {
                    int o = SphericalHarmonics.Index(L, m, m), last = o + L - m;
                    var p2 = TV.Zero;
                    var p = TV.Create(sectoral[m]);
                    TV szr = TV.Zero, szi = TV.Zero, sdr = TV.Zero, sdi = TV.Zero, s1r = TV.Zero, s1i = TV.Zero, s2r = TV.Zero, s2i = TV.Zero;
                    for (int i = o; ; i++)
                    {
                        szr = TV.Fma(p, TV.Create(_cZr[i]), szr);
                        szi = TV.Fma(p, TV.Create(_cZi[i]), szi);
                        sdr = TV.Fma(p, TV.Create(_cDr[i]), sdr);
                        sdi = TV.Fma(p, TV.Create(_cDi[i]), sdi);
                        s1r = TV.Fma(p, TV.Create(_e1r[i]), s1r);
                        s1i = TV.Fma(p, TV.Create(_e1i[i]), s1i);
                        s2r = TV.Fma(p, TV.Create(_e2r[i]), s2r);
                        s2i = TV.Fma(p, TV.Create(_e2i[i]), s2i);
                        if (i == last) break;
                        var next = TV.Fma(TV.Create(a[i + 1]) * z, p, -(TV.Create(b[i + 1]) * p2));
                        p2 = p;
                        p = next;
                    }
                    zs += wr * szr - wi * szi;
                    gz += wr * sdr - wi * sdi;
                    gx += wr * s1r - wi * s2i;
                    gy += wr * s1i + wi * s2r;
                    var t = wr * ex - wi * ey;
                    wi = wr * ey + wi * ex;
                    wr = t;
                }
                TV.Store(zs, zOut + j);
                TV.Store(gx, gxOut + j);
                TV.Store(gy, gyOut + j);
                TV.Store(gz, gzOut + j);
            }
        }
    }
}
