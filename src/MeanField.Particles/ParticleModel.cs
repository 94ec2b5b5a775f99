using MeanField.Core;

namespace MeanField.Particles;

/// <summary>
/// The particle system of MATH §2.1 on S^{d−1}: ẋ_i = P_{x_i}( Σ_j e^{β⟨Q x_i, K x_j⟩} V x_j / Z_i ) with Z_i = Σ_k e^{β⟨Q x_i, K x_k⟩}
/// (SA) or Z_i = N (USA), plus idiosyncratic noise with generator D·Δ_S.
/// </summary>
/// <remarks>
/// Convention: β multiplies the bilinear form, exactly as MATH §2.1 writes it. Without matrices Q = K = V = I (the identity
/// case Qᵀ K = β I); with explicit matrices the exponent is still β⟨Q x, K y⟩, so "β folded into Q and K" (P3's
/// convention) is <c>beta: 1</c> with Q = K = √β_P3·I. Matrices are row-major d×d; null means the identity.
/// </remarks>
public sealed record ParticleModel
{
    public ParticleModel(AttentionKind attention, int dimension, double beta, double diffusion = 0,
        double[]? query = null, double[]? key = null, double[]? value = null)
    {
        if (dimension < 2) throw new ArgumentOutOfRangeException(nameof(dimension), dimension, "dimension must be ≥ 2.");
        if (!(beta > 0) || beta > MeanFieldModel.MaxBeta)
            throw new ArgumentOutOfRangeException(nameof(beta), beta, $"beta must lie in (0, {MeanFieldModel.MaxBeta}].");
        if (!(diffusion >= 0) || !double.IsFinite(diffusion))
            throw new ArgumentOutOfRangeException(nameof(diffusion), diffusion, "diffusion must be finite and ≥ 0.");
        foreach (var (m, name) in new[] { (query, nameof(query)), (key, nameof(key)), (value, nameof(value)) })
            if (m is not null && (m.Length != dimension * dimension || !m.All(double.IsFinite)))
                throw new ArgumentException($"{name} must hold {dimension}×{dimension} finite numbers (row-major).", name);
        Attention = attention;
        Dimension = dimension;
        Manifold = ParticleManifold.For(dimension);
        Beta = beta;
        Diffusion = diffusion;
        Query = IsIdentity(query, dimension) ? null : (double[])query!.Clone();
        Key = IsIdentity(key, dimension) ? null : (double[])key!.Clone();
        Value = IsIdentity(value, dimension) ? null : (double[])value!.Clone();
    }

    public AttentionKind Attention { get; }
    public int Dimension { get; }

    /// <summary>S^{d−1} with what depends on d (retraction, cluster count, spectral sums, per-dimension observables).</summary>
    public ParticleManifold Manifold { get; }
    public double Beta { get; }
    public double Diffusion { get; }
    public double[]? Query { get; }
    public double[]? Key { get; }
    public double[]? Value { get; }

    /// <summary>
    /// s in V = s·V (MATH §5, P3's grid: 1 attractive, 0 attention off, −1 repulsive): every interaction multiplies the
    /// attention velocity by s; the weights e^{β⟨Qx,Ky⟩} and Z are unchanged. Must be finite.
    /// </summary>
    public double AttentionScale
    {
        get => _attentionScale;
        init => _attentionScale = double.IsFinite(value) ? value
            : throw new ArgumentOutOfRangeException(nameof(AttentionScale), value, "attention scale must be finite.");
    }
    private readonly double _attentionScale = 1.0;

    /// <summary>Q = K = V = I (up to the scale s of V): the kernel is zonal, e^{β⟨x,y⟩}, which the spectral summation needs.</summary>
    public bool IsIdentityCase => Query is null && Key is null && Value is null;

    /// <summary>
    /// +1 for V = I, −1 for V = −I (P2's forward-heat case), 0 for any other V. With Q = K = I and V = ±I the kernel is still
    /// zonal and the drift is ± the identity-case drift (Z does not involve V), so the spectral sums apply with a sign.
    /// </summary>
    public int ValueSign => Value is null ? 1 : IsMinusIdentity(Value, Dimension) ? -1 : 0;

    /// <summary>Q = K = I and V = ±I: the spectral summations apply (<see cref="ValueSign"/>).</summary>
    public bool IsSignedIdentityCase => Query is null && Key is null && ValueSign != 0;

    /// <summary>B = β KᵀQ (row-major), so that β⟨Q x, K y⟩ = ⟨B x, y⟩; null in the identity case (B = β I).</summary>
    public double[]? ScoreMatrix()
    {
        if (Query is null && Key is null) return null;
        int d = Dimension;
        var b = new double[d * d];
        for (int r = 0; r < d; r++)
        for (int c = 0; c < d; c++)
        {
            // (KᵀQ)_{rc} = Σ_m K_{mr} Q_{mc}
            double s = 0;
            for (int m = 0; m < d; m++) s += Entry(Key, m, r, d) * Entry(Query, m, c, d);
            b[r * d + c] = Beta * s;
        }
        return b;
    }

    private static double Entry(double[]? matrix, int row, int column, int d) =>
        matrix is null ? (row == column ? 1.0 : 0.0) : matrix[row * d + column];

    private static bool IsMinusIdentity(double[] m, int d)
    {
        for (int r = 0; r < d; r++)
        for (int c = 0; c < d; c++)
            if (m[r * d + c] != (r == c ? -1.0 : 0.0)) return false;
        return true;
    }

    private static bool IsIdentity(double[]? m, int d)
    {
        if (m is null) return true;
        for (int r = 0; r < d; r++)
        for (int c = 0; c < d; c++)
            if (m[r * d + c] != (r == c ? 1.0 : 0.0)) return false;
        return true;
    }
}
