using MeanField.Core;
using MeanField.Spectral.Circle;
using MeanField.Spectral.Steppers;

namespace MeanField.Steady.Geometries;

/// <summary>
/// S^1 in the layout of <see cref="FourierCircleBasis"/> (u[2k] = Re f̂_k, u[2k+1] = Im f̂_k, density w.r.t. dθ):
/// Λ = k², the mass Re f̂_0 and Im f̂_0 are fixed, one rotation ∂θ: f̂_k ↦ ik f̂_k.
/// </summary>
public sealed class CircleSteadyGeometry : ISteadyGeometry, IDisposable
{
    private readonly ISemilinearSystem _transport;
    private readonly IDisposable? _owned;
    private readonly double[] _laplacian;
    private readonly int[] _degree;
    private readonly double[] _cos, _sin;   // cos kθ_j, sin kθ_j, row j

    /// <summary>A circle problem for any transport operator in the basis layout (e.g. a truncated kernel built by a test).</summary>
    public CircleSteadyGeometry(FourierCircleBasis basis, ISemilinearSystem transport, bool isQuadratic)
        : this(basis, transport, isQuadratic, null) { }

    private CircleSteadyGeometry(FourierCircleBasis basis, ISemilinearSystem transport, bool isQuadratic, IDisposable? owned)
    {
        if (transport.Length != basis.StateLength)
            throw new ArgumentException($"the transport has length {transport.Length}, the basis {basis.StateLength}.", nameof(transport));
        Basis = basis;
        _transport = transport;
        _owned = owned;
        IsQuadratic = isQuadratic;
        int kmax = basis.MaxWavenumber;
        _laplacian = new double[basis.StateLength];
        _degree = new int[basis.StateLength];
        for (int k = 0; k <= kmax; k++)
        {
            _laplacian[2 * k] = _laplacian[2 * k + 1] = (double)k * k;
            _degree[2 * k] = _degree[2 * k + 1] = k;
        }
        int n = basis.GridSize;
        _cos = new double[n * (kmax + 1)];
        _sin = new double[n * (kmax + 1)];
        for (int j = 0; j < n; j++)
            for (int k = 0; k <= kmax; k++)
            {
                _cos[j * (kmax + 1) + k] = Math.Cos(k * basis.Theta[j]);
                _sin[j * (kmax + 1) + k] = Math.Sin(k * basis.Theta[j]);
            }
        Grid = new Dictionary<string, double[]> { ["theta"] = basis.Theta };
    }

    /// <summary>The circle mean-field operator of the model (its diffusion is ignored: D is the solver's parameter).</summary>
    public static CircleSteadyGeometry Create(AttentionKind attention, double beta, int gridSize, double attentionScale = 1, FftChoice fftBackend = FftChoice.Auto)
    {
        var basis = new FourierCircleBasis(gridSize);
        var op = new CircleMeanFieldOperator(basis, new MeanFieldModel(attention, beta) { AttentionScale = attentionScale }, fftBackend);
        return new CircleSteadyGeometry(basis, op, attention == AttentionKind.USA, op);
    }

    public FourierCircleBasis Basis { get; }
    public string Name => "circle";
    public int Dimension => 2;
    public int Length => Basis.StateLength;
    public bool IsQuadratic { get; }
    public ReadOnlySpan<double> Laplacian => _laplacian;
    public ReadOnlySpan<int> Degree => _degree;
    public IReadOnlyList<int> FixedEntries { get; } = [0, 1];
    public int SymmetryCount => 1;
    public int MaxDegree => Basis.MaxWavenumber;
    public IReadOnlyDictionary<string, double[]> Grid { get; }
    public int GridSize => Basis.GridSize;

    public void Transport(ReadOnlySpan<double> u, Span<double> result) => _transport.EvaluateNonlinear(0, u, result);

    public void ApplySymmetry(int index, ReadOnlySpan<double> u, Span<double> result)
    {
        if (index != 0) throw new ArgumentOutOfRangeException(nameof(index), index, "the circle has one rotation.");
        for (int k = 0; k <= Basis.MaxWavenumber; k++)
        {
            double re = u[2 * k], im = u[2 * k + 1];
            result[2 * k] = -k * im;
            result[2 * k + 1] = k * re;
        }
    }

    public double[] Uniform(ReadOnlySpan<double> u)
    {
        var v = new double[Length];
        v[0] = u[0];
        return v;
    }

    public double HarmonicAmplitude(ReadOnlySpan<double> u, int degree) => Math.Sqrt(u[2 * degree] * u[2 * degree] + u[2 * degree + 1] * u[2 * degree + 1]) / u[0];

    public double DistanceFromUniform(ReadOnlySpan<double> u)
    {
        // ‖f − f̂_0‖²_{L²(dθ)} = 2π Σ_{k≠0} |f̂_k|² = 4π Σ_{k≥1} |f̂_k|².
        double s = 0;
        for (int i = 2; i < u.Length; i++) s += u[i] * u[i];
        return Math.Sqrt(4 * Math.PI * s);
    }

    public void Density(ReadOnlySpan<double> u, Span<double> grid)
    {
        int kmax = Basis.MaxWavenumber;
        for (int j = 0; j < Basis.GridSize; j++)
        {
            double s = u[0];
            for (int k = 1; k <= kmax; k++) s += 2 * (u[2 * k] * _cos[j * (kmax + 1) + k] - u[2 * k + 1] * _sin[j * (kmax + 1) + k]);
            grid[j] = s;
        }
    }

    public void Dispose() => _owned?.Dispose();
}
