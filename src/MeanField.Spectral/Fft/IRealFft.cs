using System.Numerics;

namespace MeanField.Spectral.Fft;

/// <summary>
/// A real-to-complex / complex-to-real FFT of fixed length n that owns its buffers.
/// Callers fill <see cref="Real"/> or <see cref="Spectrum"/> in place and execute, so the hot path copies nothing.
///
/// Normalisation (stated once, used everywhere): with θ_j = 2πj/n,
///   Forward: Spectrum[k] = (1/n) Σ_j Real[j] e^{−ikθ_j},  k = 0..n/2   (Fourier-series coefficients f̂_k)
///   Inverse: Real[j]     = f̂_0 + Σ_{k=1}^{n/2−1} 2 Re(f̂_k e^{ikθ_j}) + f̂_{n/2} (−1)^j   (synthesis)
/// The Nyquist term k = n/2 is counted once (as FFTW does), and the imaginary parts of f̂_0 and f̂_{n/2} are ignored.
/// Forward leaves Real unchanged; Inverse may overwrite Spectrum (FFTW's c2r destroys its input).
/// </summary>
public interface IRealFft : IDisposable
{
    /// <summary>Number of real samples n (even).</summary>
    int Length { get; }

    /// <summary>"fftw" or "managed": recorded in output provenance.</summary>
    string Backend { get; }

    /// <summary>n real samples.</summary>
    Span<double> Real { get; }

    /// <summary>n/2 + 1 complex coefficients.</summary>
    Span<Complex> Spectrum { get; }

    void Forward();

    void Inverse();
}
