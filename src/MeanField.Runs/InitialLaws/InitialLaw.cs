using System.Globalization;
using System.Numerics;
using MeanField.Core;
using MeanField.Core.Random;
using MeanField.IO.Config;
using MeanField.Particles;
using MeanField.Spectral.Sphere;
using MeanField.Spectral.Zonal;
using PureHDF;

namespace MeanField.Runs.InitialLaws;

/// <summary>
/// An initial law of a run: one closed hierarchy, one record per initial.kind. Each law gives the PDE's coefficients in
/// each geometry's basis (Fourier on S¹, spherical harmonics on S², orthonormal zonal Gegenbauer on S^{d−1}) and i.i.d.
/// particle positions on S^{d−1}, from the same seed, so PDE and particles start from the same law. A law that has no
/// meaning in a basis throws the config error naming the kinds that do. Random parameters of a law (perturbed_uniform)
/// are drawn from words 0.. of the stream (seed, <see cref="RandomStreams.InitialCondition"/>); particle i samples from
/// words (i+1)·2³² of the same stream (<see cref="ParticleSampling"/>). It lives in Runs because it needs both the
/// spectral bases (Spectral) and the samplers (Particles); config → law is <see cref="InitialLawMapping"/>.
/// </summary>
public abstract record InitialLaw(ulong Seed)
{
    public abstract InitialKind Kind { get; }

    /// <summary>f̂_0..f̂_m of the density on S¹ (w.r.t. dθ, f̂_0 = 1/2π); laws given exactly in Fourier space need fewer.</summary>
    public virtual Complex[] CircleCoefficients(int maxWavenumber) =>
        throw new ConfigException($"initial.kind: '{Kind.Name()}' is not a circle law (allowed: {Names(InitialConfig.CircleKinds)})");

    /// <summary>a_l^m (layout of <see cref="SphericalHarmonicTransform"/>) of the density on S², l ≤ lmax.</summary>
    public virtual Complex[] SphereCoefficients(int lmax) =>
        throw new ConfigException($"initial.kind: '{Kind.Name()}' is not one of: {Names(InitialConfig.SphereKinds)}");

    /// <summary>Orthonormal Gegenbauer coefficients (state layout of <see cref="ZonalSpectralSolver"/>) on S^{d−1}.</summary>
    public virtual double[] ZonalCoefficients(int dimension, int maxDegree) =>
        throw new ConfigException($"initial.kind: '{Kind.Name()}' is not one of: {Names(InitialConfig.ZonalKinds)}");

    /// <summary>
    /// Row-major count×d positions on S^{d−1} (d = 2: the circle law; d = 3: the S² law; d ≥ 4: the zonal law about
    /// e_d). <paramref name="configPath"/> prefixes config errors (a negative density, an unreadable file).
    /// </summary>
    public virtual double[] Sample(int count, int d, string configPath) =>
        throw new ConfigException($"{configPath}: initial.kind: '{Kind.Name()}' is not a particle law for dimension {d} (allowed: {Names(InitialConfig.ParticleKinds(d))})");

    /// <summary>N for <see cref="Sample"/>: particles.count, or the law's own count (from_file) when that is unset.</summary>
    public virtual int ParticleCount(int? configured) => configured ?? DefaultParticleCount;

    public const int DefaultParticleCount = 1000;

    private protected const double CircleUniform = 1 / (2 * Math.PI);

    private protected static string Names(IEnumerable<InitialKind> kinds) => string.Join(", ", kinds.Select(k => k.Name()));

    /// <summary>i.i.d. samples of a circle density given by Fourier coefficients, after checking ρ ≥ 0 on a grid.</summary>
    private protected static double[] SampleCircleDensity(Complex[] coefficients, int count, ulong seed, string configPath, string key)
    {
        // Rejection sampling needs ρ ≥ 0; check on a grid fine enough for the highest wavenumber.
        int grid = 16 * coefficients.Length + 64;
        for (int j = 0; j < grid; j++)
        {
            double f = ParticleSampling.CircleDensityAt(coefficients, 2 * Math.PI * j / grid);
            if (f < 0)
                throw new ConfigException($"{configPath}: initial: the initial density is negative (ρ({2 * Math.PI * j / grid:G4}) = {f:E3}); reduce {key}");
        }
        return ParticleSampling.CircleDensity(coefficients, count, seed);
    }

