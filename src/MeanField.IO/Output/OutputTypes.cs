namespace MeanField.IO.Output;

/// <summary>
/// One output task: written as the dataset <c>/tasks/&lt;Name&gt;</c> with dims (writes_in_file, ...Shape).
/// An empty <see cref="Shape"/> means one scalar per write. Values are float64, or complex128 when
/// <see cref="IsComplex"/> (HDF5 compound {"r": float64, "i": float64}, which h5py reads as complex128).
/// </summary>
public sealed record TaskDefinition(string Name, int[] Shape, bool IsComplex, string Description)
{
    /// <summary>The dataset's <c>units</c> attribute (UDUNITS spelling); "1" (dimensionless) when not given.</summary>
    public string Units { get; init; } = "1";

    /// <summary>The dataset's <c>long_name</c> attribute; the name with spaces for underscores when not given.</summary>
    public string? LongName { get; init; }

    /// <summary>
    /// For each axis after the write axis, the <c>/grid</c> array that is its coordinate (a dimension scale), or null.
    /// When not given, an axis gets the one grid array of its length (other than <c>weights</c>), if exactly one has it.
    /// </summary>
    public IReadOnlyList<string?>? AxisNames { get; init; }
}

/// <summary>Which HDF5 writer <see cref="OutputSetWriter"/> uses (config key <c>output.hdf5_library</c>).</summary>
public enum Hdf5Library
{
    /// <summary>libhdf5 when it loads, else the managed writer.</summary>
    Auto,
    /// <summary>libhdf5 (row by row, flushed after every write); an error when it does not load.</summary>
    Native,
    /// <summary>PureHDF: whole sets written at once, set by set.</summary>
    Managed,
}

/// <summary>How a run stands, written as the root attribute <c>run_status</c> of its files.</summary>
public abstract record RunStatus
{
    /// <summary>The attribute's text.</summary>
    public abstract string Text { get; }

    public static readonly RunStatus Running = new RunningStatus();
    public static readonly RunStatus Completed = new CompletedStatus();

    public sealed override string ToString() => Text;

    private sealed record RunningStatus : RunStatus { public override string Text => "running"; }
    private sealed record CompletedStatus : RunStatus { public override string Text => "completed"; }
}

/// <summary>The run stopped itself (under-resolution, numerical failure, output error) with an exit code at a time.</summary>
public sealed record StoppedStatus(string Cause, int ExitCode, double Time) : RunStatus
{
    public override string Text => $"stopped: {Cause} (exit {ExitCode} at t = {Time:G6})";
}

/// <summary>SIGINT/SIGTERM (exit 130).</summary>
public sealed record InterruptedStatus(int ExitCode, double Time) : RunStatus
{
    public override string Text => $"interrupted (exit {ExitCode} at t = {Time:G6})";
}

/// <summary>An unexpected error ended the run.</summary>
public sealed record FailedStatus(string Message) : RunStatus
{
    public override string Text => $"failed: {Message}";
}

/// <summary>Per-write bookkeeping stored under <c>/scales</c> (one entry per write in the file).</summary>
public sealed record OutputScales(double SimTime, int WriteNumber, long Iteration, double Timestep, double WallTime);

/// <summary>Configuration of an <see cref="OutputSetWriter"/>.</summary>
public sealed record OutputSetOptions
{
    /// <summary>Directory the files go to; created if missing.</summary>
    public required string Directory { get; init; }

    /// <summary>File stem: <c>NAME.h5</c> in single-file mode, else <c>NAME_s1.h5</c>, <c>NAME_s2.h5</c>, ...</summary>
    public required string BaseName { get; init; }

    /// <summary>Writes per file (set); at least 1.</summary>
    public required int MaxWritesPerSet { get; init; }

    /// <summary>
    /// Number of writes the run expects. If <c>ExpectedWrites &lt;= MaxWritesPerSet</c> the writer is in
    /// single-file mode (<c>NAME.h5</c>), otherwise it writes numbered sets. Also used to pre-size buffers.
    /// </summary>
    public required int ExpectedWrites { get; init; }

    /// <summary>
    /// Root attributes. Supported values: string (variable-length UTF-8), double (float64), long (int64),
    /// int (int32) and bool (uint8 0/1, the same encoding PureHDF uses for bool). The names
    /// <c>set_number</c> and <c>writes_in_set</c> are reserved (the writer adds them).
    /// </summary>
    public required IReadOnlyDictionary<string, object> RootAttributes { get; init; }

    /// <summary>Run configuration, stored verbatim as the scalar string dataset <c>/config</c>.</summary>
    public required string ConfigYaml { get; init; }

    /// <summary>Grid arrays, each stored as the float64 dataset <c>/grid/&lt;name&gt;</c>.</summary>
    public required IReadOnlyDictionary<string, double[]> Grid { get; init; }

    /// <summary>Tasks, each stored as <c>/tasks/&lt;name&gt;</c>; names must be unique.</summary>
    public required IReadOnlyList<TaskDefinition> Tasks { get; init; }

    /// <summary>
    /// Chunk task datasets along the write axis and apply shuffle + deflate. When false, task datasets are
    /// contiguous and uncompressed.
    /// </summary>
    public bool Compress { get; init; } = true;

    /// <summary>
    /// Number of the first set this writer writes (sets mode only): a resumed run continues in the set it was
    /// interrupted in, after replaying that set's earlier writes, so earlier complete sets are left untouched.
    /// </summary>
    public int FirstSetNumber { get; init; } = 1;

    /// <summary>The HDF5 writer to use.</summary>
    public Hdf5Library Library { get; init; } = Hdf5Library.Auto;

    /// <summary>
    /// Continue the file of set <see cref="FirstSetNumber"/> in place when it exists (native writer only, see
    /// <see cref="OutputSetWriter.AppendsInPlace"/>; the managed writer needs its writes replayed instead).
    /// </summary>
    public bool Append { get; init; }

    /// <summary>
    /// Managed writer only: after this many wall-clock seconds since a set file was last written, the current set's
    /// writes so far are written out (the file is rewritten whole, under its final name), so a crash loses at most
    /// that much. Infinity (the default) writes only full sets and at close.
    /// </summary>
    public double SetSeconds { get; init; } = double.PositiveInfinity;

    /// <summary>
    /// Native writer only: write each set file in the latest HDF5 format and in SWMR mode, so that
    /// <c>h5py.File(path, "r", swmr=True)</c> can watch it while rows are appended. Trade-off: while the file is open,
    /// and after a kill, it carries "open for write" flags that non-SWMR readers (h5py without swmr=True, h5dump) refuse
    /// until the run ends, is resumed (which clears them) or `h5clear -s` is run; the file needs HDF5 ≥ 1.10 to read.
    /// </summary>
    public bool Swmr { get; init; }

    /// <summary>Root attribute <c>run_id</c>; a new GUID when null. An appended file keeps its own.</summary>
    public string? RunId { get; init; }
}

/// <summary>An output file could not be created or written. <see cref="Path"/> names the file or directory.</summary>
public sealed class OutputException : Exception
{
    public OutputException(string path, string message, Exception? innerException = null)
        : base(message, innerException)
    {
        Path = path;
    }

    /// <summary>The file or directory the failure concerns.</summary>
    public string Path { get; }
}
