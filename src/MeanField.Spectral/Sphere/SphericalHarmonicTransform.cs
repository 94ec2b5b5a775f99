using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using MeanField.Spectral.Fft;

using MeanField.Core;
using MeanField.Core.Simd;

namespace MeanField.Spectral.Sphere;

/// <summary>
/// Spherical harmonic transform (SHT) of real fields on S² on a Gauss–Legendre grid: synthesis (coefficients → grid),
/// analysis (grid → coefficients), and the vector operations the mean-field solver needs (gradient synthesis,
/// divergence analysis), all through spectral identities.
///
/// <para><b>Conventions, stated once.</b>
/// Harmonics are orthonormal on the unit sphere, ∫ Y_l^m conj(Y_l'^m') dσ = δ_ll' δ_mm', with the Condon–Shortley phase:
///   Y_l^m(θ,φ) = P̄_l^m(cos θ) e^{imφ},  P̄_l^m(x) = (−1)^m √((2l+1)/(4π) · (l−m)!/(l+m)!) (1−x²)^{m/2} d^m P_l(x)/dx^m,
/// so Y_0^0 = 1/√(4π), Y_1^0 = √(3/4π) cos θ, Y_1^1 = −√(3/8π) sin θ e^{iφ}.
/// A real field is f = Σ_{l=0}^{L} Σ_{m=−l}^{l} a_l^m Y_l^m with a_l^{−m} = (−1)^m conj(a_l^m) and a_l^m = ∫ f conj(Y_l^m) dσ;
/// only m ≥ 0 is stored, i.e. f = Σ_l [ a_l^0 Y_l^0 + Σ_{m=1}^{l} 2 Re(a_l^m Y_l^m) ] (Im a_l^0 is ignored).
/// Coefficients are a flat <see cref="Complex"/> array of length (L+1)(L+2)/2 in m-major order:
///   index(l, m) = m(2L+3−m)/2 + (l − m),  0 ≤ m ≤ l ≤ L   (the SHTns "LM" order for mmax = lmax, mres = 1),
/// so the coefficients of one order m are contiguous, l = m..L.</para>
///
/// <para><b>Grid.</b> nlat (even) Gauss–Legendre nodes in x = cos θ from MeanField.Core's GaussLegendre, ordered by
/// increasing colatitude θ_i ∈ (0, π) (north to south; ring nlat−1−i is the mirror of ring i, cos θ exactly negated), and
/// nlon (even) equispaced longitudes φ_k = 2πk/nlon. A grid field is row-major: grid[i·nlon + k] = f(θ_i, φ_k).
/// Quadrature: ∫ g dσ ≈ Σ_i w_i (2π/nlon) Σ_k g(θ_i, φ_k), with w_i the Gauss weights (Σ w_i = 2). Analysis is exact for
/// band-limited data when nlat ≥ L+1 and nlon ≥ 2L+2 (the grid must resolve products of two degree-L harmonics).</para>
///
/// <para><b>Algorithm.</b> Longitude: with FFTW, one complex FFT per north–south ring pair (the pair as real and imaginary
/// parts), in batches of ring pairs that stay in L2 (<c>FftwRingTransforms</c>); otherwise one real FFT per ring through
/// <see cref="IRealFft"/>. Between the stages the ring modes live in a <c>RingModeLayout</c>. Latitude: for each m, the
/// associated Legendre functions are generated on the fly by the three-term recurrence (memory O(L²) at any L:
/// recurrence coefficients per (l,m), start values per (m, ring pair); no O(L³) table), rescaled so that only one fused
/// multiply-add and one multiply per two degrees are needed: with z_l = P̄_l^m/f_l, z_l = a_l x z_{l−1} + z_{l−2}
/// (f_l bounded, folded into the coefficients), and the odd-parity part carried as u_l = z_l/x so the even part
/// advances with a_l x² (per lane) and the odd part with a_l alone. Equatorial symmetry: the ±cos θ pair shares one
/// recurrence (P̄_l^m(−x) = (−1)^{l+m} P̄_l^m(x)), giving even and odd partial sums for both hemispheres at once.
/// Underflow: the start value P̄_m^m = c_m sin^m θ (far below the double range for high m near the poles) is kept as
/// stored·2^{−600k} with a per-lane level k; lanes with k &gt; 0 (true value &lt; 2^{−300}) do not contribute and are rescaled
/// by 2^{600} once the recurrence has lifted them above 2^{300}, so no value ever underflows or becomes denormal.
/// SIMD: the kernels run Ishioka's variant (one sequence y_k in x² per two degrees, serving both parities, see the
/// constructor) over four vectors of latitude pairs (AVX-512; two with Vector256), written once for any width through
/// <c>IVec</c>; the scalar path (the rescaled x recurrence above) is the independent reference. The kernels need no
/// masks: a lane that starts in [2^−900, 2^−300) runs on its true value (a normal double), a block runs the recurrence
/// alone up to the first step at which one of its lanes passes 2^−300 and sums all its lanes from there, and the blocks
/// nearest the pole are skipped where no lane rises above 2^−300 by degree L. Only blocks with a live lane that starts
/// below 2^−900 (none up to L = 511; 0.5 % of the lane starts at L = 1023) run the masked, rescaled recurrence. So the SIMD
/// sums include terms below 2^−300 that the scalar path drops: a difference below 2^−300 relative to the coefficients.
/// Threads (optional) split the orders m and the rings.</para>
/// Not thread-safe: one instance per thread (it owns scratch buffers).
/// </summary>
public sealed unsafe class SphericalHarmonicTransform : IDisposable
{
    private const int VectorLanes = 8;
    private const int BlockLanes = 2 * VectorLanes;
    private static readonly double Big = Math.ScaleB(1.0, 300);
    private static readonly double Down = Math.ScaleB(1.0, -600);

    private readonly int _lmax, _nlat, _nlon, _npairs, _npad, _threads;
    private readonly bool _simd;
    private readonly double[] _x, _t, _sin, _w;    // per pair (padded): cos θ (north), cos² θ, sin θ, 2π × Gauss weight
    private readonly double[] _start, _level;      // per (m, pair): P̄_m^m = start·2^{−600 level}
    private readonly double[] _yStart, _yLevel;    // the same for the SIMD kernels, 0 (level 0) for lanes never live by L
    private readonly int[] _liveFrom;              // per m: lanes below this (whole blocks) are never live by L
    private readonly double[] _yTrue;              // per (m, pair): P̄_m^m itself where it is ≥ 2^−900 (0 for lanes never live by L)
    private readonly KernelUnit[] _units;          // the SIMD kernels' blocks, order by order: those of m at _unitStart[m].._unitStart[m+1]−1
    private readonly int[] _unitStart, _firstUnit; // per m; _firstUnit: the unit that writes the analysis accumulators (−1: none)
    private readonly int[] _segment;               // per m: offset of its recurrence segment (l = m..L+3)
    private readonly double[] _a, _f;              // per (l, m) in segments: recurrence a'_l and scale f_l (P̄ = f z)
    private readonly int[] _kseg;                  // per m: offset of its Ishioka segment (steps k = 0..K_m, K_m = ⌊(L−m)/2⌋+1)
    private readonly double[] _ab;                 // per (k, m): a_k, b_k of y_{k+1} = (a_k x² + b_k) y_k + y_{k−1}
    private readonly double[] _ie, _ih, _ig;       // per (k, m): P̄_{m+2k} = e_k y_k + h_k y_{k−1},  P̄_{m+2k+1}/x = g_k y_k
    private readonly double[] _cMinus;             // per (l, m) coefficient index: c_lm = √((2l+1)(l²−m²)/(2l−1))
    private Complex* _ring, _ring2, _ring3;        // ring Fourier modes in _modes: native, 64-byte aligned
    private readonly RingModeLayout _modes;        // where the mode of order m on ring i lives (blocks of ring pairs)
    private readonly Complex[] _tmpCoeffs, _tmpCoeffs2;
    private const int RingBlock = 8;
    private readonly IRealFft[][]? _ffts;          // managed path: per worker, RingBlock FFTs of length nlon
    private readonly FftwRingTransforms? _ringFft; // FFTW path: one complex FFT per north–south ring pair, in L2-sized batches
    private readonly int[] _ringBounds;            // worker w owns rings _ringBounds[w].._ringBounds[w+1]−1
    private readonly Worker[] _workers;