    /// <summary>i.i.d. samples of an S² density given by a_l^m, after checking ρ ≥ 0 on a θ–φ grid.</summary>
    private protected static double[] SampleSphereDensity(Complex[] coefficients, int lmax, int count, ulong seed, string configPath, string key)
    {
        double min = SphereSampling.MinimumDensity(coefficients, lmax, out double theta, out double phi);
        if (min < 0)
            throw new ConfigException($"{configPath}: initial: the initial density is negative (ρ = {min:E3} at θ = {theta:G4}, φ = {phi:G4}); reduce {key}");
        return SphereSampling.HarmonicDensity(coefficients, lmax, count, seed);
    }

    /// <summary>i.i.d. samples of u = 1 + Σ ε_n P_n^{(d)}(t) about e_d, after checking u ≥ 0 on a grid.</summary>
    private protected static double[] SampleZonalDensity((int Degree, double Coefficient)[] terms, int count, int d, ulong seed, string configPath, string key)
    {
        double min = ZonalSampling.MinimumRelativeDensity(terms, d, out double t);
        if (min < 0)
            throw new ConfigException($"{configPath}: initial: the initial density is negative (ρ·|S^{d - 1}| = {min:E3} at t = ⟨x, e⟩ = {t:G4}); reduce {key}");
        return ZonalSampling.GegenbauerDensity(terms, count, d, seed);
    }
}

/// <summary>uniform: σ/|S^{d−1}|.</summary>
internal sealed record UniformLaw(ulong Seed) : InitialLaw(Seed)
{
    public override InitialKind Kind => InitialKind.Uniform;
    public override Complex[] CircleCoefficients(int maxWavenumber) => [CircleUniform];
    public override Complex[] SphereCoefficients(int lmax) => SphereInitialLaws.Uniform(lmax);
    public override double[] ZonalCoefficients(int dimension, int maxDegree) => ZonalInitialLaws.Uniform(maxDegree);
    public override double[] Sample(int count, int d, string configPath) => ParticleSampling.Uniform(count, d, Seed);
}

/// <summary>
/// perturbed_uniform: the uniform density times 1 + A·(random low modes, 1..modes), drawn from words 0.. of the
/// initial-condition stream. S¹: ρ = (1/2π)(1 + A Σ a_k cos(kθ + φ_k)), a_k ~ U[0,1), φ_k ~ U[0,2π) in this order.
/// S²: see <see cref="SphereInitialLaws.PerturbedUniform"/>. S^{d−1}: u = 1 + A Σ a_n P_n^{(d)}(t), a_n ~ U[−1, 1)
/// (<see cref="ZonalModes"/>; the draw does not depend on d, so PDE and particles use the same terms).
/// </summary>
public sealed record PerturbedUniformLaw(double Amplitude, int Modes, ulong Seed) : InitialLaw(Seed)
{
    public override InitialKind Kind => InitialKind.PerturbedUniform;

    public override Complex[] CircleCoefficients(int maxWavenumber)
    {
        var rng = new RandomStream(Seed, RandomStreams.InitialCondition);
        var c = new Complex[Modes + 1];
        c[0] = CircleUniform;
        for (int k = 1; k <= Modes; k++)
        {
            double a = rng.NextDouble(), phase = 2 * Math.PI * rng.NextDouble();
            c[k] = CircleUniform * 0.5 * Amplitude * a * Complex.FromPolarCoordinates(1, phase);
        }
        return c;
    }

    // a_n^m = ρ₀ A √(4π/(2n+1)) U e^{iφ} for 1 ≤ n ≤ modes (see SphereInitialLaws.PerturbedUniform).
    public override Complex[] SphereCoefficients(int lmax) => SphereInitialLaws.PerturbedUniform(lmax, Modes, Amplitude, Seed);

    public override double[] ZonalCoefficients(int dimension, int maxDegree) => ZonalInitialLaws.Perturbed(dimension, maxDegree, ZonalModes());

