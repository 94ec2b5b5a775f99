using System.Text.RegularExpressions;

namespace MeanField.Core;

// Closed choices that both the config (MeanField.IO) and the solvers (MeanField.Spectral) name: the solvers take these
// enums, so no scheme or backend is ever passed as a string.

/// <summary>
/// rk4 and dopri5 are deterministic; the others need common noise: heun (Stratonovich), euler_maruyama (Itô), and the
/// implicit transport-noise splittings midpoint_splitting and gauss_splitting (Stratonovich, stable at any wavenumber).
/// </summary>
public enum StepperKind { Rk4, Dopri5, Heun, EulerMaruyama, MidpointSplitting, GaussSplitting }

/// <summary>Which steppers are deterministic and which integrate common noise: said once for the config and the solvers.</summary>
public static class StepperKinds
{
    public static IReadOnlyList<StepperKind> Deterministic { get; } = [StepperKind.Rk4, StepperKind.Dopri5];

    public static IReadOnlyList<StepperKind> Stochastic { get; } = [StepperKind.Heun, StepperKind.EulerMaruyama, StepperKind.MidpointSplitting, StepperKind.GaussSplitting];

    public static bool IsStochastic(this StepperKind kind) => !Deterministic.Contains(kind);
}

/// <summary>The real-FFT backend: FFTW when it loads (auto), FFTW or fail (fftw), or the managed FFT (managed).</summary>
public enum FftChoice { Auto, Fftw, Managed }

/// <summary>The snake_case names of closed choices, as config files, /config and messages spell them.</summary>
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
