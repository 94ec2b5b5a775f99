using System.Reflection;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace MeanField.Spectral.Fft;

/// <summary>
/// P/Invoke bindings to FFTW 3 (double precision) plus the one-time library resolver.
/// The imports use the logical name <see cref="LibraryName"/>; the resolver maps it to whichever
/// platform file name loads, so Debian's libfftw3.so.3 works without the -dev package's libfftw3.so symlink.
/// </summary>
internal static unsafe partial class FftwNative
{
    /// <summary>Logical library name used by the imports; only the resolver below interprets it.</summary>
    internal const string LibraryName = "fftw3";

    // Linux runtime package first (libfftw3-double3 ships only the .so.3 name), then dev symlink, macOS, Windows.
    private static readonly string[] Candidates =
        ["libfftw3.so.3", "libfftw3.so", "libfftw3.3.dylib", "libfftw3-3.dll"];

    internal const uint FFTW_DESTROY_INPUT = 1u << 0;
    internal const uint FFTW_PRESERVE_INPUT = 1u << 4;
    internal const uint FFTW_ESTIMATE = 1u << 6;
    internal const int FFTW_FORWARD = -1;
    internal const int FFTW_BACKWARD = 1;

    /// <summary>
    /// The FFTW planner (plan creation/destruction, and to be safe its allocator) is not thread-safe:
    /// every call other than fftw_execute goes through this lock.
    /// </summary>
    internal static readonly Lock PlannerLock = new();

    // Thread-safe, once-only load; IntPtr.Zero when no candidate loads.
    private static readonly Lazy<IntPtr> Handle = new(LoadLibrary, LazyThreadSafetyMode.ExecutionAndPublication);

    private static readonly Lazy<bool> Available = new(Probe, LazyThreadSafetyMode.ExecutionAndPublication);

    static FftwNative()
    {
        // A type initialiser runs exactly once, so this is the single registration for the assembly.
        // Only one resolver may exist per assembly: anything else in MeanField.Spectral that needs one must be added here.
        try
        {
            NativeLibrary.SetDllImportResolver(typeof(FftwNative).Assembly, Resolve);
        }
        catch (InvalidOperationException)
        {
            // Someone registered a resolver first; Probe() then reports whether the imports still bind.
        }
    }

    /// <summary>True when libfftw3 loads and a real call through the imports succeeds.</summary>
    internal static bool IsAvailable => Available.Value;

    private static IntPtr Resolve(string libraryName, Assembly assembly, DllImportSearchPath? searchPath)
    {
        if (libraryName != LibraryName)
            return IntPtr.Zero; // not ours: default probing
        return Handle.Value;
    }

    private static IntPtr LoadLibrary()
    {
        var assembly = typeof(FftwNative).Assembly;
        foreach (var name in Candidates)
        {
            if (NativeLibrary.TryLoad(name, assembly, null, out var h))
                return h;
        }
        return IntPtr.Zero;
    }

    private static bool Probe()
    {
        if (Handle.Value == IntPtr.Zero)
            return false;
        try
        {
            // Exercise the actual import path (not just dlopen), so a broken binding reports unavailable
            // instead of failing later inside a solver.
            lock (PlannerLock)
            {
                IntPtr p = fftw_malloc(16);
                if (p == IntPtr.Zero)
                    return false;
                fftw_free(p);
                return true;
            }
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException or BadImageFormatException)
        {
            return false;
        }
    }

    [LibraryImport(LibraryName)]
    [UnmanagedCallConv(CallConvs = [typeof(CallConvCdecl)])]
    internal static partial IntPtr fftw_malloc(nuint size);

    [LibraryImport(LibraryName)]
    [UnmanagedCallConv(CallConvs = [typeof(CallConvCdecl)])]
    internal static partial void fftw_free(IntPtr p);

    /// <param name="output">fftw_complex* (n/2+1 elements).</param>
    [LibraryImport(LibraryName)]
    [UnmanagedCallConv(CallConvs = [typeof(CallConvCdecl)])]
    internal static partial IntPtr fftw_plan_dft_r2c_1d(int n, double* input, double* output, uint flags);

    /// <param name="input">fftw_complex* (n/2+1 elements).</param>
    [LibraryImport(LibraryName)]
    [UnmanagedCallConv(CallConvs = [typeof(CallConvCdecl)])]
    internal static partial IntPtr fftw_plan_dft_c2r_1d(int n, double* input, double* output, uint flags);

    /// <summary>howmany complex transforms (fftw_complex = two doubles) of one rank-1 length; sign FFTW_FORWARD (e^{−i}) or FFTW_BACKWARD.</summary>
    [LibraryImport(LibraryName)]
    [UnmanagedCallConv(CallConvs = [typeof(CallConvCdecl)])]
    internal static partial IntPtr fftw_plan_many_dft(int rank, int* n, int howmany, double* input, int* inembed, int istride, int idist,
        double* output, int* onembed, int ostride, int odist, int sign, uint flags);

    /// <summary>New-array execution of a complex plan (the arrays must satisfy the plan's alignment).</summary>
    [LibraryImport(LibraryName)]
    [UnmanagedCallConv(CallConvs = [typeof(CallConvCdecl)])]
    internal static partial void fftw_execute_dft(IntPtr plan, double* input, double* output);

    // No SuppressGCTransition: at n = 4096 a transform runs for microseconds, too long to block the GC.
    [LibraryImport(LibraryName)]
    [UnmanagedCallConv(CallConvs = [typeof(CallConvCdecl)])]
    internal static partial void fftw_execute(IntPtr plan);

    [LibraryImport(LibraryName)]
    [UnmanagedCallConv(CallConvs = [typeof(CallConvCdecl)])]
    internal static partial void fftw_destroy_plan(IntPtr plan);
}
