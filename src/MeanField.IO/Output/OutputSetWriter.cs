using System.Numerics;
using System.Runtime.InteropServices;
using PureHDF;
using PureHDF.Filters;
using PureHDF.VOL.Native;
using MeanField.IO.Output.Native;

namespace MeanField.IO.Output;

/// <summary>
/// Writes simulation output as HDF5 files readable by h5py / h5dump.
/// </summary>
/// <remarks>
/// <para>
/// Usage per write: <see cref="BeginWrite"/>, one <c>SetTask</c> per task, <see cref="CommitWrite"/>.
/// Writes are buffered in managed arrays; when a set reaches <see cref="OutputSetOptions.MaxWritesPerSet"/>
/// writes, its whole file is written at once (PureHDF 2.2 cannot append to an existing file and keeps
/// every chunk in memory until the file is disposed anyway, so buffering costs nothing extra and makes the
/// dataset dims exact, also for a partial last set). <see cref="Close()"/> writes the pending partial set.
/// </para>
/// <para>
/// File naming: if <c>ExpectedWrites &lt;= MaxWritesPerSet</c> the writer is in single-file mode and writes
/// <c>BaseName.h5</c>; a write beyond the first <c>MaxWritesPerSet</c> then throws. Otherwise it writes
/// <c>BaseName_s1.h5</c>, <c>BaseName_s2.h5</c>, ... for as many writes as are made (more than
/// <c>ExpectedWrites</c> is allowed). An existing file of the same name is replaced.
/// </para>
/// <para>
/// Each file is written to <c>&lt;final&gt;.tmp</c> in the same directory, flushed to disk and then renamed over
/// the final name, so a final name never holds a half-written file. On failure the temporary file is deleted,
/// an <see cref="OutputException"/> is thrown, and the writer is faulted (later calls throw
/// <see cref="InvalidOperationException"/>; <see cref="Close()"/> writes nothing more, except that the native writer records the run status in its open file when the disk allows).
/// </para>
/// <para>
/// If no write was ever committed, <see cref="Close()"/> writes no file. A write begun but not committed when
/// <see cref="Close()"/> is called is discarded. Not thread-safe.
/// </para>
/// <para>
/// Layout of every file: root attributes (<see cref="OutputSetOptions.RootAttributes"/> plus int32
/// <c>set_number</c> and <c>writes_in_set</c>); <c>/config</c> (scalar UTF-8 string); <c>/grid/&lt;name&gt;</c>
/// (float64); <c>/scales/sim_time</c>, <c>timestep</c>, <c>wall_time</c> (float64), <c>write_number</c> (int32),
/// <c>iteration</c> (int64), one entry per write; <c>/tasks/&lt;name&gt;</c> with dims (writes, ...Shape) and a
/// string attribute <c>description</c>. Complex tasks use the compound type {"r": float64, "i": float64}, which
/// h5py maps to complex128.
/// </para>
/// </remarks>
public sealed class OutputSetWriter : IDisposable
{
    /// <summary>Suffix appended to a file's final path while it is being written.</summary>
    public const string TempSuffix = ".tmp";

    /// <summary>Reserved root attribute names added by the writer.</summary>
    public static readonly IReadOnlyList<string> ReservedRootAttributes = ["set_number", "writes_in_set", "run_status", "run_id", "hdf5_backend"];

    // ~1 MiB chunks: large enough that per-chunk overhead is negligible, small enough that reading one
    // write does not decompress much more than that write.
    private const long TargetChunkBytes = 1L << 20;

    private readonly string _directory;
    private readonly string _baseName;
    private readonly int _maxWritesPerSet;
    private readonly int _expectedWrites;
    private readonly bool _singleFile;
    private readonly bool _compress;
    private readonly string _configYaml;
    private readonly KeyValuePair<string, object>[] _rootAttributes;
    private readonly KeyValuePair<string, double[]>[] _grid;
    private readonly TaskBuffer[] _tasks;
    private readonly Dictionary<string, TaskBuffer> _tasksByName = new(StringComparer.Ordinal);
    private readonly List<string> _completedFiles = [];

    private double[] _simTime = [];
    private int[] _writeNumber = [];
    private long[] _iteration = [];
    private double[] _timestep = [];
    private double[] _wallTime = [];

