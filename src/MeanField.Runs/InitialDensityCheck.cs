using MeanField.IO.Config;

namespace MeanField.Runs;

/// <summary>The initial density must be resolved and non-negative before a PDE run starts (same rules as during the run).</summary>
internal static class InitialDensityCheck
{
    /// <param name="minRelativeDensity">min ρ divided by the uniform density.</param>
    /// <param name="resolution">How the current resolution reads in the message, e.g. "256" or "lmax 63".</param>
    public static void Require(double spectralTail, double minRelativeDensity, SolverConfig s, string configPath, string resolution)
    {
        if (spectralTail > s.TailTolerance)
            throw new ConfigException($"{configPath}: initial: the initial density is under-resolved (spectral tail {spectralTail:E2} > solver.tail_tolerance {s.TailTolerance:E1}); increase solver.resolution (now {resolution}) or smooth the initial law");
        if (minRelativeDensity < -s.NegativeTolerance)
            throw new ConfigException($"{configPath}: initial: the initial density is negative (min {minRelativeDensity:E3} × uniform); reduce initial.amplitude or the coefficients");
    }
}