    /// <param name="lmax">L ≥ 1.</param>
    /// <param name="nlat">Number of Gauss nodes in colatitude: even, ≥ L+1 for exact analysis.</param>
    /// <param name="nlon">Number of longitudes: even, ≥ 2L+2 for exact analysis.</param>
    /// <param name="fftBackend">Auto, Fftw or Managed (see <see cref="RealFftFactory"/>).</param>
    /// <param name="threads">Worker threads for the Legendre stage (split over m) and the FFT stage (split over rings).</param>
    /// <param name="simd">false forces the scalar reference path.</param>
    public SphericalHarmonicTransform(int lmax, int nlat, int nlon, FftChoice fftBackend = FftChoice.Auto, int threads = 1, bool simd = true)
    {
        if (lmax < 1) throw new ArgumentOutOfRangeException(nameof(lmax), lmax, "lmax must be at least 1.");
        if (nlat < 2 || nlat % 2 != 0) throw new ArgumentOutOfRangeException(nameof(nlat), nlat, "nlat must be even and at least 2.");
        if (nlon < 4 || nlon % 2 != 0 || nlon / 2 < lmax)
            throw new ArgumentOutOfRangeException(nameof(nlon), nlon, "nlon must be even and at least 2·lmax (2·lmax+2 for exact analysis).");
        if (threads < 1) throw new ArgumentOutOfRangeException(nameof(threads), threads, "threads must be at least 1.");
        _lmax = lmax;
        _nlat = nlat;
        _nlon = nlon;
        _npairs = nlat / 2;
        _npad = (_npairs + BlockLanes - 1) / BlockLanes * BlockLanes;
        _threads = threads;
        _simd = simd && (Vec512.IsHardwareAccelerated || Vec256.IsHardwareAccelerated);

        // Gauss–Legendre nodes (machine-accurate, exact mirrors); pair j is the j-th node from the north pole.
        var (nodes, nodeWeights) = GaussLegendre.Create(nlat);
        Colatitudes = new double[nlat];
        CosColatitudes = new double[nlat];
        SinColatitudes = new double[nlat];
        Weights = new double[nlat];
        _x = new double[_npad];
        _t = new double[_npad];
        _sin = new double[_npad];
        _w = new double[_npad];
        for (int j = 0; j < _npairs; j++)
        {
            double x = nodes[nlat - 1 - j], w = nodeWeights[nlat - 1 - j];
            double s = Math.Sqrt((1 - x) * (1 + x));
            double theta = Math.Atan2(s, x);
            Colatitudes[j] = theta;
            Colatitudes[nlat - 1 - j] = Math.PI - theta;
            CosColatitudes[j] = x;
            CosColatitudes[nlat - 1 - j] = -x;
            SinColatitudes[j] = SinColatitudes[nlat - 1 - j] = s;
            Weights[j] = Weights[nlat - 1 - j] = w;
            _x[j] = x;
            _t[j] = x * x;
            _sin[j] = s;
            _w[j] = 2 * Math.PI * w;
        }
        Longitudes = new double[nlon];
        for (int k = 0; k < nlon; k++) Longitudes[k] = 2 * Math.PI * k / nlon;

        // Recurrence coefficients. Standard: P̄_l = A_l x P̄_{l−1} + B_l P̄_{l−2} (l ≥ m+2), P̄_{m+1} = √(2m+3) x P̄_m.
        // Rescaled: P̄_l = f_l z_l with f_m = f_{m+1} = 1, f_l = B_l f_{l−2}; then z_l = a_l x z_{l−1} + z_{l−2},
        // a_l = A_l f_{l−1}/f_l (a_{m+1} = √(2m+3)). |f_l| stays within polynomial bounds (the B's telescope).
        _segment = new int[lmax + 2];
        for (int m = 0; m <= lmax; m++) _segment[m + 1] = _segment[m] + (lmax - m + 4);
        _a = new double[_segment[lmax + 1]];
        _f = new double[_segment[lmax + 1]];
        for (int m = 0; m <= lmax; m++)
        {
            int o = _segment[m];
            _f[o] = 1;
            _a[o] = 0;
            if (m + 1 <= lmax)
            {
                _f[o + 1] = 1;
                _a[o + 1] = Math.Sqrt(2.0 * m + 3);
            }
            for (int l = m + 2; l <= lmax; l++)
            {
                double l2 = (double)l * l, m2 = (double)m * m;
                double A = Math.Sqrt((4 * l2 - 1) / (l2 - m2));
                double B = -Math.Sqrt(((l - 1.0) * (l - 1.0) - m2) * (2.0 * l + 1) / ((2.0 * l - 3) * (l2 - m2)));
                int k = l - m;
                _f[o + k] = B * _f[o + k - 2];
                _a[o + k] = A * _f[o + k - 1] / _f[o + k];
            }
            // entries l = L+1..L+3 stay 0: the kernels read them when advancing past L (results unused).
        }
        // Ishioka's recurrence (SIMD kernels). With A_l, B_l as above (general formula for l ≥ m+1, B_{m+1} = 0) and
        // O_k = P̄_{m+2k+1}/x, E_k = P̄_{m+2k}: the two steps E_{k+1} = A_{m+2k+2} x² O_k + B_{m+2k+2} E_k and
        // O_{k+1} = A_{m+2k+3} E_{k+1} + B_{m+2k+3} O_k, with E_k = (O_k − B_{m+2k+1} O_{k−1})/A_{m+2k+1}, give
        //   O_{k+1} = (α_k x² + β_k) O_k + γ_k O_{k−1},  α_k = A₃A₂, β_k = A₃B₂/A₁ + B₃, γ_k = −A₃B₂B₁/A₁
        // (subscripts 1, 2, 3: degrees m+2k+1, +2, +3). Rescaled, O_k = g_k y_k with g_0 = g_1 = 1, g_{k+1} = γ_k g_{k−1}:
        // y_{k+1} = (a_k x² + b_k) y_k + y_{k−1}. Then E_k = e_k y_k + h_k y_{k−1}, e_k = g_k/A_{m+2k+1},
        // h_k = −B_{m+2k+1} g_{k−1}/A_{m+2k+1}, so one sequence serves both parities: synthesis sums
        // y_k (e_k a_{m+2k} + h_{k+1} a_{m+2k+2}) and y_k g_k a_{m+2k+1}; analysis is the transpose.
        _kseg = new int[lmax + 2];
        for (int m = 0; m <= lmax; m++) _kseg[m + 1] = _kseg[m] + (lmax - m) / 2 + 3;
        _ab = new double[2 * _kseg[lmax + 1]];
        _ie = new double[_kseg[lmax + 1]];
        _ih = new double[_kseg[lmax + 1]];
        _ig = new double[_kseg[lmax + 1]];
        for (int m = 0; m <= lmax; m++)
        {
            int o = _kseg[m], K = (lmax - m) / 2 + 1;
            double RecA(int l) => Math.Sqrt((4.0 * l * l - 1) / ((double)l * l - (double)m * m));
            double RecB(int l) => -Math.Sqrt(((l - 1.0) * (l - 1.0) - (double)m * m) * (2.0 * l + 1) / ((2.0 * l - 3) * ((double)l * l - (double)m * m)));
            double gPrev = 1, g = 1;   // g_{k−1}, g_k
            for (int k = 0; k <= K; k++)
            {
                int l1 = m + 2 * k + 1;
                double A1 = RecA(l1), B1 = RecB(l1), A2 = RecA(l1 + 1), B2 = RecB(l1 + 1), A3 = RecA(l1 + 2), B3 = RecB(l1 + 2);
                _ie[o + k] = g / A1;
                _ih[o + k] = k == 0 ? 0 : -B1 * gPrev / A1;
                _ig[o + k] = g;
                double gNext = k == 0 ? 1 : -A3 * B2 * B1 / A1 * gPrev;
                if (k < K)
                {
                    _ab[2 * (o + k)] = A3 * A2 * g / gNext;
                    _ab[2 * (o + k) + 1] = (A3 * B2 / A1 + B3) * g / gNext;
                }
                gPrev = g;
                g = gNext;
            }
        }
        _cMinus = new double[CoefficientCount(lmax)];
        for (int m = 0; m <= lmax; m++)
            for (int l = m; l <= lmax; l++)
                _cMinus[Index(l, m)] = Math.Sqrt((2.0 * l + 1) * ((double)l * l - (double)m * m) / (2.0 * l - 1));

        // Start values P̄_m^m(x_j) = (−1)^m √((2m+1)/(4π) Π_{k≤m} (2k−1)/(2k)) sin^m θ_j, as mantissa × 2^E with exact
        // exponent tracking, stored as value·2^{600·level} ∈ [2^−300, 2^300) (level 0 when the value is ≥ 2^−300).
        _start = new double[(lmax + 1) * _npad];
        _level = new double[(lmax + 1) * _npad];
        for (int j = 0; j < _npairs; j++)
        {
            double mant = 1 / Math.Sqrt(4 * Math.PI);
            long e = 0;
            for (int m = 0; m <= lmax; m++)
            {
                if (m > 0)
                {
                    mant *= -Math.Sqrt((2.0 * m + 1) / (2.0 * m)) * _sin[j];
                    int d = Math.ILogB(mant);
                    mant = Math.ScaleB(mant, -d);
                    e += d;
                }
                int level = e >= -300 ? 0 : (int)((-300 - e + 599) / 600);
                _start[m * _npad + j] = Math.ScaleB(mant, (int)(e + 600L * level));
                _level[m * _npad + j] = level;
            }
        }

        // Lanes whose Ishioka sequence stays below 2^−300 up to degree L contribute exactly nothing (the kernels mask them
        // until they rise); starting them at 0 on level 0 gives the same sums and keeps their blocks off the masked path.
        // The scalar replay below performs the kernels' lane operations (same FMAs, same rescaling test every step), so it
        // finds the lanes the kernels mask to the end (the kernels test less often while a whole block is masked, so
        // they may activate a lane up to three steps later, when its value is still below 2^−290: nothing measurable).
        //
        // Unmasked kernels: a lane that starts in [2^−900, 2^−300) (level 1) can run on its true value, a normal double, with
        // the same roundings as its rescaled copy (scaling by 2^600 is exact). A group of lanes whose starts are all ≥ 2^−900
        // (or never live) runs the recurrence alone up to the first step at which one of its lanes passes 2^−300 (the step
        // the masked kernels would activate it), then sums every lane: the lanes still below 2^−300 add their true, negligible
        // terms instead of none. Only groups with a live lane below 2^−900 (none up to L = 511) keep the masked kernels.
        _yStart = (double[])_start.Clone();
        _yLevel = (double[])_level.Clone();
        _yTrue = new double[(lmax + 1) * _npad];
        var groupFrom = new int[(lmax + 1) * (_npad / VectorLanes)];   // per (m, group of 8 pairs), see FirstLiveStep
        Span<int> from = stackalloc int[VectorLanes];
        for (int m = 0; m <= lmax; m++)
        {
            int K = (lmax - m) / 2 + 1, o = 2 * _kseg[m];
            double y0 = Math.Sqrt(2.0 * m + 3);
            for (int g = 0; g < _npad / VectorLanes; g++)
            {
                bool masked = false;
                for (int q = 0; q < VectorLanes; q++)
                {
                    int j = g * VectorLanes + q, i = m * _npad + j;
                    from[q] = int.MaxValue;   // padding and never-live lanes: zeros throughout
                    if (j >= _npairs) continue;
                    double level = _level[i];
                    if (level == 0)
                    {
                        from[q] = 0;
                        _yTrue[i] = _start[i];
                        continue;
                    }
                    double y = y0 * _start[i], yp = 0, w = _t[j];
                    for (int k = 0; k < K && level > 0; k++)
                    {
                        double yn = Math.FusedMultiplyAdd(Math.FusedMultiplyAdd(_ab[o + 2 * k], w, _ab[o + 2 * k + 1]), y, yp);
                        yp = y;
                        y = yn;
                        if (Math.Abs(y) > Big || Math.Abs(yp) > Big)
                        {
                            y *= Down;
                            yp *= Down;
                            level--;
                            if (level == 0) from[q] = k + 1;
                        }
                    }
                    if (level > 0) _yStart[i] = _yLevel[i] = 0;
                    else if (_level[i] == 1) _yTrue[i] = Math.ScaleB(_start[i], -600);
                    else masked = true;
                }
                int first = int.MaxValue;
                foreach (int f in from) first = Math.Min(first, f);
                groupFrom[m * (_npad / VectorLanes) + g] = masked ? -1 : first;
            }
        }
        // Leading blocks (nearest the north pole) whose lanes are all never live give exact zeros: the kernels skip them.
        _liveFrom = new int[lmax + 1];
        for (int m = 0; m <= lmax; m++)
        {
            int b = 0;
            while (b < _npad && _yStart.AsSpan(m * _npad + b, BlockLanes).IndexOfAnyExcept(0.0) < 0) b += BlockLanes;
            _liveFrom[m] = b;
        }

        // The SIMD kernels' blocks of each order, for the vector width of this process.
        int unitLanes = 2 * (Vec512.IsHardwareAccelerated ? Vec512.Count : Vec256.Count);
        var units = new List<KernelUnit>();
        _unitStart = new int[lmax + 2];
        _firstUnit = new int[lmax + 1];
        for (int m = 0; m <= lmax; m++)
        {
            _unitStart[m] = units.Count;
            _firstUnit[m] = -1;
            for (int b = _liveFrom[m]; b < _npad;)
            {
                if (Vec512.IsHardwareAccelerated && (_npad - b) % (2 * unitLanes) == 0 && FirstLiveStep(groupFrom, m, b, 2 * unitLanes) is int f2 and >= 0)
                {
                    units.Add(new KernelUnit(b, f2, true));
                    b += 2 * unitLanes;
                }
                else
                {
                    units.Add(new KernelUnit(b, FirstLiveStep(groupFrom, m, b, unitLanes), false));
                    b += unitLanes;
                }
                if (_firstUnit[m] < 0 && units[^1].From == 0) _firstUnit[m] = units.Count - 1;
            }
        }
        _unitStart[lmax + 1] = units.Count;
        _units = [.. units];

        _ringBounds = new int[threads + 1];
        for (int w = 0; w <= threads; w++) _ringBounds[w] = nlat * w / threads;
        bool fftw = RealFftFactory.UsesFftw(fftBackend);   // throws the backend's message when FFTW is required and absent
        _tmpCoeffs = new Complex[CoefficientCount(lmax)];
        _tmpCoeffs2 = new Complex[CoefficientCount(lmax)];
        _modes = new RingModeLayout(nlat, lmax, RingModeLayout.BlockFor(nlon));
        if (fftw)
            _ringFft = new FftwRingTransforms(nlon, _modes, threads);
        nuint modes = 2 * (nuint)_modes.Length;
        _ring = (Complex*)FftwRingTransforms.AlignedZeroed(modes);
        _ring2 = (Complex*)FftwRingTransforms.AlignedZeroed(modes);
        _ring3 = (Complex*)FftwRingTransforms.AlignedZeroed(modes);
        if (!fftw)
        {
            _ffts = new IRealFft[threads][];
            for (int i = 0; i < threads; i++)
            {
                _ffts[i] = new IRealFft[RingBlock];
                for (int r = 0; r < RingBlock; r++) _ffts[i][r] = RealFftFactory.Create(nlon, fftBackend);
            }
        }
        _workers = new Worker[threads];
        for (int i = 0; i < threads; i++) _workers[i] = new Worker(lmax, _npad);
    }

    /// <summary>L, the largest degree.</summary>
    public int Lmax => _lmax;
    public int Nlat => _nlat;
    public int Nlon => _nlon;
    public int Threads => _threads;
    /// <summary>Number of grid points nlat·nlon.</summary>
    public int GridSize => _nlat * _nlon;
    /// <summary>(L+1)(L+2)/2.</summary>
    public int Count => CoefficientCount(_lmax);
    /// <summary>True when the SIMD kernels run (Vector512, else Vector256; false: scalar reference path).</summary>
    public bool UsesSimd => _simd;
    public string FftBackend => _ringFft is null ? _ffts![0][0].Backend : "fftw";

    /// <summary>
    /// Where the Fourier coefficient of order m on ring i lives in the ring-mode buffers of
    /// <c>LegendreSynthesis</c>/<c>LegendreAnalysis</c> (blocks of ring pairs, see <c>RingModeLayout</c>).
    /// </summary>
    public int ModeIndex(int m, int ring) => _modes.Of(m, ring);

    /// <summary>Entries of a ring-mode buffer.</summary>
    public int ModeBufferLength => _modes.Length;

    /// <summary>θ_i, increasing (north to south).</summary>
    public double[] Colatitudes { get; }
    public double[] CosColatitudes { get; }
    public double[] SinColatitudes { get; }
    /// <summary>Gauss–Legendre weights w_i in x = cos θ (Σ = 2). The area weight of grid point (i,k) is w_i·2π/nlon.</summary>
    public double[] Weights { get; }
    /// <summary>φ_k = 2πk/nlon.</summary>
    public double[] Longitudes { get; }

