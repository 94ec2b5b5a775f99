using System.Numerics;
using MeanField.Analysis;
using MeanField.Core;
using MeanField.Core.Noise;
using MeanField.IO.Config;
using MeanField.IO.Output;
using MeanField.Particles;
using MeanField.Spectral.Circle;
using MeanField.Spectral.Steppers;

namespace MeanField.Runs;

/// <summary>
/// geometry: circle — the <see cref="CircleSpectralSolver"/> with its output layout (docs/output-format.md). With
/// model.common_noise it solves the SPDE (heun or euler_maruyama, fixed solver.dt) on path p (0 unless an ensemble runs it) of the run's seed and
/// writes the Brownian increments between writes, so the run can be replayed, and P3's energy 𝓔_β.
/// </summary>
internal sealed class CircleRunField : IRunField
{
    /// <summary>Number of Fourier modes written per output in /tasks/fourier_modes (k = 0..32).</summary>
    public const int WrittenModes = 33;

    private readonly CircleSpectralSolver _solver;
    private readonly int _resolution;
    private readonly double[] _density;
    private readonly CircleNoiseField? _noise;
    private readonly CommonNoiseConfig? _noiseConfig;
    private readonly NoiseIncrementsTask? _noiseIncrements;
    private readonly StepperKind _stepper;
    private readonly RunConfig _config;
    private CircleDiagnostics? _written;
    private OutputTask[]? _tasks;

    public CircleRunField(RunConfig config, string configPath, int noisePath = 0)
    {
        var s = config.Solver;
        _config = config;
        _stepper = s.Stepper;
        var model = new MeanFieldModel(config.Model.Attention, config.Model.Beta, config.Model.Diffusion) { AttentionScale = config.Model.AttentionScale };
        var basis = new FourierCircleBasis(s.Resolution);
        var coefficients = InitialLaws.InitialLawMapping.FromConfig(config).CircleCoefficients(basis.MaxWavenumber);
        if (config.Model.CommonNoise is { } noise)
        {
            _noise = CommonNoiseFields.Circle(noise);
            _noiseConfig = noise;
            _noiseIncrements = new NoiseIncrementsTask(_noise.Components);
            if (_noise.MaxMode > basis.MaxWavenumber)
                throw new ConfigException($"{configPath}: model.common_noise: noise modes up to {_noise.MaxMode} exceed the largest retained wavenumber {basis.MaxWavenumber} of solver.resolution {s.Resolution}; raise the resolution or lower the modes");
            CommonNoiseFields.RequireWholeSteps(config, config.Solver.Dt, "solver.dt", configPath);
        }
        try
        {
            _solver = _noise is null
                ? new CircleSpectralSolver(model, s.Resolution, coefficients, new StepperOptions(s.Stepper, s.Dt, s.Tolerance), s.Fft)
                : new CircleSpectralSolver(model, s.Resolution, coefficients, _noise, new StochasticOptions(s.Stepper, s.Dt, config.Seed, noisePath), s.Fft);
        }
        catch (InvalidOperationException e)   // e.g. fft: fftw without the library
        {
            throw new ConfigException($"{configPath}: solver.fft: {e.Message}");
        }
        catch (ArgumentException e) when (_noise is not null)   // e.g. euler_maruyama with a non-stationary field at low resolution
        {
            throw new ConfigException($"{configPath}: model.common_noise: {e.Message}");
        }
        _resolution = s.Resolution;
        _density = new double[s.Resolution];
        var d = _solver.Diagnose(1);
        try { InitialDensityCheck.Require(d.SpectralTail, d.MinDensity * 2 * Math.PI, s, configPath, $"{s.Resolution}"); }
        catch { _solver.Dispose(); throw; }
    }

    public CircleSpectralSolver Solver => _solver;
    public TimeStepper Stepper => _solver.Stepper;
    public double Time => _solver.Time;

    public AdvanceOutcome AdvanceTo(double time, StepObserver? observer, CancellationToken cancellation) =>
        _solver.AdvanceTo(time, observer, cancellation);

    public double SpectralTail(ReadOnlySpan<double> state) => CircleSpectralSolver.SpectralTail(_solver.Basis, state);

    public void Restore(double time, ReadOnlySpan<double> state, long steps, ReadOnlySpan<double> controllerState)
    {
        _solver.Stepper.Restore(time, state, steps, controllerState);
        _noiseIncrements?.Restore(steps);
    }

    public IReadOnlyDictionary<string, double[]> Grid
    {
        get
        {
            var grid = new Dictionary<string, double[]> { ["theta"] = _solver.Basis.Theta };
            if (_noise is not null)
            {
                grid["noise_amplitude_cos"] = Enumerable.Range(0, _noise.MaxMode + 1).Select(_noise.CosAmplitude).ToArray();
                grid["noise_amplitude_sin"] = Enumerable.Range(0, _noise.MaxMode + 1).Select(_noise.SinAmplitude).ToArray();
            }
            return grid;
        }
    }

    public string ResolutionAdvice(double time) => SpectralAdvice.Resolution(_config, time, "solver.resolution", _resolution);

