using System.Text.RegularExpressions;

namespace MeanField.IO.Config;

// The closed choices of a run config. Each value's YAML name is its snake_case name (EulerMaruyama ↔ euler_maruyama),
// given once by YamlNames, so the reader, the /config writer and the messages cannot spell a kind differently.

public enum GeometryKind { Circle, Sphere, Zonal }

public enum SolverKind { Spectral, Particles, Both }

/// <summary>
/// rk4 and dopri5 are deterministic; the others need common noise: heun (Stratonovich), euler_maruyama (Itô), and the
/// implicit transport-noise splittings midpoint_splitting and gauss_splitting (Stratonovich, stable at any wavenumber).
/// </summary>
public enum StepperKind { Rk4, Dopri5, Heun, EulerMaruyama, MidpointSplitting, GaussSplitting }

public enum UnderresolvedAction { Stop, Warn }

public enum FftChoice { Auto, Fftw, Managed }

public enum IntegratorKind { Rk4, Heun, Layer }

public enum InteractionKind { Auto, Dense, Spectral }

public enum NoiseKind { Mlp, Fields }

public enum NoiseSampler { Harmonic, Mlp }

public enum InitialKind { Uniform, PerturbedUniform, VonMises, Fourier, Gegenbauer, Harmonics, Equiangular, FromFile }

/// <summary>The YAML names of the config's enums.</summary>
public static partial class YamlNames
{
    [GeneratedRegex("(?<=[a-z0-9])(?=[A-Z])")]
    private static partial Regex WordBoundary();

    public static string Name<T>(this T value) where T : struct, Enum => WordBoundary().Replace(value.ToString(), "_").ToLowerInvariant();

    public static IReadOnlyList<string> All<T>() where T : struct, Enum => Enum.GetValues<T>().Select(v => v.Name()).ToArray();

    public static bool TryParse<T>(string text, out T value) where T : struct, Enum
    {
        foreach (var v in Enum.GetValues<T>())
            if (v.Name() == text) { value = v; return true; }
        value = default;
        return false;
    }
}