    /// <summary>(L+1)(L+2)/2: the number of stored coefficients.</summary>
    public static int CoefficientCount(int lmax) => (lmax + 1) * (lmax + 2) / 2;

    /// <summary>m(2L+3−m)/2 + (l−m).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public int Index(int l, int m) => Index(_lmax, l, m);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int Index(int lmax, int l, int m) => SphericalHarmonics.Index(lmax, l, m);

    /// <summary>c_lm = √((2l+1)(l²−m²)/(2l−1)): sin θ dP̄_l^m/dθ = l cos θ P̄_l^m − c_lm P̄_{l−1}^m.</summary>
    public double DerivativeCoefficient(int l, int m) => _cMinus[Index(l, m)];

    // ------------------------------------------------------------------------------------------------------------
    // Public transforms
    // ------------------------------------------------------------------------------------------------------------

    /// <summary>Grid values (nlat·nlon, row-major) of the real field with the given coefficients.</summary>
    public void Synthesize(ReadOnlySpan<Complex> coefficients, Span<double> grid)
    {
        CheckCoefficients(coefficients);
        CheckGrid(grid);
        LegendreSynthesis(coefficients, _ring);
        RingsInverse(_ring, grid);
    }


    /// <summary>Coefficients a_l^m = ∫ f conj(Y_l^m) dσ by Gauss quadrature (exact for band-limited data, see the class remarks).</summary>
    public void Analyze(ReadOnlySpan<double> grid, Span<Complex> coefficients)
    {
        CheckCoefficients(coefficients);
        CheckGrid(grid);
        RingsForward(grid, _ring);
        LegendreAnalysis(_ring, coefficients, ForwardScale);
    }

    /// <summary>
    /// The field and its surface gradient: value f, ∂_θ f and (1/sin θ) ∂_φ f on the grid (any output may be empty to skip it;
    /// <paramref name="value"/> costs one more FFT per ring). Computed from dP̄/dθ = (l x P̄_l − c_lm P̄_{l−1})/sin θ and
    /// ∂_φ = im: three Legendre syntheses sharing the FFT stage.
    /// </summary>
    public void SynthesizeGradient(ReadOnlySpan<Complex> coefficients, Span<double> value, Span<double> gradTheta, Span<double> gradPhi)
    {
        CheckCoefficients(coefficients);
        int L = _lmax;
        // b_l = l a_l,  d_l = c_{l+1,m} a_{l+1} (d_L = 0).
        var b = _tmpCoeffs;
        var d = _tmpCoeffs2;
        for (int m = 0; m <= L; m++)
        {
            int o = Index(m, m);
            for (int l = m; l <= L; l++)
            {
                b[o + l - m] = l * coefficients[o + l - m];
                d[o + l - m] = l < L ? _cMinus[o + l + 1 - m] * coefficients[o + l + 1 - m] : Complex.Zero;
            }
        }
        LegendreSynthesis(coefficients, _ring);
        LegendreSynthesis(b, _ring2);
        LegendreSynthesis(d, _ring3);
        int nlat = _nlat;
        // ring2 ← ∂θ modes = (x S_b − S_d)/sin θ ; ring3 ← (im/sin θ) V.
        for (int i = 0; i < nlat; i++)
        {
            int q0 = _modes.Of(0, i), stride = _modes.OrderStride;
            double inv = 1 / SinColatitudes[i], x = CosColatitudes[i];
            for (int m = 0; m <= L; m++)
            {
                int q = q0 + m * stride;
                var v = _ring[q];
                _ring2[q] = (x * _ring2[q] - _ring3[q]) * inv;
                _ring3[q] = new Complex(-m * v.Imaginary * inv, m * v.Real * inv);
            }
        }
        if (!value.IsEmpty) { CheckGrid(value); RingsInverse(_ring, value); }
        if (!gradTheta.IsEmpty) { CheckGrid(gradTheta); RingsInverse(_ring2, gradTheta); }
        if (!gradPhi.IsEmpty) { CheckGrid(gradPhi); RingsInverse(_ring3, gradPhi); }
    }

    /// <summary>
    /// Coefficients of div_S V for the tangent field V = V_θ e_θ + V_φ e_φ given on the grid, via the adjoint identity
    ///   (div V)_l^m = −∫ V·∇conj(Y_l^m) dσ = −2π Σ_i w_i [ V̂θ_m dP̄_l^m/dθ − (im/sin θ_i) V̂φ_m P̄_l^m ]
    /// (V̂_m the ring Fourier coefficients). Exact when V·∇Y is band-limited for the grid's quadrature.
    /// </summary>
    public void AnalyzeDivergence(ReadOnlySpan<double> vTheta, ReadOnlySpan<double> vPhi, Span<Complex> coefficients)
    {
        CheckCoefficients(coefficients);
        CheckGrid(vTheta);
        CheckGrid(vPhi);
        int L = _lmax, nlat = _nlat;
        RingsForward(vTheta, _ring);
        RingsForward(vPhi, _ring3);
        // G1 = x V̂θ/sin θ (ring2), G2 = V̂θ/sin θ (ring), G3 = (im/sin θ) V̂φ (ring3).
        for (int i = 0; i < nlat; i++)
        {
            int q0 = _modes.Of(0, i), stride = _modes.OrderStride;
            double inv = 1 / SinColatitudes[i], x = CosColatitudes[i];
            for (int m = 0; m <= L; m++)
            {
                int q = q0 + m * stride;
                var g2 = _ring[q] * inv;
                _ring[q] = g2;
                _ring2[q] = x * g2;
                var vp = _ring3[q];
                _ring3[q] = new Complex(-m * vp.Imaginary * inv, m * vp.Real * inv);
            }
        }
        var a1 = _tmpCoeffs;
        var a2 = _tmpCoeffs2;
        LegendreAnalysis(_ring2, a1, ForwardScale);
        LegendreAnalysis(_ring, a2, ForwardScale);
        LegendreAnalysis(_ring3, coefficients, ForwardScale);   // A3
        // div_lm = −(l A1_l − c_lm A2_{l−1} − A3_l)
        for (int m = 0; m <= L; m++)
        {
            int o = Index(m, m);
            for (int l = m; l <= L; l++)
            {
                int q = o + l - m;
                var prev = l > m ? a2[q - 1] : Complex.Zero;
                coefficients[q] = coefficients[q] - l * a1[q] + _cMinus[q] * prev;
            }
        }
    }

    /// <summary>
    /// All Y_l^m(θ, φ), 0 ≤ m ≤ l ≤ L, at one point (m-major layout), by the same recurrence with exponent tracking
    /// (values below 2^−300 are returned as 0). Used for closed-form checks and von Mises–Fisher coefficients.
    /// </summary>
    public static void EvaluateHarmonics(int lmax, double theta, double phi, Span<Complex> values)
    {
        if (values.Length < CoefficientCount(lmax)) throw new ArgumentException("values is shorter than (L+1)(L+2)/2.");
        double x = Math.Cos(theta), s = Math.Sin(theta);
        double mant = 1 / Math.Sqrt(4 * Math.PI);   // P̄_m^m = mant·2^e
        long e = 0;
        values[..CoefficientCount(lmax)].Clear();
        for (int m = 0; m <= lmax; m++)
        {
            if (m > 0)
            {
                mant *= -Math.Sqrt((2.0 * m + 1) / (2.0 * m)) * s;
                if (mant == 0) return;   // at a pole every m > 0 harmonic vanishes
                int d = Math.ILogB(mant);
                mant = Math.ScaleB(mant, -d);
                e += d;
            }
            var phase = Complex.FromPolarCoordinates(1, m * phi);
            int o = Index(lmax, m, m);
            long scale = e;                       // true value = p·2^scale
            double p0 = mant, p1 = 0;             // P̄_l, P̄_{l−1} (scaled)
            values[o] = Math.ScaleB(p0, (int)Math.Clamp(scale, -4000, 4000)) * phase;
            for (int l = m + 1; l <= lmax; l++)
            {
                double p;
                if (l == m + 1) p = Math.Sqrt(2.0 * m + 3) * x * p0;
                else
                {
                    double l2 = (double)l * l, m2 = (double)m * m;
                    double A = Math.Sqrt((4 * l2 - 1) / (l2 - m2));
                    double B = -Math.Sqrt(((l - 1.0) * (l - 1.0) - m2) * (2.0 * l + 1) / ((2.0 * l - 3) * (l2 - m2)));
                    p = A * x * p0 + B * p1;
                }
                p1 = p0;
                p0 = p;
                if (Math.Abs(p0) > Big)
                {
                    int d = Math.ILogB(p0);
                    p0 = Math.ScaleB(p0, -d);
                    p1 = Math.ScaleB(p1, -d);
                    scale += d;
                }
                values[o + l - m] = Math.ScaleB(p0, (int)Math.Clamp(scale, -4000, 4000)) * phase;
            }
        }
    }

    // ------------------------------------------------------------------------------------------------------------
    // FFT stage
    // ------------------------------------------------------------------------------------------------------------

    /// <summary>1/nlon on the FFTW path, whose forward transform is unnormalised (folded into the quadrature weights); else 1.</summary>
    private double ForwardScale => _ringFft is null ? 1.0 : 1.0 / _nlon;

    private void RingsInverse(Complex* modes, Span<double> grid)
    {
        if (_ringFft is not null)
        {
            if (_threads == 1) { _ringFft.Inverse(0, modes, grid); return; }
        }
        else if (_threads == 1) { RingsInverse(modes, grid, 0, _nlat, _ffts![0]); return; }
        fixed (double* g = grid)
        {
            double* gp = g;
            int len = grid.Length;
            Parallel.For(0, _threads, new ParallelOptions { MaxDegreeOfParallelism = _threads }, w =>
            {
                if (_ringFft is not null) _ringFft.Inverse(w, modes, new Span<double>(gp, len));
                else RingsInverse(modes, new Span<double>(gp, len), _ringBounds[w], _ringBounds[w + 1], _ffts![w]);
            });
        }
    }

    /// <summary>Rings lo..hi−1, in blocks of <see cref="RingBlock"/>.</summary>
    private void RingsInverse(Complex* modes, Span<double> grid, int lo, int hi, IRealFft[] ffts)
    {
        int L = _lmax, nlon = _nlon, stride = _modes.OrderStride;
        for (int i0 = lo; i0 < hi; i0 += RingBlock)
        {
            int nb = Math.Min(RingBlock, hi - i0);
            {
                Complex* src = modes;
                for (int r = 0; r < nb; r++)
                {
                    var spectrum = ffts[r].Spectrum;
                    fixed (Complex* dst = spectrum)
                    {
                        Complex* s = src + _modes.Of(0, i0 + r);
                        for (int m = 0; m <= L; m++) dst[m] = s[m * stride];
                    }
                    spectrum[(L + 1)..].Clear();
                }
            }
            for (int r = 0; r < nb; r++)
            {
                ffts[r].Inverse();
                ffts[r].Real.CopyTo(grid.Slice((i0 + r) * nlon, nlon));
            }
        }
    }

    private void RingsForward(ReadOnlySpan<double> grid, Complex* modes)
    {
        if (_threads == 1)
        {
            if (_ringFft is not null) _ringFft.Forward(0, grid, modes);
            else RingsForward(grid, modes, 0, _nlat, _ffts![0]);
            return;
        }
        fixed (double* g = grid)
        {
            double* gp = g;
            int len = grid.Length;
            Parallel.For(0, _threads, new ParallelOptions { MaxDegreeOfParallelism = _threads }, w =>
            {
                if (_ringFft is not null) _ringFft.Forward(w, new ReadOnlySpan<double>(gp, len), modes);
                else RingsForward(new ReadOnlySpan<double>(gp, len), modes, _ringBounds[w], _ringBounds[w + 1], _ffts![w]);
            });
        }
    }

    private void RingsForward(ReadOnlySpan<double> grid, Complex* modes, int lo, int hi, IRealFft[] ffts)
    {
        int L = _lmax, nlon = _nlon, stride = _modes.OrderStride;
        for (int i0 = lo; i0 < hi; i0 += RingBlock)
        {
            int nb = Math.Min(RingBlock, hi - i0);
            for (int r = 0; r < nb; r++)
            {
                grid.Slice((i0 + r) * nlon, nlon).CopyTo(ffts[r].Real);
                ffts[r].Forward();
            }
            {
                Complex* dst = modes;
                for (int r = 0; r < nb; r++)
                {
                    fixed (Complex* src = ffts[r].Spectrum)
                    {
                        Complex* d = dst + _modes.Of(0, i0 + r);
                        for (int m = 0; m <= L; m++) d[m * stride] = src[m];
                    }
                }
            }
        }
    }

