using System.Numerics;
using MeanField.Core;
using MeanField.Core.Noise;
using MeanField.Spectral.Steppers;

namespace MeanField.Spectral.Sphere;

/// <summary>
/// The mean-field PDE on S², solved by spherical-harmonic Galerkin: a <see cref="SphereHarmonicBasis"/> (degree ≤ L,
/// dealiased Gauss grid), the <see cref="SphereMeanFieldOperator"/> (SA or USA, diffusion exact), and a
/// <see cref="TimeStepper"/> (rk4 or dopri5). Coefficients use the layout documented on <see cref="SphericalHarmonicTransform"/>.
/// With common noise (MATH §3.3) the same operator is the drift, a <see cref="SphereNoiseOperator"/> the noise, and a
/// <see cref="StochasticStepper"/> (heun, Stratonovich; euler_maruyama, Itô) advances the SPDE along path
/// <see cref="StochasticOptions.Path"/> of the seed, as for the circle.
/// </summary>
public sealed class SphereSpectralSolver : SemilinearSolver, IDisposable
{
    private readonly double[] _grid;

    /// <param name="initialCoefficients">a_l^m in the m-major layout of <paramref name="lmax"/> (see <see cref="SphereInitialLaws"/>).</param>
    public SphereSpectralSolver(MeanFieldModel model, int lmax, ReadOnlySpan<Complex> initialCoefficients, StepperOptions stepper,
        FftChoice fftBackend = FftChoice.Auto, int threads = 1)
    {
        Basis = new SphereHarmonicBasis(lmax, fftBackend, threads);
        Operator = new SphereMeanFieldOperator(Basis, model);
        Start(Operator, Basis.StateFromCoefficients(initialCoefficients), stepper);
        _grid = new double[Basis.GridSize];
    }

    /// <summary>The stochastic S² solver: the SPDE with common noise <paramref name="noise"/> on path options.Path of options.Seed.</summary>
    /// <param name="noise">The noise fields; their degree must be ≤ lmax − 1 (alias-free noise flux).</param>
    /// <param name="options">heun or euler_maruyama, the path's step Dt (solver step IncrementsPerStep·Dt), seed and path index.</param>
    public SphereSpectralSolver(MeanFieldModel model, int lmax, ReadOnlySpan<Complex> initialCoefficients, SphereNoiseField noise,
        StochasticOptions options, FftChoice fftBackend = FftChoice.Auto, int threads = 1)
    {
        Basis = new SphereHarmonicBasis(lmax, fftBackend, threads);
        try
        {
            Operator = new SphereMeanFieldOperator(Basis, model);
            Noise = new SphereNoiseOperator(Basis, noise);
            Start(Operator, Noise, Basis.StateFromCoefficients(initialCoefficients), options);
        }
        catch
        {
            Basis.Dispose();
            throw;
        }
        _grid = new double[Basis.GridSize];
    }

    public SphereHarmonicBasis Basis { get; }

    /// <summary>The common-noise operator; null for the deterministic PDE.</summary>
    public SphereNoiseOperator? Noise { get; }
    public SphereMeanFieldOperator Operator { get; }
    public MeanFieldModel Model => Operator.Model;

    /// <summary>a_l^m (any m, via a_l^{−m} = (−1)^m conj a_l^m).</summary>
    public Complex Coefficient(int l, int m) => Basis.Coefficient(State, l, m);

    /// <summary>All a_l^m of the current state, m-major.</summary>
    public Complex[] Coefficients()
    {
        var c = new Complex[Basis.Count];
        Basis.CoefficientsFromState(State, c);
        return c;
    }

    /// <summary>ρ on the nlat × nlon grid (row-major by ring).</summary>
    public void Density(Span<double> grid) => Operator.Density(State, grid);

