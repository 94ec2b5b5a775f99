using MeanField.Core;

namespace MeanField.Spectral.Fft;

/// <summary>Chooses the real-FFT backend named by the configuration key solver.fft.</summary>
public static class RealFftFactory
{
    internal const string FftwMissingMessage =
        "solver.fft: fftw requested but libfftw3.so.3 was not found; install libfftw3-double3 or use fft: auto/managed";

    /// <summary>True when libfftw3 (double) can be loaded and called. Probed once per process.</summary>
    public static bool FftwAvailable => FftwNative.IsAvailable;

    /// <summary>
    /// Creates a real FFT of length <paramref name="n"/>: <see cref="FftChoice.Auto"/> (FFTW when available, otherwise
    /// managed), <see cref="FftChoice.Fftw"/> (required, throws if absent) or <see cref="FftChoice.Managed"/>.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">n odd or below 4.</exception>
    /// <exception cref="InvalidOperationException">Fftw requested but libfftw3 is not available.</exception>
    public static IRealFft Create(int n, FftChoice backend)
    {
        // Validate the length before touching the native library, so errors do not depend on the machine.
        ValidateLength(n);
        RequireAvailable(backend);
        return backend switch
        {
            FftChoice.Managed => new ManagedRealFft(n),
            FftChoice.Fftw => new FftwRealFft(n),
            _ => FftwAvailable ? new FftwRealFft(n) : new ManagedRealFft(n),
        };
    }

    /// <summary>Whether <paramref name="backend"/> resolves to FFTW here; throws when FFTW is required and absent.</summary>
    public static bool UsesFftw(FftChoice backend)
    {
        RequireAvailable(backend);
        return backend == FftChoice.Fftw || (backend == FftChoice.Auto && FftwAvailable);
    }

    private static void RequireAvailable(FftChoice backend)
    {
        if (backend == FftChoice.Fftw && !FftwAvailable) throw new InvalidOperationException(FftwMissingMessage);
    }

    internal static void ValidateLength(int n)
    {
        // Even n keeps the Nyquist mode explicit (and the managed half-length packing exact); n ≥ 4 keeps at least one
        // non-trivial mode besides DC and Nyquist.
        if (n < 4 || n % 2 != 0)
            throw new ArgumentOutOfRangeException(nameof(n), n,
                $"FFT length must be even and at least 4; got n = {n}.");
    }
}