    // ------------------------------------------------------------------------------------------------------------
    // Legendre stage
    // ------------------------------------------------------------------------------------------------------------

    /// <summary>Where the Fourier coefficient of order m on ring i lives in a ring-mode buffer: m·OrderStride + i·RingStride.</summary>

    /// <summary>Per-thread scratch.</summary>
    private sealed class Worker
    {
        public readonly double[] Cre, Cim;                 // coefficients × f_l, padded
        public readonly double[] Er, Ei, Or, Oi;           // per lane (padded): even and odd sums of the current order
        public readonly double[] Acc;                      // analysis accumulators: 4 vectors per step (scalar path: 2 per degree)
        public readonly double[] Q;                        // synthesis: 4 combined coefficients per step
        public readonly double[] State;                    // SIMD block state: y, y_prev, level
        public readonly double[] Sums;                     // analysis: 4 lane sums per step (even re/im, odd re/im)

        public Worker(int lmax, int npad)
        {
            Q = new double[4 * (lmax / 2 + 3)];
            State = new double[6 * VectorLanes * 2];
            Cre = new double[lmax + 4];
            Cim = new double[lmax + 4];
            Er = new double[npad];
            Ei = new double[npad];
            Or = new double[npad];
            Oi = new double[npad];
            Acc = new double[Math.Max((lmax + 4) * 2, 4 * (lmax / 2 + 3) * VectorLanes)];
            Sums = new double[4 * (lmax / 2 + 3)];
        }
    }


    /// <summary>Ring Fourier modes [ModeIndex(m, ring)] of the field with the given coefficients (Legendre sums only).</summary>
    public void LegendreSynthesis(ReadOnlySpan<Complex> coefficients, Complex[] modes)
    {
        CheckModes(modes);
        fixed (Complex* p = modes) LegendreSynthesis(coefficients, p);
    }

    private void LegendreSynthesis(ReadOnlySpan<Complex> coefficients, Complex* modes)
    {
        if (_threads == 1)
        {
            for (int m = 0; m <= _lmax; m++) SynthesisRow(m, coefficients, modes, _workers[0]);
            return;
        }
        fixed (Complex* c = coefficients)
        {
            Complex* cp = c;
            int len = coefficients.Length;
            int next = -1;
            Parallel.For(0, _threads, new ParallelOptions { MaxDegreeOfParallelism = _threads }, w =>
            {
                int m;
                while ((m = Interlocked.Increment(ref next)) <= _lmax)
                    SynthesisRow(m, new ReadOnlySpan<Complex>(cp, len), modes, _workers[w]);
            });
        }
    }

    /// <summary>Coefficients from ring Fourier modes [ModeIndex(m, ring)] (Legendre sums with the Gauss weights and 2π).</summary>
    public void LegendreAnalysis(Complex[] modes, Span<Complex> coefficients)
    {
        CheckModes(modes);
        fixed (Complex* p = modes) LegendreAnalysis(p, coefficients, 1.0);
    }

    /// <summary>As above with the modes scaled by <paramref name="scale"/> (folded into the weights).</summary>
    private void LegendreAnalysis(Complex* modes, Span<Complex> coefficients, double scale)
    {
        if (_threads == 1)
        {
            for (int m = 0; m <= _lmax; m++) AnalysisRow(m, modes, coefficients, _workers[0], scale);
            return;
        }
        fixed (Complex* c = coefficients)
        {
            Complex* cp = c;
            int len = coefficients.Length;
            int next = -1;
            Parallel.For(0, _threads, new ParallelOptions { MaxDegreeOfParallelism = _threads }, w =>
            {
                int m;
                while ((m = Interlocked.Increment(ref next)) <= _lmax)
                    AnalysisRow(m, modes, new Span<Complex>(cp, len), _workers[w], scale);
            });
        }
    }

    /// <summary>Order m: lane sums, then its modes (per block of ring pairs: the north rings, then the south rings).</summary>
    private void SynthesisRow(int m, ReadOnlySpan<Complex> coefficients, Complex* modes, Worker wk)
    {
        SynthesisOrder(m, coefficients, wk);
        int B = _modes.Block, j = 0;
        fixed (double* er = wk.Er, ei = wk.Ei, or = wk.Or, oi = wk.Oi, px = _x)
        {
            if (Avx512F.IsSupported)
            {
                // 8 pairs at once, whole blocks (lanes past the last pair land in the last block's padding)
                var lo = Vector512.Create(0L, 8, 1, 9, 2, 10, 3, 11);
                var hi = Vector512.Create(4L, 12, 5, 13, 6, 14, 7, 15);
                // block by block (RingModeLayout.North divides), 8 pairs at a time within a block (Block is a multiple of 8)
                for (double* block = (double*)(modes + _modes.North(m, 0)); j < _npairs; block += 2 * _modes.BlockLength)
                for (int i = 0; i < B && j < _npairs; i += 8, j += 8)
                {
                    var x = Vector512.Load(px + j);
                    var e = Vector512.Load(er + j);
                    var f = Vector512.Load(ei + j);
                    var u = x * Vector512.Load(or + j);
                    var v = x * Vector512.Load(oi + j);
                    Vector512<double> nr = e + u, ni = f + v, sr = e - u, si = f - v;
                    double* north = block + 2 * i;
                    double* south = north + 2 * B;
                    Avx512F.PermuteVar8x64x2(nr, lo, ni).Store(north);
                    Avx512F.PermuteVar8x64x2(nr, hi, ni).Store(north + 8);
                    Avx512F.PermuteVar8x64x2(sr, lo, si).Store(south);
                    Avx512F.PermuteVar8x64x2(sr, hi, si).Store(south + 8);
                }
                return;
            }
            for (double* block = (double*)(modes + _modes.North(m, 0)); j < _npairs; block += 2 * _modes.BlockLength)
            for (int i = 0; i < B && j < _npairs; i++, j++)
            {
                double x = px[j], ore = x * or[j], oim = x * oi[j];
                double* north = block + 2 * i, south = north + 2 * B;
                north[0] = er[j] + ore;
                north[1] = ei[j] + oim;
                south[0] = er[j] - ore;
                south[1] = ei[j] - oim;
            }
        }
    }

    /// <summary>Lane sums of order m into the worker's lane buffers.</summary>
    private void SynthesisOrder(int m, ReadOnlySpan<Complex> coefficients, Worker wk)
    {
        int L = _lmax, n = L - m + 1, o = Index(m, m);
        if (_simd)
        {
            // combined coefficients of the Ishioka sequence: even e_k a_{m+2k} + h_{k+1} a_{m+2k+2}, odd g_k a_{m+2k+1}
            int K = (L - m) / 2 + 1, ks = _kseg[m];
            fixed (Complex* pc = &coefficients[o])
            fixed (double* q = wk.Q, ie = &_ie[ks], ih = &_ih[ks], ig = &_ig[ks])
            {
                double* c = (double*)pc;   // re, im of degree m + i at c[2i], c[2i+1]
                int k0 = 0;
                if (Vector128.IsHardwareAccelerated)
                {
                    // every step but the last has both degrees m+2k+1 and m+2k+2 (n = L−m+1 ≤ 2K)
                    for (; k0 < K - 1; k0++)
                    {
                        double* ck = c + 4 * k0;
                        var even = Vector128.FusedMultiplyAdd(Vector128.Load(ck + 4), Vector128.Create(ih[k0 + 1]), Vector128.Load(ck) * ie[k0]);
                        even.Store(q + 4 * k0);
                        (Vector128.Load(ck + 2) * ig[k0]).Store(q + 4 * k0 + 2);
                    }
                }
                for (int k = k0; k < K; k++)
                {
                    int l = 2 * k;   // l − m
                    double er = ie[k] * c[2 * l], ei = ie[k] * c[2 * l + 1];
                    if (l + 2 < n)
                    {
                        er += ih[k + 1] * c[2 * l + 4];
                        ei += ih[k + 1] * c[2 * l + 5];
                    }
                    bool odd = l + 1 < n;
                    q[4 * k] = er;
                    q[4 * k + 1] = ei;
                    q[4 * k + 2] = odd ? ig[k] * c[2 * l + 2] : 0;
                    q[4 * k + 3] = odd ? ig[k] * c[2 * l + 3] : 0;
                }
                if (m == 0) for (int k = 0; k < K; k++) q[4 * k + 1] = q[4 * k + 3] = 0;
            }
            if (Vec512.IsHardwareAccelerated) SynthesisBlocks<Vec512>(m, K, wk);
            else SynthesisBlocks<Vec256>(m, K, wk);
        }
        else
        {
            int seg = _segment[m];
            var cre = wk.Cre;
            var cim = wk.Cim;
            for (int k = 0; k < n; k++)
            {
                double f = _f[seg + k];
                cre[k] = coefficients[o + k].Real * f;
                cim[k] = m == 0 ? 0 : coefficients[o + k].Imaginary * f;
            }
            cre[n] = cim[n] = cre[n + 1] = cim[n + 1] = 0;
            fixed (double* a = &_a[seg], pcr = cre, pci = cim, t = _t, st = &_start[m * _npad], lv = &_level[m * _npad],
                   er = wk.Er, ei = wk.Ei, or = wk.Or, oi = wk.Oi)
            {
                for (int j = 0; j < _npairs; j++)
                    SynthesisLaneScalar(m, L, a, pcr, pci, t[j], st[j], lv[j], out er[j], out ei[j], out or[j], out oi[j]);
            }
        }
    }

    /// <summary>Order m: the weighted even and odd lane data from its modes, then its coefficients.</summary>
    private void AnalysisRow(int m, Complex* modes, Span<Complex> coefficients, Worker wk, double scale)
    {
        int B = _modes.Block, j = 0;
        fixed (double* er = wk.Er, ei = wk.Ei, or = wk.Or, oi = wk.Oi, px = _x, pw = _w)
        {
            if (Avx512F.IsSupported)
            {
                var even = Vector512.Create(0L, 2, 4, 6, 8, 10, 12, 14);
                var odd = Vector512.Create(1L, 3, 5, 7, 9, 11, 13, 15);
                var sc = Vector512.Create(scale);
                // whole vectors: the lanes past the last pair have weight 0, so whatever the block padding holds adds nothing
                for (double* block = (double*)(modes + _modes.North(m, 0)); j < _npairs; block += 2 * _modes.BlockLength)
                for (int i = 0; i < B && j < _npairs; i += 8, j += 8)
                {
                    double* north = block + 2 * i, south = north + 2 * B;
                    var n0 = Vector512.Load(north);
                    var n1 = Vector512.Load(north + 8);
                    var s0 = Vector512.Load(south);
                    var s1 = Vector512.Load(south + 8);
                    var nr = Avx512F.PermuteVar8x64x2(n0, even, n1);
                    var ni = Avx512F.PermuteVar8x64x2(n0, odd, n1);
                    var sr = Avx512F.PermuteVar8x64x2(s0, even, s1);
                    var si = Avx512F.PermuteVar8x64x2(s0, odd, s1);
                    var w = Vector512.Load(pw + j) * sc;
                    var xw = Vector512.Load(px + j) * w;
                    ((nr + sr) * w).Store(er + j);
                    ((ni + si) * w).Store(ei + j);
                    ((nr - sr) * xw).Store(or + j);
                    ((ni - si) * xw).Store(oi + j);
                }
            }
            else
            {
                for (double* block = (double*)(modes + _modes.North(m, 0)); j < _npairs; block += 2 * _modes.BlockLength)
                for (int i = 0; i < B && j < _npairs; i++, j++)
                {
                    double w = pw[j] * scale, xw = px[j] * w;
                    double* north = block + 2 * i, south = north + 2 * B;
                    er[j] = (north[0] + south[0]) * w;
                    ei[j] = (north[1] + south[1]) * w;
                    or[j] = (north[0] - south[0]) * xw;
                    oi[j] = (north[1] - south[1]) * xw;
                }
            }
        }
        AnalysisOrder(m, coefficients, wk);
    }

