using MeanField.Core;
using System.Globalization;
using MeanField.Core.Noise;
using MeanField.IO.Config;
using MeanField.IO.Output;

namespace MeanField.Runs;

/// <summary>The noise fields of model.common_noise, built once for every solver that shares the path.</summary>
internal static class CommonNoiseFields
{
    /// <summary>
    /// Circle: kind mlp gives the stationary Karhunen–Loève field of the MLP kernel κ at d = 2 truncated at `modes`
    /// (MATH §3.3, circle); kind fields takes the rows [m, a_cos, a_sin] (missing modes are 0).
    /// </summary>
    public static CircleNoiseField Circle(CommonNoiseConfig noise)
    {
        if (noise.Kind == NoiseKind.Mlp)
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
        if (noise.Kind == NoiseKind.Mlp) return SphereNoiseField.FromKernel(Kernel(noise, 3).Kappa, noise.Modes);
        var variances = new double[noise.Amplitudes.Max(row => (int)row[0]) + 1];
        foreach (var row in noise.Amplitudes) variances[(int)row[0]] = row[1];
        return new SphereNoiseField(variances);
    }

    public static MlpNoiseKernel Kernel(CommonNoiseConfig noise, int dimension) => new(noise.Activation, dimension, noise.SigmaU, noise.SigmaW);

    /// <summary>
    /// With common noise every step draws one increment of the path over exactly dt (the path is tied to the step grid),
    /// so output.interval and solver.t_end must be whole multiples of the step: solver.dt for the SPDE, particles.dt
    /// for particles (<paramref name="dtKey"/>).
    /// </summary>
    public static void RequireWholeSteps(RunConfig config, double dt, string dtKey, string configPath)
    {
        foreach (var (key, time) in new[] { ("output.interval", config.Output.Interval), ("solver.t_end", config.Solver.TEnd) })
        {
            double steps = Math.Round(time / dt);
            if (steps < 1 || Math.Abs(steps * dt - time) > 1e-9 * Math.Max(time, dt))
                throw new ConfigException($"{configPath}: {key}: {time.ToString("R", CultureInfo.InvariantCulture)} is not a whole number of steps {dtKey} = {dt.ToString("R", CultureInfo.InvariantCulture)}; with model.common_noise every step draws one increment of the noise path over dt, so output.interval and solver.t_end must be whole multiples of {dtKey}");
        }
    }

    /// <summary>
    /// The root attributes every SPDE run writes (docs/output-format.md, "Common noise"): kind, the MLP parameters
    /// (kind mlp), components, κ_trunc(1), the path (index and step) and the stochastic form of the stepper.
    /// </summary>
    public static void AddAttributes(IDictionary<string, object> attributes, CommonNoiseConfig noise, int components,
        double kappaTrunc, CommonNoisePath path, StepperKind stepper)
    {
        attributes["noise_kind"] = noise.Kind.Name();
        if (noise.Kind == NoiseKind.Mlp)
        {
            attributes["noise_activation"] = MlpActivations.Name(noise.Activation);
            attributes["noise_sigma_u"] = noise.SigmaU;
            attributes["noise_sigma_w"] = noise.SigmaW;
        }
        attributes["noise_components"] = components;
        attributes["noise_kappa_trunc"] = kappaTrunc;
        attributes["noise_path"] = path.Path;
        attributes["noise_dt"] = path.Dt;
        attributes["noise_form"] = stepper == StepperKind.EulerMaruyama ? "ito" : "stratonovich";
    }
}

/// <summary>
/// /tasks/noise_increments of an SPDE run: ΔB summed over the solver steps since the previous write (0 at the first), so
/// their running sum is the path B(t) at each write. Keeps the step of the last write across <c>--resume</c>.
/// </summary>
internal sealed class NoiseIncrementsTask(int components)
{
    public const string Name = "noise_increments";

    private readonly double[] _increments = new double[components];
    private long _lastWriteStep;

    /// <summary>After a restore at solver step <paramref name="steps"/>: the next write sums from there.</summary>
    public void Restore(long steps) => _lastWriteStep = steps;

    /// <summary>The increments since the previous write (zeros at the first), and mark this write.</summary>
    public double[] Next(CommonNoisePath path, long steps)
    {
        if (steps > _lastWriteStep) path.Increments(_lastWriteStep, checked((int)(steps - _lastWriteStep)), _increments);
        else Array.Clear(_increments);
        _lastWriteStep = steps;
        return _increments;
    }
}
