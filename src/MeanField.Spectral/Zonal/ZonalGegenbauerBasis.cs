using MeanField.Core;

namespace MeanField.Spectral.Zonal;

/// <summary>
/// Orthonormal Gegenbauer basis for zonal (axisymmetric) functions on S^{d−1}, f(x) = g(t), t = ⟨x, e⟩ (MATH §9.3),
/// with a Gauss–Gegenbauer grid.
///
/// Layout, stated once. A zonal density is stored as its RELATIVE density u = g·|S^{d−1}| (density with respect to
/// the uniform probability σ̄; the uniform law is u ≡ 1) expanded in the orthonormal polynomials of
/// <see cref="Gegenbauer"/>: u(t) = Σ_{k=0}^{L} c_k q_k(t), q_k = √N_{k,d} P_k^{(d)}, state vector c of length L+1.
/// Then c_0 = ∫ f dσ (the mass), Σ c_k² = ∫ u² dσ̄, and MATH's coefficients g = Σ g_n P_n are
/// g_n = c_n √N_{n,d} / |S^{d−1}| (<see cref="ToGegenbauerCoefficients"/>). This scaling keeps everything O(1) for any
/// d: |S^{d−1}| underflows for d ≳ 1600, and N_{n,d} overflows for large n and d.
///
/// Grid: the M-point Gauss–Gegenbauer rule, M = ⌊3L/2⌋ + 1 by default (exact for degree 3L: the products of the
/// mean-field flux are integrated exactly for USA; the 3/2 dealiasing rule). Transforms are dense matrices, O(ML).
/// For large d the normalised weights ŵ_j and the values q_k(t_j) at the outer nodes span hundreds of orders of
/// magnitude in opposite directions; all matrices are therefore stored pre-multiplied by √ŵ_j ("scaled nodal values"
/// ũ_j = √ŵ_j u(t_j)), built from log-scaled recurrences, so they never overflow. <see cref="ToNodal"/> returns the
/// plain u(t_j), which for d ≳ 1000 can overflow at the outermost nodes (where ŵ_j underflows and the value carries
/// no weight).
/// </summary>
public sealed class ZonalGegenbauerBasis
{
    private readonly double[] _b;                 // recurrence coefficients b_0..b_L
    private readonly double[] _logSqrtWeight;     // ½ log ŵ_j
    private readonly double[] _sqrtWeight;        // √ŵ_j (0 where it underflows)
    private readonly double[] _logSqrtOneMinusT2; // ½ log(1 − t_j²)
    private readonly double[] _sqrtOneMinusT2;    // √(1 − t_j²)
    private readonly double[] _value;             // V[j, k] = q_k(t_j)  (may be ±∞ at outer nodes for huge d)
    private readonly double[] _scaledValue;       // A[j, k] = √ŵ_j q_k(t_j)
    private readonly double[] _scaledDerivative;  // D[j, k] = √ŵ_j q_k'(t_j)
    private readonly double[] _scaledFlux;        // B[j, k] = √ŵ_j √(1−t_j²) q_k'(t_j)
    private readonly double[] _logHarmonicDimension;

    /// <param name="dimension">Ambient dimension d ≥ 2 (S^{d−1}).</param>
    /// <param name="maxDegree">L ≥ 1, the highest retained Gegenbauer degree (solver.resolution).</param>
    /// <param name="gridSize">M ≥ L+1 nodes; default ⌊3L/2⌋+1 (dealiased).</param>
    public ZonalGegenbauerBasis(int dimension, int maxDegree, int? gridSize = null)
    {
        if (dimension < 2) throw new ArgumentOutOfRangeException(nameof(dimension), dimension, "d must be ≥ 2.");
        if (maxDegree < 1) throw new ArgumentOutOfRangeException(nameof(maxDegree), maxDegree, "the highest degree must be ≥ 1.");
        int m = gridSize ?? DealiasedGridSize(maxDegree);
        if (m < maxDegree + 1)
            throw new ArgumentOutOfRangeException(nameof(gridSize), m, $"the grid needs at least L+1 = {maxDegree + 1} nodes.");
        Dimension = dimension;
        MaxDegree = maxDegree;
        Rule = GaussGegenbauer.Create(dimension, m);
        int n = maxDegree + 1;
        _b = Gegenbauer.RecurrenceCoefficients(dimension, n + 1);
        _logSqrtWeight = Array.ConvertAll(Rule.LogWeights, lw => 0.5 * lw);
        _sqrtWeight = new double[m];
        for (int j = 0; j < m; j++) _sqrtWeight[j] = Rule.Weights[j] >= 1e-290 ? Math.Sqrt(Rule.Weights[j]) : Math.Exp(_logSqrtWeight[j]);
        _sqrtOneMinusT2 = Array.ConvertAll(Rule.Nodes, t => Math.Sqrt((1 - t) * (1 + t)));
        _logSqrtOneMinusT2 = Array.ConvertAll(Rule.Nodes, t => 0.5 * Math.Log((1 - t) * (1 + t)));
        var fluxScale = new double[m];
        var fluxLog = new double[m];
        for (int j = 0; j < m; j++)
        {
            fluxScale[j] = _sqrtWeight[j] * _sqrtOneMinusT2[j];
            fluxLog[j] = _logSqrtWeight[j] + _logSqrtOneMinusT2[j];
        }
        _logHarmonicDimension = new double[n];
        for (int k = 0; k < n; k++) _logHarmonicDimension[k] = SphereGeometry.LogHarmonicDimension(k, dimension);

        _value = BuildMatrix(derivative: false, null, null, null);
        _scaledValue = BuildMatrix(derivative: false, _sqrtWeight, _logSqrtWeight, null);
        _scaledDerivative = BuildMatrix(derivative: true, _sqrtWeight, _logSqrtWeight, null);
        _scaledFlux = BuildMatrix(derivative: true, fluxScale, fluxLog, null);
    }

