using MeanField.Core;
using MeanField.IO.Config;
using MeanField.IO.Output;
using MeanField.Spectral.Circle;
using MeanField.Spectral.Steppers;

namespace MeanField.Runs;

/// <summary>geometry: circle — the <see cref="CircleSpectralSolver"/> with its output layout (docs/output-format.md).</summary>
public sealed class CircleRunField : IRunField
{
    /// <summary>Number of Fourier modes written per output in /tasks/fourier_modes (k = 0..32).</summary>
    public const int WrittenModes = 33;

    private readonly CircleSpectralSolver _solver;
    private readonly int _resolution;
    private readonly double[] _density;

    public CircleRunField(RunConfig config, string configPath)
    {
        var s = config.Solver;
        var model = new MeanFieldModel(config.Model.Attention, config.Model.Beta, config.Model.Diffusion) { AttentionScale = config.Model.AttentionScale };
        var basis = new FourierCircleBasis(s.Resolution);
        var coefficients = CircleInitialCondition.Coefficients(config.Initial, config.Seed, basis.MaxWavenumber);
        try
        {
            _solver = new CircleSpectralSolver(model, s.Resolution, coefficients, new StepperOptions(s.Stepper, s.Dt, s.Tolerance), s.Fft);
        }
        catch (InvalidOperationException e)   // e.g. fft: fftw without the library
        {
            throw new ConfigException($"{configPath}: solver.fft: {e.Message}");
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

    public void Restore(double time, ReadOnlySpan<double> state, long steps, ReadOnlySpan<double> controllerState) =>
        _solver.Stepper.Restore(time, state, steps, controllerState);

    public IReadOnlyDictionary<string, double[]> Grid => new Dictionary<string, double[]> { ["theta"] = _solver.Basis.Theta };

    public string ResolutionAdvice => $"increase solver.resolution to at least {2 * _resolution}";

    public IReadOnlyList<TaskDefinition> Tasks =>
    [
        new("density", [_resolution], false, "density f(theta_j) w.r.t. dtheta on the grid /grid/theta; integral = 1"),
        new("fourier_modes", [WrittenModes], true, "Fourier coefficients f_k, k = 0..32, f(theta) = sum_k f_k e^{ik theta}, f_0 = 1/2pi; zero above the retained wavenumber"),
        new("energy", [], false, "E_beta = (1/2beta) iint e^{beta cos(theta-phi)} f f = (2pi^2/beta) sum_k I_|k|(beta) |f_k|^2"),
        new("mass", [], false, "integral of the density (grid quadrature); 1 up to rounding"),
        new("spectral_tail", [], false, "sqrt(sum_{2K/3<|k|<=K} |f_k|^2 / sum_{|k|<=K} |f_k|^2), K the largest retained wavenumber"),
        new("min_density", [], false, "minimum of the density on the grid"),
        new("net_flux", [], false, "integral of f V dtheta: rate of change of the lifted mean angle; 0 for USA"),
        new("first_moment", [], true, "integral of e^{i theta} f dtheta (circular first moment / order parameter)"),
    ];

    public IReadOnlyDictionary<string, object> Attributes => new Dictionary<string, object>
    {
        ["resolution"] = _resolution,
        ["max_wavenumber"] = _solver.Basis.MaxWavenumber,
        ["fft_backend"] = _solver.Operator.FftBackend,
        ["density_normalisation"] = "density w.r.t. dtheta on [0, 2pi), integral 1 (uniform = 1/2pi)",
        ["state_layout"] = "Re f_0, Im f_0, Re f_1, Im f_1, ..., Re f_K, Im f_K",
    };

    public FieldSnapshot WriteTasks(OutputSetWriter writer)
    {
        var d = _solver.Diagnose(WrittenModes);
        _solver.Density(_density);
        writer.SetTask("density", _density);
        writer.SetTask("fourier_modes", d.Modes);
        writer.SetTask("energy", [d.Energy]);
        writer.SetTask("mass", [d.Mass]);
        writer.SetTask("spectral_tail", [d.SpectralTail]);
        writer.SetTask("min_density", [d.MinDensity]);
        writer.SetTask("net_flux", [d.NetFlux]);
        writer.SetTask("first_moment", [d.FirstMoment]);
        return new FieldSnapshot(d.Energy, d.SpectralTail, d.MinDensity, 1 / (2 * Math.PI));
    }

    public void Dispose() => _solver.Dispose();
}