    /// <summary>Coefficients of order m from the weighted lane data in the worker's lane buffers.</summary>
    private void AnalysisOrder(int m, Span<Complex> coefficients, Worker wk)
    {
        int L = _lmax, n = L - m + 1, seg = _segment[m], o = Index(m, m);
        var acc = wk.Acc;
        if (_simd)
        {
            int K = (L - m) / 2 + 1, ks = _kseg[m];
            if (Vec512.IsHardwareAccelerated) AnalysisBlocks<Vec512>(m, K, wk);
            else AnalysisBlocks<Vec256>(m, K, wk);
            // a_{m+2k} = e_k S_k + h_k S_{k−1},  a_{m+2k+1} = g_k T_k  (S, T: even and odd sums of y_k·data)
            fixed (Complex* pc = &coefficients[o])
            fixed (double* pa = wk.Sums, ie = &_ie[ks], ih = &_ih[ks], ig = &_ig[ks])
            {
                double* c = (double*)pc;
                double pr = 0, pi = 0;   // S_{k−1}
                int k0 = 0;
                if (Vector128.IsHardwareAccelerated && K > 1)
                {
                    // steps 0..K−2 have both degrees m+2k and m+2k+1 (n = L−m+1 ≤ 2K); S_{−1} = 0
                    ((Vector128.Load(pa) * ie[0])).Store(c);
                    (Vector128.Load(pa + 2) * ig[0]).Store(c + 2);
                    for (k0 = 1; k0 < K - 1; k0++)
                    {
                        double* sk = pa + 4 * k0;
                        Vector128.FusedMultiplyAdd(Vector128.Load(sk - 4), Vector128.Create(ih[k0]), Vector128.Load(sk) * ie[k0]).Store(c + 4 * k0);
                        (Vector128.Load(sk + 2) * ig[k0]).Store(c + 4 * k0 + 2);
                    }
                    pr = pa[4 * (k0 - 1)];
                    pi = pa[4 * (k0 - 1) + 1];
                }
                for (int k = k0; k < K; k++)
                {
                    double sr = pa[4 * k], si = pa[4 * k + 1];
                    c[4 * k] = ie[k] * sr + ih[k] * pr;
                    c[4 * k + 1] = ie[k] * si + ih[k] * pi;
                    if (2 * k + 1 < n)
                    {
                        c[4 * k + 2] = ig[k] * pa[4 * k + 2];
                        c[4 * k + 3] = ig[k] * pa[4 * k + 3];
                    }
                    pr = sr;
                    pi = si;
                }
                if (m == 0) for (int k = 0; k < n; k++) c[2 * k + 1] = 0;
            }
        }
        else
        {
            Array.Clear(acc, 0, 2 * (n + 2));
            fixed (double* a = &_a[seg], pacc = acc)
            {
                for (int j = 0; j < _npairs; j++)
                    AnalysisLaneScalar(m, L, a, _t[j], _start[m * _npad + j], _level[m * _npad + j],
                        wk.Er[j], wk.Ei[j], wk.Or[j], wk.Oi[j], pacc);
            }
            for (int k = 0; k < n; k++)
                coefficients[o + k] = _f[seg + k] * new Complex(acc[2 * k], m == 0 ? 0 : acc[2 * k + 1]);
        }
    }

    /// <summary>
    /// Lanes [b, b + n) of order m: the first step at which one of them passes 2^−300 (int.MaxValue when none is ever live),
    /// or −1 when one of them starts below 2^−900 and they need the masked kernels. <paramref name="groupFrom"/>: the same per
    /// group of 8 lanes, from the constructor's replay (needed only while the kernel units are laid out).
    /// </summary>
    private int FirstLiveStep(int[] groupFrom, int m, int b, int n)
    {
        int g0 = m * (_npad / VectorLanes) + b / VectorLanes, first = int.MaxValue;
        for (int g = g0; g < g0 + n / VectorLanes; g++)
        {
            int f = groupFrom[g];
            if (f < 0) return -1;
            first = Math.Min(first, f);
        }
        return first;
    }

    /// <summary>
    /// A block of the SIMD kernels: lanes from <paramref name="Lane"/>, two vectors, or four (<paramref name="Double"/>, AVX-512)
    /// where the unmasked kernels apply. Blocks run from an order's first live one to the equator, four-vector ones where
    /// they can, single ones where the live lanes leave one over (at the polar end, where the recurrence runs alone for
    /// longest) and where a lane needs the masked kernels. <paramref name="From"/>: see <see cref="FirstLiveStep"/>.
    /// </summary>
    private readonly record struct KernelUnit(int Lane, int From, bool Double);

    private void SynthesisBlocks<TV>(int m, int K, Worker wk) where TV : unmanaged, IVec<TV>
    {
        fixed (double* ab = &_ab[2 * _kseg[m]], q = wk.Q, t = _t, st = &_yStart[m * _npad], lv = &_yLevel[m * _npad],
               yt = &_yTrue[m * _npad], state = wk.State, er = wk.Er, ei = wk.Ei, or = wk.Or, oi = wk.Oi)
        {
            double y0 = Math.Sqrt(2.0 * m + 3);   // y_0 = O_0 = √(2m+3) P̄_m^m
            int live = _liveFrom[m];
            new Span<double>(er, live).Clear();
            new Span<double>(ei, live).Clear();
            new Span<double>(or, live).Clear();
            new Span<double>(oi, live).Clear();
            foreach (var (b, from, pair) in _units.AsSpan(_unitStart[m], _unitStart[m + 1] - _unitStart[m]))
            {
                if (pair) SynthesisDoubleBlock<TV>(K, from, y0, ab, q, t + b, yt + b, er + b, ei + b, or + b, oi + b);
                else if (from >= 0) SynthesisBlockFrom<TV>(K, from, y0, ab, q, t + b, yt + b, state, er + b, ei + b, or + b, oi + b);
                else SynthesisBlock<TV>(K, y0, ab, q, t + b, st + b, lv + b, state, er + b, ei + b, or + b, oi + b);
            }
        }
    }

    /// <summary>Leaves the step sums in Acc[4k + c] (c: even re/im, odd re/im), each summed over the lanes.</summary>
    private void AnalysisBlocks<TV>(int m, int K, Worker wk) where TV : unmanaged, IVec<TV>
    {
        int C = TV.Count;
        var acc = wk.Acc;
        fixed (double* ab = &_ab[2 * _kseg[m]], t = _t, st = &_yStart[m * _npad], lv = &_yLevel[m * _npad],
               yt = &_yTrue[m * _npad], state = wk.State, er = wk.Er, ei = wk.Ei, or = wk.Or, oi = wk.Oi, pacc = acc)
        {
            double y0 = Math.Sqrt(2.0 * m + 3);
            // The first unit that sums from step 0 runs first and writes every step's accumulators (no clearing); the
            // others add to them.
            int first = _firstUnit[m];
            if (first < 0) Array.Clear(acc, 0, 4 * K * C);
            else
            {
                int b = _units[first].Lane;
                if (_units[first].Double) AnalysisDoubleBlock<TV, Overwrite>(K, 0, y0, ab, t + b, yt + b, er + b, ei + b, or + b, oi + b, pacc);
                else AnalysisBlockFrom<TV, Overwrite>(K, 0, y0, ab, t + b, yt + b, state, er + b, ei + b, or + b, oi + b, pacc);
            }
            for (int u = _unitStart[m]; u < _unitStart[m + 1]; u++)
            {
                if (u == first) continue;
                var (b, from, pair) = _units[u];
                if (pair) AnalysisDoubleBlock<TV, Accumulate>(K, from, y0, ab, t + b, yt + b, er + b, ei + b, or + b, oi + b, pacc);
                else if (from >= 0) AnalysisBlockFrom<TV, Accumulate>(K, from, y0, ab, t + b, yt + b, state, er + b, ei + b, or + b, oi + b, pacc);
                else AnalysisBlock<TV, Accumulate>(K, y0, ab, t + b, st + b, lv + b, state, er + b, ei + b, or + b, oi + b, pacc);
            }
            // lane sums into Sums[4k + c]
            fixed (double* sums = wk.Sums) LaneSums<TV>(pacc, 4 * K, sums);
        }
    }

    /// <summary>sums[i] = Σ lanes of the vector at v + i·C, i &lt; count (8 at a time through a transposing tree with AVX-512).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void LaneSums<TV>(double* v, int count, double* sums) where TV : unmanaged, IVec<TV>
    {
        int i = 0;
        if (typeof(TV) == typeof(Vec512) && Avx512F.IsSupported)
        {
            var pairsLo = Vector512.Create(0L, 1, 8, 9, 4, 5, 12, 13);
            var pairsHi = Vector512.Create(2L, 3, 10, 11, 6, 7, 14, 15);
            var halvesLo = Vector512.Create(0L, 1, 2, 3, 8, 9, 10, 11);
            var halvesHi = Vector512.Create(4L, 5, 6, 7, 12, 13, 14, 15);
            for (; i + 8 <= count; i += 8)
            {
                double* p = v + 8 * i;
                // pairs of lanes: a_j = [v_{2j} pair sums, v_{2j+1} pair sums] interleaved
                var a0 = Pair(Vector512.Load(p), Vector512.Load(p + 8));
                var a1 = Pair(Vector512.Load(p + 16), Vector512.Load(p + 24));
                var a2 = Pair(Vector512.Load(p + 32), Vector512.Load(p + 40));
                var a3 = Pair(Vector512.Load(p + 48), Vector512.Load(p + 56));
                // quads: b0 = [v0..v3 sums of lanes 0–3, v0..v3 sums of lanes 4–7], b1 the same for v4..v7
                var b0 = Avx512F.PermuteVar8x64x2(a0, pairsLo, a1) + Avx512F.PermuteVar8x64x2(a0, pairsHi, a1);
                var b1 = Avx512F.PermuteVar8x64x2(a2, pairsLo, a3) + Avx512F.PermuteVar8x64x2(a2, pairsHi, a3);
                var c = Avx512F.PermuteVar8x64x2(b0, halvesLo, b1) + Avx512F.PermuteVar8x64x2(b0, halvesHi, b1);
                c.Store(sums + i);
            }
        }
        for (; i < count; i++) sums[i] = TV.Sum(TV.Load(v + i * TV.Count));

        static Vector512<double> Pair(Vector512<double> x, Vector512<double> y) => Avx512F.UnpackLow(x, y) + Avx512F.UnpackHigh(x, y);
    }

    // Scalar reference kernels (one latitude pair). Even part: z_l (l−m even); odd part: u_l = z_l/x.

    private static void SynthesisLaneScalar(int m, int L, double* a, double* cre, double* cim, double t, double start, double level,
        out double er, out double ei, out double or, out double oi)
    {
        double z0 = start, u1 = a[1] * start;
        er = ei = or = oi = 0;
        for (int l = m; l <= L; l += 2)
        {
            int k = l - m;
            if (level == 0)
            {
                er += cre[k] * z0;
                ei += cim[k] * z0;
                or += cre[k + 1] * u1;
                oi += cim[k + 1] * u1;
            }
            z0 += a[k + 2] * t * u1;
            u1 += a[k + 3] * z0;
            if (level > 0 && (Math.Abs(z0) > Big || Math.Abs(u1) > Big))
            {
                z0 *= Down;
                u1 *= Down;
                level--;
            }
        }
    }

    private static void AnalysisLaneScalar(int m, int L, double* a, double t, double start, double level,
        double er, double ei, double or, double oi, double* acc)
    {
        double z0 = start, u1 = a[1] * start;
        for (int l = m; l <= L; l += 2)
        {
            int k = l - m;
            if (level == 0)
            {
                acc[2 * k] += er * z0;
                acc[2 * k + 1] += ei * z0;
                acc[2 * k + 2] += or * u1;
                acc[2 * k + 3] += oi * u1;
            }
            z0 += a[k + 2] * t * u1;
            u1 += a[k + 3] * z0;
            if (level > 0 && (Math.Abs(z0) > Big || Math.Abs(u1) > Big))
            {
                z0 *= Down;
                u1 *= Down;
                level--;
            }
        }
    }

    // SIMD kernels (generic over the vector width through IVec: one body, specialised by the JIT per struct), Ishioka's
    // recurrence: one block = 2 vectors of latitude pairs. The sequence y_k = O_k/g_k, O_k = P̄_{m+2k+1}/x, advances by
    // y_{k+1} = (a_k x² + b_k) y_k + y_{k−1}: one multiply-add on the dependency chain per two degrees, and both parities
    // accumulate from the same y_k (even coefficients pre-combined, see the constructor). The state and accumulators pass
    // through memory between the masked prologue (lanes below 2^−300) and the fast loop, so the fast loop's register
    // allocation is not disturbed by the prologue. Four-vector blocks only with 32 vector registers (AVX-512): with 16
    // their 28 live vectors would spill.

