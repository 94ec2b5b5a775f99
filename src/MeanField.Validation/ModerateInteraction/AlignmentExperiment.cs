using MathNet.Numerics.LinearAlgebra;
using MeanField.Core;
using MeanField.Particles;

namespace MeanField.Validation.ModerateInteraction;

/// <summary>
/// Campaign 3(ii) settings: SA on S² with general Q, K, V (row-major 3×3), N uniform particles. M = V KᵀQ must have a
/// real, simple eigenvalue of largest real part, so that E_max ∩ S² is two antipodal points ±e.
/// </summary>
public sealed record AlignmentParameters
{
    public double Beta { get; init; } = 30;

    /// <summary>Q (row-major). The defaults are invertible and give M = V KᵀQ a real simple top eigenvalue ≈ 1.6, next ≈ 1.0.</summary>
    public double[] Query { get; init; } = [1.0, 0.2, 0.0, 0.0, 0.9, 0.1, 0.1, 0.0, 1.1];

    public double[] Key { get; init; } = [1.0, 0.0, 0.1, 0.1, 1.0, 0.0, 0.0, 0.2, 0.9];
    public double[] Value { get; init; } = [1.5, 0.1, 0.0, 0.0, 1.0, 0.2, 0.1, 0.0, 0.5];

    public int ParticleCount { get; init; } = 10_000;
    public double Duration { get; init; } = 8;

    /// <summary>
    /// Heun step (P2 used 1e−2 with the explicit layer update). At N = 1000 the fractions agree to 1e−3 for h = 0.01 … 0.1:
    /// the SA drift is an average of V x_j, so its Lipschitz constant stays O(|V|) once the cloud is concentrated.
    /// </summary>
    public double TimeStep { get; init; } = 0.05;

    public int Samples { get; init; } = 16;

    /// <summary>A particle counts as aligned when its angle to the line ℝe is at most ε (radians).</summary>
    public double Epsilon { get; init; } = 0.2;

    public ulong Seed { get; init; } = 1;
    public int Threads { get; init; }

    /// <summary>Seconds: N = 1000, t ≤ 6.</summary>
    public static AlignmentParameters Quick() => new() { ParticleCount = 1000, Duration = 6, Samples = 6 };

    /// <summary>P2 Fig. 1a scale: N = 10⁴ uniform on S², β = 30.</summary>
    public static AlignmentParameters Full() => new();
}

/// <summary>One output time: the fraction of mass within ε of ±e for the particles and for the β = ∞ characteristics.</summary>
/// <param name="ParticleFraction">Fraction of SA particles with |⟨x, e⟩| ≥ cos ε.</param>
/// <param name="CharacteristicFraction">The same for the initial points pushed along the limit transport ẏ = P_y M y/|KᵀQ y|.</param>
/// <param name="ParticleMeanAlignment">Mean |⟨x, e⟩| of the particles.</param>
/// <param name="CharacteristicMeanAlignment">Mean |⟨y, e⟩| along the characteristics.</param>
public sealed record AlignmentSample(double Time, double ParticleFraction, double CharacteristicFraction,
    double ParticleMeanAlignment, double CharacteristicMeanAlignment);

/// <param name="TopEigenvalue">The eigenvalue of M = V KᵀQ of largest real part (real, simple).</param>
/// <param name="SecondEigenvalueRealPart">The next largest real part: the gap sets the alignment time scale.</param>
/// <param name="TopEigenvector">e (unit).</param>
public sealed record AlignmentResult(AlignmentParameters Parameters, double TopEigenvalue, double SecondEigenvalueRealPart,
    double[] TopEigenvector, IReadOnlyList<AlignmentSample> Samples)
{
    public AlignmentSample Final => Samples[^1];

    /// <summary>max over samples of |particle fraction − characteristic fraction|.</summary>
    public double MaxFractionDifference => Samples.Max(s => Math.Abs(s.ParticleFraction - s.CharacteristicFraction));
}

