using MeanField.Core;
using MeanField.Spectral.Zonal;

namespace MeanField.Steady.Geometries;

/// <summary>
/// Zonal densities on S^{d−1} in the layout of <see cref="ZonalGegenbauerBasis"/> (relative density u = Σ c_k q_k, c_0 the
/// mass): Λ = k(k+d−2)·e^{−s} in the operator's time τ = t e^{s} (s = 0 unless USA rates exceed e^300), c_0 fixed. Zonal
/// data are invariant under the rotations about the pole, and no rotation maps a zonal state to another one, so there is
/// no phase condition; the reflection t ↦ −t is discrete.
/// </summary>
public sealed class ZonalSteadyGeometry : ISteadyGeometry
{
    private readonly ZonalMeanFieldOperator _operator;
    private readonly double[] _laplacian;
    private readonly int[] _degree;

    public ZonalSteadyGeometry(AttentionKind attention, double beta, int dimension, int maxDegree, double attentionScale = 1, double? logTimeScale = null)
    {
        Basis = new ZonalGegenbauerBasis(dimension, maxDegree);
        _operator = new ZonalMeanFieldOperator(Basis, attention, beta, 0, logTimeScale, attentionScale);
        IsQuadratic = attention == AttentionKind.USA;
        _laplacian = new double[Basis.StateLength];
        _degree = new int[Basis.StateLength];
        double timeFactor = Math.Exp(-_operator.LogTimeScale);
        for (int k = 0; k < Basis.StateLength; k++)
        {
            _laplacian[k] = SphereGeometry.LaplacianEigenvalue(k, dimension) * timeFactor;
            _degree[k] = k;
        }
        Grid = new Dictionary<string, double[]> { ["t"] = Basis.Nodes };
    }

    public ZonalGegenbauerBasis Basis { get; }
    public ZonalMeanFieldOperator Operator => _operator;

    /// <summary>s: eigenvalues and rates are in the time τ = t·e^{s}.</summary>
    public double LogTimeScale => _operator.LogTimeScale;

    public string Name => "zonal";
    public int Dimension => Basis.Dimension;
    public int Length => Basis.StateLength;
    public bool IsQuadratic { get; }
    public ReadOnlySpan<double> Laplacian => _laplacian;
    public ReadOnlySpan<int> Degree => _degree;
    public IReadOnlyList<int> FixedEntries { get; } = [0];
    public int SymmetryCount => 0;
    public int MaxDegree => Basis.MaxDegree;
    public IReadOnlyDictionary<string, double[]> Grid { get; }
    public int GridSize => Basis.GridSize;

    public void Transport(ReadOnlySpan<double> u, Span<double> result) => _operator.EvaluateNonlinear(0, u, result);

    public void ApplySymmetry(int index, ReadOnlySpan<double> u, Span<double> result) =>
        throw new ArgumentOutOfRangeException(nameof(index), index, "zonal states have no continuous symmetry left to factor out.");

    public double[] Uniform(ReadOnlySpan<double> u)
    {
        var v = new double[Length];
        v[0] = u[0];
        return v;
    }

    public double HarmonicAmplitude(ReadOnlySpan<double> u, int degree) => Math.Abs(u[degree]) / (Math.Exp(0.5 * Basis.LogHarmonicDimension(degree)) * u[0]);

    public double DistanceFromUniform(ReadOnlySpan<double> u)
    {
        // g = u/|S^{d−1}|: ‖g − g_0‖²_{L²(σ)} = Σ_{k≥1} c_k² / |S^{d−1}|.
        double s = 0;
        for (int k = 1; k < u.Length; k++) s += u[k] * u[k];
        return Math.Sqrt(s * Math.Exp(-Basis.LogSurfaceArea));
    }

    public void Density(ReadOnlySpan<double> u, Span<double> grid)
    {
        Basis.ToNodal(u, grid);
        double scale = Math.Exp(-Basis.LogSurfaceArea);
        for (int j = 0; j < grid.Length; j++) grid[j] *= scale;
    }
}
