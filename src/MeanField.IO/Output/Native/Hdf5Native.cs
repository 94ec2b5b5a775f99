using System.Reflection;
using System.Runtime.InteropServices;

namespace MeanField.IO.Output.Native;

/// <summary>
/// Bindings to the HDF5 C library 1.10 (Debian's libhdf5-103-1, serial build) and its high-level library (dimension
/// scales). The imports use logical names; the resolver maps them to whichever file loads, as the FFT layer does for
/// FFTW. <c>hid_t</c> is int64 since 1.10. Type and property-class identifiers are exported globals, valid only after
/// <c>H5open()</c>, so they are read once after it.
/// </summary>
internal static partial class Hdf5Native
{
    internal const string Library = "hdf5";
    internal const string HighLevelLibrary = "hdf5_hl";

    private static readonly string[] LibraryCandidates = ["libhdf5_serial.so.103", "libhdf5.so.103", "libhdf5.so", "libhdf5.dylib", "hdf5.dll"];
    private static readonly string[] HighLevelCandidates = ["libhdf5_serial_hl.so.100", "libhdf5_hl.so.100", "libhdf5_hl.so", "libhdf5_hl.dylib", "hdf5_hl.dll"];

    internal const uint H5F_ACC_RDWR = 0x0001;
    internal const uint H5F_ACC_TRUNC = 0x0002;
    internal const int H5F_SCOPE_LOCAL = 0;
    /// <summary>H5F_LIBVER_LATEST in 1.10 (= H5F_LIBVER_V110): the file format SWMR needs.</summary>
    internal const int H5F_LIBVER_LATEST = 2;
    internal const int H5S_SCALAR = 0;
    internal const int H5S_SELECT_SET = 0;
    internal const ulong H5S_UNLIMITED = ulong.MaxValue;
    internal const long H5P_DEFAULT = 0;
    internal const long H5S_ALL = 0;
    internal const int H5T_COMPOUND = 6;
    internal const int H5T_CSET_UTF8 = 1;
    internal static readonly nuint H5T_VARIABLE = nuint.MaxValue;

    private static readonly Lazy<(IntPtr Main, IntPtr HighLevel)> Handles = new(Load, LazyThreadSafetyMode.ExecutionAndPublication);
    private static readonly Lazy<Globals?> LoadedGlobals = new(ReadGlobals, LazyThreadSafetyMode.ExecutionAndPublication);

    static Hdf5Native()
    {
        // The single resolver of MeanField.IO: anything else in this assembly that needs one must be added here.
        try { NativeLibrary.SetDllImportResolver(typeof(Hdf5Native).Assembly, Resolve); }
        catch (InvalidOperationException) { }
    }

    /// <summary>The identifiers read after H5open(); null when the library does not load or does not initialise.</summary>
    internal static Globals? Ids => LoadedGlobals.Value;

    /// <summary>True when libhdf5 and libhdf5_hl load and initialise.</summary>
    internal static bool IsAvailable => Ids is not null;

    /// <summary>Serialises every call: the serial HDF5 build is not thread-safe.</summary>
    internal static readonly Lock Gate = new();

    private static IntPtr Resolve(string name, Assembly assembly, DllImportSearchPath? path) => name switch
    {
        Library => Handles.Value.Main,
        HighLevelLibrary => Handles.Value.HighLevel,
        _ => IntPtr.Zero,
    };

    private static (IntPtr, IntPtr) Load()
    {
        static IntPtr First(string[] names)
        {
            foreach (var n in names)
                if (NativeLibrary.TryLoad(n, typeof(Hdf5Native).Assembly, null, out var h)) return h;
            return IntPtr.Zero;
        }
        var main = First(LibraryCandidates);
        return (main, main == IntPtr.Zero ? IntPtr.Zero : First(HighLevelCandidates));
    }

    private static Globals? ReadGlobals()
    {
        var (main, hl) = Handles.Value;
        if (main == IntPtr.Zero || hl == IntPtr.Zero) return null;
        try
        {
            lock (Gate)
            {
                // No cleanup at process exit: after a failed write (full disk) a file the library could not close would be flushed
                // again by its atexit handler, which crashes 1.10.8 (measured: SIGSEGV, exit 139). Every file is closed explicitly,
                // and one left open is what a kill leaves: flushed up to its last complete write.
                H5dont_atexit();
                if (H5open() < 0) return null;
                // HDF5 prints its error stack to stderr by default; failures are reported through return codes here.
                H5Eset_auto2(0, IntPtr.Zero, IntPtr.Zero);
                long Id(string symbol) => Marshal.ReadInt64(NativeLibrary.GetExport(main, symbol));
                uint major = 0, minor = 0, release = 0;
                H5get_libversion(ref major, ref minor, ref release);
                return new Globals(Id("H5T_NATIVE_DOUBLE_g"), Id("H5T_NATIVE_INT_g"), Id("H5T_NATIVE_LLONG_g"),
                    Id("H5T_NATIVE_ULLONG_g"), Id("H5T_NATIVE_UCHAR_g"), Id("H5T_C_S1_g"),
                    Id("H5P_CLS_DATASET_CREATE_ID_g"), Id("H5P_CLS_FILE_ACCESS_ID_g"), $"{major}.{minor}.{release}");
            }
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException or InvalidOperationException)
        {
            return null;
        }
    }

