namespace MeanField.Steady;

/// <summary>The parameter a branch is followed in.</summary>
public enum ContinuationParameter
{
    /// <summary>model.diffusion: D of the generator D·Δ_S (D = 1/κ_R, MATH §3.4).</summary>
    Diffusion,

    /// <summary>Mun–Rosenzweig's coupling K = 1/(2D) (MATH §7: κ_R = 2K).</summary>
    Coupling,
}

/// <summary>The map p ↦ D(p) and its derivative.</summary>
public static class ContinuationParameters
{
    public static double Diffusion(this ContinuationParameter parameter, double value) => parameter switch
    {
        ContinuationParameter.Diffusion => value,
        ContinuationParameter.Coupling => 1 / (2 * value),
        _ => throw new ArgumentOutOfRangeException(nameof(parameter), parameter, null),
    };

    /// <summary>dD/dp at p.</summary>
    public static double DiffusionDerivative(this ContinuationParameter parameter, double value) => parameter switch
    {
        ContinuationParameter.Diffusion => 1,
        ContinuationParameter.Coupling => -1 / (2 * value * value),
        _ => throw new ArgumentOutOfRangeException(nameof(parameter), parameter, null),
    };

    /// <summary>p for a diffusion D.</summary>
    public static double FromDiffusion(this ContinuationParameter parameter, double diffusion) => parameter switch
    {
        ContinuationParameter.Diffusion => diffusion,
        ContinuationParameter.Coupling => 1 / (2 * diffusion),
        _ => throw new ArgumentOutOfRangeException(nameof(parameter), parameter, null),
    };

    /// <summary>The name used on the command line and in files: model.diffusion or coupling.</summary>
    public static string Key(this ContinuationParameter parameter) => parameter switch
    {
        ContinuationParameter.Diffusion => "model.diffusion",
        ContinuationParameter.Coupling => "coupling",
        _ => throw new ArgumentOutOfRangeException(nameof(parameter), parameter, null),
    };

    /// <summary>Parses a key of <see cref="Key"/> (also "K" and "diffusion"); null if unknown.</summary>
    public static ContinuationParameter? Parse(string key) => key switch
    {
        "model.diffusion" or "diffusion" or "D" => ContinuationParameter.Diffusion,
        "coupling" or "K" or "model.coupling" => ContinuationParameter.Coupling,
        _ => null,
    };
}
