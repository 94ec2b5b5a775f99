using MeanField.Core;
using MeanField.IO.Config;
using MeanField.IO.Output;
using MeanField.Spectral.Steppers;

namespace MeanField.Runs;

/// <summary>
/// A spectral PDE/SPDE solver in one geometry (an <see cref="IRunField"/>: circle, sphere, zonal) as dynamics: adds
/// the solver state and stepper memory as tasks (what --resume continues from) and the PDE trackers (spectral tail
/// after every step; negative density and energy monotonicity at writes).
/// </summary>
internal sealed class SpectralDynamics : IDynamics
{
    private readonly RunConfig _config;
    private readonly IRunField _field;
    private readonly OutputTask[] _tasks;
    private readonly ITracker[] _trackers;

    public SpectralDynamics(RunConfig config, IRunField field)
    {
        _config = config;
        _field = field;
        var stepper = field.Stepper;
        _tasks =
        [
            .. field.Tasks,
            OutputTask.Real("state", [stepper.State.Length], "solver state for --resume (layout: root attribute state_layout)", () => stepper.State.ToArray()),
            OutputTask.Real("stepper_state", [TimeStepper.ControllerStateLength], "time-stepper memory for --resume: last step, proposed next step, controller error memory", () => stepper.ControllerState.ToArray()),
        ];
        var s = config.Solver;
        bool stop = s.OnUnderresolved == UnderresolvedAction.Stop;
        var trackers = new List<ITracker>
        {
            new SpectralTailTracker(() => field.SpectralTail(stepper.State), s.TailTolerance, stop, field.ResolutionAdvice),
            new NegativeDensityTracker(s.NegativeTolerance, stop, field.ResolutionAdvice),
        };
        if (config.Model.Diffusion == 0 && config.Model.CommonNoise is null && config.Model.AttentionScale > 0)
            trackers.Add(new EnergyMonotoneTracker("the time step"));
        _trackers = [.. trackers];
    }

    public IRunField Field => _field;
    public double Time => _field.Time;
    public long Steps => _field.Stepper.Steps;
    public double LastStep => _field.Stepper.LastStep;

    public AdvanceOutcome AdvanceTo(double time, Func<bool> afterStep, CancellationToken cancellation) =>
        _field.AdvanceTo(time, (_, _) => afterStep(), cancellation);

    public IReadOnlyList<OutputTask> Tasks => _tasks;
    public IReadOnlyDictionary<string, double[]> Grid => _field.Grid;
    public IReadOnlyList<ITracker> Trackers => _trackers;
    public WriteSnapshot PrepareWrite() => _field.PrepareWrite();

    public IReadOnlyDictionary<string, object> Attributes
    {
        get
        {
            var attributes = new Dictionary<string, object>
            {
                ["stepper"] = _config.Solver.Stepper.Name(),
                ["dt"] = _config.Solver.Dt,
                ["tolerance"] = _config.Solver.Tolerance,
            };
            foreach (var (key, value) in _field.Attributes) attributes[key] = value;
            return attributes;
        }
    }

    public void Restore(RunFile file, int write)
    {
        if (!file.Has("tasks/state") || !file.Has("tasks/stepper_state"))
            throw new ConfigException($"--resume: {file.Path} holds no solver state (written by an older version?)");
        _field.Restore(file.Vector("scales/sim_time")[write], RunResume.Row(file.Matrix("tasks/state"), write),
            file.IntegerVector("scales/iteration")[write], RunResume.Row(file.Matrix("tasks/stepper_state"), write));
    }

    public string NumericalFailureAdvice(IntegrationException failure) => _field.NumericalFailureAdvice(failure);

    public string Summary(double wall)
    {
        var stepper = _field.Stepper;
        return $"t = {Time:G6}, {stepper.Steps} steps ({stepper.RejectedSteps} rejected), " +
               $"{stepper.Evaluations} RHS evaluations in {wall:F2} s ({(wall > 0 ? stepper.Evaluations / wall : 0):F0}/s)";
    }

    public void Dispose() => _field.Dispose();
}