    internal sealed record Globals(long NativeDouble, long NativeInt32, long NativeInt64, long NativeUInt64, long NativeUInt8,
        long CString, long DatasetCreateClass, long FileAccessClass, string Version);

    [LibraryImport(Library)] internal static partial int H5open();
    [LibraryImport(Library)] internal static partial int H5dont_atexit();
    [LibraryImport(Library)] internal static partial int H5get_libversion(ref uint major, ref uint minor, ref uint release);
    [LibraryImport(Library)] internal static partial int H5Eset_auto2(long stack, IntPtr func, IntPtr data);

    [LibraryImport(Library, StringMarshalling = StringMarshalling.Utf8)] internal static partial long H5Fcreate(string name, uint flags, long fcpl, long fapl);
    [LibraryImport(Library, StringMarshalling = StringMarshalling.Utf8)] internal static partial long H5Fopen(string name, uint flags, long fapl);
    [LibraryImport(Library)] internal static partial int H5Fflush(long obj, int scope);
    [LibraryImport(Library)] internal static partial int H5Fclose(long file);
    [LibraryImport(Library)] internal static partial int H5Fstart_swmr_write(long file);
    [LibraryImport(Library)] internal static partial int H5Pset_libver_bounds(long fapl, int low, int high);
    [LibraryImport(Library, StringMarshalling = StringMarshalling.Utf8)] internal static unsafe partial int H5Pset(long plist, string name, void* value);

    [LibraryImport(Library)] internal static partial long H5Pcreate(long cls);
    [LibraryImport(Library)] internal static partial int H5Pset_chunk(long plist, int rank, [In] ulong[] dims);
    [LibraryImport(Library)] internal static partial int H5Pset_shuffle(long plist);
    [LibraryImport(Library)] internal static partial int H5Pset_deflate(long plist, uint level);
    [LibraryImport(Library)] internal static partial int H5Pclose(long plist);

    [LibraryImport(Library)] internal static partial long H5Screate(int type);
    [LibraryImport(Library)] internal static partial long H5Screate_simple(int rank, [In] ulong[] dims, [In] ulong[]? maxdims);
    [LibraryImport(Library)] internal static partial int H5Sselect_hyperslab(long space, int op, [In] ulong[] start, [In] ulong[]? stride, [In] ulong[] count, [In] ulong[]? block);
    [LibraryImport(Library)] internal static partial int H5Sget_simple_extent_dims(long space, [Out] ulong[] dims, [Out] ulong[]? maxdims);
    [LibraryImport(Library)] internal static partial int H5Sclose(long space);

    [LibraryImport(Library, StringMarshalling = StringMarshalling.Utf8)] internal static partial long H5Gcreate2(long loc, string name, long lcpl, long gcpl, long gapl);
    [LibraryImport(Library)] internal static partial int H5Gclose(long group);
    [LibraryImport(Library, StringMarshalling = StringMarshalling.Utf8)] internal static partial int H5Lcreate_hard(long sourceLoc, string sourceName, long destLoc, string destName, long lcpl, long lapl);

    [LibraryImport(Library, StringMarshalling = StringMarshalling.Utf8)] internal static partial long H5Dcreate2(long loc, string name, long type, long space, long lcpl, long dcpl, long dapl);
    [LibraryImport(Library, StringMarshalling = StringMarshalling.Utf8)] internal static partial long H5Dopen2(long loc, string name, long dapl);
    [LibraryImport(Library)] internal static unsafe partial int H5Dwrite(long dataset, long memType, long memSpace, long fileSpace, long xfer, void* buffer);
    [LibraryImport(Library)] internal static partial int H5Dset_extent(long dataset, [In] ulong[] size);
    [LibraryImport(Library)] internal static partial long H5Dget_space(long dataset);
    [LibraryImport(Library)] internal static partial int H5Dclose(long dataset);

    [LibraryImport(Library, StringMarshalling = StringMarshalling.Utf8)] internal static partial long H5Acreate2(long obj, string name, long type, long space, long acpl, long aapl);
    [LibraryImport(Library, StringMarshalling = StringMarshalling.Utf8)] internal static partial int H5Aexists(long obj, string name);
    [LibraryImport(Library, StringMarshalling = StringMarshalling.Utf8)] internal static partial int H5Adelete(long obj, string name);
    [LibraryImport(Library)] internal static unsafe partial int H5Awrite(long attribute, long memType, void* buffer);
    [LibraryImport(Library)] internal static partial int H5Aclose(long attribute);
    [LibraryImport(Library, StringMarshalling = StringMarshalling.Utf8)] internal static partial long H5Aopen(long obj, string name, long aapl);

    [LibraryImport(Library)] internal static partial long H5Tcopy(long type);
    [LibraryImport(Library)] internal static partial int H5Tset_size(long type, nuint size);
    [LibraryImport(Library)] internal static partial int H5Tset_cset(long type, int cset);
    [LibraryImport(Library)] internal static partial long H5Tcreate(int typeClass, nuint size);
    [LibraryImport(Library, StringMarshalling = StringMarshalling.Utf8)] internal static partial int H5Tinsert(long type, string name, nuint offset, long member);
    [LibraryImport(Library)] internal static partial int H5Tclose(long type);

    [LibraryImport(HighLevelLibrary, StringMarshalling = StringMarshalling.Utf8)] internal static partial int H5DSset_scale(long dataset, string name);
    [LibraryImport(HighLevelLibrary)] internal static partial int H5DSattach_scale(long dataset, long scale, uint index);
}
