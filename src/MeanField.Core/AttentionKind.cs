namespace MeanField.Core;

/// <summary>Attention normalisation (MATH §2.1).</summary>
public enum AttentionKind
{
    /// <summary>Self-attention: softmax weights normalised by Z_{β,i}.</summary>
    SA,

    /// <summary>Unnormalised self-attention: weights e^{β⟨x_i,x_j⟩}/N.</summary>
    USA,
}
