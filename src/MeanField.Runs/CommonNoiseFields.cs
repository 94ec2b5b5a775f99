using MeanField.Core.Noise;
using MeanField.IO.Config;

namespace MeanField.Runs;

/// <summary>The noise fields of model.common_noise, built once for every solver that shares the path.</summary>
public static class CommonNoiseFields
{
    /// <summary>
    /// Circle: kind mlp gives the stationary Karhunen–Loève field of the MLP kernel κ at d = 2 truncated at `modes`
    /// (MATH §3.3, circle); kind fields takes the rows [m, a_cos, a_sin] (missing modes are 0).
    /// </summary>
    public static CircleNoiseField Circle(CommonNoiseConfig noise)
    {
        if (noise.Kind == "mlp")
            return CircleNoiseField.FromKernel(Kernel(noise, 2).Kappa, noise.Modes);
        int maxMode = noise.Amplitudes.Max(row => (int)row[0]);
        var cos = new double[maxMode + 1];
        var sin = new double[maxMode + 1];
        foreach (var row in noise.Amplitudes)
        {
            cos[(int)row[0]] = row[1];
            sin[(int)row[0]] = row[2];
        }
        return new CircleNoiseField(cos, sin);
    }

    /// <summary>S²: kind mlp gives C_n of the MLP kernel at d = 3 up to degree `modes`; kind fields takes the rows [n, C_n].</summary>
    public static SphereNoiseField Sphere(CommonNoiseConfig noise)
    {
        if (noise.Kind == "mlp") return SphereNoiseField.FromKernel(Kernel(noise, 3).Kappa, noise.Modes);
        var variances = new double[noise.Amplitudes.Max(row => (int)row[0]) + 1];
        foreach (var row in noise.Amplitudes) variances[(int)row[0]] = row[1];
        return new SphereNoiseField(variances);
    }

    public static MlpNoiseKernel Kernel(CommonNoiseConfig noise, int dimension) => new(noise.Activation, dimension, noise.SigmaU, noise.SigmaW);
}
