using System.Runtime.InteropServices;
using System.Text;
using static MeanField.IO.Output.Native.Hdf5Native;

namespace MeanField.IO.Output.Native;

/// <summary>The shape of one extendable dataset of a set file: its path, per-row shape, element kind and metadata.</summary>
internal sealed record NativeColumn(string Group, string Name, int[] Shape, NativeElement Element, string? Description, string Units, string LongName,
    IReadOnlyList<string?> AxisScales);

internal enum NativeElement { Float64, Int32, Int64, Complex }

/// <summary>
/// One set file written row by row through libhdf5: every column is a chunked dataset extendable along the write
/// axis (H5S_UNLIMITED), each write adds one row to every column and the file is flushed after it, so a killed
/// process leaves a file holding every committed write. <c>/scales/sim_time</c> and the <c>/grid</c> arrays are
/// HDF5 dimension scales attached to the task axes (netCDF-4 readers see them as coordinates).
/// </summary>
internal sealed class NativeSetFile : IDisposable
{
    private long _file;
    private readonly long _complexType;
    private readonly long[] _datasets;
    private readonly string _path;
    private bool _swmr;   // in SWMR write mode: no new objects or attributes, existing attributes are rewritten in place
    private readonly NativeColumn[] _columns;
    private readonly Globals _ids;
    private readonly long[] _chunkRows;       // rows per chunk of each column
    private readonly long[] _rowBlockBytes;   // bytes of all chunks holding one block of _chunkRows rows
    private long _rows;

    private NativeSetFile(string path, long file, long complexType, NativeColumn[] columns, long[] datasets, Globals ids, long rows, Func<int[], int, ulong[]> chunk)
    {
        _path = path; _file = file; _complexType = complexType; _columns = columns; _datasets = datasets; _ids = ids; _rows = rows;
        _chunkRows = new long[columns.Length];
        _rowBlockBytes = new long[columns.Length];
        for (int c = 0; c < columns.Length; c++)
        {
            var dims = chunk(columns[c].Shape, ElementBytes(columns[c].Element));
            _chunkRows[c] = (long)dims[0];
            long chunks = 1, chunkBytes = (long)dims[0] * ElementBytes(columns[c].Element);
            for (int i = 0; i < columns[c].Shape.Length; i++)
            {
                chunks *= (columns[c].Shape[i] + (long)dims[i + 1] - 1) / (long)dims[i + 1];
                chunkBytes *= (long)dims[i + 1];
            }
            _rowBlockBytes[c] = chunks * chunkBytes;
        }
    }

    public long Rows => _rows;

    /// <summary>File space the next row allocates: the chunks of every column whose current chunks are full.</summary>
    public long BytesForNextRow()
    {
        long bytes = 0;
        for (int c = 0; c < _columns.Length; c++)
            if (_rows % _chunkRows[c] == 0) bytes += _rowBlockBytes[c];
        return bytes;
    }

    private static int ElementBytes(NativeElement e) => e switch { NativeElement.Int32 => 4, NativeElement.Complex => 16, _ => 8 };

