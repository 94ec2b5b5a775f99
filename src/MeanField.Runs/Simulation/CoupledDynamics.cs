using MeanField.Core;
using System.Numerics;
using MeanField.IO.Config;
using MeanField.IO.Output;
using MeanField.Particles;
using MeanField.Spectral.Steppers;

namespace MeanField.Runs;

/// <summary>
/// The PDE and the particles advanced together to every output time (solver.kind: both): the PDE's tasks, the
/// particles' prefixed particle_, the shared noise increments checked equal, and the distances between the two.
/// </summary>
internal sealed class CoupledDynamics : IDynamics
{
    private const string Prefix = "particle_";
    private readonly SpectralDynamics _pde;
    private readonly ParticleDynamics _particles;
    private readonly OutputTask[] _tasks;
    private readonly ITracker[] _trackers;
    private WriteSnapshot? _particleSnapshot;
    private readonly ParticleDistance _measure;
    private (double W1, double L2) _distance;

    public CoupledDynamics(RunConfig config, SpectralDynamics pde, ParticleDynamics particles)
    {
        _pde = pde;
        _particles = particles;
        var distance = _measure = pde.Field.ParticleDistance(config)
            ?? throw new ConfigException($"solver.kind both: geometry {config.Geometry.Name()} has no PDE–particle distance (particles cannot follow it)");
        var particleTasks = particles.Tasks.ToDictionary(t => t.Name);
        var tasks = new List<OutputTask>();
        foreach (var task in pde.Tasks)
        {
            // Both draw the increments of one path: written once, and checked equal (it proves the path is shared).
            if (task is RealTask noise && task.Name == NoiseIncrementsTask.Name && particleTasks.Remove(task.Name, out var other))
                tasks.Add(noise with { Value = () => SameIncrements(noise.Value(), ((RealTask)other).Value()) });
            else tasks.Add(task);
        }
        foreach (var task in particleTasks.Values.OrderBy(t => particles.Tasks.ToList().IndexOf(t)))
            tasks.Add(Prefixed(task));
        tasks.Add(OutputTask.Scalar("pde_particle_w1", distance.W1Description, () => _distance.W1) with { NaNMeansNotComputed = !distance.ComputesW1 });
        tasks.Add(OutputTask.Scalar("pde_particle_l2", distance.L2Description, () => _distance.L2));
        _tasks = [.. tasks];
        _trackers = [.. pde.Trackers, .. particles.Trackers.Select(t => (ITracker)new ParticleTracker(t, this))];
    }

    private static OutputTask Prefixed(OutputTask task)
    {
        var definition = task.Definition with { Name = Prefix + task.Name, Description = $"particles: {task.Definition.Description}" };
        return task switch
        {
            RealTask r => r with { Definition = definition },
            ComplexTask c => c with { Definition = definition },
            _ => throw new InvalidOperationException(task.GetType().Name),
        };
    }

    private static double[] SameIncrements(double[] pde, double[] particles) =>
        pde.AsSpan().SequenceEqual(particles) ? pde : throw new InvalidOperationException("the PDE and the particles drew different noise increments");

    public double Time => _pde.Time;
    public long Steps => _pde.Steps;
    public double LastStep => _pde.LastStep;

    public AdvanceOutcome AdvanceTo(double time, Func<bool> afterStep, CancellationToken cancellation)
    {
        var outcome = _pde.AdvanceTo(time, afterStep, cancellation);
        return outcome != AdvanceOutcome.ReachedTarget ? outcome : _particles.AdvanceTo(time, () => true, cancellation);
    }

    public IReadOnlyList<OutputTask> Tasks => _tasks;
    public IReadOnlyList<ITracker> Trackers => _trackers;

    public IReadOnlyDictionary<string, double[]> Grid
    {
        get
        {
            var grid = new Dictionary<string, double[]>(_pde.Grid);
            foreach (var (name, values) in _particles.Grid) grid.TryAdd(name, values);
            return grid;
        }
    }

    public IReadOnlyDictionary<string, object> Attributes
    {
        get
        {
            var attributes = new Dictionary<string, object>(_pde.Attributes);
            foreach (var (key, value) in _particles.Attributes)
                if (!attributes.TryGetValue(key, out var v) || !Equals(v, value)) attributes[Prefix + key] = value;
            attributes["solver_kind"] = "both";
            return attributes;
        }
    }

    public WriteSnapshot PrepareWrite()
    {
        var snapshot = _pde.PrepareWrite();
        _particleSnapshot = _particles.PrepareWrite();
        _distance = _measure.Measure(_particles.Positions.ToArray());
        return snapshot;
    }

    public void Restore(RunFile file, int write) =>
        throw new NotSupportedException("--resume is not supported for solver.kind both");

    public string NumericalFailureAdvice(IntegrationException failure) =>
        failure.Message.Contains("position") ? _particles.NumericalFailureAdvice(failure) : _pde.NumericalFailureAdvice(failure);

    public string Summary(double wall) => $"PDE: {_pde.Summary(wall)}; particles: {_particles.Summary(wall)}";

    public void Dispose() => _particles.Dispose();

    /// <summary>A particle tracker sees the particles' snapshot, not the PDE's.</summary>
    private sealed class ParticleTracker(ITracker inner, CoupledDynamics owner) : ITracker
    {
        public string Name => Prefix + inner.Name;
        public TrackerVerdict AfterStep(double time) => inner.AfterStep(time);
        public TrackerVerdict AtWrite(double time, WriteSnapshot snapshot, IReadOnlyList<TaskValue> values) =>
            inner.AtWrite(time, owner._particleSnapshot ?? snapshot, values);
        public void Restore(double energy) => inner.Restore(energy);
    }
}