    private int _capacity;        // rows allocated in every buffer
    private int _pending;         // committed writes in the current (unwritten) set
    private int _setsWritten;
    private long _totalCommitted;
    private OutputScales? _openWrite;
    private WriterState _state = WriterState.Open;

    // Native backend: the open set file (created at the first commit of each set) and its column layout.
    private readonly bool _native;
    private readonly int _firstSetNumber;
    private readonly double _setSeconds;
    private readonly System.Diagnostics.Stopwatch _sinceFileWritten = System.Diagnostics.Stopwatch.StartNew();
    private readonly bool _append;
    private readonly bool _swmr;
    private readonly string _runId;
    private NativeColumn[]? _columns;
    private NativeSetFile? _nativeFile;
    private string? _nativePath;

    private enum WriterState { Open, Closed, Faulted }

    /// <summary>
    /// Validates <paramref name="options"/> (<see cref="ArgumentException"/> on bad values), creates the
    /// directory and checks that a file can be created in it (<see cref="OutputException"/> otherwise).
    /// </summary>
    public OutputSetWriter(OutputSetOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (string.IsNullOrWhiteSpace(options.Directory))
            throw new ArgumentException("Output directory must not be empty.", nameof(options));
        ValidateBaseName(options.BaseName);
        if (options.MaxWritesPerSet < 1)
            throw new ArgumentOutOfRangeException(nameof(options), options.MaxWritesPerSet, "MaxWritesPerSet must be at least 1.");
        if (options.ExpectedWrites < 0)
            throw new ArgumentOutOfRangeException(nameof(options), options.ExpectedWrites, "ExpectedWrites must not be negative.");
        ArgumentNullException.ThrowIfNull(options.ConfigYaml, nameof(options.ConfigYaml));
        ArgumentNullException.ThrowIfNull(options.RootAttributes, nameof(options.RootAttributes));
        ArgumentNullException.ThrowIfNull(options.Grid, nameof(options.Grid));
        ArgumentNullException.ThrowIfNull(options.Tasks, nameof(options.Tasks));

        _baseName = options.BaseName;
        _maxWritesPerSet = options.MaxWritesPerSet;
        _expectedWrites = options.ExpectedWrites;
        _singleFile = options.ExpectedWrites <= options.MaxWritesPerSet;
        if (options.FirstSetNumber < 1 || (_singleFile && options.FirstSetNumber != 1))
            throw new ArgumentOutOfRangeException(nameof(options), options.FirstSetNumber, "FirstSetNumber must be ≥ 1, and 1 in single-file mode.");
        _setsWritten = options.FirstSetNumber - 1;
        _firstSetNumber = options.FirstSetNumber;
        _setSeconds = options.SetSeconds > 0 ? options.SetSeconds : throw new ArgumentOutOfRangeException(nameof(options), options.SetSeconds, "SetSeconds must be > 0.");
        _compress = options.Compress;
        _configYaml = options.ConfigYaml;
        _rootAttributes = ValidateRootAttributes(options.RootAttributes);

        // Copies, so that later changes by the caller cannot alter what is written.
        _grid = options.Grid.Select(kv =>
        {
            ValidateLinkName(kv.Key, "grid array");
            if (kv.Value is null)
                throw new ArgumentException($"Grid array '{kv.Key}' is null.", nameof(options));
            return new KeyValuePair<string, double[]>(kv.Key, (double[])kv.Value.Clone());
        }).ToArray();

        _tasks = new TaskBuffer[options.Tasks.Count];
        for (int i = 0; i < _tasks.Length; i++)
        {
            var task = new TaskBuffer(options.Tasks[i], _maxWritesPerSet);
            if (!_tasksByName.TryAdd(task.Name, task))
                throw new ArgumentException($"Duplicate task name '{task.Name}'.", nameof(options));
            _tasks[i] = task;
        }

        _native = options.Library switch
        {
            Hdf5Library.Managed => false,
            Hdf5Library.Native => Hdf5Native.IsAvailable ? true : throw new OutputException(options.Directory,
                "output.hdf5_library is native but libhdf5 (libhdf5_serial.so.103 and libhdf5_serial_hl.so.100, Debian package libhdf5-103-1) does not load; install it or use auto or managed"),
            _ => Hdf5Native.IsAvailable,
        };
        _append = options.Append && _native;
        _swmr = options.Swmr && _native;
        _runId = options.RunId ?? Guid.NewGuid().ToString("D");
        _directory = PrepareDirectory(options.Directory, options.BaseName);
    }

