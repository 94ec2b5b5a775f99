using System.Numerics;

namespace MeanField.Spectral.Circle;

/// <summary>
/// Fourier basis on S^1 = [0, 2π) with n equispaced points θ_j = 2πj/n and the 2/3 dealiasing rule.
///
/// Layout, stated once: a density f(θ) = Σ_k f̂_k e^{ikθ} (f̂_{−k} = conj f̂_k, f̂_0 = mass/2π) is stored as a real
/// vector u of length 2(K+1): u[2k] = Re f̂_k, u[2k+1] = Im f̂_k for k = 0..K, where K = ⌊(n−1)/3⌋ is the largest
/// retained wavenumber. Products of two fields with |k| ≤ K alias only onto |k| > K, which are discarded.
/// </summary>
public sealed class FourierCircleBasis
{
    public FourierCircleBasis(int gridSize)
    {
        if (gridSize < 8 || gridSize % 2 != 0)
            throw new ArgumentOutOfRangeException(nameof(gridSize), gridSize, "the circle grid needs an even number of points ≥ 8.");
        GridSize = gridSize;
        MaxWavenumber = (gridSize - 1) / 3;
        Theta = new double[gridSize];
        for (int j = 0; j < gridSize; j++) Theta[j] = 2 * Math.PI * j / gridSize;
    }

    /// <summary>n, the number of grid points.</summary>
    public int GridSize { get; }

    /// <summary>K, the largest retained wavenumber (2/3 rule).</summary>
    public int MaxWavenumber { get; }

    /// <summary>Length of the state vector, 2(K+1).</summary>
    public int StateLength => 2 * (MaxWavenumber + 1);

    /// <summary>θ_j = 2πj/n.</summary>
    public double[] Theta { get; }

    /// <summary>Quadrature weight of every grid point (trapezoidal rule, spectrally accurate for periodic data).</summary>
    public double Weight => 2 * Math.PI / GridSize;

    public Complex Coefficient(ReadOnlySpan<double> state, int k) =>
        k <= MaxWavenumber ? new Complex(state[2 * k], state[2 * k + 1]) : Complex.Zero;

    /// <summary>State vector from coefficients f̂_0..f̂_m (m ≤ K; higher retained modes set to zero).</summary>
    public double[] StateFromCoefficients(ReadOnlySpan<Complex> coefficients)
    {
        if (coefficients.Length > MaxWavenumber + 1)
            throw new ArgumentException($"{coefficients.Length - 1} is above the largest retained wavenumber {MaxWavenumber}.");
        var state = new double[StateLength];
        for (int k = 0; k < coefficients.Length; k++)
        {
            state[2 * k] = coefficients[k].Real;
            state[2 * k + 1] = k == 0 ? 0 : coefficients[k].Imaginary;
        }
        return state;
    }

    /// <summary>Copy the retained coefficients into an FFT spectrum buffer (n/2+1), zeroing the rest.</summary>
    public void LoadSpectrum(ReadOnlySpan<double> state, Span<Complex> spectrum)
    {
        int kmax = MaxWavenumber;
        for (int k = 0; k <= kmax; k++) spectrum[k] = new Complex(state[2 * k], state[2 * k + 1]);
        spectrum[(kmax + 1)..].Clear();
    }

    /// <summary>Retained part of a grid function's spectrum: u_k = f̂_k for k ≤ K.</summary>
    public void StoreSpectrum(ReadOnlySpan<Complex> spectrum, Span<double> state)
    {
        for (int k = 0; k <= MaxWavenumber; k++)
        {
            state[2 * k] = spectrum[k].Real;
            state[2 * k + 1] = spectrum[k].Imaginary;
        }
        state[1] = 0;
    }
}
