using System.Numerics;
using MeanField.IO.Config;
using MeanField.Spectral.Sphere;

namespace MeanField.Runs;

/// <summary>Spherical-harmonic coefficients (layout of <see cref="SphericalHarmonicTransform"/>) of the initial density on S².</summary>
public static class SphereInitialCondition
{
    public static Complex[] Coefficients(InitialConfig initial, ulong seed, int lmax) => initial.Kind switch
    {
        InitialKind.Uniform => SphereInitialLaws.Uniform(lmax),
        // a_n^m = ρ₀ A √(4π/(2n+1)) U e^{iφ} for 1 ≤ n ≤ modes (see SphereInitialLaws.PerturbedUniform).
        InitialKind.PerturbedUniform => SphereInitialLaws.PerturbedUniform(lmax, initial.Modes, initial.Amplitude, seed),
        InitialKind.VonMises => SphereInitialLaws.VonMisesFisherMixture(lmax,
            initial.Components.Select(c => new VonMisesFisherComponent([.. c.Direction ?? [0, 0, 1]], c.Kappa, c.Weight))),
        InitialKind.Harmonics => SphereInitialLaws.Explicit(lmax, initial.Harmonics.Select(h => (h.L, h.M, new Complex(h.Re, h.Im)))),
        _ => throw new ConfigException($"initial.kind: '{initial.Kind.Name()}' is not one of: {string.Join(", ", InitialConfig.SphereKinds.Select(k => k.Name()))}"),
    };
}
