namespace MeanField.Spectral.Steppers;

/// <summary>
/// One explicit Runge–Kutta step in integrating-factor (Lawson) form for du/dt = L u + N(t,u), L diagonal:
///   U_i   = E(c_i h) u + h Σ_j a_ij E((c_i − c_j) h) K_j,    K_j = N(t + c_j h, U_j)
///   u_new = E(h) u + h Σ_j b_j E((1 − c_j) h) K_j,           E(τ) = exp(τ L)
/// With L = 0 this is the plain method. All exponents are ≤ 0 because c is non-decreasing, so nothing overflows.
/// Buffers are allocated once; Step allocates nothing.
/// </summary>
public sealed class IntegratingFactorRungeKutta
{
    private readonly ISemilinearSystem _system;
    private readonly ButcherTableau _tableau;
    private readonly double[][] _k;
    private readonly double[] _stage;
    private readonly double[] _linear;
    private readonly bool _hasLinear;
    // Distinct exponent coefficients τ/h that occur in the scheme, and exp(τ L) for the current h.
    private readonly double[] _exponentCoefficients;
    private readonly double[][] _factors;
    private readonly int[][] _stageFactor;    // index into _factors for E((c_i − c_j) h)
    private readonly int[] _startFactor;      // E(c_i h)
    private readonly int[] _finalFactor;      // E((1 − c_j) h)
    private int _oneFactor;                   // E(h)
    private double _factorsStep = double.NaN;
    private bool _haveFirstSlope;

    public IntegratingFactorRungeKutta(ISemilinearSystem system, ButcherTableau tableau)
    {
        _system = system;
        _tableau = tableau;
        int n = system.Length, s = tableau.Stages;
        for (int i = 1; i < s; i++)
            if (tableau.C[i] < tableau.C[i - 1])
                throw new ArgumentException($"Tableau {tableau.Name}: integrating factors need non-decreasing c.");
        _k = new double[s][];
        for (int i = 0; i < s; i++) _k[i] = new double[n];
        _stage = new double[n];
        _linear = system.LinearDiagonal.ToArray();
        if (_linear.Length != n) throw new ArgumentException("LinearDiagonal length differs from the state length.");
        foreach (double l in _linear)
            if (!(l <= 0)) throw new ArgumentException("LinearDiagonal must be real and non-positive (dissipative).");
        _hasLinear = Array.Exists(_linear, l => l != 0);

        var coefficients = new List<double>();
        int IndexOf(double tau)
        {
            int i = coefficients.FindIndex(x => Math.Abs(x - tau) < 1e-15);
            if (i >= 0) return i;
            coefficients.Add(tau);
            return coefficients.Count - 1;
        }
        _stageFactor = new int[s][];
        _startFactor = new int[s];
        _finalFactor = new int[s];
        for (int i = 0; i < s; i++)
        {
            _startFactor[i] = IndexOf(tableau.C[i]);
            _finalFactor[i] = IndexOf(1 - tableau.C[i]);
            _stageFactor[i] = new int[i];
            for (int j = 0; j < i; j++) _stageFactor[i][j] = IndexOf(tableau.C[i] - tableau.C[j]);
        }
        _oneFactor = IndexOf(1.0);
        _exponentCoefficients = coefficients.ToArray();
        _factors = new double[_exponentCoefficients.Length][];
        for (int i = 0; i < _factors.Length; i++) _factors[i] = new double[n];
    }

    public ButcherTableau Tableau => _tableau;

    /// <summary>Right-hand-side evaluations so far.</summary>
    public long Evaluations { get; private set; }

    /// <summary>Forget the cached first slope (call after the state was changed outside Step).</summary>
    public void Reset() => _haveFirstSlope = false;

