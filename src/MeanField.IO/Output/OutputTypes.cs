namespace MeanField.IO.Output;

/// <summary>
/// One output task: written as the dataset <c>/tasks/&lt;Name&gt;</c> with dims (writes_in_file, ...Shape).
/// An empty <see cref="Shape"/> means one scalar per write. Values are float64, or complex128 when
/// <see cref="IsComplex"/> (HDF5 compound {"r": float64, "i": float64}, which h5py reads as complex128).
/// </summary>
public sealed record TaskDefinition(string Name, int[] Shape, bool IsComplex, string Description);

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
