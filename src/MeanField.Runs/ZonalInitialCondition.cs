using MeanField.Core.Random;
using MeanField.IO.Config;
using MeanField.Spectral.Zonal;

namespace MeanField.Runs;

/// <summary>
/// Orthonormal Gegenbauer coefficients of the initial zonal density (state layout of <see cref="ZonalSpectralSolver"/>).
/// Every law is relative to the uniform density 1/|S^{d−1}|: ρ = (1/|S^{d−1}|)(1 + Σ_n c_n P_n^{(d)}(t)), t = ⟨x, e⟩.
/// </summary>
public static class ZonalInitialCondition
{
    /// <summary>
    /// perturbed_uniform: ρ = (1/|S^{d−1}|)(1 + A Σ_{n=1}^{modes} a_n P_n^{(d)}(t)), a_n ~ U[−1, 1) drawn in order from the
    /// initial-condition stream. P_n(1) = 1, so A a_n is the relative perturbation at the pole (at large d the bulk,
    /// t ~ d^{−1/2}, sees ~ t^n of it). The draw does not depend on d: the PDE and the particle sampler use these same terms.
    /// </summary>
    public static (int Degree, double Amplitude)[] PerturbedModes(InitialConfig initial, ulong seed)
    {
        var rng = new RandomStream(seed, RandomStreams.InitialCondition);
        return Enumerable.Range(1, initial.Modes).Select(n => (n, initial.Amplitude * (2 * rng.NextDouble() - 1))).ToArray();
    }

    public static double[] Coefficients(InitialConfig initial, ulong seed, int dimension, int maxDegree)
    {
        switch (initial.Kind)
        {
            case InitialKind.Uniform:
                return ZonalInitialLaws.Uniform(maxDegree);
            case InitialKind.PerturbedUniform:
                return ZonalInitialLaws.Perturbed(dimension, maxDegree, PerturbedModes(initial, seed));
            case InitialKind.VonMises:
            {
                // Mixture of zonal von Mises–Fisher laws ∝ e^{κ t}: coefficients are linear in the law.
                var c = new double[maxDegree + 1];
                foreach (var v in initial.Components)
                {
                    var component = ZonalInitialLaws.VonMisesFisher(dimension, maxDegree, v.Kappa);
                    for (int n = 0; n <= maxDegree; n++) c[n] += v.Weight * component[n];
                }
                return c;
            }
            case InitialKind.Gegenbauer:
                return ZonalInitialLaws.Perturbed(dimension, maxDegree, initial.Coefficients.Select(x => (x.K, x.Re)));
            default:
                throw new ConfigException($"initial.kind: '{initial.Kind.Name()}' is not one of: {string.Join(", ", InitialConfig.ZonalKinds.Select(k => k.Name()))}");
        }
    }
}
