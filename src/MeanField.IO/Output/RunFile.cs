using System.Numerics;
using PureHDF;
using PureHDF.VOL.Native;

namespace MeanField.IO.Output;

/// <summary>One dataset of a run file: its path, shape and HDF5 type class.</summary>
/// <remarks><see cref="IsScale"/>: an HDF5 dimension scale (a coordinate such as /tasks/sim_time, a link to /scales/sim_time), not data.</remarks>
public sealed record RunDataset(string Path, ulong[] Shape, string Type, string? Description, bool IsScale = false);

/// <summary>
/// Read access to a MeanField output file (docs/output-format.md): attributes, the stored config, scales and tasks.
/// Used by `meanfield info` and `meanfield plot`; opens the file read-only and keeps it open until disposed.
/// </summary>
public sealed class RunFile : IDisposable
{
    private readonly NativeFile _file;

    private RunFile(string path, NativeFile file)
    {
        Path = path;
        _file = file;
    }

    public string Path { get; }

    public static RunFile Open(string path)
    {
        if (!File.Exists(path)) throw new OutputException(path, $"{path}: no such file");
        try
        {
            var file = H5File.OpenRead(path);
            var run = new RunFile(path, file);
            if (!run.Attributes.TryGetValue("format", out var format) || (format as string) != "MeanField")
            {
                file.Dispose();
                throw new OutputException(path, $"{path}: not a MeanField output file (root attribute format is not MeanField)");
            }
            return run;
        }
        catch (Exception e) when (e is not OutputException)
        {
            throw new OutputException(path, $"{path}: cannot read it as HDF5: {e.Message}", e);
        }
    }

    /// <summary>Root attributes: string, long (integers) or double values.</summary>
    public IReadOnlyDictionary<string, object> Attributes => _attributes ??= ReadAttributes(_file);
    private IReadOnlyDictionary<string, object>? _attributes;

    public string Attribute(string name) => Attributes.TryGetValue(name, out var v) ? Convert.ToString(v, System.Globalization.CultureInfo.InvariantCulture) ?? "" : "";

    public string Config => _file.Dataset("config").Read<string>();

    public bool Has(string path) => _file.LinkExists(path);

    public double[] Vector(string path) => _file.Dataset(path).Read<double[]>();

    public double[,] Matrix(string path) => _file.Dataset(path).Read<double[,]>();

    public double[,,] Cube(string path) => _file.Dataset(path).Read<double[,,]>();

    public Complex[,] ComplexMatrix(string path) => _file.Dataset(path).Read<Complex[,]>();

    public Complex[] ComplexVector(string path) => _file.Dataset(path).Read<Complex[]>();

    /// <summary>All values of a float64 dataset of any rank, row-major.</summary>
    public double[] Flat(string path) => _file.Dataset(path).Read<double[]>();

    /// <summary>All values of a complex dataset of any rank, row-major.</summary>
    public Complex[] ComplexFlat(string path) => _file.Dataset(path).Read<Complex[]>();

    public long[] IntegerVector(string path)
    {
        var dataset = _file.Dataset(path);
        return dataset.Type.Size == 4 ? dataset.Read<int[]>().Select(x => (long)x).ToArray() : dataset.Read<long[]>();
    }

    /// <summary>Every dataset below the root, depth first.</summary>
    public IReadOnlyList<RunDataset> Datasets()
    {
        var result = new List<RunDataset>();
        void Walk(IH5Group group, string prefix)
        {
            foreach (var child in group.Children().OrderBy(c => c.Name, StringComparer.Ordinal))
            {
                string path = prefix.Length == 0 ? child.Name : $"{prefix}/{child.Name}";
                if (child is IH5Group g) Walk(g, path);
                else if (child is IH5Dataset d)
                {
                    string? description = d.AttributeExists("description") ? d.Attribute("description").Read<string>() : null;
                    string type = d.Type.Class == H5DataTypeClass.Compound ? "complex128" : d.Type.Class switch
                    {
                        H5DataTypeClass.FloatingPoint => $"float{8 * d.Type.Size}",
                        H5DataTypeClass.FixedPoint => $"int{8 * d.Type.Size}",
                        H5DataTypeClass.String or H5DataTypeClass.VariableLength => "string",
                        var other => other.ToString(),
                    };
                    bool scale = d.AttributeExists("CLASS") && d.Attribute("CLASS").Read<string>().TrimEnd('\0') == "DIMENSION_SCALE";
                    result.Add(new RunDataset(path, d.Space.Dimensions, type, description, scale));
                }
            }
        }
        Walk(_file, "");
        return result;
    }

    /// <summary>The per-write tasks (float64 or complex datasets under /tasks, not the coordinate scales linked there; the first dimension counts writes).</summary>
    public IReadOnlyList<RunDataset> TaskDatasets() =>
        Datasets().Where(d => d.Path.StartsWith("tasks/", StringComparison.Ordinal) && d.Type is "float64" or "complex128" && !d.IsScale).ToArray();

    /// <summary>Task name of a dataset path under /tasks ("tasks/density" → "density").</summary>
    public static string TaskName(RunDataset task) => task.Path["tasks/".Length..];

    /// <summary>Every /grid array by name.</summary>
    public Dictionary<string, double[]> Grid() =>
        Datasets().Where(d => d.Path.StartsWith("grid/", StringComparison.Ordinal))
            .ToDictionary(d => d.Path["grid/".Length..], d => Vector(d.Path), StringComparer.Ordinal);

    private static Dictionary<string, object> ReadAttributes(IH5Object obj)
    {
        var values = new Dictionary<string, object>(StringComparer.Ordinal);
        foreach (var a in obj.Attributes())
        {
            values[a.Name] = a.Type.Class switch
            {
                H5DataTypeClass.FloatingPoint => a.Read<double>(),
                H5DataTypeClass.FixedPoint => a.Type.Size switch
                {
                    1 => (long)a.Read<byte>(),
                    4 => (long)a.Read<int>(),
                    // Unsigned 64-bit (the seed): kept as ulong, since values ≥ 2⁶³ do not fit a long.
                    _ when !a.Type.FixedPoint.IsSigned => a.Read<ulong>(),
                    _ => a.Read<long>(),
                },
                _ => a.Read<string>(),
            };
        }
        return values;
    }

    public void Dispose() => _file.Dispose();
}
