using System.Numerics;
using MeanField.IO.Output;
using PureHDF;
using static MeanField.IO.Tests.OutputTestSupport;

namespace MeanField.IO.Tests;

/// <summary>Every test runs under both writers: the files must read the same through PureHDF (and h5py where present).</summary>
[TestFixture(Hdf5Library.Managed)]
[TestFixture(Hdf5Library.Native)]
public class OutputSetWriterTests(Hdf5Library library)
{
    private bool IsNative => library == Hdf5Library.Native;

    private const string Config = "run:\n  name: \"test α\"\n  dt: 0.001\ngrid: [64, 32]\n";

    private string _dir = null!;

    [SetUp]
    public void SetUp()
    {
        if (IsNative && !OutputSetWriter.NativeAvailable)
            Assert.Ignore("libhdf5 (Debian libhdf5-103-1) is not installed; .ci/run installs it");
        _dir = Path.Combine(Path.GetTempPath(), "meanfield-output-tests", Guid.NewGuid().ToString("N"));
    }

    [TearDown]
    public void TearDown()
    {
        if (Directory.Exists(_dir))
            Directory.Delete(_dir, recursive: true);
    }

    private static readonly TaskDefinition Density = new("density", [4, 8], false, "mass density rho(x, z)");
    private static readonly TaskDefinition Modes = new("modes", [6], true, "Fourier modes of u");
    private static readonly TaskDefinition Energy = new("energy", [], false, "total kinetic energy");
    private static readonly TaskDefinition Moment = new("moment", [], true, "complex order parameter (a complex scalar per write)");

    private OutputSetOptions Options(int maxWritesPerSet, int expectedWrites, bool compress = true, string? directory = null,
        IReadOnlyList<TaskDefinition>? tasks = null) => new()
    {
        Directory = directory ?? _dir,
        BaseName = "snap",
        MaxWritesPerSet = maxWritesPerSet,
        ExpectedWrites = expectedWrites,
        RootAttributes = new Dictionary<string, object>
        {
            ["solver"] = "MeanField",
            ["viscosity"] = 1e-3 / 7,
            ["seed"] = 1L << 40,
            ["nx"] = 64,
            ["periodic"] = true,
            ["dealias"] = false,
        },
        ConfigYaml = Config,
        Grid = new Dictionary<string, double[]>
        {
            ["x"] = Enumerable.Range(0, 8).Select(i => i * Math.PI / 4).ToArray(),
            ["z"] = [-1.0, -0.5, 0.0, 0.5],
        },
        Tasks = tasks ?? [Density, Modes, Energy, Moment],
        Compress = compress,
        Library = library,
    };

    /// <summary>Makes the writes <paramref name="first"/>..<paramref name="last"/> (write numbers, 1-based) with the standard data.</summary>
    private static void Write(OutputSetWriter writer, IReadOnlyList<TaskDefinition> tasks, int first, int last)
    {
        for (int w = first; w <= last; w++)
        {
            writer.BeginWrite(Scales(w));
            foreach (var task in tasks)
            {
                int length = task.Shape.Aggregate(1, (a, b) => a * b);
                if (task.IsComplex)
                    writer.SetTask(task.Name, ComplexRow(task.Name, w, length));
                else
                    writer.SetTask(task.Name, RealRow(task.Name, w, length));
            }
            writer.CommitWrite();
        }
    }

