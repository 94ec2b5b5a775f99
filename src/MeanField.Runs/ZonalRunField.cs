using MeanField.Core;
using MeanField.IO.Config;
using MeanField.IO.Output;
using MeanField.Spectral.Steppers;
using MeanField.Spectral.Zonal;

namespace MeanField.Runs;

/// <summary>
/// geometry: zonal — densities on S^{d−1} that depend only on t = ⟨x, e⟩, solved by <see cref="ZonalSpectralSolver"/>
/// (Gegenbauer Galerkin, MATH §9.3). solver.resolution is the largest degree L; the grid has ⌊3L/2⌋+1 nodes.
/// </summary>
internal sealed class ZonalRunField : IRunField
{
    private readonly ZonalSpectralSolver _solver;
    private readonly int _dimension;
    private readonly double[] _grid;
    private readonly double _timeScale;   // solver time τ = e^s t (s ≠ 0 only when USA rates would overflow, see the operator)
    private readonly bool _densityRepresentable;
    private readonly double[] _relative;
    private readonly RunConfig _config;
    private ZonalDiagnostics? _written;
    private OutputTask[]? _tasks;

    public ZonalRunField(RunConfig config, string configPath)
    {
        var s = config.Solver;
        _config = config;
        _dimension = config.Dimension;
        var c = InitialLaws.InitialLawMapping.FromConfig(config).ZonalCoefficients(_dimension, s.Resolution);
        _solver = new ZonalSpectralSolver(config.Model.Attention, config.Model.Beta, config.Model.Diffusion, _dimension, s.Resolution,
            c, new StepperOptions(s.Stepper, s.Dt, s.Tolerance), attentionScale: config.Model.AttentionScale);
        _timeScale = Math.Exp(_solver.LogTimeScale);
        _grid = new double[_solver.Nodes.Length];
        _relative = new double[_solver.Nodes.Length];
        // 1/|S^{d−1}| under- or overflows double for d ≳ 1600: then only the density relative to uniform is written.
        _densityRepresentable = Math.Abs(SphereGeometry.LogSurfaceArea(_dimension)) < 600;
        var d = _solver.Diagnose(1);
        InitialDensityCheck.Require(d.SpectralTail, d.MinRelativeDensity, s, configPath, $"largest degree {s.Resolution}");
    }

    public ZonalSpectralSolver Solver => _solver;
    public TimeStepper Stepper => _solver.Stepper;
    public double Time => _solver.PhysicalTime;

    public AdvanceOutcome AdvanceTo(double time, StepObserver? observer, CancellationToken cancellation) =>
        _solver.AdvanceTo(time * _timeScale, observer, cancellation);

    public double SpectralTail(ReadOnlySpan<double> state) => ZonalSpectralSolver.SpectralTail(state);

    public void Restore(double time, ReadOnlySpan<double> state, long steps, ReadOnlySpan<double> controllerState) =>
        _solver.Stepper.Restore(time * _timeScale, state, steps, controllerState);

    public IReadOnlyDictionary<string, double[]> Grid => new Dictionary<string, double[]>
    {
        ["t"] = _solver.Nodes,
        ["weights"] = _solver.Basis.Weights,
    };

    public string ResolutionAdvice(double time) => SpectralAdvice.Resolution(_config, time, "solver.resolution (the largest degree)", _solver.Basis.MaxDegree);

    public string NumericalFailureAdvice(IntegrationException failure) => SpectralAdvice.NumericalFailure(_config);

    private ZonalDiagnostics Written => _written ?? throw new InvalidOperationException("PrepareWrite first");

    public IReadOnlyList<OutputTask> Tasks => _tasks ??= BuildTasks();

    private OutputTask[] BuildTasks()
    {
        int m = _grid.Length, l = _solver.Basis.MaxDegree + 1;
        var tasks = new List<OutputTask>();
        if (_densityRepresentable)
        {
            tasks.Add(OutputTask.Real("density", [m], "density g(t_j) w.r.t. the surface measure of S^{d-1} on the nodes /grid/t; uniform = 1/|S^{d-1}|", () => _grid));
            tasks.Add(OutputTask.Real("gegenbauer_coefficients", [l], "g_n with g(t) = sum_n g_n P_n^{(d)}(t), P_n(1) = 1 (MATH §9.3)", () => _solver.GegenbauerCoefficients()));
        }
        tasks.Add(OutputTask.Real("relative_density", [m], "density relative to uniform, g(t_j) |S^{d-1}|, on the nodes /grid/t", () => _relative));
        tasks.Add(OutputTask.Scalar("energy", "E_beta = (1/2beta) iint e^{beta<x,y>} dmu dmu", () => Written.Energy));
        tasks.Add(OutputTask.Scalar("mass", "integral of the density over S^{d-1} (1 up to rounding)", () => Written.Mass));
        tasks.Add(OutputTask.Scalar("spectral_tail", "relative L2 size of the top third of the degrees", () => Written.SpectralTail));
        tasks.Add(OutputTask.Scalar("min_relative_density", "minimum over the significant nodes of the density relative to uniform", () => Written.MinRelativeDensity));
        tasks.Add(OutputTask.Scalar("polar_moment", "E<x, e>: mean of t", () => Written.PolarMoment));
        return [.. tasks];
    }

    public IReadOnlyDictionary<string, object> Attributes => new Dictionary<string, object>
    {
        ["resolution"] = _solver.Basis.MaxDegree,
        ["max_degree"] = _solver.Basis.MaxDegree,
        ["nodes"] = _grid.Length,
        ["log_time_scale"] = _solver.LogTimeScale,
        ["density_normalisation"] = "density w.r.t. the surface measure of S^{d-1}, integral 1 (uniform = 1/|S^{d-1}|); zonal: depends on t = <x, e> only",
        ["state_layout"] = "orthonormal Gegenbauer coefficients c_0..c_L of the density relative to uniform: u = g |S^{d-1}| = sum_n c_n sqrt(N_{n,d}) P_n(t); g_n = c_n sqrt(N_{n,d}) / |S^{d-1}|",
    };

    public WriteSnapshot PrepareWrite()
    {
        var d = _written = _solver.Diagnose(1);
        if (_densityRepresentable) _solver.Density(_grid);
        _solver.RelativeDensity(_relative);
        return new WriteSnapshot(d.Energy, d.MinRelativeDensity, 1.0);
    }

    public void Dispose() { }
}