/// <summary>
/// Campaign 3(ii), P2's alignment phase (MATH §6, Thm 3.2, Prop 3.4): for t = O(1) and β → ∞ the SA flow with general
/// Q, K, V becomes the linear transport ∂_t μ + div(μ P_x V KᵀQ x/|KᵀQ x|) = 0, whose characteristics are time changes of
/// y = z/|z|, ż = M z (M = V KᵀQ), so the mass concentrates on E_max ∩ S² = {±e} for a real simple top eigenvalue.
/// The particles (exact dense SA sums, e^{β⟨Qx,Ky⟩}) and the characteristics start from the same N uniform points.
/// </summary>
public static class AlignmentExperiment
{
    public static AlignmentResult Run(AlignmentParameters p, CancellationToken cancellation = default)
    {
        Validate(p);
        int n = p.ParticleCount;
        var model = new ParticleModel(AttentionKind.SA, 3, p.Beta, query: p.Query, key: p.Key, value: p.Value);
        var interaction = new DenseInteraction(model, n, p.Threads);
        var stepper = new ParticleStepper(model, interaction, ParticleIntegrator.Heun, n, p.Seed, p.Threads);
        var (top, second, e) = TopEigen(p);
        var m = Multiply(p.Value, Multiply(Transpose(p.Key), p.Query));
        var score = Multiply(Transpose(p.Key), p.Query);

        var x = ParticleSampling.Uniform(n, 3, p.Seed);
        var y = (double[])x.Clone();
        int stepsPerSample = Math.Max(1, (int)Math.Ceiling(p.Duration / p.Samples / p.TimeStep));
        double h = p.Duration / p.Samples / stepsPerSample;
        double cosEps = Math.Cos(p.Epsilon);
        var samples = new List<AlignmentSample>();
        for (int s = 0; s <= p.Samples; s++)
        {
            if (s > 0)
                for (int k = 0; k < stepsPerSample; k++)
                {
                    cancellation.ThrowIfCancellationRequested();
                    stepper.Step(x, h);
                    for (int i = 0; i < n; i++) CharacteristicStep(y.AsSpan(3 * i, 3), m, score, h);
                }
            var (pf, pm) = Alignment(x, e, cosEps);
            var (cf, cm) = Alignment(y, e, cosEps);
            samples.Add(new AlignmentSample(p.Duration * s / p.Samples, pf, cf, pm, cm));
        }
        return new AlignmentResult(p, top, second, e, samples);
    }

    /// <summary>The eigenvalue of M = V KᵀQ with the largest real part (must be real and simple), the next real part, and e.</summary>
    public static (double Top, double SecondRealPart, double[] Vector) TopEigen(AlignmentParameters p)
    {
        var m = Matrix<double>.Build.DenseOfRowMajor(3, 3, Multiply(p.Value, Multiply(Transpose(p.Key), p.Query)));
        var evd = m.Evd();
        var order = Enumerable.Range(0, 3).OrderByDescending(i => evd.EigenValues[i].Real).ToArray();
        var top = evd.EigenValues[order[0]];
        double second = evd.EigenValues[order[1]].Real;
        double scale = Math.Max(1, Math.Abs(top.Real));
        if (Math.Abs(top.Imaginary) > 1e-12 * scale || top.Real - second < 1e-9 * scale)
            throw new ArgumentException($"M = V KᵀQ needs a real, simple eigenvalue of largest real part (got {top} and next real part {second}).");
        var v = evd.EigenVectors.Column(order[0]).ToArray();
        double norm = Math.Sqrt(v.Sum(c => c * c));
        return (top.Real, second, v.Select(c => c / norm).ToArray());
    }