    /// <summary>Checks a file holds exactly the writes first..last, bit for bit, plus all the metadata.</summary>
    private static void AssertFile(string path, IReadOnlyList<TaskDefinition> tasks, int first, int last, int setNumber, OutputSetOptions options)
    {
        int rows = last - first + 1;
        using var file = H5File.OpenRead(path);

        // Scales: types matter to h5py users (write_number int32, iteration int64).
        AssertBitEqual(Enumerable.Range(first, rows).Select(w => Scales(w).SimTime).ToArray(), file.Dataset("scales/sim_time").Read<double[]>(), "sim_time");
        AssertBitEqual(Enumerable.Range(first, rows).Select(w => Scales(w).Timestep).ToArray(), file.Dataset("scales/timestep").Read<double[]>(), "timestep");
        AssertBitEqual(Enumerable.Range(first, rows).Select(w => Scales(w).WallTime).ToArray(), file.Dataset("scales/wall_time").Read<double[]>(), "wall_time");
        var writeNumber = file.Dataset("scales/write_number");
        Assert.That(writeNumber.Type.Size, Is.EqualTo(4));
        Assert.That(writeNumber.Read<int[]>(), Is.EqualTo(Enumerable.Range(first, rows).ToArray()));
        var iteration = file.Dataset("scales/iteration");
        Assert.That(iteration.Type.Size, Is.EqualTo(8));
        Assert.That(iteration.Read<long[]>(), Is.EqualTo(Enumerable.Range(first, rows).Select(w => Scales(w).Iteration).ToArray()));

        foreach (var (name, values) in options.Grid)
            AssertBitEqual(values, file.Dataset($"grid/{name}").Read<double[]>(), $"grid/{name}");

        Assert.That(file.Dataset("config").Read<string>(), Is.EqualTo(Config));

        Assert.That(file.Attribute("solver").Read<string>(), Is.EqualTo("MeanField"));
        Assert.That(BitConverter.DoubleToInt64Bits(file.Attribute("viscosity").Read<double>()), Is.EqualTo(BitConverter.DoubleToInt64Bits(1e-3 / 7)));
        Assert.That(file.Attribute("seed").Read<long>(), Is.EqualTo(1L << 40));
        Assert.That(file.Attribute("nx").Read<int>(), Is.EqualTo(64));
        Assert.That(file.Attribute("periodic").Read<byte>(), Is.EqualTo(1), "bool stored as uint8 1");
        Assert.That(file.Attribute("dealias").Read<byte>(), Is.EqualTo(0), "bool stored as uint8 0");
        Assert.That(file.Attribute("set_number").Read<int>(), Is.EqualTo(setNumber));
        Assert.That(file.Attribute("writes_in_set").Read<int>(), Is.EqualTo(rows));

        foreach (var task in tasks)
        {
            var dataset = file.Dataset($"tasks/{task.Name}");
            var expectedDims = new[] { (ulong)rows }.Concat(task.Shape.Select(n => (ulong)n)).ToArray();
            Assert.That(dataset.Space.Dimensions, Is.EqualTo(expectedDims), $"{task.Name} dims");
            Assert.That(dataset.Attribute("description").Read<string>(), Is.EqualTo(task.Description));
            // Uncompressed: PureHDF picks contiguous, or compact for small data; both are unchunked.
            // The native writer always chunks: extendable datasets need chunks.
            Assert.That(dataset.Layout.Class == H5DataLayoutClass.Chunked, Is.EqualTo(options.Compress || options.Library == Hdf5Library.Native), $"{task.Name} layout {dataset.Layout.Class}");

            int length = task.Shape.Aggregate(1, (a, b) => a * b);
            if (task.IsComplex)
            {
                Assert.That(dataset.Type.Class, Is.EqualTo(H5DataTypeClass.Compound));
                Assert.That(dataset.Type.Compound.Members.Select(m => m.Name), Is.EqualTo(new[] { "r", "i" }));
                var values = dataset.Read<RI[]>();
                var expected = Enumerable.Range(first, rows).SelectMany(w => ComplexRow(task.Name, w, length)).ToArray();
                AssertBitEqual(expected.Select(c => c.Real).ToArray(), values.Select(v => v.r).ToArray(), $"{task.Name}.r");
                AssertBitEqual(expected.Select(c => c.Imaginary).ToArray(), values.Select(v => v.i).ToArray(), $"{task.Name}.i");
            }
            else
            {
                var expected = Enumerable.Range(first, rows).SelectMany(w => RealRow(task.Name, w, length)).ToArray();
                AssertBitEqual(expected, dataset.Read<double[]>(), task.Name);
            }
        }
    }