    /// <summary>Whether libhdf5 is available to the native writer in this process.</summary>
    public static bool NativeAvailable => Hdf5Native.IsAvailable;

    /// <summary>The backend in use: <c>libhdf5 1.10.8</c> or <c>purehdf</c> (the provenance attribute <c>hdf5_backend</c>).</summary>
    public string Backend => _native ? $"libhdf5 {Hdf5Native.Ids!.Version}" : "purehdf";

    /// <summary>Whether the writer is native: rows go to disk at every commit and <see cref="OutputSetOptions.Append"/> continues a file in place.</summary>
    public bool AppendsInPlace => _native;

    /// <summary>The run_id written at the root of new files.</summary>
    public string RunId => _runId;

    /// <summary>Full paths of the files written so far, in order.</summary>
    public IReadOnlyList<string> CompletedFiles => _completedFiles;

    /// <summary>Starts a write. Every task must then be set exactly once before <see cref="CommitWrite"/>.</summary>
    public void BeginWrite(OutputScales scales)
    {
        ArgumentNullException.ThrowIfNull(scales);
        ThrowIfNotOpen();
        if (_openWrite is not null)
            throw new InvalidOperationException("BeginWrite called while a write is already open; call CommitWrite first.");
        if (_singleFile && (_setsWritten > 0 || (_nativeFile?.Rows ?? 0) >= _maxWritesPerSet))
            throw new InvalidOperationException(
                $"Single-file output '{FinalPath(1)}' is already complete with {_maxWritesPerSet} writes; " +
                $"ExpectedWrites ({_expectedWrites}) was too small for the writes being made.");

        EnsureCapacity(_pending + 1);
        foreach (var task in _tasks)
            task.SetThisWrite = false;
        _openWrite = scales;
    }

    /// <summary>Sets the values of a real task for the open write; length must be the product of its shape.</summary>
    public void SetTask(string name, ReadOnlySpan<double> values)
    {
        var task = TaskForSet(name, values.Length, complex: false);
        values.CopyTo(task.Real.AsSpan(_pending * task.RowLength, task.RowLength));
        task.SetThisWrite = true;
    }

    /// <summary>Sets the values of a complex task for the open write; length must be the product of its shape.</summary>
    public void SetTask(string name, ReadOnlySpan<Complex> values)
    {
        var task = TaskForSet(name, values.Length, complex: true);
        var row = task.Complex.AsSpan(_pending * task.RowLength, task.RowLength);
        for (int i = 0; i < row.Length; i++)
            row[i] = new ComplexRI(values[i].Real, values[i].Imaginary);
        task.SetThisWrite = true;
    }

    /// <summary>
    /// Completes the open write. Throws <see cref="InvalidOperationException"/> (and leaves the write open) if a
    /// task was not set. When the set is full, its file is written (<see cref="OutputException"/> on failure).
    /// </summary>
    public void CommitWrite()
    {
        ThrowIfNotOpen();
        var scales = _openWrite ?? throw new InvalidOperationException("CommitWrite called without BeginWrite.");
        var missing = _tasks.Where(t => !t.SetThisWrite).Select(t => t.Name).ToList();
        if (missing.Count > 0)
            throw new InvalidOperationException(
                $"CommitWrite: task(s) not set for write {scales.WriteNumber}: {string.Join(", ", missing)}.");

        _simTime[_pending] = scales.SimTime;
        _writeNumber[_pending] = scales.WriteNumber;
        _iteration[_pending] = scales.Iteration;
        _timestep[_pending] = scales.Timestep;
        _wallTime[_pending] = scales.WallTime;
        _pending++;
        _totalCommitted++;
        _openWrite = null;

        if (_native)
        {
            try
            {
                AppendNativeRow();
            }
            catch
            {
                // The file stays open: Close(status) records how the run ended in it when the disk allows.
                _state = WriterState.Faulted;
                ReleaseBuffers();
                throw;
            }
            return;
        }

        bool checkpoint = _pending < _maxWritesPerSet && _sinceFileWritten.Elapsed.TotalSeconds >= _setSeconds;
        if (_pending == _maxWritesPerSet || checkpoint)
        {
            try
            {
                if (checkpoint)
                {
                    // The set so far, under its final name; the rows stay buffered and the file is rewritten later.
                    int setNumber = _setsWritten + 1;
                    WriteAtomically(FinalPath(setNumber), BuildFile(setNumber, _pending, RunStatus.Running));
                    _sinceFileWritten.Restart();
                }
                else
                    FlushSet();
            }
            catch
            {
                _state = WriterState.Faulted;
                ReleaseBuffers();
                throw;
            }
        }
    }