    /// <summary>
    /// (n, A a_n), a_n ~ U[−1, 1) drawn in order. P_n(1) = 1, so A a_n is the relative perturbation at the pole (at large d
    /// the bulk, t ~ d^{−1/2}, sees ~ t^n of it). Read back at d = 3 (c_n = ε_n/√(2n+1)) it stays in range for every degree,
    /// where N_{n,d} at large d and n would not.
    /// </summary>
    public (int Degree, double Coefficient)[] ZonalModes()
    {
        var rng = new RandomStream(Seed, RandomStreams.InitialCondition);
        return Enumerable.Range(1, Modes).Select(n => (n, Amplitude * (2 * rng.NextDouble() - 1))).ToArray();
    }

    public override double[] Sample(int count, int d, string configPath) => d switch
    {
        2 => SampleCircleDensity(CircleCoefficients(Modes), count, Seed, configPath, "initial.amplitude or the fourier coefficients"),
        // The same a_l^m as the PDE: drawn from the stream's start, particles from words (i+1)·2³².
        3 => SampleSphereDensity(SphereCoefficients(Modes), Modes, count, Seed, configPath, "initial.amplitude"),
        _ => SampleZonalDensity(ZonalModes(), count, d, Seed, configPath, "initial.amplitude"),
    };
}

/// <summary>
/// von_mises: a mixture Σ w_j of von Mises(–Fisher) laws ∝ e^{κ_j⟨μ_j, x⟩}. S¹: mean angle μ_j, f̂_k = (I_k(κ)/I_0(κ))
/// e^{−ikμ}/(2π). S²: mean direction (default e_3). S^{d−1}, d ≥ 4, and the zonal basis: about the pole e_d (κ &lt; 0
/// centres at −e_d).
/// </summary>
internal sealed record VonMisesMixtureLaw(IReadOnlyList<VonMisesComponent> Components, ulong Seed) : InitialLaw(Seed)
{
    public override InitialKind Kind => InitialKind.VonMises;

    public override Complex[] CircleCoefficients(int maxWavenumber)
    {
        // Ratios of scaled Bessel functions.
        var c = new Complex[maxWavenumber + 1];
        foreach (var v in Components)
        {
            if (v.Kappa == 0) { c[0] += v.Weight * CircleUniform; continue; }
            var iv = Bessel.ScaledIArray(maxWavenumber + 1, 0, v.Kappa);
            for (int k = 0; k <= maxWavenumber; k++)
                c[k] += v.Weight * CircleUniform * iv[k] / iv[0] * Complex.FromPolarCoordinates(1, -k * v.Mean);
        }
        return c;
    }

    public override Complex[] SphereCoefficients(int lmax) =>
        SphereInitialLaws.VonMisesFisherMixture(lmax, Components.Select(c => new VonMisesFisherComponent([.. c.Direction ?? [0, 0, 1]], c.Kappa, c.Weight)));

    public override double[] ZonalCoefficients(int dimension, int maxDegree)
    {
        // Coefficients are linear in the law.
        var c = new double[maxDegree + 1];
        foreach (var v in Components)
        {
            var component = ZonalInitialLaws.VonMisesFisher(dimension, maxDegree, v.Kappa);
            for (int n = 0; n <= maxDegree; n++) c[n] += v.Weight * component[n];
        }
        return c;
    }

    public override double[] Sample(int count, int d, string configPath) => d switch
    {
        2 => ParticleSampling.VonMisesMixture(Components.Select(c => new MeanField.Particles.VonMisesLaw(c.Weight, c.Mean, c.Kappa)).ToList(), count, Seed),
        3 => SphereSampling.VonMisesFisherMixture(Components.Select(c => new SphereVonMisesLaw(c.Weight, c.Direction ?? [0, 0, 1], c.Kappa)).ToList(), count, Seed),
        _ => ZonalSampling.VonMisesFisherMixture(Components.Select(c => new ZonalVonMisesLaw(c.Weight, c.Kappa)).ToList(), count, d, Seed),
    };
}