    /// <summary>S_n = Σ_{m=−n}^{n} |a_n^m|², n = 0..L.</summary>
    public static double[] DegreeSpectrum(SphereHarmonicBasis basis, ReadOnlySpan<double> state)
    {
        int L = basis.Lmax;
        var s = new double[L + 1];
        for (int m = 0; m <= L; m++)
            for (int l = m; l <= L; l++)
            {
                int i = basis.Index(l, m);
                double p = state[2 * i] * state[2 * i] + state[2 * i + 1] * state[2 * i + 1];
                s[l] += m == 0 ? p : 2 * p;
            }
        return s;
    }

    /// <summary>Relative L² size of the degrees above 2L/3 (see <see cref="SphereDiagnostics.SpectralTail"/>).</summary>
    public static double SpectralTail(SphereHarmonicBasis basis, ReadOnlySpan<double> state)
    {
        var s = DegreeSpectrum(basis, state);
        int first = 2 * basis.Lmax / 3 + 1;
        double top = 0, all = 0;
        for (int n = 0; n < s.Length; n++)
        {
            all += s[n];
            if (n >= first) top += s[n];
        }
        // A non-finite state has a NaN tail (never 0): the run reports a numerical failure, not a resolved state.
        return all > 0 ? Math.Sqrt(top / all) : double.IsFinite(all) ? 0 : double.NaN;
    }

    /// <summary>E_β = (1/2β) Σ_n Λ_n S_n (exact for the band-limited density).</summary>
    public double Energy(ReadOnlySpan<double> state)
    {
        var s = DegreeSpectrum(Basis, state);
        var lambda = Operator.Eigenvalues;
        double sum = 0;
        for (int n = 0; n < s.Length; n++) if (s[n] > 0) sum += lambda[n] * s[n];
        return sum / (2 * Model.Beta);
    }

    /// <summary>
    /// P3's energy 𝓔_β = ½∬(e^β − e^{β⟨x,y⟩}) ρρ = ½ e^β M² − β E_β (MATH §3.2, §5; M = √(4π) a_0^0 = 1 for a probability
    /// density); ≥ 0, and 0 only for a Dirac mass.
    /// </summary>
    public double P3Energy(ReadOnlySpan<double> state)
    {
        double mass = Math.Sqrt(4 * Math.PI) * state[0];
        return 0.5 * Math.Exp(Model.Beta) * mass * mass - Model.Beta * Energy(state);
    }

    public SphereDiagnostics Diagnose()
    {
        var u = State;
        Operator.Density(u, _grid);
        int nlon = Basis.Nlon;
        double mass = 0, min = double.PositiveInfinity;
        for (int i = 0; i < Basis.Nlat; i++)
        {
            double ring = 0;
            for (int k = 0; k < nlon; k++)
            {
                double f = _grid[i * nlon + k];
                ring += f;
                min = Math.Min(min, f);
            }
            mass += ring * Basis.AreaWeight(i);
        }
        return new SphereDiagnostics
        {
            Mass = mass,
            Energy = Energy(u),
            SpectralTail = SpectralTail(Basis, u),
            MinDensity = min,
            DegreeSpectrum = DegreeSpectrum(Basis, u),
            FirstMoment = FirstMoment(Basis, u),
        };
    }

    /// <summary>∫ x ρ dσ: with Y_1^0 = √(3/4π) z and Y_1^1 = −√(3/8π)(x + iy), ∫zρ = √(4π/3) a_1^0, ∫(x − iy)ρ = −√(8π/3) a_1^1.</summary>
    public static double[] FirstMoment(SphereHarmonicBasis basis, ReadOnlySpan<double> state)
    {
        var a10 = basis.Coefficient(state, 1, 0);
        var a11 = basis.Coefficient(state, 1, 1);
        double k = Math.Sqrt(8 * Math.PI / 3);
        return [-k * a11.Real, k * a11.Imaginary, Math.Sqrt(4 * Math.PI / 3) * a10.Real];
    }

    public void Dispose()
    {
        Operator.Dispose();
        Basis.Dispose();
    }
}