    /// <summary>Creates (replacing) a set file with its attributes, /config, /grid and empty extendable columns.</summary>
    public static NativeSetFile Create(string path, IEnumerable<KeyValuePair<string, object>> attributes, string configYaml,
        IReadOnlyList<KeyValuePair<string, double[]>> grid, NativeColumn[] columns, bool compress, Func<int[], int, ulong[]> chunk, bool latestFormat = false)
    {
        var ids = Ids ?? throw new InvalidOperationException("libhdf5 is not available");
        lock (Gate)
        {
            long fapl = H5P_DEFAULT;
            if (latestFormat)
            {
                fapl = H5Pcreate(ids.FileAccessClass);
                H5Pset_libver_bounds(fapl, H5F_LIBVER_LATEST, H5F_LIBVER_LATEST);
            }
            long file = H5Fcreate(path, H5F_ACC_TRUNC, H5P_DEFAULT, fapl);
            if (fapl != H5P_DEFAULT) H5Pclose(fapl);
            Check(file, path, "create");
            long complex = ComplexType(ids);
            var datasets = new long[columns.Length];
            try
            {
                foreach (var (name, value) in attributes) WriteAttribute(file, name, value, ids);
                WriteString(file, "config", configYaml, ids);
                var groups = new Dictionary<string, long>();
                long Group(string name) => groups.TryGetValue(name, out var g) ? g : groups[name] = Check(H5Gcreate2(file, name, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT), path, $"create /{name}");
                var scales = new Dictionary<string, long>(StringComparer.Ordinal);
                foreach (var (name, values) in grid)
                {
                    long g = Group("grid");
                    long d = WriteVector(g, name, values, ids, path);
                    if (name != "weights") { H5DSset_scale(d, name); scales[name] = d; }
                    else H5Dclose(d);
                }
                for (int c = 0; c < columns.Length; c++)
                {
                    var col = columns[c];
                    datasets[c] = CreateColumn(Group(col.Group), col, ids, complex, compress, chunk, path);
                    if (col.Group == "scales" && col.Name == "sim_time") { H5DSset_scale(datasets[c], "sim_time"); scales["sim_time"] = datasets[c]; }
                }
                // netCDF-4 readers (h5netcdf, xarray) need every axis of a variable labelled by a dimension scale, and take a
                // variable's coordinates from its own group: the scales used by /tasks are hard-linked into /tasks (the same
                // datasets as /scales/sim_time and /grid/*), and an axis without a grid coordinate gets an index scale
                // /tasks/<task>_axis<a> holding 0, 1, ..., n-1.
                var taskNames = columns.Where(c => c.Group == "tasks").Select(c => c.Name).ToHashSet(StringComparer.Ordinal);
                var linked = new HashSet<string>(StringComparer.Ordinal);
                void LinkIntoTasks(string source, string name)
                {
                    if (taskNames.Contains(name) || !linked.Add(name)) return;
                    Check(H5Lcreate_hard(file, source, Group("tasks"), name, H5P_DEFAULT, H5P_DEFAULT), path, $"link {source} into /tasks");
                }
                for (int c = 0; c < columns.Length; c++)
                {
                    var col = columns[c];
                    if (col.Group != "tasks") continue;
                    if (scales.TryGetValue("sim_time", out var time))
                    {
                        H5DSattach_scale(datasets[c], time, 0);
                        LinkIntoTasks("scales/sim_time", "sim_time");
                    }
                    for (int a = 0; a < col.Shape.Length; a++)
                    {
                        if (a < col.AxisScales.Count && col.AxisScales[a] is { } s && scales.TryGetValue(s, out var scale))
                        {
                            H5DSattach_scale(datasets[c], scale, (uint)(a + 1));
                            LinkIntoTasks($"grid/{s}", s);
                            continue;
                        }
                        string indexName = $"{col.Name}_axis{a + 1}";
                        if (taskNames.Contains(indexName)) continue;
                        long index = WriteVector(Group("tasks"), indexName, Enumerable.Range(0, col.Shape[a]).Select(i => (double)i).ToArray(), ids, path,
                            $"index along axis {a + 1} of {col.Name}");
                        H5DSset_scale(index, indexName);
                        H5DSattach_scale(datasets[c], index, (uint)(a + 1));
                        H5Dclose(index);
                    }
                }
                foreach (var (name, d) in scales) if (name != "sim_time") H5Dclose(d);
                foreach (var g in groups.Values) H5Gclose(g);
                Check(H5Fflush(file, H5F_SCOPE_LOCAL), path, "flush");
                return new NativeSetFile(path, file, complex, columns, datasets, ids, 0, chunk);
            }
            catch
            {
                foreach (var d in datasets) if (d > 0) H5Dclose(d);
                H5Tclose(complex);
                H5Fclose(file);
                throw;
            }
        }
    }