    private string[] FilesInDir() =>
        Directory.GetFiles(_dir, "*", SearchOption.AllDirectories).Select(Path.GetFileName).Order(StringComparer.Ordinal).ToArray()!;

    [TestCase(true)]
    [TestCase(false)]
    public void RoundTrip_SingleFile_IsBitExact(bool compress)
    {
        var options = Options(maxWritesPerSet: 5, expectedWrites: 3, compress);
        using (var writer = new OutputSetWriter(options))
        {
            Write(writer, options.Tasks, 1, 3);
            Assert.That(writer.CompletedFiles, Is.Empty, "the file is written when the set fills or on Close");
            writer.Close();
            Assert.That(writer.CompletedFiles, Is.EqualTo(new[] { Path.Combine(_dir, "snap.h5") }));
        }

        Assert.That(FilesInDir(), Is.EqualTo(new[] { "snap.h5" }));
        AssertFile(Path.Combine(_dir, "snap.h5"), options.Tasks, 1, 3, setNumber: 1, options);
    }

    [Test]
    public void Sets_SplitByMaxWrites_WriteNumbersContinue()
    {
        var options = Options(maxWritesPerSet: 10, expectedWrites: 25);
        using (var writer = new OutputSetWriter(options))
        {
            Write(writer, options.Tasks, 1, 10);
            Assert.That(writer.CompletedFiles, Has.Count.EqualTo(1), "a full set is written at once");
            Assert.That(File.Exists(Path.Combine(_dir, "snap_s1.h5")));
            Write(writer, options.Tasks, 11, 25);
            Assert.That(writer.CompletedFiles, Has.Count.EqualTo(2));
            writer.Close();
            writer.Close(); // idempotent
            Assert.That(writer.CompletedFiles, Is.EqualTo(new[] { "snap_s1.h5", "snap_s2.h5", "snap_s3.h5" }.Select(f => Path.Combine(_dir, f))));
        }

        Assert.That(FilesInDir(), Is.EqualTo(new[] { "snap_s1.h5", "snap_s2.h5", "snap_s3.h5" }), "no .tmp or probe files remain");
        AssertFile(Path.Combine(_dir, "snap_s1.h5"), options.Tasks, 1, 10, 1, options);
        AssertFile(Path.Combine(_dir, "snap_s2.h5"), options.Tasks, 11, 20, 2, options);
        AssertFile(Path.Combine(_dir, "snap_s3.h5"), options.Tasks, 21, 25, 3, options);
    }

    [Test]
    public void SingleFile_WhenExpectedWritesFit_UsesPlainName_AndRejectsOverflow()
    {
        var options = Options(maxWritesPerSet: 4, expectedWrites: 4);
        using var writer = new OutputSetWriter(options);
        Write(writer, options.Tasks, 1, 4);
        Assert.That(FilesInDir(), Is.EqualTo(new[] { "snap.h5" }));
        Assert.Throws<InvalidOperationException>(() => writer.BeginWrite(Scales(5)));
        writer.Close();
        Assert.That(FilesInDir(), Is.EqualTo(new[] { "snap.h5" }));
        AssertFile(Path.Combine(_dir, "snap.h5"), options.Tasks, 1, 4, 1, options);
    }

    [Test]
    public void Sets_AllowMoreWritesThanExpected()
    {
        var options = Options(maxWritesPerSet: 2, expectedWrites: 3);
        using (var writer = new OutputSetWriter(options))
            Write(writer, options.Tasks, 1, 5);
        Assert.That(FilesInDir(), Is.EqualTo(new[] { "snap_s1.h5", "snap_s2.h5", "snap_s3.h5" }));
        AssertFile(Path.Combine(_dir, "snap_s3.h5"), options.Tasks, 5, 5, 3, options);
    }

    [Test]
    public void Dispose_WritesPendingPartialSet_AndDiscardsUncommittedWrite()
    {
        var options = Options(maxWritesPerSet: 10, expectedWrites: 10);
        using (var writer = new OutputSetWriter(options))
        {
            Write(writer, options.Tasks, 1, 2);
            writer.BeginWrite(Scales(3));
            writer.SetTask("energy", [42.0]);
        }
        AssertFile(Path.Combine(_dir, "snap.h5"), options.Tasks, 1, 2, 1, options);
    }