    /// <summary>⌊3L/2⌋ + 1: the smallest Gauss rule exact for degree 3L.</summary>
    public static int DealiasedGridSize(int maxDegree) => 3 * maxDegree / 2 + 1;

    /// <summary>Ambient dimension d.</summary>
    public int Dimension { get; }

    /// <summary>L, the highest retained degree.</summary>
    public int MaxDegree { get; }

    /// <summary>Length of the state vector, L+1.</summary>
    public int StateLength => MaxDegree + 1;

    /// <summary>M, the number of grid nodes.</summary>
    public int GridSize => Rule.Count;

    /// <summary>The Gauss–Gegenbauer rule of the grid.</summary>
    public GaussGegenbauer Rule { get; }

    /// <summary>Grid nodes t_j (ascending, symmetric).</summary>
    public double[] Nodes => Rule.Nodes;

    /// <summary>Normalised weights ŵ_j (Σ = 1; 0 where below the double range).</summary>
    public double[] Weights => Rule.Weights;

    /// <summary>log ŵ_j.</summary>
    public double[] LogWeights => Rule.LogWeights;

    /// <summary>log |S^{d−1}|: the physical density (w.r.t. σ) is g = u·e^{−LogSurfaceArea}.</summary>
    public double LogSurfaceArea => SphereGeometry.LogSurfaceArea(Dimension);

    /// <summary>−n(n+d−2), the eigenvalue of Δ_S on degree n.</summary>
    public double LaplacianEigenvalue(int n) => -SphereGeometry.LaplacianEigenvalue(n, Dimension);

    /// <summary>log N_{n,d} for n ≤ L.</summary>
    public double LogHarmonicDimension(int n) => _logHarmonicDimension[n];

    /// <summary>Orthonormal recurrence coefficients b_0..b_{L+1} (t q_k = b_{k+1} q_{k+1} + b_k q_{k−1}).</summary>
    public ReadOnlySpan<double> RecurrenceCoefficients => _b;

    internal ReadOnlySpan<double> ScaledValueMatrix => _scaledValue;
    internal ReadOnlySpan<double> ScaledFluxMatrix => _scaledFlux;
    /// <summary>√ŵ_j (computed directly where representable; 0 where it underflows): ũ_j = √ŵ_j u(t_j).</summary>
    public ReadOnlySpan<double> SqrtWeights => _sqrtWeight;
    internal double[] SqrtOneMinusT2 => _sqrtOneMinusT2;
    internal double[] LogSqrtOneMinusT2 => _logSqrtOneMinusT2;