    /// <summary>
    /// Writes the pending partial set, if any committed writes are pending; discards an uncommitted write.
    /// Idempotent. Writes nothing if no write was ever committed.
    /// </summary>
    public void Close() => Close(RunStatus.Completed);

    /// <summary>
    /// As <see cref="Close()"/>, writing <paramref name="status"/> as the root attribute <c>run_status</c> of the last
    /// file (earlier sets keep <c>running</c>). A faulted native writer still records the status in its open file when it can.
    /// </summary>
    public void Close(RunStatus status)
    {
        ArgumentNullException.ThrowIfNull(status);
        if (_state != WriterState.Open)
        {
            bool faulted = _state == WriterState.Faulted;
            _state = WriterState.Closed;
            if (faulted && _nativeFile is not null)
            {
                // Best effort after a failed write: the error that faulted the writer is what gets reported.
                try { CloseNativeFile(status); }
                catch (Exception e) when (e is IOException or OutputException) { }
            }
            return;
        }

        _state = WriterState.Closed;
        _openWrite = null;
        try
        {
            if (_native)
                CloseNativeFile(status);
            else if (_pending > 0)
                FlushSet(status);
        }
        finally
        {
            ReleaseBuffers();
        }
    }

    /// <summary>Calls <see cref="Close()"/>; may therefore throw <see cref="OutputException"/>.</summary>
    public void Dispose() => Close();

    private TaskBuffer TaskForSet(string name, int length, bool complex)
    {
        ArgumentNullException.ThrowIfNull(name);
        ThrowIfNotOpen();
        if (_openWrite is null)
            throw new InvalidOperationException("SetTask called without BeginWrite.");
        if (!_tasksByName.TryGetValue(name, out var task))
            throw new ArgumentException($"Unknown task '{name}'.", nameof(name));
        if (task.IsComplex != complex)
            throw new ArgumentException(
                $"Task '{name}' is {(task.IsComplex ? "complex" : "real")}; pass {(task.IsComplex ? "Complex" : "double")} values.",
                nameof(name));
        if (length != task.RowLength)
            throw new ArgumentException(
                $"Task '{name}' expects {task.RowLength} values (shape [{string.Join(", ", task.Shape)}]), got {length}.",
                nameof(name));
        if (task.SetThisWrite)
            throw new InvalidOperationException($"Task '{name}' was already set for this write.");
        return task;
    }

    private void ThrowIfNotOpen()
    {
        if (_state == WriterState.Closed)
            throw new InvalidOperationException("The output writer is closed.");
        if (_state == WriterState.Faulted)
            throw new InvalidOperationException("The output writer failed to write a file earlier and cannot continue.");
    }

    private void EnsureCapacity(int rows)
    {
        if (rows <= _capacity)
            return;
        // First allocation: the rows this set is expected to hold; then double (capped at a full set).
        int expectedInSet = _native ? 1 : (int)Math.Clamp(_expectedWrites - (_totalCommitted - _pending), 1, _maxWritesPerSet);
        int capacity = _capacity == 0 ? expectedInSet : (int)Math.Min((long)_capacity * 2, _maxWritesPerSet);
        capacity = Math.Max(capacity, rows);

        Array.Resize(ref _simTime, capacity);
        Array.Resize(ref _writeNumber, capacity);
        Array.Resize(ref _iteration, capacity);
        Array.Resize(ref _timestep, capacity);
        Array.Resize(ref _wallTime, capacity);
        foreach (var task in _tasks)
            task.Resize(capacity);
        _capacity = capacity;
    }