    [Test]
    public void Close_WithNoWrites_WritesNothing()
    {
        using (var writer = new OutputSetWriter(Options(10, 10)))
        {
            writer.Close();
            Assert.That(writer.CompletedFiles, Is.Empty);
            Assert.Throws<InvalidOperationException>(() => writer.BeginWrite(Scales(1)), "closed writer");
        }
        Assert.That(Directory.Exists(_dir), "the directory is created up front");
        Assert.That(FilesInDir(), Is.Empty);
    }

    [Test]
    public void CommitWrite_WithMissingTask_Throws_AndWriteCanBeCompleted()
    {
        var options = Options(5, 5);
        using var writer = new OutputSetWriter(options);
        writer.BeginWrite(Scales(1));
        writer.SetTask("density", RealRow("density", 1, 32));
        writer.SetTask("energy", RealRow("energy", 1, 1));
        writer.SetTask("moment", [new Complex(1, -1)]);
        var ex = Assert.Throws<InvalidOperationException>(writer.CommitWrite);
        Assert.That(ex!.Message, Does.Contain("modes"));
        Assert.That(ex.Message, Does.Not.Contain("density"));

        writer.SetTask("modes", ComplexRow("modes", 1, 6));
        writer.CommitWrite();
        writer.Close();
        using var file = H5File.OpenRead(Path.Combine(_dir, "snap.h5"));
        Assert.That(file.Dataset("tasks/moment").Read<RI[]>().Single(), Is.EqualTo(new RI { r = 1, i = -1 }));
    }

    [Test]
    public void SetTask_Misuse_Throws()
    {
        using var writer = new OutputSetWriter(Options(5, 5));
        Assert.Throws<InvalidOperationException>(() => writer.SetTask("energy", [1.0]), "no BeginWrite");
        Assert.Throws<InvalidOperationException>(writer.CommitWrite, "no BeginWrite");
        writer.BeginWrite(Scales(1));
        Assert.Throws<InvalidOperationException>(() => writer.BeginWrite(Scales(2)), "write already open");
        Assert.Throws<ArgumentException>(() => writer.SetTask("nope", [1.0]), "unknown task");
        Assert.Throws<ArgumentException>(() => writer.SetTask("density", new double[31]), "wrong length");
        Assert.Throws<ArgumentException>(() => writer.SetTask("modes", new double[6]), "real values for a complex task");
        Assert.Throws<ArgumentException>(() => writer.SetTask("energy", new Complex[1]), "complex values for a real task");
        writer.SetTask("energy", [1.0]);
        Assert.Throws<InvalidOperationException>(() => writer.SetTask("energy", [2.0]), "set twice");
    }

    [Test]
    public void Constructor_DirectoryUnderRegularFile_ThrowsOutputException_AndLeavesNoFile()
    {
        Directory.CreateDirectory(_dir);
        string blocker = Path.Combine(_dir, "not-a-dir");
        File.WriteAllText(blocker, "x");
        string target = Path.Combine(blocker, "out");

        var ex = Assert.Throws<OutputException>(() => new OutputSetWriter(Options(5, 5, directory: target)));
        Assert.That(ex!.Message, Does.Contain(target));
        Assert.That(ex.Path, Is.EqualTo(target));
        Assert.That(FilesInDir(), Is.EqualTo(new[] { "not-a-dir" }));
    }

