using System.Globalization;
using MeanField.IO.Config;
using MeanField.Particles;
using PureHDF;

namespace MeanField.Runs;

/// <summary>
/// config.initial → N×d starting positions. On the circle the laws are the PDE's (same coefficients from the same seed,
/// <see cref="CircleInitialCondition"/>), sampled i.i.d.; see <see cref="ParticleSampling"/> for the seeding scheme.
/// </summary>
public static class ParticleInitialPositions
{
    public const int DefaultCount = 1000;

    /// <summary>Positions (row-major N×d), with N = particles.count, or the file's row count for from_file.</summary>
    public static double[] Create(RunConfig config, string configPath)
    {
        var initial = config.Initial;
        int d = config.Dimension;
        int n = config.Particles.Count ?? DefaultCount;
        switch (initial.Kind)
        {
            case "uniform":
                return ParticleSampling.Uniform(n, d, config.Seed);
            case "perturbed_uniform":
            case "fourier":
            {
                int kmax = (config.Solver.Resolution - 1) / 3;
                var coefficients = CircleInitialCondition.Coefficients(initial, config.Seed, kmax);
                // Rejection sampling needs ρ ≥ 0; check on a grid fine enough for the highest wavenumber.
                int grid = 16 * coefficients.Length + 64;
                for (int j = 0; j < grid; j++)
                {
                    double f = ParticleSampling.CircleDensityAt(coefficients, 2 * Math.PI * j / grid);
                    if (f < 0)
                        throw new ConfigException($"{configPath}: initial: the initial density is negative (ρ({2 * Math.PI * j / grid:G4}) = {f:E3}); reduce initial.amplitude or the fourier coefficients");
                }
                return ParticleSampling.CircleDensity(coefficients, n, config.Seed);
            }
            case "von_mises":
                return ParticleSampling.VonMisesMixture(initial.Components.Select(c => new VonMisesLaw(c.Weight, c.Mean, c.Kappa)).ToList(), n, config.Seed);
            case "equiangular":
                return ParticleSampling.Equiangular(n, d, initial.Rho0);
            case "from_file":
                return FromFile(config, configPath);
            default:
                throw new ConfigException($"{configPath}: initial.kind: '{initial.Kind}' is not one of: {string.Join(", ", InitialConfig.Kinds)}");
        }
    }

    /// <summary>
    /// initial.dataset of initial.file: N×d, or writes×N×d (a MeanField /tasks/positions, whose last write is used). Rows must
    /// have unit norm to 1e-6 (a wrong dataset is an error, not something to normalise away); they are then normalised exactly.
    /// </summary>
    private static double[] FromFile(RunConfig config, string configPath)
    {
        var initial = config.Initial;
        int d = config.Dimension;
        string where = $"{configPath}: initial.file '{initial.File}', dataset '{initial.Dataset}'";
        ulong[] dims;
        double[] values;
        try
        {
            using var file = H5File.OpenRead(initial.File);
            var dataset = file.Dataset(initial.Dataset);
            dims = dataset.Space.Dimensions;
            values = dataset.Read<double[]>();
        }
        catch (Exception e) when (e is not ConfigException)
        {
            throw new ConfigException($"{where}: cannot read it as float64 positions: {e.Message}");
        }
        if (dims.Length is not (2 or 3) || dims[^1] != (ulong)d || dims.Any(x => x == 0))
            throw new ConfigException($"{where}: shape [{string.Join(", ", dims)}]; expected N×{d} or writes×N×{d} (dimension is {d})");
        int n = (int)dims[^2];
        if (config.Particles.Count is int count && count != n)
            throw new ConfigException($"{where}: holds {n} positions but particles.count is {count}; remove particles.count or make them agree");
        long offset = values.LongLength - (long)n * d;   // the last write of a writes×N×d dataset
        var x = new double[n * d];
        for (int i = 0; i < n; i++)
        {
            double norm2 = 0;
            for (int c = 0; c < d; c++)
            {
                double v = values[offset + i * d + c];
                x[i * d + c] = v;
                norm2 += v * v;
            }
            double norm = Math.Sqrt(norm2);
            if (!(Math.Abs(norm - 1) <= 1e-6))
                throw new ConfigException($"{where}: row {i} has norm {norm.ToString("R", CultureInfo.InvariantCulture)}; positions must be unit vectors (to 1e-6)");
            for (int c = 0; c < d; c++) x[i * d + c] /= norm;
        }
        return x;
    }
}