    /// <summary>
    /// Advance u from t by h into <paramref name="uNew"/>. If the tableau is embedded, the local error estimate
    /// is written into <paramref name="error"/> (same length), otherwise error is ignored.
    /// Call <see cref="Accept"/> when the step is taken, so an FSAL slope is reused.
    /// </summary>
    public void Step(double t, double h, ReadOnlySpan<double> u, Span<double> uNew, Span<double> error)
    {
        int s = _tableau.Stages, n = u.Length;
        if (_hasLinear) UpdateFactors(h);

        if (!_haveFirstSlope)
        {
            _system.EvaluateNonlinear(t, u, _k[0]);
            Evaluations++;
            _haveFirstSlope = true;   // still valid if this step is rejected and retried from the same u
        }
        for (int i = 1; i < s; i++)
        {
            var stage = _stage.AsSpan();
            var a = _tableau.A[i];
            if (_hasLinear)
            {
                var e0 = _factors[_startFactor[i]];
                for (int m = 0; m < n; m++) stage[m] = e0[m] * u[m];
                for (int j = 0; j < i; j++)
                {
                    if (a[j] == 0) continue;
                    var e = _factors[_stageFactor[i][j]];
                    var kj = _k[j];
                    double ha = h * a[j];
                    for (int m = 0; m < n; m++) stage[m] += ha * e[m] * kj[m];
                }
            }
            else
            {
                u.CopyTo(stage);
                for (int j = 0; j < i; j++)
                    if (a[j] != 0) Axpy(h * a[j], _k[j], stage);
            }
            _system.EvaluateNonlinear(t + _tableau.C[i] * h, stage, _k[i]);
            Evaluations++;
        }

        Combine(h, u, _tableau.B, uNew);
        if (_tableau.BHat is { } bHat && !error.IsEmpty)
        {
            error.Clear();
            for (int j = 0; j < s; j++)
            {
                double w = h * (_tableau.B[j] - bHat[j]);
                if (w == 0) continue;
                if (_hasLinear)
                {
                    var e = _factors[_finalFactor[j]];
                    var kj = _k[j];
                    for (int m = 0; m < n; m++) error[m] += w * e[m] * kj[m];
                }
                else Axpy(w, _k[j], error);
            }
        }
    }

    /// <summary>Mark the last step as accepted: with FSAL the last slope is the next step's first.</summary>
    public void Accept()
    {
        if (_tableau.FirstSameAsLast)
        {
            int last = _tableau.Stages - 1;
            (_k[0], _k[last]) = (_k[last], _k[0]);
            _haveFirstSlope = true;
        }
        else _haveFirstSlope = false;
    }

    private void Combine(double h, ReadOnlySpan<double> u, double[] b, Span<double> result)
    {
        int n = u.Length;
        if (_hasLinear)
        {
            var e1 = _factors[_oneFactor];
            for (int m = 0; m < n; m++) result[m] = e1[m] * u[m];
            for (int j = 0; j < b.Length; j++)
            {
                if (b[j] == 0) continue;
                var e = _factors[_finalFactor[j]];
                var kj = _k[j];
                double hb = h * b[j];
                for (int m = 0; m < n; m++) result[m] += hb * e[m] * kj[m];
            }
        }
        else
        {
            u.CopyTo(result);
            for (int j = 0; j < b.Length; j++)
                if (b[j] != 0) Axpy(h * b[j], _k[j], result);
        }
    }

    private void UpdateFactors(double h)
    {
        if (h == _factorsStep) return;
        for (int f = 0; f < _factors.Length; f++)
        {
            double tau = _exponentCoefficients[f] * h;
            var e = _factors[f];
            for (int m = 0; m < e.Length; m++) e[m] = Math.Exp(tau * _linear[m]);
        }
        _factorsStep = h;
    }

    private static void Axpy(double a, ReadOnlySpan<double> x, Span<double> y)
    {
        // y += a x, vectorised: this loop is most of a stepper's own cost.
        int m = 0;
        if (System.Numerics.Vector.IsHardwareAccelerated)
        {
            var va = new System.Numerics.Vector<double>(a);
            int w = System.Numerics.Vector<double>.Count;
            for (; m <= x.Length - w; m += w)
                (new System.Numerics.Vector<double>(y.Slice(m)) + va * new System.Numerics.Vector<double>(x.Slice(m))).CopyTo(y.Slice(m));
        }
        for (; m < x.Length; m++) y[m] += a * x[m];
    }
}
