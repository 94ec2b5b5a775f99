using System.Globalization;
using MeanField.IO.Config;
using MeanField.Particles;
using PureHDF;

namespace MeanField.Runs;

/// <summary>
/// config.initial → N×d starting positions. On the circle the laws are the PDE's (same coefficients from the same seed,
/// <see cref="CircleInitialCondition"/>), sampled i.i.d.; see <see cref="ParticleSampling"/> for the seeding scheme. On
/// S² (d = 3), perturbed_uniform, von_mises and harmonics are the S² PDE's laws (same a_l^m from the same seed,
/// <see cref="SphereInitialCondition"/>), sampled i.i.d. by <see cref="SphereSampling"/>. On S^{d−1}, d ≥ 4 (and gegenbauer
/// at d = 3), perturbed_uniform, von_mises and gegenbauer are geometry zonal's laws about the pole e = e_d (same a_n from
/// the same seed, <see cref="ZonalInitialCondition"/>), sampled i.i.d. by <see cref="ZonalSampling"/>.
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
        if (d == 3 && initial.Kind is InitialKind.PerturbedUniform or InitialKind.VonMises or InitialKind.Harmonics)
            return Sphere(config, configPath, n);
        if (d >= 3 && initial.Kind is InitialKind.PerturbedUniform or InitialKind.VonMises or InitialKind.Gegenbauer)
            return Zonal(config, configPath, n);
        switch (initial.Kind)
        {
            case InitialKind.Uniform:
                return ParticleSampling.Uniform(n, d, config.Seed);
            case InitialKind.PerturbedUniform:
            case InitialKind.Fourier:
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
            case InitialKind.VonMises:
                return ParticleSampling.VonMisesMixture(initial.Components.Select(c => new VonMisesLaw(c.Weight, c.Mean, c.Kappa)).ToList(), n, config.Seed);
            case InitialKind.Equiangular:
                return ParticleSampling.Equiangular(n, d, initial.Rho0);
            case InitialKind.FromFile:
                return FromFile(config, configPath);
            default:
                throw new ConfigException($"{configPath}: initial.kind: '{initial.Kind.Name()}' is not a particle law for dimension {d} (allowed: {string.Join(", ", InitialConfig.ParticleKinds(d).Select(k => k.Name()))})");
        }
    }

    /// <summary>
    /// The relative density u = 1 + Σ ε_n P_n^{(d)}(t) of a perturbed_uniform or gegenbauer law (ρ = u/|S^{d−1}|), as (n, ε_n).
    /// perturbed_uniform takes its ε_n = A a_n from <see cref="ZonalInitialCondition"/> itself, so PDE and particles draw
    /// the same a_n: the draw does not depend on d, and reading it back at d = 3 (c_n = ε_n/√(2n+1)) stays in range for
    /// every degree, where N_{n,d} at large d and n would not.
    /// </summary>
    public static (int Degree, double Coefficient)[] ZonalRelativeCoefficients(InitialConfig initial, ulong seed)
    {
        switch (initial.Kind)
        {
            case InitialKind.PerturbedUniform:
                return ZonalInitialCondition.PerturbedModes(initial, seed);
            case InitialKind.Gegenbauer:
                return initial.Coefficients.Select(x => (x.K, x.Re)).ToArray();
            default:
                throw new ArgumentException($"'{initial.Kind.Name()}' is not given by Gegenbauer coefficients.", nameof(initial));
        }
    }

    /// <summary>The S² PDE's law of a d = 3 particle run (perturbed_uniform, von_mises or harmonics).</summary>
    private static double[] Sphere(RunConfig config, string configPath, int n)
    {
        var initial = config.Initial;
        if (initial.Kind == InitialKind.VonMises)
            return SphereSampling.VonMisesFisherMixture(
                initial.Components.Select(c => new SphereVonMisesLaw(c.Weight, c.Direction ?? [0, 0, 1], c.Kappa)).ToList(), n, config.Seed);
        int lmax = initial.Kind == InitialKind.PerturbedUniform ? initial.Modes : initial.Harmonics.Max(h => h.L);
        // The same a_l^m as the PDE: perturbed_uniform draws them from the stream's start, particles from words (i+1)·2³².
        var coefficients = SphereInitialCondition.Coefficients(initial, config.Seed, lmax);
        // Rejection sampling needs ρ ≥ 0; checked on a θ–φ grid fine enough for the highest degree.
        double min = SphereSampling.MinimumDensity(coefficients, lmax, out double theta, out double phi);
        if (min < 0)
        {
            string key = initial.Kind == InitialKind.PerturbedUniform ? "initial.amplitude" : "initial.coefficients";
            throw new ConfigException($"{configPath}: initial: the initial density is negative (ρ = {min:E3} at θ = {theta:G4}, φ = {phi:G4}); reduce {key}");
        }
        return SphereSampling.HarmonicDensity(coefficients, lmax, n, config.Seed);
    }

    private static double[] Zonal(RunConfig config, string configPath, int n)
    {
        var initial = config.Initial;
        int d = config.Dimension;
        if (initial.Kind == InitialKind.VonMises)
            return ZonalSampling.VonMisesFisherMixture(initial.Components.Select(c => new ZonalVonMisesLaw(c.Weight, c.Kappa)).ToList(), n, d, config.Seed);
        var terms = ZonalRelativeCoefficients(initial, config.Seed);
        // Rejection sampling needs ρ ≥ 0; checked on a grid fine enough for the highest degree.
        double min = ZonalSampling.MinimumRelativeDensity(terms, d, out double t);
        if (min < 0)
        {
            string key = initial.Kind == InitialKind.PerturbedUniform ? "initial.amplitude" : "initial.coefficients";
            throw new ConfigException($"{configPath}: initial: the initial density is negative (ρ·|S^{d - 1}| = {min:E3} at t = ⟨x, e⟩ = {t:G4}); reduce {key}");
        }
        return ZonalSampling.GegenbauerDensity(terms, n, d, config.Seed);
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