    /// <summary>
    /// Two adjacent blocks (4 vectors) on the lanes' true values: the recurrence alone up to step <paramref name="from"/>
    /// (rounded down to even), then twice the independent work per coefficient broadcast and per dependency chain of
    /// <c>SynthesisLoop</c>. x² is read from memory (as an FMA operand) to stay within the 32 vector registers.
    /// </summary>
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    private static void SynthesisDoubleBlock<TV>(int K, int from, double y0, double* ab, double* q, double* w, double* st,
        double* er, double* ei, double* or, double* oi) where TV : unmanaged, IVec<TV>
    {
        int C = TV.Count;
        var s = TV.Create(y0);
        TV a0 = s * TV.Load(st), a1 = s * TV.Load(st + C), a2 = s * TV.Load(st + 2 * C), a3 = s * TV.Load(st + 3 * C);   // y_k
        TV b0 = TV.Zero, b1 = TV.Zero, b2 = TV.Zero, b3 = TV.Zero;   // y_{k−1}
        TV er0 = TV.Zero, er1 = TV.Zero, er2 = TV.Zero, er3 = TV.Zero;
        TV ei0 = TV.Zero, ei1 = TV.Zero, ei2 = TV.Zero, ei3 = TV.Zero;
        TV or0 = TV.Zero, or1 = TV.Zero, or2 = TV.Zero, or3 = TV.Zero;
        TV oi0 = TV.Zero, oi1 = TV.Zero, oi2 = TV.Zero, oi3 = TV.Zero;
        double* pq = q, pab = ab;
        int k = 0;
        for (int k0 = Math.Min(from, K) & ~1; k < k0; k += 2)
        {
            var a = TV.Create(pab[0]);
            var bb = TV.Create(pab[1]);
            b0 = TV.Fma(TV.Fma(a, TV.Load(w), bb), a0, b0);
            b1 = TV.Fma(TV.Fma(a, TV.Load(w + C), bb), a1, b1);
            b2 = TV.Fma(TV.Fma(a, TV.Load(w + 2 * C), bb), a2, b2);
            b3 = TV.Fma(TV.Fma(a, TV.Load(w + 3 * C), bb), a3, b3);
            a = TV.Create(pab[2]);
            bb = TV.Create(pab[3]);
            a0 = TV.Fma(TV.Fma(a, TV.Load(w), bb), b0, a0);
            a1 = TV.Fma(TV.Fma(a, TV.Load(w + C), bb), b1, a1);
            a2 = TV.Fma(TV.Fma(a, TV.Load(w + 2 * C), bb), b2, a2);
            a3 = TV.Fma(TV.Fma(a, TV.Load(w + 3 * C), bb), b3, a3);
            pq += 8;
            pab += 4;
        }
        for (; k + 1 < K; k += 2)
        {
            var c = TV.Create(pq[0]);
            er0 = TV.Fma(c, a0, er0); er1 = TV.Fma(c, a1, er1); er2 = TV.Fma(c, a2, er2); er3 = TV.Fma(c, a3, er3);
            c = TV.Create(pq[1]);
            ei0 = TV.Fma(c, a0, ei0); ei1 = TV.Fma(c, a1, ei1); ei2 = TV.Fma(c, a2, ei2); ei3 = TV.Fma(c, a3, ei3);
            c = TV.Create(pq[2]);
            or0 = TV.Fma(c, a0, or0); or1 = TV.Fma(c, a1, or1); or2 = TV.Fma(c, a2, or2); or3 = TV.Fma(c, a3, or3);
            c = TV.Create(pq[3]);
            oi0 = TV.Fma(c, a0, oi0); oi1 = TV.Fma(c, a1, oi1); oi2 = TV.Fma(c, a2, oi2); oi3 = TV.Fma(c, a3, oi3);
            var a = TV.Create(pab[0]);
            var bb = TV.Create(pab[1]);
            b0 = TV.Fma(TV.Fma(a, TV.Load(w), bb), a0, b0);
            b1 = TV.Fma(TV.Fma(a, TV.Load(w + C), bb), a1, b1);
            b2 = TV.Fma(TV.Fma(a, TV.Load(w + 2 * C), bb), a2, b2);
            b3 = TV.Fma(TV.Fma(a, TV.Load(w + 3 * C), bb), a3, b3);
            c = TV.Create(pq[4]);
            er0 = TV.Fma(c, b0, er0); er1 = TV.Fma(c, b1, er1); er2 = TV.Fma(c, b2, er2); er3 = TV.Fma(c, b3, er3);
            c = TV.Create(pq[5]);
            ei0 = TV.Fma(c, b0, ei0); ei1 = TV.Fma(c, b1, ei1); ei2 = TV.Fma(c, b2, ei2); ei3 = TV.Fma(c, b3, ei3);
            c = TV.Create(pq[6]);
            or0 = TV.Fma(c, b0, or0); or1 = TV.Fma(c, b1, or1); or2 = TV.Fma(c, b2, or2); or3 = TV.Fma(c, b3, or3);
            c = TV.Create(pq[7]);
            oi0 = TV.Fma(c, b0, oi0); oi1 = TV.Fma(c, b1, oi1); oi2 = TV.Fma(c, b2, oi2); oi3 = TV.Fma(c, b3, oi3);
            a = TV.Create(pab[2]);
            bb = TV.Create(pab[3]);
            a0 = TV.Fma(TV.Fma(a, TV.Load(w), bb), b0, a0);
            a1 = TV.Fma(TV.Fma(a, TV.Load(w + C), bb), b1, a1);
            a2 = TV.Fma(TV.Fma(a, TV.Load(w + 2 * C), bb), b2, a2);
            a3 = TV.Fma(TV.Fma(a, TV.Load(w + 3 * C), bb), b3, a3);
            pq += 8;
            pab += 4;
        }
        if (k < K)
        {
            var c = TV.Create(pq[0]);
            er0 = TV.Fma(c, a0, er0); er1 = TV.Fma(c, a1, er1); er2 = TV.Fma(c, a2, er2); er3 = TV.Fma(c, a3, er3);
            c = TV.Create(pq[1]);
            ei0 = TV.Fma(c, a0, ei0); ei1 = TV.Fma(c, a1, ei1); ei2 = TV.Fma(c, a2, ei2); ei3 = TV.Fma(c, a3, ei3);
            c = TV.Create(pq[2]);
            or0 = TV.Fma(c, a0, or0); or1 = TV.Fma(c, a1, or1); or2 = TV.Fma(c, a2, or2); or3 = TV.Fma(c, a3, or3);
            c = TV.Create(pq[3]);
            oi0 = TV.Fma(c, a0, oi0); oi1 = TV.Fma(c, a1, oi1); oi2 = TV.Fma(c, a2, oi2); oi3 = TV.Fma(c, a3, oi3);
        }
        TV.Store(er0, er); TV.Store(er1, er + C); TV.Store(er2, er + 2 * C); TV.Store(er3, er + 3 * C);
        TV.Store(ei0, ei); TV.Store(ei1, ei + C); TV.Store(ei2, ei + 2 * C); TV.Store(ei3, ei + 3 * C);
        TV.Store(or0, or); TV.Store(or1, or + C); TV.Store(or2, or + 2 * C); TV.Store(or3, or + 3 * C);
        TV.Store(oi0, oi); TV.Store(oi1, oi + C); TV.Store(oi2, oi + 2 * C); TV.Store(oi3, oi + 3 * C);
    }

    /// <summary>
    /// Analysis over two adjacent blocks (4 vectors) on the lanes' true values, summing from step <paramref name="from"/>
    /// (rounded down to even; 0 for an <see cref="Overwrite"/> pass): the 16 lane-data vectors stay in registers (x² is
    /// read from memory as an FMA operand), and each accumulator vector is loaded and stored once per four vectors of
    /// products (a chain of four FMAs) instead of once per two.
    /// </summary>
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    private static void AnalysisDoubleBlock<TV, TPass>(int K, int from, double y0, double* ab, double* w, double* st,
        double* er, double* ei, double* or, double* oi, double* acc) where TV : unmanaged, IVec<TV> where TPass : struct, IAccumulatorPass
    {
        int C = TV.Count;
        var s = TV.Create(y0);
        TV a0 = s * TV.Load(st), a1 = s * TV.Load(st + C), a2 = s * TV.Load(st + 2 * C), a3 = s * TV.Load(st + 3 * C);   // y_k
        TV b0 = TV.Zero, b1 = TV.Zero, b2 = TV.Zero, b3 = TV.Zero;   // y_{k−1}
        TV e0 = TV.Load(er), e1 = TV.Load(er + C), e2 = TV.Load(er + 2 * C), e3 = TV.Load(er + 3 * C);
        TV f0 = TV.Load(ei), f1 = TV.Load(ei + C), f2 = TV.Load(ei + 2 * C), f3 = TV.Load(ei + 3 * C);
        TV g0 = TV.Load(or), g1 = TV.Load(or + C), g2 = TV.Load(or + 2 * C), g3 = TV.Load(or + 3 * C);
        TV h0 = TV.Load(oi), h1 = TV.Load(oi + C), h2 = TV.Load(oi + 2 * C), h3 = TV.Load(oi + 3 * C);
        double* p = acc, pab = ab;
        int k = 0;
        // the recurrence alone, as in SynthesisDoubleBlock: written out, because one shared inlined method with the eight
        // vectors by ref made this kernel 8 % slower at lmax 255 (register allocation)
        for (int k0 = Math.Min(from, K) & ~1; k < k0; k += 2)
        {
            var a = TV.Create(pab[0]);
            var bb = TV.Create(pab[1]);
            b0 = TV.Fma(TV.Fma(a, TV.Load(w), bb), a0, b0);
            b1 = TV.Fma(TV.Fma(a, TV.Load(w + C), bb), a1, b1);
            b2 = TV.Fma(TV.Fma(a, TV.Load(w + 2 * C), bb), a2, b2);
            b3 = TV.Fma(TV.Fma(a, TV.Load(w + 3 * C), bb), a3, b3);
            a = TV.Create(pab[2]);
            bb = TV.Create(pab[3]);
            a0 = TV.Fma(TV.Fma(a, TV.Load(w), bb), b0, a0);
            a1 = TV.Fma(TV.Fma(a, TV.Load(w + C), bb), b1, a1);
            a2 = TV.Fma(TV.Fma(a, TV.Load(w + 2 * C), bb), b2, a2);
            a3 = TV.Fma(TV.Fma(a, TV.Load(w + 3 * C), bb), b3, a3);
            p += 8 * C;
            pab += 4;
        }
        for (; k + 1 < K; k += 2)
        {
            TV.Store(TV.Fma(e3, a3, TV.Fma(e2, a2, TV.Fma(e1, a1, TV.Fma(e0, a0, Acc<TV, TPass>(p))))), p);
            TV.Store(TV.Fma(f3, a3, TV.Fma(f2, a2, TV.Fma(f1, a1, TV.Fma(f0, a0, Acc<TV, TPass>(p + C))))), p + C);
            TV.Store(TV.Fma(g3, a3, TV.Fma(g2, a2, TV.Fma(g1, a1, TV.Fma(g0, a0, Acc<TV, TPass>(p + 2 * C))))), p + 2 * C);
            TV.Store(TV.Fma(h3, a3, TV.Fma(h2, a2, TV.Fma(h1, a1, TV.Fma(h0, a0, Acc<TV, TPass>(p + 3 * C))))), p + 3 * C);
            var a = TV.Create(pab[0]);
            var bb = TV.Create(pab[1]);
            b0 = TV.Fma(TV.Fma(a, TV.Load(w), bb), a0, b0);
            b1 = TV.Fma(TV.Fma(a, TV.Load(w + C), bb), a1, b1);
            b2 = TV.Fma(TV.Fma(a, TV.Load(w + 2 * C), bb), a2, b2);
            b3 = TV.Fma(TV.Fma(a, TV.Load(w + 3 * C), bb), a3, b3);
            TV.Store(TV.Fma(e3, b3, TV.Fma(e2, b2, TV.Fma(e1, b1, TV.Fma(e0, b0, Acc<TV, TPass>(p + 4 * C))))), p + 4 * C);
            TV.Store(TV.Fma(f3, b3, TV.Fma(f2, b2, TV.Fma(f1, b1, TV.Fma(f0, b0, Acc<TV, TPass>(p + 5 * C))))), p + 5 * C);
            TV.Store(TV.Fma(g3, b3, TV.Fma(g2, b2, TV.Fma(g1, b1, TV.Fma(g0, b0, Acc<TV, TPass>(p + 6 * C))))), p + 6 * C);
            TV.Store(TV.Fma(h3, b3, TV.Fma(h2, b2, TV.Fma(h1, b1, TV.Fma(h0, b0, Acc<TV, TPass>(p + 7 * C))))), p + 7 * C);
            a = TV.Create(pab[2]);
            bb = TV.Create(pab[3]);
            a0 = TV.Fma(TV.Fma(a, TV.Load(w), bb), b0, a0);
            a1 = TV.Fma(TV.Fma(a, TV.Load(w + C), bb), b1, a1);
            a2 = TV.Fma(TV.Fma(a, TV.Load(w + 2 * C), bb), b2, a2);
            a3 = TV.Fma(TV.Fma(a, TV.Load(w + 3 * C), bb), b3, a3);
            p += 8 * C;
            pab += 4;
        }
        if (k < K)
        {
            TV.Store(TV.Fma(e3, a3, TV.Fma(e2, a2, TV.Fma(e1, a1, TV.Fma(e0, a0, Acc<TV, TPass>(p))))), p);
            TV.Store(TV.Fma(f3, a3, TV.Fma(f2, a2, TV.Fma(f1, a1, TV.Fma(f0, a0, Acc<TV, TPass>(p + C))))), p + C);
            TV.Store(TV.Fma(g3, a3, TV.Fma(g2, a2, TV.Fma(g1, a1, TV.Fma(g0, a0, Acc<TV, TPass>(p + 2 * C))))), p + 2 * C);
            TV.Store(TV.Fma(h3, a3, TV.Fma(h2, a2, TV.Fma(h1, a1, TV.Fma(h0, a0, Acc<TV, TPass>(p + 3 * C))))), p + 3 * C);
        }
    }

