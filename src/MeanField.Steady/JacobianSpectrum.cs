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
    /// <summary>Largest number of free unknowns for which <see cref="SpectrumMethod.Auto"/> assembles the Jacobian.</summary>
    public const int DenseLimit = 1500;

    public static JacobianSpectrum Compute(ISteadyGeometry geometry, ReadOnlySpan<double> u, double diffusion, int count, SpectrumMethod method)
    {
        int free = geometry.Length - geometry.FixedEntries.Count;
        return method == SpectrumMethod.Dense || (method == SpectrumMethod.Auto && free <= DenseLimit)
            ? Dense(geometry, u, diffusion, count)
            : Arnoldi(geometry, u, diffusion, count, krylov: Math.Min(free, Math.Max(40, 3 * count)));
    }

    /// <summary>
    /// Shift-invert Arnoldi on P (J − σ)⁻¹ P with P the projector off the rotation orbit, σ = 10⁻³ D Λ_min, inner GMRES
    /// solves to 1e−12; Ritz values θ give λ = σ + 1/θ; a Ritz pair is kept when its residual estimate
    /// |h_{k+1,k} y_k| ≤ 1e−8 |θ|.
    /// </summary>
    public static JacobianSpectrum Arnoldi(ISteadyGeometry geometry, ReadOnlySpan<double> u, double diffusion, int count, int krylov)
    {
        var system = new StationarySystem(geometry, u, phaseConditions: false);
        int nf = system.FreeCount;
        var y = system.Reduce(u);
        var orbit = StationarySystem.OrbitDirections(geometry, u, system.Free);
        int k = Math.Min(krylov, nf - orbit.Length);
        double sigma = 1e-3 * diffusion * system.SmallestLaplacian;
        var precond = system.InversePreconditioner(diffusion);
        void Project(Span<double> v)
        {
            foreach (var q in orbit)
            {
                double d = Gmres.Dot(v, q);
                for (int i = 0; i < v.Length; i++) v[i] -= d * q[i];
            }
        }
        void ShiftInvert(ReadOnlySpan<double> v, Span<double> w)
        {
            Gmres.Solve((x, jx) =>
            {
                system.Jacobian(y, diffusion, x, jx, withDrift: false);
                for (int i = 0; i < nf; i++) jx[i] -= sigma * x[i];
            }, v, w, precond, 1e-12, Math.Min(nf, 400), 20 * nf + 50);
            Project(w);
        }
        var basis = new double[k + 1][];
        var h = Matrix<double>.Build.Dense(k + 1, k);
        basis[0] = new double[nf];
        for (int i = 0; i < nf; i++) basis[0][i] = 1 + 0.5 * Math.Sin(1.7 * i + 0.3);   // deterministic, generic start
        Project(basis[0]);
        Scale(basis[0], 1 / Gmres.Norm(basis[0]));
        int steps = k;
        for (int j = 0; j < k; j++)
        {
            var w = new double[nf];
            ShiftInvert(basis[j], w);
            for (int pass = 0; pass < 2; pass++)
                for (int i = 0; i <= j; i++)
                {
                    double d = Gmres.Dot(w, basis[i]);
                    h[i, j] += d;
                    for (int t = 0; t < nf; t++) w[t] -= d * basis[i][t];
                }
            double norm = Gmres.Norm(w);
            h[j + 1, j] = norm;
            if (norm <= 1e-14 * Math.Abs(h[j, j]) || norm == 0) { steps = j + 1; break; }
            Scale(w, 1 / norm);
            basis[j + 1] = w;
        }
        var hk = h.SubMatrix(0, steps, 0, steps);
        var evd = hk.Evd(Symmetricity.Asymmetric);
        var theta = evd.EigenValues.ToArray();
        var vecs = evd.EigenVectors;
        double tail = steps < h.RowCount ? h[steps, steps - 1] : 0;
        var found = new List<(Complex Lambda, double[]? Vector)>();
        for (int i = 0; i < theta.Length; i++)
        {
            if (theta[i] == Complex.Zero) continue;
            bool real = Math.Abs(theta[i].Imaginary) <= 1e-12 * theta[i].Magnitude;
            // Residual estimate of the Ritz pair: |h_{k+1,k}| · |last component of its eigenvector of H_k|.
            double last = real ? Math.Abs(vecs[steps - 1, i]) : Math.Sqrt(vecs[steps - 1, i] * vecs[steps - 1, i] + (i + 1 < steps ? vecs[steps - 1, i + 1] * vecs[steps - 1, i + 1] : 0));
            double colNorm = real ? vecs.Column(i).L2Norm() : 1;
            if (tail * last / colNorm > 1e-8 * theta[i].Magnitude) continue;
            double[]? vector = null;
            if (real)
            {
                vector = new double[nf];
                for (int j = 0; j < steps; j++) for (int t = 0; t < nf; t++) vector[t] += vecs[j, i] * basis[j][t];
                Scale(vector, 1 / Gmres.Norm(vector));
            }
            found.Add((sigma + 1 / theta[i], vector));
        }
        var sorted = found.OrderByDescending(f => f.Lambda.Real).ThenByDescending(f => f.Lambda.Imaginary).ToList();
        double tolerance = 1e-9 * diffusion * system.SmallestLaplacian;
        int unstable = sorted.Count(f => f.Lambda.Real > tolerance);
        int keep = Math.Min(Math.Max(count, unstable + 4), sorted.Count);
        return new JacobianSpectrum(sorted.Take(keep).Select(f => f.Lambda).ToArray(), orbit.Length, unstable, tolerance, "arnoldi")
            { Vectors = sorted.Take(keep).Select(f => f.Vector).ToArray() };
    }

    private static void Scale(Span<double> v, double a)
    {
        for (int i = 0; i < v.Length; i++) v[i] *= a;
    }

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

/// <summary>How the Jacobian spectrum is computed.</summary>
public enum SpectrumMethod
{
    /// <summary>Dense up to <see cref="SpectrumSolver.DenseLimit"/> free unknowns, Arnoldi above.</summary>
    Auto,
    /// <summary>Assemble the Jacobian from n Jacobian-vector products and diagonalise it (all eigenvalues, multiplicities).</summary>
    Dense,
    /// <summary>
    /// Matrix-free shift-invert Arnoldi about a small positive shift (the eigenvalues nearest 0, where stability changes):
    /// each Krylov step is one GMRES solve. Returns converged Ritz values only; a multiple eigenvalue appears once.
    /// </summary>
    Arnoldi,
}