    /// <summary>Opens an existing set file written by <see cref="Create"/> to append rows after its last one.</summary>
    public static NativeSetFile Open(string path, NativeColumn[] columns, Func<int[], int, ulong[]> chunk)
    {
        var ids = Ids ?? throw new InvalidOperationException("libhdf5 is not available");
        lock (Gate)
        {
            long file = Check(OpenClearingStatusFlags(path, ids), path, "open for appending");
            var datasets = new long[columns.Length];
            long rows = -1;
            for (int c = 0; c < columns.Length; c++)
            {
                datasets[c] = H5Dopen2(file, $"{columns[c].Group}/{columns[c].Name}", H5P_DEFAULT);
                if (datasets[c] < 0)
                {
                    foreach (var d in datasets) if (d > 0) H5Dclose(d);
                    H5Fclose(file);
                    throw new IOException($"{path} has no dataset /{columns[c].Group}/{columns[c].Name} to append to");
                }
                long space = H5Dget_space(datasets[c]);
                var dims = new ulong[1 + columns[c].Shape.Length];
                H5Sget_simple_extent_dims(space, dims, null);
                H5Sclose(space);
                // Columns of a file killed between two column writes can differ by one row: keep the rows every column has.
                rows = rows < 0 ? (long)dims[0] : Math.Min(rows, (long)dims[0]);
            }
            var set = new NativeSetFile(path, file, ComplexType(ids), columns, datasets, ids, Math.Max(rows, 0), chunk);
            return set;
        }
    }

    /// <summary>Appends one row: <paramref name="rows"/>[c] holds column c's values (double[], int[], long[] or re/im-interleaved double[]).</summary>
    public unsafe void Append(IReadOnlyList<Array> rows, int rowIndex)
    {
        lock (Gate)
        {
            // /scales/sim_time last: a process killed mid-row leaves sim_time no longer than any other column, and readers
            // (RunResume, meanfield info) count writes by it.
            for (int k = 1; k <= _columns.Length; k++)
            {
                int c = k % _columns.Length;
                var col = _columns[c];
                int rank = 1 + col.Shape.Length;
                var size = new ulong[rank];
                var start = new ulong[rank];
                var count = new ulong[rank];
                size[0] = (ulong)_rows + 1; start[0] = (ulong)_rows; count[0] = 1;
                long rowLength = 1;
                for (int i = 0; i < col.Shape.Length; i++) { size[i + 1] = count[i + 1] = (ulong)col.Shape[i]; rowLength *= col.Shape[i]; }
                Check(H5Dset_extent(_datasets[c], size), col.Name, "extend");
                long fileSpace = H5Dget_space(_datasets[c]);
                long memSpace = H5Screate_simple(rank, count, null);
                try
                {
                    Check(H5Sselect_hyperslab(fileSpace, H5S_SELECT_SET, start, null, count, null), col.Name, "select");
                    var handle = GCHandle.Alloc(rows[c], GCHandleType.Pinned);
                    try
                    {
                        int elementBytes = col.Element switch { NativeElement.Int32 => 4, NativeElement.Complex => 16, _ => 8 };
                        byte* p = (byte*)handle.AddrOfPinnedObject() + (long)rowIndex * rowLength * elementBytes;
                        long type = col.Element switch
                        {
                            NativeElement.Int32 => _ids.NativeInt32, NativeElement.Int64 => _ids.NativeInt64,
                            NativeElement.Complex => _complexType, _ => _ids.NativeDouble,
                        };
                        Check(H5Dwrite(_datasets[c], type, memSpace, fileSpace, H5P_DEFAULT, p), col.Name, "write");
                    }
                    finally { handle.Free(); }
                }
                finally { H5Sclose(memSpace); H5Sclose(fileSpace); }
            }
            _rows++;
            Check(H5Fflush(_file, H5F_SCOPE_LOCAL), "file", "flush");
        }
    }

