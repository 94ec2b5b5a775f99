namespace MeanField.Core;

/// <summary>
/// The identity-case self-attention model (Qᵀ K = β I, V = I) with optional idiosyncratic noise of strength D
/// (generator D·Δ_S, i.e. D = 1/κ_R in MATH §3.4). Immutable; validated on construction.
/// </summary>
public sealed record MeanFieldModel
{
    /// <summary>Largest β accepted: e^β must stay finite in double precision (USA rates and the energy scale like e^β).</summary>
    public const double MaxBeta = 700;

    /// <summary>β's domain, stated once for the model, the config and every experiment: (0, <see cref="MaxBeta"/>].</summary>
    public static bool IsValidBeta(double beta) => beta > 0 && beta <= MaxBeta;

    /// <summary>The rule of <see cref="IsValidBeta"/> in words, for error messages.</summary>
    public static string BetaRule => $"must lie in (0, {MaxBeta}] (e^beta must be finite in double precision)";

    public MeanFieldModel(AttentionKind attention, double beta, double diffusion = 0)
    {
        if (!IsValidBeta(beta)) throw new ArgumentOutOfRangeException(nameof(beta), beta, $"beta {BetaRule}.");
        if (!(diffusion >= 0) || !double.IsFinite(diffusion))
            throw new ArgumentOutOfRangeException(nameof(diffusion), diffusion, "diffusion must be finite and ≥ 0.");
        Attention = attention;
        Beta = beta;
        Diffusion = diffusion;
    }

    /// <summary>
    /// s in V = s·I: the attention velocity is multiplied by s (1 attractive, 0 off, −1 repulsive, as in P3's
    /// experiments; s = −1 is P2's V = −I forward-heat case). Must be finite.
    /// </summary>
    public double AttentionScale
    {
        get => _attentionScale;
        init => _attentionScale = double.IsFinite(value) ? value
            : throw new ArgumentOutOfRangeException(nameof(AttentionScale), value, "attention scale must be finite.");
    }
    private readonly double _attentionScale = 1.0;

    public AttentionKind Attention { get; }
    public double Beta { get; }
    public double Diffusion { get; }
}