    private void ReleaseBuffers()
    {
        _simTime = [];
        _writeNumber = [];
        _iteration = [];
        _timestep = [];
        _wallTime = [];
        foreach (var task in _tasks)
            task.Resize(0);
        _capacity = 0;
        _pending = 0;
    }

    private string FinalPath(int setNumber) =>
        Path.Combine(_directory, _singleFile ? $"{_baseName}.h5" : $"{_baseName}_s{setNumber}.h5");

    private void AppendNativeRow()
    {
        if (_nativeFile is null)
        {
            int setNumber = _setsWritten + 1;
            string path = FinalPath(setNumber);
            _columns ??= NativeColumns();
            try
            {
                bool append = _append && setNumber == _firstSetNumber && File.Exists(path);
                Func<int[], int, ulong[]> chunk = (shape, bytes) => ChunkDims(Math.Min(_maxWritesPerSet, 64), shape, bytes).Select(c => (ulong)c).ToArray();
                _nativeFile = append
                    ? NativeSetFile.Open(path, _columns, chunk)
                    : NativeSetFile.Create(path, NativeRootAttributes(setNumber), _configYaml, _grid, _columns, _compress, chunk, latestFormat: _swmr);
                if (append) _nativeFile.SetAttribute("run_status", RunStatus.Running.Text);
                if (_swmr) _nativeFile.StartSwmrWrite();
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                throw new OutputException(path, $"Could not write HDF5 output file '{path}': {Describe(ex)}", ex);
            }
            _nativePath = path;
        }
        var rows = new List<Array>(5 + _tasks.Length) { _simTime, _writeNumber, _iteration, _timestep, _wallTime };
        foreach (var task in _tasks)
            rows.Add(task.IsComplex ? task.Complex : task.Real);
        EnsureSpaceForNextRow();
        try
        {
            _nativeFile.Append(rows, _pending - 1);
        }
        catch (IOException ex)
        {
            throw new OutputException(_nativePath!, $"Could not write HDF5 output file '{_nativePath}': {Describe(ex)}", ex);
        }
        _pending = 0;
        if (_nativeFile.Rows >= _maxWritesPerSet && !_singleFile)
            CloseNativeFile(RunStatus.Running);
    }

    // Left free after a row for metadata (B-tree nodes, heap, the final run_status), so the status can still be recorded.
    private const long MetadataReserveBytes = 64 * 1024;

    /// <summary>
    /// A full disk found before the row is written, not halfway through it: libhdf5 would fail at the flush with the row
    /// half on disk and keep retrying its cached chunks, so that not even the run status could be recorded afterwards.
    /// </summary>
    private void EnsureSpaceForNextRow()
    {
        long needed = _nativeFile!.BytesForNextRow() + MetadataReserveBytes;
        // Unknown free space (null): let libhdf5 try.
        if (FreeBytes(_directory) is { } free && free < needed)
            throw new OutputException(_nativePath!,
                $"disk full: {free / 1024} KiB free for '{_nativePath}', the next write needs about {needed / 1024} KiB (its chunks plus a metadata reserve); " +
                $"the file holds every write before this one");
    }

    /// <summary>Records writes_in_set and the status, closes the set file and counts it complete.</summary>
    private void CloseNativeFile(RunStatus? status)
    {
        var file = _nativeFile;
        if (file is null) return;
        _nativeFile = null;
        try
        {
            if (status is not null)
            {
                file.SetAttribute("writes_in_set", (int)file.Rows);
                file.SetAttribute("run_status", status.Text);
            }
        }
        finally
        {
            try { file.Dispose(); }
            catch (IOException ex) when (status is not null)
            {
                throw new OutputException(_nativePath!, $"Could not close HDF5 output file '{_nativePath}': {Describe(ex)}", ex);
            }
            catch (IOException) { }
        }
        _setsWritten++;
        _completedFiles.Add(_nativePath!);
    }

    private IEnumerable<KeyValuePair<string, object>> NativeRootAttributes(int setNumber)
    {
        foreach (var (name, value) in _rootAttributes)
            yield return new(name, value);
        yield return new("set_number", setNumber);
        yield return new("writes_in_set", 0);
        yield return new("run_status", RunStatus.Running.Text);
        yield return new("run_id", _runId);
        yield return new("hdf5_backend", Backend);
    }

