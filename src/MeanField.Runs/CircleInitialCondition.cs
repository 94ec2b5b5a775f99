using System.Numerics;
using MeanField.Core;
using MeanField.Core.Random;
using MeanField.IO.Config;

namespace MeanField.Runs;

/// <summary>
/// Fourier coefficients f̂_0..f̂_m of the initial density on S^1 (density w.r.t. dθ, ∫f = 1, f̂_0 = 1/2π).
/// Every law is specified exactly in Fourier space, so no quadrature error enters at t = 0.
/// </summary>
public static class CircleInitialCondition
{
    public static Complex[] Coefficients(InitialConfig initial, ulong seed, int maxWavenumber)
    {
        const double f0 = 1 / (2 * Math.PI);
        switch (initial.Kind)
        {
            case InitialKind.Uniform:
                return [f0];
            case InitialKind.PerturbedUniform:
            {
                // ρ = (1/2π)(1 + A Σ_{k=1}^{modes} a_k cos(kθ + φ_k)), a_k ~ U[0,1), φ_k ~ U[0,2π), drawn in this order.
                var rng = new RandomStream(seed, RandomStreams.InitialCondition);
                var c = new Complex[initial.Modes + 1];
                c[0] = f0;
                for (int k = 1; k <= initial.Modes; k++)
                {
                    double a = rng.NextDouble(), phase = 2 * Math.PI * rng.NextDouble();
                    c[k] = f0 * 0.5 * initial.Amplitude * a * Complex.FromPolarCoordinates(1, phase);
                }
                return c;
            }
            case InitialKind.VonMises:
            {
                // e^{κ cos(θ−μ)}/(2π I_0(κ)) has f̂_k = (I_k(κ)/I_0(κ)) e^{−ikμ}/(2π): ratios of scaled Bessel functions.
                var c = new Complex[maxWavenumber + 1];
                foreach (var v in initial.Components)
                {
                    if (v.Kappa == 0) { c[0] += v.Weight * f0; continue; }
                    var iv = Bessel.ScaledIArray(maxWavenumber + 1, 0, v.Kappa);
                    for (int k = 0; k <= maxWavenumber; k++)
                        c[k] += v.Weight * f0 * iv[k] / iv[0] * Complex.FromPolarCoordinates(1, -k * v.Mean);
                }
                return c;
            }
            case InitialKind.Fourier:
            {
                var c = new Complex[initial.Coefficients.Max(x => x.K) + 1];
                c[0] = f0;
                foreach (var x in initial.Coefficients) c[x.K] = f0 * new Complex(x.Re, x.Im);
                return c;
            }
            default:
                throw new ConfigException($"initial.kind: '{initial.Kind.Name()}' is not a circle law (allowed: {string.Join(", ", InitialConfig.CircleKinds.Select(k => k.Name()))})");
        }
    }
}