    /// <summary>
    /// Opens for read-write, clearing the superblock's "open for write" flags that a SWMR writer killed before closing
    /// leaves in a latest-format file (what `h5clear -s` does; the property is the one h5clear sets). Plain files have no
    /// such flags and open as usual.
    /// </summary>
    private static unsafe long OpenClearingStatusFlags(string path, Globals ids)
    {
        long fapl = H5Pcreate(ids.FileAccessClass);
        try
        {
            int clear = 1;   // hbool_t: the first byte is read
            H5Pset(fapl, "clear_status_flags", &clear);
            return H5Fopen(path, H5F_ACC_RDWR, fapl);
        }
        finally { H5Pclose(fapl); }
    }

    /// <summary>
    /// Enters SWMR write mode (the file must be latest-format): from here readers may open it with
    /// <c>h5py.File(path, "r", swmr=True)</c> while rows are appended. Every object and attribute exists already.
    /// </summary>
    public void StartSwmrWrite()
    {
        lock (Gate)
        {
            Check(H5Fstart_swmr_write(_file), _path, "start SWMR writing to");
            _swmr = true;
        }
    }

    /// <summary>
    /// Writes a new value into an existing root attribute (a SWMR writer may not create or delete attributes, only
    /// rewrite one in place). Only the types the writer's own attributes have: string, int.
    /// </summary>
    private unsafe void RewriteAttribute(string name, object value)
    {
        long a = Check(H5Aopen(_file, name, H5P_DEFAULT), name, "open attribute");
        try
        {
            switch (value)
            {
                case string text:
                    long type = StringType(_ids);
                    try { fixed (byte* p = Utf8(text)) { byte* pointer = p; Check(H5Awrite(a, type, &pointer), name, "write attribute"); } }
                    finally { H5Tclose(type); }
                    break;
                case int v: Check(H5Awrite(a, _ids.NativeInt32, &v), name, "write attribute"); break;
                default: throw new ArgumentException($"attribute {name}: cannot rewrite a {value.GetType().Name} in SWMR mode");
            }
        }
        finally { H5Aclose(a); }
    }

    /// <summary>Writes (or replaces) a root attribute and flushes.</summary>
    public void SetAttribute(string name, object value)
    {
        lock (Gate)
        {
            if (_swmr) RewriteAttribute(name, value);
            else WriteAttribute(_file, name, value, _ids);
            Check(H5Fflush(_file, H5F_SCOPE_LOCAL), "file", "flush");
        }
    }

    public void Dispose()
    {
        lock (Gate)
        {
            foreach (var d in _datasets) H5Dclose(d);
            H5Tclose(_complexType);
            Check(H5Fclose(_file), "file", "close");
        }
    }

    private static long ComplexType(Globals ids)
    {
        long t = H5Tcreate(H5T_COMPOUND, 16);
        H5Tinsert(t, "r", 0, ids.NativeDouble);
        H5Tinsert(t, "i", 8, ids.NativeDouble);
        return t;
    }

    private static long CreateColumn(long group, NativeColumn col, Globals ids, long complex, bool compress, Func<int[], int, ulong[]> chunk, string path)
    {
        int rank = 1 + col.Shape.Length;
        var dims = new ulong[rank];
        var max = new ulong[rank];
        max[0] = H5S_UNLIMITED;
        for (int i = 0; i < col.Shape.Length; i++) dims[i + 1] = max[i + 1] = (ulong)col.Shape[i];
        long space = H5Screate_simple(rank, dims, max);
        long dcpl = H5Pcreate(ids.DatasetCreateClass);
        int elementBytes = col.Element switch { NativeElement.Int32 => 4, NativeElement.Complex => 16, _ => 8 };
        H5Pset_chunk(dcpl, rank, chunk(col.Shape, elementBytes));
        // No deflate: a compressed chunk moves when it grows, and the freed space can be reused before the next flush, so a
        // kill could corrupt rows already flushed (measured: PureHDF then fails to inflate). Fixed-size chunks never move.
        _ = compress;
        long type = col.Element switch
        {
            NativeElement.Int32 => ids.NativeInt32, NativeElement.Int64 => ids.NativeInt64,
            NativeElement.Complex => complex, _ => ids.NativeDouble,
        };
        long d = Check(H5Dcreate2(group, col.Name, type, space, H5P_DEFAULT, dcpl, H5P_DEFAULT), path, $"create /{col.Group}/{col.Name}");
        H5Pclose(dcpl);
        H5Sclose(space);
        if (col.Description is not null) WriteAttribute(d, "description", col.Description, ids);
        WriteAttribute(d, "units", col.Units, ids);
        WriteAttribute(d, "long_name", col.LongName, ids);
        return d;
    }