    private NativeColumn[] NativeColumns()
    {
        var columns = new List<NativeColumn>
        {
            new("scales", "sim_time", [], NativeElement.Float64, null, "1", "simulation time", []),
            new("scales", "write_number", [], NativeElement.Int32, null, "1", "write number", []),
            new("scales", "iteration", [], NativeElement.Int64, null, "1", "accepted time steps", []),
            new("scales", "timestep", [], NativeElement.Float64, null, "1", "last accepted step", []),
            new("scales", "wall_time", [], NativeElement.Float64, null, "s", "wall-clock time since the start of the run", []),
        };
        foreach (var task in _tasks)
            columns.Add(new("tasks", task.Name, task.Shape, task.IsComplex ? NativeElement.Complex : NativeElement.Float64,
                task.Description, task.Units, task.LongName, AxisScales(task)));
        return columns.ToArray();
    }

    private string?[] AxisScales(TaskBuffer task)
    {
        if (task.AxisNames is { } given) return given.ToArray();
        return task.Shape.Select(n =>
        {
            var matches = _grid.Where(g => g.Key != "weights" && g.Value.Length == n).ToList();
            return matches.Count == 1 ? matches[0].Key : null;
        }).ToArray();
    }

    private void FlushSet(RunStatus? status = null)
    {
        int setNumber = _setsWritten + 1;
        string path = FinalPath(setNumber);
        WriteAtomically(path, BuildFile(setNumber, _pending, status ?? RunStatus.Running));
        _setsWritten = setNumber;
        _pending = 0;
        _sinceFileWritten.Restart();
        _completedFiles.Add(path);
    }

    private H5File BuildFile(int setNumber, int rows, RunStatus status)
    {
        var attributes = new Dictionary<string, object>(StringComparer.Ordinal);
        foreach (var (name, value) in _rootAttributes)
            attributes[name] = value is bool b ? (byte)(b ? 1 : 0) : value;
        attributes["set_number"] = setNumber;
        attributes["writes_in_set"] = rows;
        attributes["run_status"] = status.Text;
        attributes["run_id"] = _runId;
        attributes["hdf5_backend"] = Backend;

        var grid = new H5Group();
        foreach (var (name, values) in _grid)
            grid[name] = values;

        var tasks = new H5Group();
        foreach (var task in _tasks)
            tasks[task.Name] = TaskDataset(task, rows);

        return new H5File
        {
            Attributes = attributes,
            ["config"] = _configYaml,
            ["grid"] = grid,
            ["scales"] = new H5Group
            {
                ["sim_time"] = Rows(_simTime, rows, 1),
                ["write_number"] = Rows(_writeNumber, rows, 1),
                ["iteration"] = Rows(_iteration, rows, 1),
                ["timestep"] = Rows(_timestep, rows, 1),
                ["wall_time"] = Rows(_wallTime, rows, 1),
            },
            ["tasks"] = tasks,
        };
    }

    private H5Dataset TaskDataset(TaskBuffer task, int rows)
    {
        var fileDims = new ulong[1 + task.Shape.Length];
        fileDims[0] = (ulong)rows;
        for (int i = 0; i < task.Shape.Length; i++)
            fileDims[i + 1] = (ulong)task.Shape[i];

        uint[]? chunks = null;
        H5DatasetCreation creation = default;
        if (_compress)
        {
            chunks = ChunkDims(rows, task.Shape, task.IsComplex ? 16 : 8);
            creation = new H5DatasetCreation(Filters:
            [
                ShuffleFilter.Id,
                // Level 1 (fastest): files are written on the simulation's thread; for float data shuffle
                // does most of the work and higher levels gain little.
                new H5Filter(DeflateFilter.Id, new() { [DeflateFilter.COMPRESSION_LEVEL] = 1 }),
            ]);
        }

        var attributes = new Dictionary<string, object> { ["description"] = task.Description };
        return task.IsComplex
            ? new H5Dataset<ComplexRI[]>(Rows(task.Complex, rows, task.RowLength), chunks, fileDims, creation) { Attributes = attributes }
            : new H5Dataset<double[]>(Rows(task.Real, rows, task.RowLength), chunks, fileDims, creation) { Attributes = attributes };
    }