    public string NumericalFailureAdvice(IntegrationException failure) => SpectralAdvice.NumericalFailure(_config);

    /// <summary>The diagnostics of the current write (after <see cref="PrepareWrite"/>): what its tasks hold.</summary>
    internal CircleDiagnostics Written => _written ?? throw new InvalidOperationException("PrepareWrite first");

    public IReadOnlyList<OutputTask> Tasks => _tasks ??=
    [
        OutputTask.Real("density", [_resolution], "density f(theta_j) w.r.t. dtheta on the grid /grid/theta; integral = 1", () => _density),
        OutputTask.Complex("fourier_modes", [WrittenModes], "Fourier coefficients f_k, k = 0..32, f(theta) = sum_k f_k e^{ik theta}, f_0 = 1/2pi; zero above the retained wavenumber", () => Written.Modes),
        OutputTask.Scalar("energy", "E_beta = (1/2beta) iint e^{beta cos(theta-phi)} f f = (2pi^2/beta) sum_k I_|k|(beta) |f_k|^2", () => Written.Energy),
        OutputTask.Scalar("mass", "integral of the density (grid quadrature); 1 up to rounding", () => Written.Mass),
        OutputTask.Scalar("spectral_tail", "sqrt(sum_{2K/3<|k|<=K} |f_k|^2 / sum_{|k|<=K} |f_k|^2), K the largest retained wavenumber", () => Written.SpectralTail),
        OutputTask.Scalar("min_density", "minimum of the density on the grid", () => Written.MinDensity),
        OutputTask.Scalar("net_flux", "integral of f V dtheta: rate of change of the lifted mean angle; 0 for USA", () => Written.NetFlux),
        OutputTask.ComplexScalar("first_moment", "integral of e^{i theta} f dtheta (circular first moment / order parameter)", () => Written.FirstMoment),
        .. _noise is null || _noiseIncrements is null ? (OutputTask[])[] :
        [
            OutputTask.Real(NoiseIncrementsTask.Name, [_noise.Components], "B(t_write) - B(t_previous write) of the common noise, components j = 0 rotation, 2m-1 cos(m theta), 2m sin(m theta); 0 at the first write",
                () => _noiseIncrements.Next(_solver.NoisePath!, _solver.Stepper.Steps)),
            OutputTask.Scalar("p3_energy", "P3 energy 1/2 iint (e^beta - e^{beta cos(theta-phi)}) f f = e^beta/2 - beta E_beta (0 only for a Dirac mass)", () => _solver.P3Energy(_solver.State)),
        ],
    ];

    public IReadOnlyDictionary<string, object> Attributes
    {
        get
        {
            var attributes = new Dictionary<string, object>
            {
                ["resolution"] = _resolution,
                ["max_wavenumber"] = _solver.Basis.MaxWavenumber,
                ["fft_backend"] = _solver.Operator.FftBackend,
                ["density_normalisation"] = "density w.r.t. dtheta on [0, 2pi), integral 1 (uniform = 1/2pi)",
                ["state_layout"] = "Re f_0, Im f_0, Re f_1, Im f_1, ..., Re f_K, Im f_K",
            };
            if (_noise is not null && _noiseConfig is not null && _solver.NoisePath is { } path)
            {
                CommonNoiseFields.AddAttributes(attributes, _noiseConfig, _noise.Components, _noise.TruncatedVariance, path, _stepper);
                attributes["noise_max_mode"] = _noise.MaxMode;
                attributes["noise_stationary"] = _noise.IsStationary;
            }
            return attributes;
        }
    }

    /// <summary>Exact W1 between the density and the written particles (CircleWasserstein), and the L² distance of modes |k| ≤ 32.</summary>
    public ParticleDistance ParticleDistance(RunConfig config)
    {
        int stride = config.Output.PositionStride;
        return new ParticleDistance(
            "W1 between the PDE density and the empirical measure of the written particles (exact, via the CDF of the band-limited density)",
            "L2(dtheta) norm of the difference of the projections of PDE density and empirical measure on modes |k| <= 32",
            ComputesW1: true,
            x => Distances(Written.Modes, ParticleDiagnostics.EmpiricalModes(x, WrittenModes), ParticleDiagnostics.Angles(x, stride)));
    }

    internal static (double W1, double L2) Distances(Complex[] pde, Complex[] empirical, ReadOnlySpan<double> angles)
    {
        double sum = 0;
        for (int k = 0; k < WrittenModes; k++) sum += (k == 0 ? 1 : 2) * (pde[k] - empirical[k]).Magnitude * (pde[k] - empirical[k]).Magnitude;
        double w1 = CircleWasserstein.W1(new CircleDensity(pde), angles);
        return (w1, Math.Sqrt(2 * Math.PI * sum));
    }

    public WriteSnapshot PrepareWrite()
    {
        var d = _written = _solver.Diagnose(WrittenModes);
        _solver.Density(_density);
        return new WriteSnapshot(d.Energy, d.MinDensity, 1 / (2 * Math.PI));
    }

    public void Dispose() => _solver.Dispose();
}
