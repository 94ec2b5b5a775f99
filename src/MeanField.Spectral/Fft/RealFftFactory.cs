namespace MeanField.Spectral.Fft;

/// <summary>Chooses the real-FFT backend named by the configuration key solver.fft.</summary>
public static class RealFftFactory
{
    internal const string FftwMissingMessage =
        "solver.fft: fftw requested but libfftw3.so.3 was not found; install libfftw3-double3 or use fft: auto/managed";

    /// <summary>True when libfftw3 (double) can be loaded and called. Probed once per process.</summary>
    public static bool FftwAvailable => FftwNative.IsAvailable;

    /// <summary>
    /// Creates a real FFT of length <paramref name="n"/>.
    /// <paramref name="backend"/>: "auto" (FFTW when available, otherwise managed), "fftw" (required, throws if absent)
    /// or "managed". Matched exactly (case-sensitive) so a typo in a config file is an error, not a silent fallback.
    /// </summary>
    /// <exception cref="ArgumentException">Unknown backend.</exception>
    /// <exception cref="ArgumentOutOfRangeException">n odd or below 4.</exception>
    /// <exception cref="InvalidOperationException">"fftw" requested but libfftw3 is not available.</exception>
    public static IRealFft Create(int n, string backend)
    {
        ArgumentNullException.ThrowIfNull(backend);
        // Validate both arguments before touching the native library, so errors do not depend on the machine.
        if (backend is not ("auto" or "fftw" or "managed"))
            throw new ArgumentException(
                $"solver.fft: unknown FFT backend '{backend}'; allowed values are 'auto', 'fftw', 'managed'.",
                nameof(backend));
        ValidateLength(n);

        return backend switch
        {
            "managed" => new ManagedRealFft(n),
            "fftw" => FftwAvailable ? new FftwRealFft(n) : throw new InvalidOperationException(FftwMissingMessage),
            _ => FftwAvailable ? new FftwRealFft(n) : new ManagedRealFft(n),
        };
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