    private static unsafe long WriteVector(long group, string name, double[] values, Globals ids, string path, string? longName = null)
    {
        long space = H5Screate_simple(1, [(ulong)values.Length], null);
        long d = Check(H5Dcreate2(group, name, ids.NativeDouble, space, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT), path, $"create /grid/{name}");
        fixed (double* p = values) Check(H5Dwrite(d, ids.NativeDouble, H5S_ALL, H5S_ALL, H5P_DEFAULT, p), path, $"write /grid/{name}");
        H5Sclose(space);
        WriteAttribute(d, "units", name is "theta" or "colatitude" or "longitude" ? "radian" : "1", ids);
        WriteAttribute(d, "long_name", longName ?? name.Replace('_', ' '), ids);
        return d;
    }

    private static unsafe void WriteString(long file, string name, string value, Globals ids)
    {
        long type = StringType(ids);
        long space = H5Screate(H5S_SCALAR);
        long d = Check(H5Dcreate2(file, name, type, space, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT), name, "create");
        var utf8 = Utf8(value);
        fixed (byte* p = utf8)
        {
            byte* pointer = p;
            Check(H5Dwrite(d, type, H5S_ALL, H5S_ALL, H5P_DEFAULT, &pointer), name, "write");
        }
        H5Dclose(d); H5Sclose(space); H5Tclose(type);
    }

    private static long StringType(Globals ids)
    {
        long type = H5Tcopy(ids.CString);
        H5Tset_size(type, H5T_VARIABLE);
        H5Tset_cset(type, H5T_CSET_UTF8);
        return type;
    }

    private static byte[] Utf8(string s)
    {
        var bytes = new byte[Encoding.UTF8.GetByteCount(s) + 1];
        Encoding.UTF8.GetBytes(s, bytes);
        return bytes;
    }

    private static unsafe void WriteAttribute(long obj, string name, object value, Globals ids)
    {
        if (H5Aexists(obj, name) > 0) H5Adelete(obj, name);
        long space = H5Screate(H5S_SCALAR);
        long type = value switch
        {
            string => StringType(ids), double => ids.NativeDouble, long => ids.NativeInt64, ulong => ids.NativeUInt64,
            int => ids.NativeInt32, bool => ids.NativeUInt8,
            _ => throw new ArgumentException($"attribute {name}: unsupported type {value.GetType().Name}"),
        };
        long a = Check(H5Acreate2(obj, name, type, space, H5P_DEFAULT, H5P_DEFAULT), name, "create attribute");
        try
        {
            switch (value)
            {
                case string s:
                    fixed (byte* p = Utf8(s)) { byte* pointer = p; Check(H5Awrite(a, type, &pointer), name, "write attribute"); }
                    break;
                case double v: Check(H5Awrite(a, type, &v), name, "write attribute"); break;
                case long v: Check(H5Awrite(a, type, &v), name, "write attribute"); break;
                case ulong v: Check(H5Awrite(a, type, &v), name, "write attribute"); break;
                case int v: Check(H5Awrite(a, type, &v), name, "write attribute"); break;
                case bool v: { byte b = v ? (byte)1 : (byte)0; Check(H5Awrite(a, type, &b), name, "write attribute"); break; }
            }
        }
        finally
        {
            H5Aclose(a);
            H5Sclose(space);
            if (value is string) H5Tclose(type);
        }
    }

    private static long Check(long result, string what, string action) =>
        result < 0 ? throw new IOException($"libhdf5 could not {action} {what} (a full disk or a file another process holds open are the usual causes)") : result;
}