/// <summary>fourier (S¹ only): ρ(θ) = (1/2π)(1 + Σ_k 2 Re(c_k e^{ikθ})).</summary>
internal sealed record FourierLaw(IReadOnlyList<FourierCoefficient> Coefficients, ulong Seed) : InitialLaw(Seed)
{
    public override InitialKind Kind => InitialKind.Fourier;

    public override Complex[] CircleCoefficients(int maxWavenumber)
    {
        var c = new Complex[Coefficients.Max(x => x.K) + 1];
        c[0] = CircleUniform;
        foreach (var x in Coefficients) c[x.K] = CircleUniform * new Complex(x.Re, x.Im);
        return c;
    }

    public override double[] Sample(int count, int d, string configPath) => d == 2
        ? SampleCircleDensity(CircleCoefficients(0), count, Seed, configPath, "initial.amplitude or the fourier coefficients")
        : base.Sample(count, d, configPath);
}

/// <summary>harmonics (S² only): explicit a_l^m, 1 ≤ l, 0 ≤ m ≤ l, on top of the uniform a_0^0.</summary>
internal sealed record HarmonicsLaw(IReadOnlyList<HarmonicCoefficient> Coefficients, ulong Seed) : InitialLaw(Seed)
{
    public override InitialKind Kind => InitialKind.Harmonics;

    public override Complex[] SphereCoefficients(int lmax) =>
        SphereInitialLaws.Explicit(lmax, Coefficients.Select(h => (h.L, h.M, new Complex(h.Re, h.Im))));

    public override double[] Sample(int count, int d, string configPath)
    {
        if (d != 3) return base.Sample(count, d, configPath);
        int lmax = Coefficients.Max(h => h.L);
        return SampleSphereDensity(SphereCoefficients(lmax), lmax, count, Seed, configPath, "initial.coefficients");
    }
}

/// <summary>gegenbauer (zonal, d ≥ 3): u = 1 + Σ c_n P_n^{(d)}(t), ρ = u/|S^{d−1}|, about the pole e_d.</summary>
internal sealed record GegenbauerLaw(IReadOnlyList<FourierCoefficient> Coefficients, ulong Seed) : InitialLaw(Seed)
{
    public override InitialKind Kind => InitialKind.Gegenbauer;

    public (int Degree, double Coefficient)[] Terms() => Coefficients.Select(x => (x.K, x.Re)).ToArray();

    public override double[] ZonalCoefficients(int dimension, int maxDegree) => ZonalInitialLaws.Perturbed(dimension, maxDegree, Terms());

    public override double[] Sample(int count, int d, string configPath) => d >= 3
        ? SampleZonalDensity(Terms(), count, d, Seed, configPath, "initial.coefficients")
        : base.Sample(count, d, configPath);
}

/// <summary>equiangular (particles only): N unit vectors with ⟨x_i, x_j⟩ = rho0, i ≠ j (<see cref="ParticleSampling.Equiangular"/>).</summary>
internal sealed record EquiangularLaw(double Rho0, ulong Seed) : InitialLaw(Seed)
{
    public override InitialKind Kind => InitialKind.Equiangular;
    public override double[] Sample(int count, int d, string configPath) => ParticleSampling.Equiangular(count, d, Rho0);
}

/// <summary>
/// from_file (particles only): dataset of file, N×d or writes×N×d (a MeanField /tasks/positions, whose last write is used).
/// Rows must have unit norm to 1e-6 (a wrong dataset is an error, not something to normalise away); they are then
/// normalised exactly. The row count is N; particles.count, if set, must agree.
/// </summary>
internal sealed record FromFileLaw(string File, string Dataset, ulong Seed) : InitialLaw(Seed)
{
    public override InitialKind Kind => InitialKind.FromFile;

    public override int ParticleCount(int? configured) => configured ?? -1;

    public override double[] Sample(int count, int d, string configPath)
    {
        string where = $"{configPath}: initial.file '{File}', dataset '{Dataset}'";
        ulong[] dims;
        double[] values;
        try
        {
            using var file = H5File.OpenRead(File);
            var dataset = file.Dataset(Dataset);
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
        if (count >= 0 && count != n)
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