    /// <summary>
    /// Row-major M×(L+1) matrix with entries q_k(t_j) (or q_k'(t_j)) · R_j · e^{colLog_k}, where the row factor R_j is
    /// given both directly (<paramref name="rowScale"/>, may underflow to 0) and as a logarithm (<paramref name="rowLog"/>).
    /// Where R_j and e^{colLog_k} are comfortably in the normal range the entry is formed with exact power-of-two
    /// rescaling (full relative accuracy); otherwise from logarithms, so it overflows only if the product does.
    /// </summary>
    internal double[] BuildMatrix(bool derivative, double[]? rowScale, double[]? rowLog, double[]? colLog)
    {
        int m = GridSize, n = StateLength;
        var matrix = new double[m * n];
        var mant = new double[n];
        var dmant = new double[n];
        var logs = new double[n];
        var colFactor = new double[n];
        for (int k = 0; k < n; k++) colFactor[k] = colLog is null ? 1 : Math.Exp(colLog[k]);
        for (int j = 0; j < m; j++)
        {
            Gegenbauer.EvaluateOrthonormal(_b, Nodes[j], mant, dmant, logs);
            var src = derivative ? dmant : mant;
            double r = rowScale is null ? 1 : rowScale[j];
            double rl = rowLog is null ? 0 : rowLog[j];
            bool directRow = r >= 1e-250;
            for (int k = 0; k < n; k++)
            {
                double v = src[k];
                if (v == 0) continue;
                double cl = colLog is null ? 0 : colLog[k];
                if (double.IsNegativeInfinity(cl) || double.IsNegativeInfinity(rl)) continue;
                if (directRow && colFactor[k] >= 1e-200 && colFactor[k] <= 1e200)
                    matrix[j * n + k] = Math.ScaleB(v * r * colFactor[k], Gegenbauer.RescaleCount(logs[k]) * Gegenbauer.RescaleBits);
                else
                    matrix[j * n + k] = v * Math.Exp(logs[k] + rl + cl);
            }
        }
        return matrix;
    }

    /// <summary>u(t_j) = Σ_k c_k q_k(t_j) on the grid (zero coefficients are skipped).</summary>
    public void ToNodal(ReadOnlySpan<double> coefficients, Span<double> nodal) => Multiply(_value, coefficients, nodal, skipZero: true);

    /// <summary>ũ_j = √ŵ_j u(t_j): never overflows; Σ_j ũ_j² = Σ_k c_k² (the transform is orthogonal).</summary>
    public void ToScaledNodal(ReadOnlySpan<double> coefficients, Span<double> scaled) => Multiply(_scaledValue, coefficients, scaled, skipZero: false);

    /// <summary>c_k = Σ_j ŵ_j u(t_j) q_k(t_j), k ≤ L (exact for u of degree ≤ 2M−1−L; inverse of <see cref="ToNodal"/>).</summary>
    public void FromNodal(ReadOnlySpan<double> nodal, Span<double> coefficients)
    {
        Span<double> scaled = nodal.Length <= 4096 ? stackalloc double[nodal.Length] : new double[nodal.Length];
        for (int j = 0; j < nodal.Length; j++) scaled[j] = nodal[j] == 0 || _sqrtWeight[j] == 0 ? 0 : nodal[j] * _sqrtWeight[j];
        FromScaledNodal(scaled, coefficients);
    }

    /// <summary>c_k = Σ_j A_jk ũ_j: the inverse (transpose) of <see cref="ToScaledNodal"/>.</summary>
    public void FromScaledNodal(ReadOnlySpan<double> scaled, Span<double> coefficients) => MultiplyTransposed(_scaledValue, scaled, coefficients);

    /// <summary>u(t) = Σ_k c_k q_k(t) at any t ∈ [−1, 1] (recurrence; may overflow only where the value does).</summary>
    public double Evaluate(ReadOnlySpan<double> coefficients, double t)
    {
        int n = StateLength;
        var mant = new double[n];
        var logs = new double[n];
        Gegenbauer.EvaluateOrthonormal(_b, t, mant, default, logs);
        double s = 0;
        for (int k = 0; k < Math.Min(n, coefficients.Length); k++)
            if (coefficients[k] != 0 && mant[k] != 0) s += coefficients[k] * mant[k] * Math.Exp(logs[k]);
        return s;
    }

    /// <summary>Coefficients (degree ≤ L−1, entry L is 0) of ∂_t u, computed exactly by quadrature.</summary>
    public void Derivative(ReadOnlySpan<double> coefficients, Span<double> result)
    {
        var scaled = new double[GridSize];
        Multiply(_scaledDerivative, coefficients, scaled, skipZero: false);
        MultiplyTransposed(_scaledValue, scaled, result);
        result[MaxDegree] = 0;
    }