    /// <summary>
    /// Chunk dims (r, ...Shape) with r rows per chunk so a chunk is about <see cref="TargetChunkBytes"/>;
    /// a single row larger than that is split by halving its largest dimensions.
    /// </summary>
    private static uint[] ChunkDims(int rows, IReadOnlyList<int> shape, int elementBytes)
    {
        long rowBytes = elementBytes;
        foreach (int n in shape)
            rowBytes *= n;

        var chunk = new long[1 + shape.Count];
        chunk[0] = Math.Clamp(TargetChunkBytes / rowBytes, 1, Math.Max(rows, 1));
        for (int i = 0; i < shape.Count; i++)
            chunk[i + 1] = shape[i];

        long bytes = chunk[0] * rowBytes;
        while (bytes > TargetChunkBytes)
        {
            int largest = 0;
            for (int i = 1; i < chunk.Length; i++)
                if (chunk[i] > 1 && (largest == 0 || chunk[i] > chunk[largest]))
                    largest = i;
            if (largest == 0)
                break;
            long halved = (chunk[largest] + 1) / 2;
            bytes = bytes / chunk[largest] * halved;
            chunk[largest] = halved;
        }

        return chunk.Select(c => (uint)c).ToArray();
    }

    /// <summary>The first <paramref name="rows"/> rows of a buffer, as an exactly sized array (PureHDF takes whole arrays).</summary>
    private static T[] Rows<T>(T[] buffer, int rows, int rowLength)
    {
        int length = rows * rowLength;
        return buffer.Length == length ? buffer : buffer.AsSpan(0, length).ToArray();
    }

    private static void WriteAtomically(string finalPath, H5File file)
    {
        string tempPath = finalPath + TempSuffix;
        try
        {
            using (var stream = new FileStream(tempPath, FileMode.Create, FileAccess.ReadWrite, FileShare.None))
            {
                file.Write(stream, WriteOptions);
                // Make the content durable before the rename publishes it.
                stream.Flush(flushToDisk: true);
            }
            File.Move(tempPath, finalPath, overwrite: true);
        }
        catch (Exception ex)
        {
            // Measured before the temporary file is deleted (which frees the space again).
            long? free = FreeBytes(Path.GetDirectoryName(finalPath)!);
            TryDelete(tempPath);
            // PureHDF reports a failed chunk write as "Chunks can only be written once. Consider increasing the size of the
            // chunk cache…", which is no advice to give: name the full disk when it is one.
            string cause = free < DiskFullBytes
                ? $"the disk is full ({free / 1024} KiB free on the file system of '{Path.GetDirectoryName(finalPath)}')"
                : ex.Message.Contains("chunk cache", StringComparison.Ordinal) ? $"PureHDF could not write a chunk ({ex.GetType().Name})" : Describe(ex);
            throw new OutputException(finalPath, $"Could not write HDF5 output file '{finalPath}' (via '{tempPath}'): {cause}", ex);
        }
    }

    // Below this much free space a failed write is put down to a full disk.
    private const long DiskFullBytes = 1L << 20;