    [Test]
    public void Write_WhenDirectoryVanishes_ThrowsOutputException_LeavesNoFile_AndFaults()
    {
        if (IsNative) Assert.Ignore("the native writer holds its set file open from the first write: a vanished directory does not stop it");
        var options = Options(2, 4);
        var writer = new OutputSetWriter(options);
        Write(writer, options.Tasks, 1, 1);
        // Replace the output directory by a regular file: creating the temporary file must fail.
        Directory.Delete(_dir);
        File.WriteAllText(_dir, "x");
        try
        {
            writer.BeginWrite(Scales(2));
            writer.SetTask("density", RealRow("density", 2, 32));
            writer.SetTask("modes", ComplexRow("modes", 2, 6));
            writer.SetTask("energy", RealRow("energy", 2, 1));
            writer.SetTask("moment", ComplexRow("moment", 2, 1));
            var ex = Assert.Throws<OutputException>(writer.CommitWrite);
            string expectedPath = Path.Combine(_dir, "snap_s1.h5");
            Assert.That(ex!.Path, Is.EqualTo(expectedPath));
            Assert.That(ex.Message, Does.Contain(expectedPath));
            Assert.That(writer.CompletedFiles, Is.Empty);
            Assert.Throws<InvalidOperationException>(() => writer.BeginWrite(Scales(3)), "faulted writer");
            Assert.DoesNotThrow(writer.Dispose, "closing a faulted writer writes nothing and does not throw");
        }
        finally
        {
            File.Delete(_dir);
        }
    }

    [Test]
    public void Write_WhenRenameFails_DeletesTemporaryFile()
    {
        var options = Options(1, 2);
        using var writer = new OutputSetWriter(options);
        // A non-empty directory under the final name makes the rename fail after the temporary file is complete.
        Directory.CreateDirectory(Path.Combine(_dir, "snap_s1.h5", "occupied"));
        var ex = Assert.Throws<OutputException>(() => Write(writer, options.Tasks, 1, 1));
        Assert.That(ex!.Message, Does.Contain("snap_s1.h5"));
        Assert.That(Directory.GetFiles(_dir), Is.Empty, "no temporary file left behind");
    }

    [Test]
    public void ExistingFileUnderFinalName_IsReplaced()
    {
        Directory.CreateDirectory(_dir);
        File.WriteAllText(Path.Combine(_dir, "snap.h5"), "stale");
        var options = Options(3, 3);
        using (var writer = new OutputSetWriter(options))
            Write(writer, options.Tasks, 1, 3);
        AssertFile(Path.Combine(_dir, "snap.h5"), options.Tasks, 1, 3, 1, options);
        Assert.That(FilesInDir(), Is.EqualTo(new[] { "snap.h5" }));
    }

    [Test]
    public void LargeRows_AreChunkedWithEdgeChunks_AndRoundTrip()
    {
        // 320 kB rows → 3 writes per chunk (partial last chunk); 1.3 MB rows → each row split into two chunks.
        TaskDefinition[] tasks =
        [
            new("profile", [40000], false, "long 1D profile"),
            new("field", [401, 401], false, "a field larger than one chunk"),
            new("spectrum", [3, 257, 130], true, "complex 3D spectrum"),
            Energy,
        ];
        var options = Options(7, 7, tasks: tasks);
        using (var writer = new OutputSetWriter(options))
            Write(writer, tasks, 1, 7);
        AssertFile(Path.Combine(_dir, "snap.h5"), tasks, 1, 7, 1, options);

        using var file = H5File.OpenRead(Path.Combine(_dir, "snap.h5"));
        ulong[] Chunks(string name) => file.Dataset($"tasks/{name}").Layout.Chunks;
        Assert.That(Chunks("profile"), Is.EqualTo(new ulong[] { 3, 40000 }));
        Assert.That(Chunks("field"), Is.EqualTo(new ulong[] { 1, 201, 401 }));
        Assert.That(Chunks("spectrum"), Is.EqualTo(new ulong[] { 1, 3, 129, 130 }));
        Assert.That(Chunks("energy"), Is.EqualTo(new ulong[] { 7 }));
    }

