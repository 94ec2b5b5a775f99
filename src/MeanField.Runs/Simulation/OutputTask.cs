using System.Numerics;
using MeanField.IO.Output;

namespace MeanField.Runs;

/// <summary>
/// One output task declared once: what is written (<see cref="Definition"/>: name, shape, description) and how its
/// value at a write is computed. Values are computed after <see cref="IDynamics.PrepareWrite"/> and checked by the
/// trackers before anything is written.
/// </summary>
public abstract record OutputTask(TaskDefinition Definition)
{
    public string Name => Definition.Name;

    /// <summary>NaN is this task's documented "not computed" value (e.g. W1 on S²): the finite check skips it.</summary>
    public bool NaNMeansNotComputed { get; init; }

    public static OutputTask Real(string name, int[] shape, string description, Func<double[]> value) =>
        new RealTask(new TaskDefinition(name, shape, false, description), value);

    public static OutputTask Scalar(string name, string description, Func<double> value) =>
        new RealTask(new TaskDefinition(name, [], false, description), () => [value()]);

    public static OutputTask Complex(string name, int[] shape, string description, Func<Complex[]> value) =>
        new ComplexTask(new TaskDefinition(name, shape, true, description), value);

    public static OutputTask ComplexScalar(string name, string description, Func<Complex> value) =>
        new ComplexTask(new TaskDefinition(name, [], true, description), () => [value()]);

    /// <summary>The value at the current write; called once per write.</summary>
    public abstract TaskValue Evaluate();
}

internal sealed record RealTask(TaskDefinition Definition, Func<double[]> Value) : OutputTask(Definition)
{
    public override TaskValue Evaluate() => new(this, Value(), null);
}

internal sealed record ComplexTask(TaskDefinition Definition, Func<Complex[]> Value) : OutputTask(Definition)
{
    public override TaskValue Evaluate() => new(this, null, Value());
}

/// <summary>A task's value at one write: real or complex.</summary>
public sealed record TaskValue(OutputTask Task, double[]? Real, Complex[]? Complex)
{
    public bool IsFinite()
    {
        if (Real is not null)
        {
            foreach (double v in Real)
                if (!double.IsFinite(v)) return false;
        }
        if (Complex is not null)
        {
            foreach (var z in Complex)
                if (!double.IsFinite(z.Real) || !double.IsFinite(z.Imaginary)) return false;
        }
        return true;
    }

    public void WriteTo(OutputSetWriter writer)
    {
        if (Real is not null) writer.SetTask(Task.Name, Real);
        else writer.SetTask(Task.Name, Complex!);
    }
}
