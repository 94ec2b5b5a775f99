namespace MeanField.Particles;

/// <summary>
/// Evaluates the attention drift of all particles at once. Three implementations: <see cref="DenseInteraction"/>
/// (exact pairwise sums, any model), <see cref="CircleSpectralInteraction"/> (Fourier series of the kernel, identity
/// case on the circle) and <see cref="SphereSpectralInteraction"/> (spherical-harmonic addition theorem, identity case
/// on S²). Results are bit-identical for any thread count.
/// </summary>
public interface IParticleInteraction
{
    /// <summary>"dense" or "spectral".</summary>
    string Name { get; }

    /// <summary>Fourier modes K (circle) or the largest harmonic degree L (S²) kept by a spectral evaluation; 0 for dense.</summary>
    int SpectralModes { get; }

    /// <summary>
    /// drift[i·d + c] = P_{x_i}(attention)_c for positions x (row-major N×d). If <paramref name="meanWeights"/> is given it
    /// receives (1/N) Σ_j e^{β⟨Q x_i, K x_j⟩} (the SA normaliser over N; its mean over i is 2β times the energy).
    /// </summary>
    void Evaluate(double[] positions, double[] drift, double[]? meanWeights = null);
}