    [Test]
    public void InvalidOptions_Throw()
    {
        var good = Options(5, 5);
        Assert.Throws<ArgumentException>(() => new OutputSetWriter(good with
        {
            RootAttributes = new Dictionary<string, object> { ["set_number"] = 3 },
        }), "reserved attribute");
        Assert.Throws<ArgumentException>(() => new OutputSetWriter(good with
        {
            RootAttributes = new Dictionary<string, object> { ["x"] = 1.5f },
        }), "unsupported attribute type");
        Assert.Throws<ArgumentException>(() => new OutputSetWriter(good with { Tasks = [Density, Density] }), "duplicate task");
        Assert.Throws<ArgumentException>(() => new OutputSetWriter(good with { Tasks = [Density with { Name = "a/b" }] }), "bad name");
        Assert.Throws<ArgumentException>(() => new OutputSetWriter(good with { Tasks = [Density with { Shape = [4, 0] }] }), "empty dim");
        Assert.Throws<ArgumentException>(() => new OutputSetWriter(good with { BaseName = "sub/snap" }), "base name with a path");
        Assert.Throws<ArgumentOutOfRangeException>(() => new OutputSetWriter(good with { MaxWritesPerSet = 0 }));
        Assert.That(Directory.Exists(_dir), Is.False, "validation happens before the directory is created");
    }

    [TestCase(true)]
    [TestCase(false)]
    public void H5py_ReadsComplexTasksAsComplex128(bool compress)
    {
        var options = Options(3, 3, compress);
        using (var writer = new OutputSetWriter(options))
            Write(writer, options.Tasks, 1, 3);
        string path = Path.Combine(_dir, "snap.h5");

        // Expected values are passed as exact hex floats, so the comparison in Python is bit-exact too.
        string Hex(double v) => BitConverter.DoubleToInt64Bits(v).ToString("x16");
        var modes = Enumerable.Range(1, 3).SelectMany(w => ComplexRow("modes", w, 6)).ToArray();
        var density = Enumerable.Range(1, 3).SelectMany(w => RealRow("density", w, 32)).ToArray();

        const string script = """
import sys, struct
try:
    import h5py, numpy as np
except ImportError:
    print("NO_H5PY"); sys.exit(3)
path, modes_hex, dens_hex, compress = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4] == "True"
def bits(hexes): return np.array([int(h, 16) for h in hexes.split(",")], dtype=np.uint64)
with h5py.File(path, "r") as f:
    m = f["tasks/modes"]
    assert m.dtype == np.complex128, m.dtype
    assert m.shape == (3, 6), m.shape
    got = m[...].view(np.float64).reshape(-1).view(np.uint64)
    assert np.array_equal(got, bits(modes_hex)), "complex values differ"
    d = f["tasks/density"]
    assert d.dtype == np.float64 and d.shape == (3, 4, 8), (d.dtype, d.shape)
    assert np.array_equal(d[...].reshape(-1).view(np.uint64), bits(dens_hex)), "density differs"
    assert (d.compression == "gzip" and d.shuffle) == compress, (d.compression, d.shuffle)
    assert f["tasks/energy"].shape == (3,)
    assert f["tasks/moment"].dtype == np.complex128 and f["tasks/moment"].shape == (3,)
    assert f["scales/write_number"].dtype == np.int32 and list(f["scales/write_number"][...]) == [1, 2, 3]
    assert f["scales/iteration"].dtype == np.int64
    assert f["config"].asstr()[()] == "run:\n  name: \"test α\"\n  dt: 0.001\ngrid: [64, 32]\n"
    assert f.attrs["set_number"] == 1 and f.attrs["writes_in_set"] == 3
    assert f.attrs["solver"] == "MeanField" and f.attrs["periodic"] == 1 and f.attrs["seed"] == 2**40
    assert d.attrs["description"] == "mass density rho(x, z)"
print("OK")
""";
        var result = RunPython(script, path,
            string.Join(",", modes.SelectMany(c => new[] { Hex(c.Real), Hex(c.Imaginary) })),
            string.Join(",", density.Select(Hex)),
            (compress && !IsNative).ToString()); // the native writer never compresses (crash safety)
        Assume.That(result, Is.Not.Null, "/usr/bin/python3 not available");
        Assume.That(result!.Value.Output, Does.Not.Contain("NO_H5PY"), "h5py not installed");
        Assert.That(result.Value.ExitCode, Is.EqualTo(0), result.Value.Output);
        Assert.That(result.Value.Output.Trim(), Is.EqualTo("OK"));
    }
}
