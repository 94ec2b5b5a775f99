using System.Numerics;
using MathNet.Numerics.LinearAlgebra;
using MathNet.Numerics.LinearAlgebra.Factorization;

namespace MeanField.Steady;

/// <summary>
/// Eigenvalues of the linearised PDE u ↦ N'(u*) − DΛ at a stationary state u*, on the free entries, with the neutral
/// rotation modes G_j u* factored out (the eigenvalues of the quotient map on span{G_j u*}^⊥, which is exactly the
/// spectrum without those zeros). Sorted by real part, largest first.
/// </summary>
/// <param name="Eigenvalues">The leading eigenvalues (largest real part first), in the operator's time unit.</param>
/// <param name="NeutralCount">How many rotation modes were factored out (eigenvalue 0 by symmetry).</param>
/// <param name="UnstableCount">Eigenvalues with real part above the tolerance (over the whole spectrum).</param>
/// <param name="Tolerance">|Re λ| below this counts as 0: 1e−9 of the slowest diffusive rate D·Λ_min.</param>
/// <param name="Method">"dense" (assembled from Jacobian-vector products, full eigendecomposition) or "arnoldi".</param>
public sealed record JacobianSpectrum(Complex[] Eigenvalues, int NeutralCount, int UnstableCount, double Tolerance, string Method)
{
    /// <summary>Linearly stable: no eigenvalue with positive real part (beyond the tolerance).</summary>
    public bool Stable => UnstableCount == 0;

    /// <summary>The largest real part.</summary>
    public double LeadingReal => Eigenvalues.Length == 0 ? double.NegativeInfinity : Eigenvalues[0].Real;

    /// <summary>Real eigenvectors (free entries) of the real eigenvalues, by index into <see cref="Eigenvalues"/>; null for complex ones.</summary>
    internal double[]?[] Vectors { get; init; } = [];

    /// <summary>Real part of the k-th largest eigenvalue (1-based), −∞ past the end.</summary>
    public double RealPart(int k) => k >= 1 && k <= Eigenvalues.Length ? Eigenvalues[k - 1].Real : double.NegativeInfinity;
}

internal static class SpectrumSolver
{
    /// <summary>Dense: the Jacobian assembled column by column from <see cref="StationarySystem.Jacobian"/>.</summary>
    public static JacobianSpectrum Dense(ISteadyGeometry geometry, ReadOnlySpan<double> u, double diffusion, int count)
    {
        var system = new StationarySystem(geometry, u, phaseConditions: false);
        int nf = system.FreeCount;
        var y = system.Reduce(u);
        var jac = Matrix<double>.Build.Dense(nf, nf);
        var e = new double[nf];
        var col = new double[nf];
        for (int i = 0; i < nf; i++)
        {
            e[i] = 1;
            system.Jacobian(y, diffusion, e, col, withDrift: false);
            e[i] = 0;
            jac.SetColumn(i, col);
        }
        var orbit = StationarySystem.OrbitDirections(geometry, u, system.Free);
        int m = orbit.Length;
        Matrix<double> basis;
        if (m == 0) basis = Matrix<double>.Build.DenseIdentity(nf);
        else
        {
            var t = Matrix<double>.Build.DenseOfColumnArrays(orbit);
            var q = t.QR(QRMethod.Full).Q;
            basis = q.SubMatrix(0, nf, m, nf - m);
        }
        var reduced = m == 0 ? jac : basis.TransposeThisAndMultiply(jac * basis);
        var evd = reduced.Evd(Symmetricity.Asymmetric);
        var values = evd.EigenValues.ToArray();
        var vectors = evd.EigenVectors;
        var order = Enumerable.Range(0, values.Length).OrderByDescending(i => values[i].Real).ThenByDescending(i => values[i].Imaginary).ToArray();
        double tolerance = 1e-9 * diffusion * system.SmallestLaplacian;
        int unstable = values.Count(v => v.Real > tolerance);
        int keep = Math.Min(Math.Max(count, unstable + 4), values.Length);   // enough to follow the crossing eigenvalue
        var leading = new Complex[keep];
        var leadingVectors = new double[]?[keep];
        for (int r = 0; r < keep; r++)
        {
            int i = order[r];
            leading[r] = values[i];
            if (Math.Abs(values[i].Imaginary) <= 1e-12 * Math.Max(1, Math.Abs(values[i].Real)))
            {
                var v = basis * vectors.Column(i);
                leadingVectors[r] = (v / v.L2Norm()).ToArray();
            }
        }
        return new JacobianSpectrum(leading, m, unstable, tolerance, "dense") { Vectors = leadingVectors };
    }
}