    private static long? FreeBytes(string directory)
    {
        try { return new DriveInfo(directory).AvailableFreeSpace; }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException) { return null; }
    }

    // Compound members of ComplexRI are its public fields, named r and i.
    private static readonly H5WriteOptions WriteOptions = new(IncludeStructFields: true);

    private static string Describe(Exception ex) => ex switch
    {
        UnauthorizedAccessException => $"permission denied ({ex.Message})",
        _ => $"{ex.GetType().Name}: {ex.Message}",
    };

    private static void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (Exception)
        {
            // Best effort: the original failure is what gets reported.
        }
    }

    private static string PrepareDirectory(string directory, string baseName)
    {
        string fullPath = directory;
        try
        {
            fullPath = Path.GetFullPath(directory);
            Directory.CreateDirectory(fullPath);
            // Fail now rather than after hours of simulation if files cannot be created here.
            string probe = Path.Combine(fullPath, $".{baseName}.{Guid.NewGuid():N}.probe{TempSuffix}");
            using (new FileStream(probe, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1, FileOptions.DeleteOnClose))
            {
            }
            return fullPath;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or NotSupportedException or ArgumentException)
        {
            throw new OutputException(fullPath,
                $"Cannot create or write to output directory '{fullPath}': {Describe(ex)}", ex);
        }
    }

    private static void ValidateBaseName(string baseName)
    {
        if (string.IsNullOrWhiteSpace(baseName))
            throw new ArgumentException("BaseName must not be empty.", nameof(baseName));
        if (baseName.IndexOfAny(Path.GetInvalidFileNameChars()) >= 0 || baseName.Contains('/') || baseName.Contains('\\'))
            throw new ArgumentException($"BaseName '{baseName}' must be a plain file name.", nameof(baseName));
    }

    private static void ValidateLinkName(string name, string what)
    {
        if (string.IsNullOrEmpty(name) || name.Contains('/') || name == "." || name.Contains('\0'))
            throw new ArgumentException($"Invalid {what} name '{name}': must be non-empty and contain no '/'.");
    }

    private static KeyValuePair<string, object>[] ValidateRootAttributes(IReadOnlyDictionary<string, object> attributes)
    {
        foreach (var (name, value) in attributes)
        {
            if (string.IsNullOrEmpty(name))
                throw new ArgumentException("Root attribute names must not be empty.");
            if (ReservedRootAttributes.Contains(name))
                throw new ArgumentException($"Root attribute '{name}' is reserved; the writer sets it.");
            if (value is not (string or double or long or ulong or int or bool))
                throw new ArgumentException(
                    $"Root attribute '{name}' has unsupported type {value?.GetType().Name ?? "null"}; use string, double, long, ulong, int or bool.");
        }
        return attributes.ToArray();
    }

    /// <summary>Memory layout of the HDF5 compound {"r": float64, "i": float64} (h5py: complex128).</summary>
    [StructLayout(LayoutKind.Sequential)]
    private struct ComplexRI(double r, double i)
    {
#pragma warning disable IDE1006 // Field names become the HDF5 member names h5py expects.
        public double r = r;
        public double i = i;
#pragma warning restore IDE1006
    }

    private sealed class TaskBuffer
    {
        public TaskBuffer(TaskDefinition definition, int maxWritesPerSet)
        {
            if (definition is null)
                throw new ArgumentException("Task definitions must not be null.");
            ValidateLinkName(definition.Name, "task");
            if (definition.Shape is null)
                throw new ArgumentException($"Task '{definition.Name}' has a null shape.");
            if (definition.Description is null)
                throw new ArgumentException($"Task '{definition.Name}' has a null description.");

            long rowLength = 1;
            foreach (int n in definition.Shape)
            {
                if (n < 1)
                    throw new ArgumentException($"Task '{definition.Name}' has a non-positive dimension in shape [{string.Join(", ", definition.Shape)}].");
                rowLength *= n;
                if (rowLength * maxWritesPerSet > Array.MaxLength)
                    throw new ArgumentException(
                        $"Task '{definition.Name}': a set of {maxWritesPerSet} writes of shape [{string.Join(", ", definition.Shape)}] exceeds the largest array .NET can buffer; lower MaxWritesPerSet.");
            }

            Name = definition.Name;
            Shape = (int[])definition.Shape.Clone();
            IsComplex = definition.IsComplex;
            Description = definition.Description;
            RowLength = (int)rowLength;
            Units = definition.Units ?? "1";
            LongName = definition.LongName ?? definition.Name.Replace('_', ' ');
            AxisNames = definition.AxisNames;
        }

        public string Name { get; }
        public int[] Shape { get; }
        public bool IsComplex { get; }
        public string Description { get; }
        public string Units { get; }
        public string LongName { get; }
        public IReadOnlyList<string?>? AxisNames { get; }
        public int RowLength { get; }
        public bool SetThisWrite { get; set; }
        public double[] Real = [];
        public ComplexRI[] Complex = [];

        public void Resize(int rows)
        {
            if (IsComplex)
                Array.Resize(ref Complex, rows * RowLength);
            else
                Array.Resize(ref Real, rows * RowLength);
        }
    }
}
