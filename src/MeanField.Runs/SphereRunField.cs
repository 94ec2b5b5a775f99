using System.Numerics;
using MeanField.Core;
using MeanField.Core.Noise;
using MeanField.IO.Config;
using MeanField.IO.Output;
using MeanField.Spectral.Sphere;
using MeanField.Spectral.Steppers;

namespace MeanField.Runs;

/// <summary>
/// geometry: sphere (d = 3) with solver.kind spectral — the spherical-harmonic Galerkin <see cref="SphereSpectralSolver"/>.
/// solver.resolution is lmax; the Gauss grid follows from the 3/2 dealiasing rule (see <see cref="SphereHarmonicBasis"/>).
/// With model.common_noise the solver is the SPDE (MATH §3.3; solver.stepper heun or euler_maruyama, fixed solver.dt) on
/// path p (0 unless an ensemble runs it) of the run's seed, and the run also writes the Brownian increments and P3's energy.
/// </summary>
internal sealed class SphereRunField : IRunField
{
    private readonly SphereSpectralSolver _solver;
    private readonly double[] _density;
    private readonly CommonNoiseConfig? _noiseConfig;
    private readonly NoiseIncrementsTask? _noiseIncrements;
    private readonly StepperKind _stepper;
    private readonly RunConfig _config;
    private SphereDiagnostics? _written;
    private OutputTask[]? _tasks;

    public SphereRunField(RunConfig config, string configPath, int noisePath = 0)
    {
        var s = config.Solver;
        _config = config;
        _stepper = s.Stepper;
        var model = new MeanFieldModel(config.Model.Attention, config.Model.Beta, config.Model.Diffusion) { AttentionScale = config.Model.AttentionScale };
        var coefficients = InitialLaws.InitialLawMapping.FromConfig(config).SphereCoefficients(s.Resolution);
        _noiseConfig = config.Model.CommonNoise;
        SphereNoiseField? noise = null;
        if (_noiseConfig is not null)
        {
            noise = NoiseField(_noiseConfig, s.Resolution, configPath);
            CommonNoiseFields.RequireWholeSteps(config, config.Solver.Dt, "solver.dt", configPath);
            _noiseIncrements = new NoiseIncrementsTask(noise.Components);
        }
        try
        {
            _solver = noise is null
                ? new SphereSpectralSolver(model, s.Resolution, coefficients, new StepperOptions(s.Stepper, s.Dt, s.Tolerance), s.Fft)
                : new SphereSpectralSolver(model, s.Resolution, coefficients, noise, new StochasticOptions(s.Stepper, s.Dt, config.Seed, noisePath), s.Fft);
        }
        catch (InvalidOperationException e)   // e.g. fft: fftw without the library
        {
            throw new ConfigException($"{configPath}: solver.fft: {e.Message}");
        }
        _density = new double[_solver.Basis.GridSize];
        var d = _solver.Diagnose();
        try { InitialDensityCheck.Require(d.SpectralTail, d.MinDensity * 4 * Math.PI, s, configPath, $"lmax {s.Resolution}"); }
        catch { _solver.Dispose(); throw; }
    }

    /// <summary>The S² noise fields of model.common_noise (<see cref="CommonNoiseFields.Sphere"/>), checked against lmax.</summary>
    public static SphereNoiseField NoiseField(CommonNoiseConfig noise, int lmax, string configPath)
    {
        int degree = noise.Kind == NoiseKind.Fields ? noise.Amplitudes.Max(row => (int)row[0]) : noise.Modes;
        if (degree > lmax - 1)
            throw new ConfigException($"{configPath}: model.common_noise.{(noise.Kind == NoiseKind.Fields ? "amplitudes" : "modes")}: noise degree {degree} needs solver.resolution ≥ {degree + 1} (lmax is {lmax}; the noise flux must stay alias-free)");
        return CommonNoiseFields.Sphere(noise);
    }

    public SphereSpectralSolver Solver => _solver;
    public TimeStepper Stepper => _solver.Stepper;
    public double Time => _solver.Time;

    public AdvanceOutcome AdvanceTo(double time, StepObserver? observer, CancellationToken cancellation) =>
        _solver.AdvanceTo(time, observer, cancellation);

    public double SpectralTail(ReadOnlySpan<double> state) => SphereSpectralSolver.SpectralTail(_solver.Basis, state);

    public void Restore(double time, ReadOnlySpan<double> state, long steps, ReadOnlySpan<double> controllerState)
    {
        _solver.Stepper.Restore(time, state, steps, controllerState);
        _noiseIncrements?.Restore(steps);
    }

    public IReadOnlyDictionary<string, double[]> Grid
    {
        get
        {
            var grid = new Dictionary<string, double[]>
            {
                ["colatitude"] = _solver.Basis.Colatitudes,
                ["longitude"] = _solver.Basis.Longitudes,
                ["weights"] = _solver.Basis.Weights,
            };
            if (_solver.Noise is { } noise)
                grid["noise_degree_variances"] = Enumerable.Range(0, noise.Field.MaxDegree + 1).Select(noise.Field.DegreeVariance).ToArray();
            return grid;
        }
    }

    public string ResolutionAdvice(double time) => SpectralAdvice.Resolution(_config, time, "solver.resolution (lmax)", _solver.Basis.Lmax);