    /// <summary>
    /// Galerkin projection onto degrees ≤ L of Div h := (1−t²)^{−(d−3)/2} ∂_t[(1−t²)^{(d−1)/2} h] (MATH §9.3, the
    /// divergence of h(t) P_x e), by exact quadrature of the weak form ⟨Div h, q_k⟩ = −∫ (1−t²) h q_k' ŵ dt, for h
    /// given by its coefficients (degree ≤ L). Div ∂_t = Δ_S: applied to <see cref="Derivative"/> it gives −n(n+d−2)c_n.
    /// </summary>
    public void Divergence(ReadOnlySpan<double> hCoefficients, Span<double> result)
    {
        var scaled = new double[GridSize];
        Multiply(_scaledValue, hCoefficients, scaled, skipZero: false);
        for (int j = 0; j < scaled.Length; j++) scaled[j] *= _sqrtOneMinusT2[j];
        MultiplyTransposed(_scaledFlux, scaled, result);
        for (int k = 0; k < result.Length; k++) result[k] = -result[k];
    }

    /// <summary>Δ_S u in coefficients: −n(n+d−2) c_n.</summary>
    public void Laplacian(ReadOnlySpan<double> coefficients, Span<double> result)
    {
        for (int k = 0; k < StateLength; k++) result[k] = LaplacianEigenvalue(k) * coefficients[k];
    }

    /// <summary>MATH §9.3 coefficients g_n = c_n √N_{n,d}/|S^{d−1}| (g = Σ g_n P_n, density w.r.t. σ); can overflow for large d.</summary>
    public void ToGegenbauerCoefficients(ReadOnlySpan<double> coefficients, Span<double> g)
    {
        double logArea = LogSurfaceArea;
        for (int k = 0; k < StateLength; k++)
            g[k] = coefficients[k] == 0 ? 0 : coefficients[k] * Math.Exp(0.5 * _logHarmonicDimension[k] - logArea);
    }

    /// <summary>Inverse of <see cref="ToGegenbauerCoefficients"/>: c_n = g_n |S^{d−1}|/√N_{n,d}.</summary>
    public void FromGegenbauerCoefficients(ReadOnlySpan<double> g, Span<double> coefficients)
    {
        double logArea = LogSurfaceArea;
        coefficients.Clear();
        for (int k = 0; k < Math.Min(StateLength, g.Length); k++)
            coefficients[k] = g[k] == 0 ? 0 : g[k] * Math.Exp(logArea - 0.5 * _logHarmonicDimension[k]);
    }

    /// <summary>y = X c for a row-major M×(L+1) matrix X.</summary>
    internal void Multiply(ReadOnlySpan<double> matrix, ReadOnlySpan<double> c, Span<double> y, bool skipZero)
    {
        int n = StateLength, m = GridSize;
        int count = Math.Min(n, c.Length);
        for (int j = 0; j < m; j++)
        {
            var row = matrix.Slice(j * n, n);
            double s = 0;
            if (skipZero)
            {
                for (int k = 0; k < count; k++) if (c[k] != 0) s += row[k] * c[k];
            }
            else s = Dot(row[..count], c[..count]);
            y[j] = s;
        }
    }

    /// <summary>c = Xᵀ y.</summary>
    internal void MultiplyTransposed(ReadOnlySpan<double> matrix, ReadOnlySpan<double> y, Span<double> c)
    {
        int n = StateLength, m = GridSize;
        c[..n].Clear();
        for (int j = 0; j < m; j++)
        {
            double yj = y[j];
            if (yj == 0) continue;
            var row = matrix.Slice(j * n, n);
            Axpy(yj, row, c[..n]);
        }
    }

    internal static double Dot(ReadOnlySpan<double> a, ReadOnlySpan<double> b)
    {
        int i = 0;
        double s = 0;
        if (System.Numerics.Vector.IsHardwareAccelerated && a.Length >= System.Numerics.Vector<double>.Count)
        {
            int w = System.Numerics.Vector<double>.Count;
            var acc = System.Numerics.Vector<double>.Zero;
            for (; i <= a.Length - w; i += w)
                acc += new System.Numerics.Vector<double>(a[i..]) * new System.Numerics.Vector<double>(b[i..]);
            s = System.Numerics.Vector.Dot(acc, System.Numerics.Vector<double>.One);
        }
        for (; i < a.Length; i++) s += a[i] * b[i];
        return s;
    }

    internal static void Axpy(double a, ReadOnlySpan<double> x, Span<double> y)
    {
        int i = 0;
        if (System.Numerics.Vector.IsHardwareAccelerated)
        {
            int w = System.Numerics.Vector<double>.Count;
            var va = new System.Numerics.Vector<double>(a);
            for (; i <= x.Length - w; i += w)
                (new System.Numerics.Vector<double>(y[i..]) + va * new System.Numerics.Vector<double>(x[i..])).CopyTo(y[i..]);
        }
        for (; i < x.Length; i++) y[i] += a * x[i];
    }
}
