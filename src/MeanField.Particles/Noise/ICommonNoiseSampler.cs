namespace MeanField.Particles.Noise;

/// <summary>
/// The common (environmental) noise of one step, shared by all particles (MATH §2.2–2.3): a random vector field whose
/// value at x is the step's noise increment. Three implementations: <see cref="CircleHarmonicSampler"/> and
/// <see cref="SphereHarmonicSampler"/> (Karhunen–Loève fields driven by a <see cref="MeanField.Core.Noise.CommonNoisePath"/>,
/// the SPDE's path) and <see cref="MlpNoiseSampler"/> (the random MLP layer, any d).
/// </summary>
/// <remarks>A step's noise depends only on (seed, path, step), so a resumed run draws exactly what an uninterrupted one draws.</remarks>
public interface ICommonNoiseSampler
{
    /// <summary>"harmonic" or "mlp".</summary>
    string Name { get; }

    /// <summary>Ambient dimension d.</summary>
    int Dimension { get; }

    /// <summary>The step size the increments are drawn for (√Dt scales every increment).</summary>
    double Dt { get; }

    /// <summary>Draws the noise of step <paramref name="step"/> (over [step·Dt, (step+1)·Dt]); later evaluations use it.</summary>
    void Draw(long step);

    /// <summary>
    /// increments[i·d + c]: the drawn field at x_i/|x_i| (positions row-major N×d). Harmonic samplers return the tangent
    /// field P_x Σ_k σ_k(x) ΔB^k; the MLP sampler returns √Dt·G(x), not projected (the transformer layer adds it before
    /// the normalisation, MATH §2.3).
    /// </summary>
    void Evaluate(double[] positions, double[] increments);
}
