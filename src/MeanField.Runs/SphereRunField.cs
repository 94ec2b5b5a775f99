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
public sealed class SphereRunField : IRunField
{
    private readonly SphereSpectralSolver _solver;
    private readonly double[] _density;
    private readonly CommonNoiseConfig? _noiseConfig;
    private readonly NoiseIncrementsTask? _noiseIncrements;
    private readonly string _stepper;

    public SphereRunField(RunConfig config, string configPath, int noisePath = 0)
    {
        var s = config.Solver;
        _stepper = s.Stepper.Name();
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
                ? new SphereSpectralSolver(model, s.Resolution, coefficients, new StepperOptions(s.Stepper.Name(), s.Dt, s.Tolerance), s.Fft.Name())
                : new SphereSpectralSolver(model, s.Resolution, coefficients, noise, new StochasticOptions(s.Stepper.Name(), s.Dt, config.Seed, noisePath), s.Fft.Name());
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

    public string ResolutionAdvice => $"increase solver.resolution (lmax) to at least {2 * _solver.Basis.Lmax}";

    public IReadOnlyList<TaskDefinition> Tasks
    {
        get
        {
            var b = _solver.Basis;
            TaskDefinition[] noise = _solver.Noise is not { } n ? [] :
            [
                new(NoiseIncrementsTask.Name, [n.Components], false, "Brownian increments of the common noise summed over the steps since the previous write (0 at the first); component j = 3(n^2 + i) + alpha"),
                new("p3_energy", [], false, "P3 energy 1/2 iint (e^beta - e^{beta<x,y>}) rho rho = e^beta/2 - beta E_beta"),
            ];
            return
            [
                new("density", [b.Nlat, b.Nlon], false, "density w.r.t. the surface measure of S^2 on the grid (colatitude, longitude); uniform = 1/4pi"),
                new("sh_coefficients", [b.Count], true, "a_l^m, m >= 0, of rho = sum a_l^m Y_l^m (orthonormal, Condon-Shortley); index(l,m) = m(2L+3-m)/2 + (l-m); a_l^{-m} = (-1)^m conj(a_l^m)"),
                new("energy", [], false, "E_beta = (1/2beta) iint e^{beta<x,y>} rho rho = (1/2beta) sum_n Lambda_n sum_m |a_n^m|^2"),
                new("mass", [], false, "integral of the density over S^2 (1 up to rounding)"),
                new("spectral_tail", [], false, "relative L2 size of the degrees above 2 lmax/3"),
                new("min_density", [], false, "minimum of the density on the grid"),
                new("degree_spectrum", [b.Lmax + 1], false, "S_n = sum_{m=-n}^{n} |a_n^m|^2"),
                new("first_moment", [3], false, "integral of x rho dsigma (mean position in R^3)"),
                .. noise,
            ];
        }
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

    public FieldSnapshot WriteTasks(OutputSetWriter writer)
    {
        var d = _solver.Diagnose();
        _solver.Density(_density);
        writer.SetTask("density", _density);
        writer.SetTask("sh_coefficients", _solver.Coefficients());
        writer.SetTask("energy", [d.Energy]);
        writer.SetTask("mass", [d.Mass]);
        writer.SetTask("spectral_tail", [d.SpectralTail]);
        writer.SetTask("min_density", [d.MinDensity]);
        writer.SetTask("degree_spectrum", d.DegreeSpectrum);
        writer.SetTask("first_moment", d.FirstMoment);
        if (_noiseIncrements is not null && _solver.NoisePath is { } path)
        {
            _noiseIncrements.Write(writer, path, _solver.Stepper.Steps);
            writer.SetTask("p3_energy", [_solver.P3Energy(_solver.State)]);
        }
        return new FieldSnapshot(d.Energy, d.SpectralTail, d.MinDensity, 1 / (4 * Math.PI));
    }

    public void Dispose() => _solver.Dispose();
}