    public string NumericalFailureAdvice(IntegrationException failure) => SpectralAdvice.NumericalFailure(_config);

    private SphereDiagnostics Written => _written ?? throw new InvalidOperationException("PrepareWrite first");

    public IReadOnlyList<OutputTask> Tasks => _tasks ??= BuildTasks();

    private OutputTask[] BuildTasks()
    {
        var b = _solver.Basis;
        OutputTask[] noise = _solver.Noise is not { } n || _noiseIncrements is null ? [] :
        [
            OutputTask.Real(NoiseIncrementsTask.Name, [n.Components], "Brownian increments of the common noise summed over the steps since the previous write (0 at the first); component j = 3(n^2 + i) + alpha",
                () => _noiseIncrements.Next(_solver.NoisePath!, _solver.Stepper.Steps)),
            OutputTask.Scalar("p3_energy", "P3 energy 1/2 iint (e^beta - e^{beta<x,y>}) rho rho = e^beta/2 - beta E_beta", () => _solver.P3Energy(_solver.State)),
        ];
        return
        [
            OutputTask.Real("density", [b.Nlat, b.Nlon], "density w.r.t. the surface measure of S^2 on the grid (colatitude, longitude); uniform = 1/4pi", () => _density),
            OutputTask.Complex("sh_coefficients", [b.Count], "a_l^m, m >= 0, of rho = sum a_l^m Y_l^m (orthonormal, Condon-Shortley); index(l,m) = m(2L+3-m)/2 + (l-m); a_l^{-m} = (-1)^m conj(a_l^m)", () => _solver.Coefficients()),
            OutputTask.Scalar("energy", "E_beta = (1/2beta) iint e^{beta<x,y>} rho rho = (1/2beta) sum_n Lambda_n sum_m |a_n^m|^2", () => Written.Energy),
            OutputTask.Scalar("mass", "integral of the density over S^2 (1 up to rounding)", () => Written.Mass),
            OutputTask.Scalar("spectral_tail", "relative L2 size of the degrees above 2 lmax/3", () => Written.SpectralTail),
            OutputTask.Scalar("min_density", "minimum of the density on the grid", () => Written.MinDensity),
            OutputTask.Real("degree_spectrum", [b.Lmax + 1], "S_n = sum_{m=-n}^{n} |a_n^m|^2", () => Written.DegreeSpectrum),
            OutputTask.Real("first_moment", [3], "integral of x rho dsigma (mean position in R^3)", () => Written.FirstMoment),
            .. noise,
        ];
    }

    public IReadOnlyDictionary<string, object> Attributes
    {
        get
        {
            var attributes = BaseAttributes;
            if (_solver.Noise is { } noise && _noiseConfig is { } c && _solver.NoisePath is { } path)
            {
                CommonNoiseFields.AddAttributes(attributes, c, noise.Components, noise.Field.TruncatedKappaAtOne, path, _stepper);
                attributes["noise_max_degree"] = noise.Field.MaxDegree;
            }
            return attributes;
        }
    }

    private Dictionary<string, object> BaseAttributes => new()
    {
        ["resolution"] = _solver.Basis.Lmax,
        ["lmax"] = _solver.Basis.Lmax,
        ["nlat"] = _solver.Basis.Nlat,
        ["nlon"] = _solver.Basis.Nlon,
        ["fft_backend"] = _solver.Basis.Transform.FftBackend,
        ["density_normalisation"] = "density w.r.t. the surface measure of S^2, integral 1 (uniform = 1/4pi); /grid/weights are Gauss weights in cos(colatitude), area weight = w_i 2pi/nlon",
        ["state_layout"] = "Re a_0, Im a_0, Re a_1, Im a_1, ... over the coefficients of /tasks/sh_coefficients (m-major)",
    };

    /// <summary>W1 is not computed on S² (NaN); the L² distance of the projections on degrees ≤ min(lmax, output.harmonic_degree).</summary>
    public ParticleDistance ParticleDistance(RunConfig config)
    {
        int lp = config.Output.HarmonicDegree;
        return new ParticleDistance(
            "not computed on S^2 (NaN); see pde_particle_l2",
            "L2(sigma) norm of the difference of the projections of PDE density and empirical measure on degrees <= min(lmax, output.harmonic_degree)",
            ComputesW1: false,
            x => (double.NaN, L2Distance(_solver.Coefficients(), _solver.Basis.Lmax, SphericalHarmonics.EmpiricalCoefficients(x, lp), lp)));
    }

    internal static double L2Distance(Complex[] a, int lmax, Complex[] b, int lp)
    {
        int l = Math.Min(lmax, lp);
        double sum = 0;
        for (int m = 0; m <= l; m++)
            for (int n = m; n <= l; n++)
            {
                var diff = a[SphericalHarmonics.Index(lmax, n, m)] - b[SphericalHarmonics.Index(lp, n, m)];
                sum += (m == 0 ? 1 : 2) * diff.Magnitude * diff.Magnitude;
            }
        return Math.Sqrt(sum);
    }

    public WriteSnapshot PrepareWrite()
    {
        var d = _written = _solver.Diagnose();
        _solver.Density(_density);
        return new WriteSnapshot(d.Energy, d.MinDensity, 1 / (4 * Math.PI));
    }

    public void Dispose() => _solver.Dispose();
}