    /// <summary>y_k, y_{k−1} of two vectors advanced by the recurrence alone from step 0 to step <paramref name="k0"/> (even).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Advance<TV>(int k0, double* ab, double* w, double* st, double y0, double* state) where TV : unmanaged, IVec<TV>
    {
        int C = TV.Count;
        var s = TV.Create(y0);
        TV w0 = TV.Load(w), w1 = TV.Load(w + C);
        TV y0v = s * TV.Load(st), y1v = s * TV.Load(st + C), p0 = TV.Zero, p1 = TV.Zero;
        for (int k = 0; k < k0; k += 2)
        {
            double* pab = ab + 2 * k;
            var a = TV.Create(pab[0]);
            var b = TV.Create(pab[1]);
            p0 = TV.Fma(TV.Fma(a, w0, b), y0v, p0);
            p1 = TV.Fma(TV.Fma(a, w1, b), y1v, p1);
            a = TV.Create(pab[2]);
            b = TV.Create(pab[3]);
            y0v = TV.Fma(TV.Fma(a, w0, b), p0, y0v);
            y1v = TV.Fma(TV.Fma(a, w1, b), p1, y1v);
        }
        TV.Store(y0v, state); TV.Store(y1v, state + C);
        TV.Store(p0, state + 2 * C); TV.Store(p1, state + 3 * C);
    }

    /// <summary>One block (2 vectors) on the lanes' true values: the recurrence alone up to step <paramref name="from"/>, then the sums.</summary>
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    private static void SynthesisBlockFrom<TV>(int K, int from, double y0, double* ab, double* q, double* w, double* st,
        double* state, double* er, double* ei, double* or, double* oi) where TV : unmanaged, IVec<TV>
    {
        int C = TV.Count, k0 = Math.Min(from, K) & ~1;
        Advance<TV>(k0, ab, w, st, y0, state);
        TV.Store(TV.Zero, er); TV.Store(TV.Zero, er + C);
        TV.Store(TV.Zero, ei); TV.Store(TV.Zero, ei + C);
        TV.Store(TV.Zero, or); TV.Store(TV.Zero, or + C);
        TV.Store(TV.Zero, oi); TV.Store(TV.Zero, oi + C);
        if (k0 < K) SynthesisLoop<TV>(k0, K, ab, q, w, state, state + 2 * C, er, ei, or, oi);
    }

    /// <summary>As <see cref="SynthesisBlockFrom"/> for analysis (from = 0 for an <see cref="Overwrite"/> pass).</summary>
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    private static void AnalysisBlockFrom<TV, TPass>(int K, int from, double y0, double* ab, double* w, double* st, double* state,
        double* er, double* ei, double* or, double* oi, double* acc) where TV : unmanaged, IVec<TV> where TPass : struct, IAccumulatorPass
    {
        int C = TV.Count, k0 = Math.Min(from, K) & ~1;
        Advance<TV>(k0, ab, w, st, y0, state);
        if (k0 < K) AnalysisLoop<TV, TPass>(k0, K, ab, w, state, state + 2 * C, er, ei, or, oi, acc);
    }

    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    private static void SynthesisBlock<TV>(int K, double y0, double* ab, double* q, double* w, double* st, double* lv,
        double* state, double* er, double* ei, double* or, double* oi) where TV : unmanaged, IVec<TV>
    {
        int C = TV.Count;
        // state: y (2C), y_prev (2C), level (2C)
        double* y = state, yp = state + 2 * C, lev = state + 4 * C;
        var s = TV.Create(y0);
        TV.Store(s * TV.Load(st), y);
        TV.Store(s * TV.Load(st + C), y + C);
        TV.Store(TV.Zero, yp);
        TV.Store(TV.Zero, yp + C);
        TV.Store(TV.Zero, er); TV.Store(TV.Zero, er + C);
        TV.Store(TV.Zero, ei); TV.Store(TV.Zero, ei + C);
        TV.Store(TV.Zero, or); TV.Store(TV.Zero, or + C);
        TV.Store(TV.Zero, oi); TV.Store(TV.Zero, oi + C);
        int k = 0;
        var l0 = TV.Load(lv);
        var l1 = TV.Load(lv + C);
        if (!TV.NoneSet(TV.Or(TV.GreaterThan(l0, TV.Zero), TV.GreaterThan(l1, TV.Zero))))
        {
            TV.Store(l0, lev);
            TV.Store(l1, lev + C);
            k = SynthesisPrologue<TV>(K, ab, q, w, y, yp, lev, er, ei, or, oi);
        }
        if (k < K) SynthesisLoop<TV>(k, K, ab, q, w, y, yp, er, ei, or, oi);
    }

