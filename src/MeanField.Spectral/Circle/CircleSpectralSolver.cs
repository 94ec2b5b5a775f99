using System.Numerics;
using MeanField.Core;
using MeanField.Core.Noise;
using MeanField.Spectral.Steppers;

namespace MeanField.Spectral.Circle;

/// <summary>
/// The mean-field PDE on S^1, solved Fourier pseudo-spectrally: a <see cref="FourierCircleBasis"/>, the
/// <see cref="CircleMeanFieldOperator"/> (SA or USA, diffusion exact), and a <see cref="TimeStepper"/> (rk4 or dopri5).
/// With common noise (MATH §3.3) the same operator is the drift, a <see cref="CircleNoiseOperator"/> the noise, and a
/// <see cref="StochasticStepper"/> (heun or euler_maruyama, fixed step) advances the SPDE along path
/// <see cref="StochasticOptions.Path"/> of the seed, so an ensemble is a loop over path indices.
/// </summary>
public sealed class CircleSpectralSolver : SemilinearSolver, IDisposable
{
    private readonly double[] _grid;

    public CircleSpectralSolver(MeanFieldModel model, int gridSize, ReadOnlySpan<Complex> initialCoefficients,
        StepperOptions stepper, FftChoice fftBackend = FftChoice.Auto)
    {
        Basis = new FourierCircleBasis(gridSize);
        Operator = new CircleMeanFieldOperator(Basis, model, fftBackend);
        Start(Operator, Basis.StateFromCoefficients(initialCoefficients), stepper);
        _grid = new double[gridSize];
    }

    /// <summary>The SPDE dρ = −∂θ(ρ V[ρ]) dt + D ∂²θρ dt − ∂θ(ρ ∘ W) with W the common-noise field.</summary>
    public CircleSpectralSolver(MeanFieldModel model, int gridSize, ReadOnlySpan<Complex> initialCoefficients,
        CircleNoiseField noise, StochasticOptions stochastic, FftChoice fftBackend = FftChoice.Auto)
    {
        Basis = new FourierCircleBasis(gridSize);
        Operator = new CircleMeanFieldOperator(Basis, model, fftBackend);
        try
        {
            Noise = new CircleNoiseOperator(Basis, noise, fftBackend);
            if (stochastic.IsIto && !Noise.ItoCorrectionIsDealiased)
                throw new ArgumentException($"euler_maruyama with a non-stationary noise field needs 2·(noise modes {noise.MaxMode}) ≤ the largest retained wavenumber {Basis.MaxWavenumber} (its Itô correction has modes up to 2M); use heun or a higher resolution.", nameof(noise));
            Start(Operator, Noise, Basis.StateFromCoefficients(initialCoefficients), stochastic);
        }
        catch
        {
            Noise?.Dispose();
            Operator.Dispose();
            throw;
        }
        _grid = new double[gridSize];
    }

    public FourierCircleBasis Basis { get; }

    /// <summary>The common-noise operator; null for the deterministic PDE.</summary>
    public CircleNoiseOperator? Noise { get; }
    public CircleMeanFieldOperator Operator { get; }
    public MeanFieldModel Model => Operator.Model;

    public Complex Coefficient(int k) => Basis.Coefficient(State, k);

    /// <summary>f(θ_j) on the n-point grid.</summary>
    public void Density(Span<double> grid) => Operator.Density(State, grid);

    /// <summary>Relative L² size of the top third of the retained modes (see <see cref="CircleDiagnostics.SpectralTail"/>).</summary>
    public static double SpectralTail(FourierCircleBasis basis, ReadOnlySpan<double> state)
    {
        int kmax = basis.MaxWavenumber, first = 2 * kmax / 3 + 1;
        double top = 0, all = state[0] * state[0];
        for (int k = 1; k <= kmax; k++)
        {
            double a = 2 * (state[2 * k] * state[2 * k] + state[2 * k + 1] * state[2 * k + 1]);
            all += a;
            if (k >= first) top += a;
        }
        // A non-finite state has a NaN tail (never 0): the run reports a numerical failure, not a resolved state.
        return all > 0 ? Math.Sqrt(top / all) : double.IsFinite(all) ? 0 : double.NaN;
    }

    /// <summary>E_β of a state, from its coefficients (exact for the band-limited density).</summary>
    public double Energy(ReadOnlySpan<double> state)
    {
        var iv = Operator.ScaledBessel;
        double sum = iv[0] * state[0] * state[0];
        for (int k = 1; k <= Basis.MaxWavenumber; k++)
            sum += 2 * iv[k] * (state[2 * k] * state[2 * k] + state[2 * k + 1] * state[2 * k + 1]);
        double beta = Model.Beta;
        return Math.Exp(beta) * 2 * Math.PI * Math.PI / beta * sum;
    }

    /// <summary>
    /// P3's energy 𝓔_β = ½ ∬ (e^β − e^{β cos(θ−φ)}) f f = ½ e^β (∫f)² − β E_β (MATH §3.2, §5): ≥ 0, and 0 only for a Dirac
    /// mass; the synchronisation diagnostic of stochastic runs. Computed as 2π² e^β [(1 − e^{−β}I₀) f̂₀² − 2Σ_{k≥1} e^{−β}I_k |f̂_k|²].
    /// </summary>
    public double P3Energy(ReadOnlySpan<double> state)
    {
        var iv = Operator.ScaledBessel;
        double sum = (1 - iv[0]) * state[0] * state[0];
        for (int k = 1; k <= Basis.MaxWavenumber; k++)
            sum -= 2 * iv[k] * (state[2 * k] * state[2 * k] + state[2 * k + 1] * state[2 * k + 1]);
        return Math.Exp(Model.Beta) * 2 * Math.PI * Math.PI * sum;
    }

    public CircleDiagnostics Diagnose(int modeCount = 33)
    {
        var u = State;
        Operator.Density(u, _grid);
        double mass = 0, min = double.PositiveInfinity;
        foreach (double f in _grid) { mass += f; min = Math.Min(min, f); }
        var density = _grid.ToArray();
        Operator.Velocity(u, _grid);
        double flux = 0;
        for (int j = 0; j < _grid.Length; j++) flux += density[j] * _grid[j];
        int count = Math.Min(modeCount, Basis.MaxWavenumber + 1);
        var modes = new Complex[modeCount];
        for (int k = 0; k < count; k++) modes[k] = Basis.Coefficient(u, k);
        return new CircleDiagnostics
        {
            Mass = mass * Basis.Weight,
            Energy = Energy(u),
            SpectralTail = SpectralTail(Basis, u),
            MinDensity = min,
            NetFlux = flux * Basis.Weight,
            FirstMoment = 2 * Math.PI * Complex.Conjugate(Basis.Coefficient(u, 1)),
            Modes = modes,
        };
    }

    public void Dispose()
    {
        Operator.Dispose();
        Noise?.Dispose();
    }
}
