namespace MeanField.Core;

/// <summary>How each system's query and key matrices are drawn (particles.random_matrices.query_key).</summary>
public enum RandomQueryKeyLaw
{
    /// <summary>Q = s·G_Q/d^{1/4}, K = s·G_K/d^{1/4}, G i.i.d. N(0, 1): QᵀK = s² G_QᵀG_K/√d, the rotf code's randomKQ = 1.</summary>
    Gaussian,

    /// <summary>Q = I, K = s·(G + Gᵀ)/√2 (GOE: off-diagonal variance s², diagonal 2s²), the rotf code's randomKQ = 3.</summary>
    Goe,
}

/// <summary>How each system's value matrix is drawn (particles.random_matrices.value).</summary>
public enum RandomValueLaw
{
    /// <summary>V = I.</summary>
    Identity,

    /// <summary>V = s·G/√d, entries i.i.d. N(0, s²/d).</summary>
    Gaussian,

    /// <summary>V = s·(G + Gᵀ)/√(2d): off-diagonal variance s²/d, diagonal 2s²/d, spectrum ≈ [−2s, 2s].</summary>
    Goe,

    /// <summary>V = s·G Gᵀ/√d (positive semi-definite), the rotf code's randomV = 1.</summary>
    Wishart,
}

/// <summary>
/// Random Q, K, V per system (particles.random_matrices), drawn from the system's seed; with <see cref="Redraw"/> new
/// ones every step (a transformer whose layers have independent weights).
/// </summary>
public sealed record RandomMatrixModel(RandomQueryKeyLaw QueryKey, RandomValueLaw Value, double Scale, bool Redraw);
