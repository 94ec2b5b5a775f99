namespace MeanField.Core.Noise;

/// <summary>Activations of the random MLP layer whose Gaussian field is the common noise (MATH §2.2, §5).</summary>
public enum MlpActivation { Relu, Gelu, Silu, Sigmoid, Tanh, Erf, Identity }

public static class MlpActivations
{
    public static readonly IReadOnlyList<string> Names = ["relu", "gelu", "silu", "sigmoid", "tanh", "erf", "identity"];

    public static MlpActivation Parse(string name) => name switch
    {
        "relu" => MlpActivation.Relu,
        "gelu" => MlpActivation.Gelu,
        "silu" => MlpActivation.Silu,
        "sigmoid" => MlpActivation.Sigmoid,
        "tanh" => MlpActivation.Tanh,
        "erf" => MlpActivation.Erf,
        "identity" => MlpActivation.Identity,
        _ => throw new ArgumentException($"unknown activation '{name}'; allowed: {string.Join(", ", Names)}"),
    };

    public static string Name(this MlpActivation a) => Names[(int)a];

    public static double Value(this MlpActivation a, double x) => a switch
    {
        MlpActivation.Relu => Math.Max(x, 0),
        MlpActivation.Gelu => x * NormalCdf(x),
        MlpActivation.Silu => x / (1 + Math.Exp(-x)),
        MlpActivation.Sigmoid => 1 / (1 + Math.Exp(-x)),
        MlpActivation.Tanh => Math.Tanh(x),
        MlpActivation.Erf => MathNet.Numerics.SpecialFunctions.Erf(x),
        _ => x,
    };

    public static double Derivative(this MlpActivation a, double x)
    {
        switch (a)
        {
            case MlpActivation.Relu: return x > 0 ? 1 : 0;
            case MlpActivation.Gelu: return NormalCdf(x) + x * Math.Exp(-0.5 * x * x) / Math.Sqrt(2 * Math.PI);
            case MlpActivation.Silu:
            {
                double s = 1 / (1 + Math.Exp(-x));
                return s * (1 + x * (1 - s));
            }
            case MlpActivation.Sigmoid:
            {
                double s = 1 / (1 + Math.Exp(-x));
                return s * (1 - s);
            }
            case MlpActivation.Tanh:
            {
                double t = Math.Tanh(x);
                return 1 - t * t;
            }
            case MlpActivation.Erf: return 2 / Math.Sqrt(Math.PI) * Math.Exp(-x * x);
            default: return 1;
        }
    }

    private static double NormalCdf(double x) => 0.5 * MathNet.Numerics.SpecialFunctions.Erfc(-x / Math.Sqrt(2));
}