    /// <summary>
    /// One step of the masked prologue: y_{k+1} from y_k, y_{k−1}; masked lanes whose |y| passed 2^300 are rescaled by
    /// 2^−600 and go down a level, lanes reaching level 0 become active. Returns true when every lane is active.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static bool MaskedStep<TV>(double* abk, TV w0, TV w1, ref TV y0, ref TV y1, ref TV p0, ref TV p1,
        ref TV lv0, ref TV lv1, ref TV act0, ref TV act1) where TV : unmanaged, IVec<TV>
    {
        var a = TV.Create(abk[0]);
        var b = TV.Create(abk[1]);
        var n0 = TV.Fma(TV.Fma(a, w0, b), y0, p0);
        var n1 = TV.Fma(TV.Fma(a, w1, b), y1, p1);
        p0 = y0; p1 = y1; y0 = n0; y1 = n1;
        var big = TV.Create(Big);
        var g0 = TV.AndNot(TV.Or(TV.GreaterThan(TV.Abs(y0), big), TV.GreaterThan(TV.Abs(p0), big)), act0);
        var g1 = TV.AndNot(TV.Or(TV.GreaterThan(TV.Abs(y1), big), TV.GreaterThan(TV.Abs(p1), big)), act1);
        if (TV.NoneSet(TV.Or(g0, g1))) return false;
        var down = TV.Create(Down);
        var one = TV.Create(1.0);
        var zero = TV.Zero;
        y0 = TV.Select(g0, y0 * down, y0); p0 = TV.Select(g0, p0 * down, p0); lv0 = TV.Select(g0, lv0 - one, lv0);
        y1 = TV.Select(g1, y1 * down, y1); p1 = TV.Select(g1, p1 * down, p1); lv1 = TV.Select(g1, lv1 - one, lv1);
        act0 = TV.EqualTo(lv0, zero);
        act1 = TV.EqualTo(lv1, zero);
        return TV.NoneSet(TV.Or(TV.GreaterThan(lv0, zero), TV.GreaterThan(lv1, zero)));
    }

    /// <summary>
    /// While no lane of a block contributes yet: the recurrence alone, four steps per test, up to the first step at which
    /// some |y| exceeds 2^300 (the masked prologue then rescales it; four steps grow y by far less than the 2^700 of
    /// headroom). Returns that step; y, p hold y_k, y_{k−1}.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static int FastForward<TV>(int K, double* ab, TV w0, TV w1, ref TV y0, ref TV y1, ref TV p0, ref TV p1)
        where TV : unmanaged, IVec<TV>
    {
        var big = TV.Create(Big);
        int k = 0;
        for (; k + 4 <= K; k += 4)
        {
            double* pab = ab + 2 * k;
            var a = TV.Create(pab[0]); var b = TV.Create(pab[1]);
            p0 = TV.Fma(TV.Fma(a, w0, b), y0, p0); p1 = TV.Fma(TV.Fma(a, w1, b), y1, p1);
            a = TV.Create(pab[2]); b = TV.Create(pab[3]);
            y0 = TV.Fma(TV.Fma(a, w0, b), p0, y0); y1 = TV.Fma(TV.Fma(a, w1, b), p1, y1);
            a = TV.Create(pab[4]); b = TV.Create(pab[5]);
            p0 = TV.Fma(TV.Fma(a, w0, b), y0, p0); p1 = TV.Fma(TV.Fma(a, w1, b), y1, p1);
            a = TV.Create(pab[6]); b = TV.Create(pab[7]);
            y0 = TV.Fma(TV.Fma(a, w0, b), p0, y0); y1 = TV.Fma(TV.Fma(a, w1, b), p1, y1);
            var over = TV.Or(TV.Or(TV.GreaterThan(TV.Abs(y0), big), TV.GreaterThan(TV.Abs(y1), big)),
                             TV.Or(TV.GreaterThan(TV.Abs(p0), big), TV.GreaterThan(TV.Abs(p1), big)));
            if (!TV.NoneSet(over)) return k + 4;
        }
        return k;
    }

    /// <summary>Both vectors: masked steps while some lane is below 2^−300 (rescaled as it grows); returns the step at which every lane is live (or K).</summary>
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    private static int SynthesisPrologue<TV>(int K, double* ab, double* q, double* w, double* y, double* yp,
        double* lev, double* er, double* ei, double* or, double* oi) where TV : unmanaged, IVec<TV>
    {
        int C = TV.Count;
        var w0 = TV.Load(w); var w1 = TV.Load(w + C);
        var y0 = TV.Load(y); var y1 = TV.Load(y + C);
        var p0 = TV.Load(yp); var p1 = TV.Load(yp + C);
        var lv0 = TV.Load(lev); var lv1 = TV.Load(lev + C);
        TV er0 = TV.Zero, er1 = TV.Zero, ei0 = TV.Zero, ei1 = TV.Zero, or0 = TV.Zero, or1 = TV.Zero, oi0 = TV.Zero, oi1 = TV.Zero;
        var zero = TV.Zero;
        var act0 = TV.EqualTo(lv0, zero);
        var act1 = TV.EqualTo(lv1, zero);
        int k = 0;
        if (TV.NoneSet(TV.Or(act0, act1)))
            k = FastForward<TV>(K, ab, w0, w1, ref y0, ref y1, ref p0, ref p1);
        for (; k < K; k++)
        {
            if (!TV.NoneSet(TV.Or(act0, act1)))
            {
                var m0 = TV.Select(act0, y0, zero);
                var m1 = TV.Select(act1, y1, zero);
                double* pq = q + 4 * k;
                var qr = TV.Create(pq[0]);
                var qi = TV.Create(pq[1]);
                var ur = TV.Create(pq[2]);
                var ui = TV.Create(pq[3]);
                er0 = TV.Fma(qr, m0, er0); er1 = TV.Fma(qr, m1, er1);
                ei0 = TV.Fma(qi, m0, ei0); ei1 = TV.Fma(qi, m1, ei1);
                or0 = TV.Fma(ur, m0, or0); or1 = TV.Fma(ur, m1, or1);
                oi0 = TV.Fma(ui, m0, oi0); oi1 = TV.Fma(ui, m1, oi1);
            }
            if (MaskedStep<TV>(ab + 2 * k, w0, w1, ref y0, ref y1, ref p0, ref p1, ref lv0, ref lv1, ref act0, ref act1)) { k++; break; }
        }
        TV.Store(y0, y); TV.Store(y1, y + C);
        TV.Store(p0, yp); TV.Store(p1, yp + C);
        TV.Store(er0, er); TV.Store(er1, er + C);
        TV.Store(ei0, ei); TV.Store(ei1, ei + C);
        TV.Store(or0, or); TV.Store(or1, or + C);
        TV.Store(oi0, oi); TV.Store(oi1, oi + C);
        return k;
    }

    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    private static void SynthesisLoop<TV>(int k, int K, double* ab, double* q, double* w, double* y, double* yp,
        double* er, double* ei, double* or, double* oi) where TV : unmanaged, IVec<TV>
    {
        int C = TV.Count;
        var w0 = TV.Load(w);
        var w1 = TV.Load(w + C);
        var y0 = TV.Load(y);
        var y1 = TV.Load(y + C);
        var p0 = TV.Load(yp);
        var p1 = TV.Load(yp + C);
        var er0 = TV.Load(er); var er1 = TV.Load(er + C);
        var ei0 = TV.Load(ei); var ei1 = TV.Load(ei + C);
        var or0 = TV.Load(or); var or1 = TV.Load(or + C);
        var oi0 = TV.Load(oi); var oi1 = TV.Load(oi + C);
        double* pq = q + 4 * k;
        double* pab = ab + 2 * k;
        // two steps per iteration, so y and y_prev swap roles instead of being copied
        for (; k + 1 < K; k += 2)
        {
            var qr = TV.Create(pq[0]);
            var qi = TV.Create(pq[1]);
            var ur = TV.Create(pq[2]);
            var ui = TV.Create(pq[3]);
            er0 = TV.Fma(qr, y0, er0); er1 = TV.Fma(qr, y1, er1);
            ei0 = TV.Fma(qi, y0, ei0); ei1 = TV.Fma(qi, y1, ei1);
            or0 = TV.Fma(ur, y0, or0); or1 = TV.Fma(ur, y1, or1);
            oi0 = TV.Fma(ui, y0, oi0); oi1 = TV.Fma(ui, y1, oi1);
            var a = TV.Create(pab[0]);
            var b = TV.Create(pab[1]);
            p0 = TV.Fma(TV.Fma(a, w0, b), y0, p0);
            p1 = TV.Fma(TV.Fma(a, w1, b), y1, p1);
            qr = TV.Create(pq[4]);
            qi = TV.Create(pq[5]);
            ur = TV.Create(pq[6]);
            ui = TV.Create(pq[7]);
            er0 = TV.Fma(qr, p0, er0); er1 = TV.Fma(qr, p1, er1);
            ei0 = TV.Fma(qi, p0, ei0); ei1 = TV.Fma(qi, p1, ei1);
            or0 = TV.Fma(ur, p0, or0); or1 = TV.Fma(ur, p1, or1);
            oi0 = TV.Fma(ui, p0, oi0); oi1 = TV.Fma(ui, p1, oi1);
            a = TV.Create(pab[2]);
            b = TV.Create(pab[3]);
            y0 = TV.Fma(TV.Fma(a, w0, b), p0, y0);
            y1 = TV.Fma(TV.Fma(a, w1, b), p1, y1);
            pq += 8;
            pab += 4;
        }
        if (k < K)
        {
            var qr = TV.Create(pq[0]);
            var qi = TV.Create(pq[1]);
            var ur = TV.Create(pq[2]);
            var ui = TV.Create(pq[3]);
            er0 = TV.Fma(qr, y0, er0); er1 = TV.Fma(qr, y1, er1);
            ei0 = TV.Fma(qi, y0, ei0); ei1 = TV.Fma(qi, y1, ei1);
            or0 = TV.Fma(ur, y0, or0); or1 = TV.Fma(ur, y1, or1);
            oi0 = TV.Fma(ui, y0, oi0); oi1 = TV.Fma(ui, y1, oi1);
        }
        TV.Store(er0, er); TV.Store(er1, er + C);
        TV.Store(ei0, ei); TV.Store(ei1, ei + C);
        TV.Store(or0, or); TV.Store(or1, or + C);
        TV.Store(oi0, oi); TV.Store(oi1, oi + C);
    }

    /// <summary>
    /// Adds (or, with <see cref="Overwrite"/>, for a block with no masked lane, writes), for every step k, Σ_lanes y_k·data
    /// into acc[(4k + c)·C ..] (c: even re/im, odd re/im).
    /// </summary>
    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    private static void AnalysisBlock<TV, TPass>(int K, double y0, double* ab, double* w, double* st, double* lv, double* state,
        double* er, double* ei, double* or, double* oi, double* acc) where TV : unmanaged, IVec<TV> where TPass : struct, IAccumulatorPass
    {
        int C = TV.Count;
        double* y = state, yp = state + 2 * C, lev = state + 4 * C;
        var s = TV.Create(y0);
        TV.Store(s * TV.Load(st), y);
        TV.Store(s * TV.Load(st + C), y + C);
        TV.Store(TV.Zero, yp);
        TV.Store(TV.Zero, yp + C);
        int k = 0;
        var l0 = TV.Load(lv);
        var l1 = TV.Load(lv + C);
        if (!TV.NoneSet(TV.Or(TV.GreaterThan(l0, TV.Zero), TV.GreaterThan(l1, TV.Zero))))
        {
            TV.Store(l0, lev);
            TV.Store(l1, lev + C);
            k = AnalysisPrologue<TV>(K, ab, w, y, yp, lev, er, ei, or, oi, acc);
        }
        if (k < K) AnalysisLoop<TV, TPass>(k, K, ab, w, y, yp, er, ei, or, oi, acc);
    }

    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    private static int AnalysisPrologue<TV>(int K, double* ab, double* w, double* y, double* yp, double* lev,
        double* er, double* ei, double* or, double* oi, double* acc) where TV : unmanaged, IVec<TV>
    {
        int C = TV.Count;
        var w0 = TV.Load(w); var w1 = TV.Load(w + C);
        var y0 = TV.Load(y); var y1 = TV.Load(y + C);
        var p0 = TV.Load(yp); var p1 = TV.Load(yp + C);
        var lv0 = TV.Load(lev); var lv1 = TV.Load(lev + C);
        var er0 = TV.Load(er); var er1 = TV.Load(er + C);
        var ei0 = TV.Load(ei); var ei1 = TV.Load(ei + C);
        var or0 = TV.Load(or); var or1 = TV.Load(or + C);
        var oi0 = TV.Load(oi); var oi1 = TV.Load(oi + C);
        var zero = TV.Zero;
        var act0 = TV.EqualTo(lv0, zero);
        var act1 = TV.EqualTo(lv1, zero);
        int k = 0;
        if (TV.NoneSet(TV.Or(act0, act1)))
            k = FastForward<TV>(K, ab, w0, w1, ref y0, ref y1, ref p0, ref p1);
        for (; k < K; k++)
        {
            if (!TV.NoneSet(TV.Or(act0, act1)))
            {
                var m0 = TV.Select(act0, y0, zero);
                var m1 = TV.Select(act1, y1, zero);
                double* p = acc + 4 * k * C;
                TV.Store(TV.Fma(er1, m1, TV.Fma(er0, m0, TV.Load(p))), p);
                TV.Store(TV.Fma(ei1, m1, TV.Fma(ei0, m0, TV.Load(p + C))), p + C);
                TV.Store(TV.Fma(or1, m1, TV.Fma(or0, m0, TV.Load(p + 2 * C))), p + 2 * C);
                TV.Store(TV.Fma(oi1, m1, TV.Fma(oi0, m0, TV.Load(p + 3 * C))), p + 3 * C);
            }
            if (MaskedStep<TV>(ab + 2 * k, w0, w1, ref y0, ref y1, ref p0, ref p1, ref lv0, ref lv1, ref act0, ref act1)) { k++; break; }
        }
        TV.Store(y0, y); TV.Store(y1, y + C);
        TV.Store(p0, yp); TV.Store(p1, yp + C);
        return k;
    }

    [MethodImpl(MethodImplOptions.NoInlining | MethodImplOptions.AggressiveOptimization)]
    private static void AnalysisLoop<TV, TPass>(int k, int K, double* ab, double* w, double* y, double* yp,
        double* er, double* ei, double* or, double* oi, double* acc) where TV : unmanaged, IVec<TV> where TPass : struct, IAccumulatorPass
    {
        int C = TV.Count;
        var w0 = TV.Load(w);
        var w1 = TV.Load(w + C);
        var y0 = TV.Load(y);
        var y1 = TV.Load(y + C);
        var p0 = TV.Load(yp);
        var p1 = TV.Load(yp + C);
        var er0 = TV.Load(er); var er1 = TV.Load(er + C);
        var ei0 = TV.Load(ei); var ei1 = TV.Load(ei + C);
        var or0 = TV.Load(or); var or1 = TV.Load(or + C);
        var oi0 = TV.Load(oi); var oi1 = TV.Load(oi + C);
        double* p = acc + 4 * k * C;
        double* pab = ab + 2 * k;
        for (; k + 1 < K; k += 2)
        {
            TV.Store(TV.Fma(er1, y1, TV.Fma(er0, y0, Acc<TV, TPass>(p))), p);
            TV.Store(TV.Fma(ei1, y1, TV.Fma(ei0, y0, Acc<TV, TPass>(p + C))), p + C);
            TV.Store(TV.Fma(or1, y1, TV.Fma(or0, y0, Acc<TV, TPass>(p + 2 * C))), p + 2 * C);
            TV.Store(TV.Fma(oi1, y1, TV.Fma(oi0, y0, Acc<TV, TPass>(p + 3 * C))), p + 3 * C);
            var a = TV.Create(pab[0]);
            var b = TV.Create(pab[1]);
            p0 = TV.Fma(TV.Fma(a, w0, b), y0, p0);
            p1 = TV.Fma(TV.Fma(a, w1, b), y1, p1);
            TV.Store(TV.Fma(er1, p1, TV.Fma(er0, p0, Acc<TV, TPass>(p + 4 * C))), p + 4 * C);
            TV.Store(TV.Fma(ei1, p1, TV.Fma(ei0, p0, Acc<TV, TPass>(p + 5 * C))), p + 5 * C);
            TV.Store(TV.Fma(or1, p1, TV.Fma(or0, p0, Acc<TV, TPass>(p + 6 * C))), p + 6 * C);
            TV.Store(TV.Fma(oi1, p1, TV.Fma(oi0, p0, Acc<TV, TPass>(p + 7 * C))), p + 7 * C);
            a = TV.Create(pab[2]);
            b = TV.Create(pab[3]);
            y0 = TV.Fma(TV.Fma(a, w0, b), p0, y0);
            y1 = TV.Fma(TV.Fma(a, w1, b), p1, y1);
            p += 8 * C;
            pab += 4;
        }
        if (k < K)
        {
            TV.Store(TV.Fma(er1, y1, TV.Fma(er0, y0, Acc<TV, TPass>(p))), p);
            TV.Store(TV.Fma(ei1, y1, TV.Fma(ei0, y0, Acc<TV, TPass>(p + C))), p + C);
            TV.Store(TV.Fma(or1, y1, TV.Fma(or0, y0, Acc<TV, TPass>(p + 2 * C))), p + 2 * C);
            TV.Store(TV.Fma(oi1, y1, TV.Fma(oi0, y0, Acc<TV, TPass>(p + 3 * C))), p + 3 * C);
        }
    }

    /// <summary>Whether an analysis pass adds to the step accumulators or writes them (the first block of an order).</summary>
    private interface IAccumulatorPass
    {
        static abstract bool Adds { get; }
    }

    private readonly struct Accumulate : IAccumulatorPass
    {
        public static bool Adds => true;
    }

    private readonly struct Overwrite : IAccumulatorPass
    {
        public static bool Adds => false;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static TV Acc<TV, TPass>(double* p) where TV : unmanaged, IVec<TV> where TPass : struct, IAccumulatorPass
        => TPass.Adds ? TV.Load(p) : TV.Zero;

    private void CheckCoefficients(ReadOnlySpan<Complex> c)
    {
        if (c.Length != Count) throw new ArgumentException($"expected {Count} coefficients (lmax {_lmax}), got {c.Length}.");
    }

    private void CheckModes(Complex[] modes)
    {
        if (modes.Length < _modes.Length)
            throw new ArgumentException($"expected at least ModeBufferLength = {_modes.Length} ring modes, got {modes.Length}.");
    }

    private void CheckGrid(ReadOnlySpan<double> g)
    {
        if (g.Length != GridSize) throw new ArgumentException($"expected a grid of {_nlat}×{_nlon} = {GridSize} values, got {g.Length}.");
    }

    public void Dispose()
    {
        FreeModes();
        GC.SuppressFinalize(this);
        _ringFft?.Dispose();
        if (_ffts is not null) foreach (var w in _ffts) foreach (var f in w) f.Dispose();
    }

    // The mode buffers are native memory: an instance that is never disposed still returns them.
    ~SphericalHarmonicTransform() => FreeModes();

    private void FreeModes()
    {
        if (_ring != null) System.Runtime.InteropServices.NativeMemory.AlignedFree(_ring);
        if (_ring2 != null) System.Runtime.InteropServices.NativeMemory.AlignedFree(_ring2);
        if (_ring3 != null) System.Runtime.InteropServices.NativeMemory.AlignedFree(_ring3);
        _ring = _ring2 = _ring3 = null;
    }
}
