namespace MeanField.Spectral.Steppers;

/// <summary>y = M x for a linear operator given matrix-free.</summary>
internal delegate void LinearOperator(ReadOnlySpan<double> x, Span<double> y);

/// <summary>
/// Restarted GMRES(m) (Saad–Schultz; modified Gram–Schmidt, Givens rotations) for M x = b, matrix-free, started from
/// the x passed in and stopped at ‖b − Mx‖₂ ≤ tolerance·‖b‖₂ (checked on the true residual at the end of each cycle).
/// Buffers are allocated once; deterministic, so a repeated solve gives the same bits.
/// </summary>
internal sealed class Gmres
{
    private readonly int _restart;
    private readonly double[][] _basis;
    private readonly double[,] _hessenberg;
    private readonly double[] _cos, _sin, _g, _y, _residual;

    public Gmres(int length, int restart = 40)
    {
        _restart = restart;
        _basis = new double[restart + 1][];
        for (int i = 0; i <= restart; i++) _basis[i] = new double[length];
        _hessenberg = new double[restart + 1, restart];
        _cos = new double[restart];
        _sin = new double[restart];
        _g = new double[restart + 1];
        _y = new double[restart];
        _residual = new double[length];
    }

    /// <summary>Operator applications of the last solve.</summary>
    public int LastIterations { get; private set; }

    /// <summary>Solve M x = b in place of the start x; throws InvalidOperationException after maxIterations.</summary>
    public void Solve(LinearOperator m, ReadOnlySpan<double> b, Span<double> x, double tolerance, int maxIterations)
    {
        int n = b.Length;
        double target = tolerance * Math.Sqrt(Dot(b, b));
        LastIterations = 0;
        double rNorm = Residual(m, b, x);
        while (rNorm > target)
        {
            if (LastIterations >= maxIterations)
                throw new InvalidOperationException($"the implicit noise step did not converge in {maxIterations} GMRES iterations (relative residual {rNorm * tolerance / target:E2}); lower solver.dt");
            Cycle(m, rNorm, x, target, maxIterations);
            rNorm = Residual(m, b, x);
        }
    }

    private double Residual(LinearOperator m, ReadOnlySpan<double> b, ReadOnlySpan<double> x)
    {
        m(x, _residual);
        for (int i = 0; i < b.Length; i++) _residual[i] = b[i] - _residual[i];
        return Math.Sqrt(Dot(_residual, _residual));
    }

    /// <summary>One GMRES(m) cycle from the residual in _residual (norm β); adds its correction to x.</summary>
    private void Cycle(LinearOperator op, double beta, Span<double> x, double target, int maxIterations)
    {
        int n = x.Length, j = 0;
        for (int i = 0; i < n; i++) _basis[0][i] = _residual[i] / beta;
        Array.Clear(_g);
        _g[0] = beta;
        for (; j < _restart && LastIterations < maxIterations; j++)
        {
            var w = _basis[j + 1];
            op(_basis[j], w);
            LastIterations++;
            for (int k = 0; k <= j; k++)
            {
                var v = _basis[k];
                double h = Dot(w, v);
                _hessenberg[k, j] = h;
                for (int i = 0; i < n; i++) w[i] -= h * v[i];
            }
            double norm = Math.Sqrt(Dot(w, w));
            _hessenberg[j + 1, j] = norm;
            if (norm > 0) for (int i = 0; i < n; i++) w[i] /= norm;
            for (int k = 0; k < j; k++)
            {
                double a = _hessenberg[k, j], b = _hessenberg[k + 1, j];
                _hessenberg[k, j] = _cos[k] * a + _sin[k] * b;
                _hessenberg[k + 1, j] = -_sin[k] * a + _cos[k] * b;
            }
            double hj = _hessenberg[j, j], hn = _hessenberg[j + 1, j], rho = Math.Sqrt(hj * hj + hn * hn);
            _cos[j] = hj / rho;
            _sin[j] = hn / rho;
            _hessenberg[j, j] = rho;
            _hessenberg[j + 1, j] = 0;
            _g[j + 1] = -_sin[j] * _g[j];
            _g[j] = _cos[j] * _g[j];
            if (Math.Abs(_g[j + 1]) <= target || norm == 0) { j++; break; }
        }
        for (int k = j - 1; k >= 0; k--)
        {
            double s = _g[k];
            for (int l = k + 1; l < j; l++) s -= _hessenberg[k, l] * _y[l];
            _y[k] = s / _hessenberg[k, k];
        }
        for (int k = 0; k < j; k++)
        {
            var v = _basis[k];
            double y = _y[k];
            for (int i = 0; i < n; i++) x[i] += y * v[i];
        }
    }

    private static double Dot(ReadOnlySpan<double> a, ReadOnlySpan<double> b)
    {
        double s = 0;
        for (int i = 0; i < a.Length; i++) s += a[i] * b[i];
        return s;
    }
}