    /// <summary>One RK4 step of ẏ = P_y M y/|B y| (B = KᵀQ), then y ← y/|y|.</summary>
    private static void CharacteristicStep(Span<double> y, double[] m, double[] b, double h)
    {
        Span<double> k1 = stackalloc double[3], k2 = stackalloc double[3], k3 = stackalloc double[3], k4 = stackalloc double[3], t = stackalloc double[3];
        Velocity(y, m, b, k1);
        for (int c = 0; c < 3; c++) t[c] = y[c] + 0.5 * h * k1[c];
        Velocity(t, m, b, k2);
        for (int c = 0; c < 3; c++) t[c] = y[c] + 0.5 * h * k2[c];
        Velocity(t, m, b, k3);
        for (int c = 0; c < 3; c++) t[c] = y[c] + h * k3[c];
        Velocity(t, m, b, k4);
        double r = 0;
        for (int c = 0; c < 3; c++) { y[c] += h / 6 * (k1[c] + 2 * (k2[c] + k3[c]) + k4[c]); r += y[c] * y[c]; }
        r = 1 / Math.Sqrt(r);
        for (int c = 0; c < 3; c++) y[c] *= r;
    }

    // χ_∞(y) = P_ŷ M ŷ/|B ŷ| at ŷ = y/|y| (stage points may leave the sphere slightly).
    private static void Velocity(ReadOnlySpan<double> y, double[] m, double[] b, Span<double> v)
    {
        double r = Math.Sqrt(y[0] * y[0] + y[1] * y[1] + y[2] * y[2]);
        Span<double> u = stackalloc double[3];
        for (int c = 0; c < 3; c++) u[c] = y[c] / r;
        double by = 0, radial = 0;
        for (int row = 0; row < 3; row++)
        {
            double bu = b[3 * row] * u[0] + b[3 * row + 1] * u[1] + b[3 * row + 2] * u[2];
            by += bu * bu;
            v[row] = m[3 * row] * u[0] + m[3 * row + 1] * u[1] + m[3 * row + 2] * u[2];
            radial += v[row] * u[row];
        }
        double inv = 1 / Math.Sqrt(by);
        for (int c = 0; c < 3; c++) v[c] = (v[c] - radial * u[c]) * inv;
    }

    private static (double Fraction, double Mean) Alignment(double[] x, double[] e, double cosEps)
    {
        int n = x.Length / 3, inside = 0;
        double sum = 0;
        for (int i = 0; i < n; i++)
        {
            double a = Math.Abs(x[3 * i] * e[0] + x[3 * i + 1] * e[1] + x[3 * i + 2] * e[2]);
            sum += a;
            if (a >= cosEps) inside++;
        }
        return ((double)inside / n, sum / n);
    }

    private static double[] Multiply(double[] a, double[] b)
    {
        var c = new double[9];
        for (int r = 0; r < 3; r++)
            for (int k = 0; k < 3; k++)
                for (int j = 0; j < 3; j++) c[3 * r + j] += a[3 * r + k] * b[3 * k + j];
        return c;
    }

    private static double[] Transpose(double[] a) => [a[0], a[3], a[6], a[1], a[4], a[7], a[2], a[5], a[8]];

    private static void Validate(AlignmentParameters p)
    {
        if (!MeanFieldModel.IsValidBeta(p.Beta)) throw new ArgumentException($"beta {p.Beta} {MeanFieldModel.BetaRule}.");
        foreach (var (a, name) in new[] { (p.Query, "query"), (p.Key, "key"), (p.Value, "value") })
            if (a is not { Length: 9 } || !a.All(double.IsFinite)) throw new ArgumentException($"{name} must hold 3×3 finite numbers (row-major).");
        if (Math.Abs(Matrix<double>.Build.DenseOfRowMajor(3, 3, Multiply(Transpose(p.Key), p.Query)).Determinant()) < 1e-12)
            throw new ArgumentException("KᵀQ must be invertible (the limit velocity divides by |KᵀQ x|).");
        if (p.ParticleCount < 10) throw new ArgumentException("particle count must be ≥ 10.");
        if (!(p.Duration > 0) || !(p.TimeStep > 0) || p.Samples < 1) throw new ArgumentException("duration and time step must be > 0 and samples ≥ 1.");
        if (!(p.Epsilon > 0 && p.Epsilon < Math.PI / 2)) throw new ArgumentException($"epsilon {p.Epsilon} must lie in (0, π/2).");
    }
}
