using System.Numerics;
using MeanField.Core;

namespace MeanField.Particles;

/// <summary>
/// The unit sphere S^{d−1} ⊂ R^d that the tokens live on, with everything that depends on its dimension decided once:
/// the retraction and tangent projection every scheme uses, the cluster count, which spectral interaction sum exists,
/// and the observables of the empirical measure that only some dimensions have (angles and Fourier modes on S¹,
/// spherical-harmonic coefficients on S²). Integrators, diagnostics and runs ask the manifold instead of testing d.
/// A closed hierarchy: <see cref="CircleManifold"/> (d = 2), <see cref="TwoSphereManifold"/> (d = 3),
/// <see cref="HighSphereManifold"/> (d ≥ 4), chosen by <see cref="For"/>.
/// </summary>
public abstract record ParticleManifold
{
    private protected ParticleManifold(int dimension) => Dimension = dimension;

    /// <summary>d: positions are unit vectors of R^d, stored row-major N×d.</summary>
    public int Dimension { get; }

    /// <summary>The manifold of dimension d ≥ 2.</summary>
    public static ParticleManifold For(int dimension) => dimension switch
    {
        2 => new CircleManifold(),
        3 => new TwoSphereManifold(),
        >= 4 => new HighSphereManifold(dimension),
        _ => throw new ArgumentOutOfRangeException(nameof(dimension), dimension, "particles live on S^(d-1) with d ≥ 2"),
    };

    /// <summary>The retraction of every scheme: x_i ← x_i/|x_i| for each of the N rows.</summary>
    public void Retract(Span<double> x)
    {
        int d = Dimension;
        for (int i = 0; i < x.Length; i += d)
        {
            var xi = x.Slice(i, d);
            double s = 0;
            for (int c = 0; c < d; c++) s += xi[c] * xi[c];
            double inv = 1 / Math.Sqrt(s);
            for (int c = 0; c < d; c++) xi[c] *= inv;
        }
    }

    /// <summary>
    /// projected_i = P_{x̂_i} field_i = field_i − ⟨x̂_i, field_i⟩ x̂_i with x̂_i = x_i/|x_i| (x may be an off-sphere stage point;
    /// projected may be field itself).
    /// </summary>
    public void ProjectTangent(ReadOnlySpan<double> x, ReadOnlySpan<double> field, Span<double> projected)
    {
        int d = Dimension;
        for (int i = 0; i < x.Length; i += d)
        {
            var xi = x.Slice(i, d);
            var f = field.Slice(i, d);
            var p = projected.Slice(i, d);
            double norm2 = 0, radial = 0;
            for (int c = 0; c < d; c++) { norm2 += xi[c] * xi[c]; radial += xi[c] * f[c]; }
            radial /= norm2;
            for (int c = 0; c < d; c++) p[c] = f[c] - radial * xi[c];
        }
    }

    /// <summary>
    /// Number of connected components of the graph with an edge i–j when ⟨x_i, x_j⟩ &gt; 1 − ε: a sweep over the first
    /// coordinate (|x_{i,0} − x_{j,0}| &lt; √(2ε) is necessary for an edge) with union–find, O(N²) in the worst case.
    /// </summary>
    public virtual int ClusterCount(ReadOnlySpan<double> x, double epsilon)
    {
        int d = Dimension, n = x.Length / d;
        if (n == 0) return 0;
        double threshold = 1 - epsilon;
        var order = new int[n];
        var key = new double[n];
        for (int i = 0; i < n; i++) { order[i] = i; key[i] = x[i * d]; }
        Array.Sort(key, order);
        var parent = new int[n];
        for (int i = 0; i < n; i++) parent[i] = i;
        int Find(int a)
        {
            while (parent[a] != a) { parent[a] = parent[parent[a]]; a = parent[a]; }
            return a;
        }
        double window = Math.Sqrt(2 * epsilon);
        int components = n;
        for (int s = 0; s < n; s++)
        {
            int i = order[s];
            var xi = x.Slice(i * d, d);
            for (int t = s + 1; t < n && key[t] - key[s] < window; t++)
            {
                int j = order[t];
                int ri = Find(i), rj = Find(j);
                if (ri == rj) continue;
                var xj = x.Slice(j * d, d);
                double dot = 0;
                for (int c = 0; c < d; c++) dot += xi[c] * xj[c];
                if (dot > threshold) { parent[ri] = rj; components--; }
            }
        }
        return components;
    }

    /// <summary>Whether an O(N·K) spectral interaction sum exists here for this model (identity case, V = ±I).</summary>
    public virtual bool HasSpectralSum(ParticleModel model) => false;

    /// <summary>The size of the spectral sum's truncation, as its summary line names it (K wavenumbers, L degrees).</summary>
    public virtual string SpectralOrderSymbol => "";

    /// <summary>Whether the spectral sum is cheaper than the dense one for N particles (only where <see cref="HasSpectralSum"/>).</summary>
    public virtual bool SpectralIsCheaper(ParticleModel model, int count, double tolerance) => false;

    /// <summary>The spectral interaction sum (only where <see cref="HasSpectralSum"/>).</summary>
    public virtual IParticleInteraction CreateSpectralSum(ParticleModel model, int count, double tolerance, int threads) =>
        throw new ArgumentException($"S^{Dimension - 1} has no spectral interaction sum; use dense.");

    /// <summary>The observables of the empirical measure that exist in this dimension only (beyond positions, energy, clusters, cosines).</summary>
    public virtual IReadOnlyList<EmpiricalObservable> Observables(ObservableOptions options) => [];
}

/// <summary>
/// S¹ (d = 2): positions are (cos θ, sin θ). Clusters are counted by sorting angles (O(N log N)); the spectral sum is
/// Fourier (<see cref="CircleSpectralInteraction"/>); the empirical measure has angles, Fourier modes normalised as the
/// PDE's, and a net angular flux. A tangent vector v at x is the angular rate ω = x₀v₁ − x₁v₀, and the exponential map a
/// rotation, which the common-noise Heun scheme uses to integrate a rigid rotation exactly.
/// </summary>
public sealed record CircleManifold : ParticleManifold
{
    public CircleManifold() : base(2) { }

    /// <summary>The angular rate of the tangent field v at x: ω = x₀v₁ − x₁v₀.</summary>
    public static double AngularRate(double x0, double x1, double v0, double v1) => x0 * v1 - x1 * v0;

    /// <summary>The exponential map at (x0, x1) along angle δ: the rotation by δ.</summary>
    public static (double X0, double X1) Rotate(double x0, double x1, double delta)
    {
        var (sin, cos) = Math.SinCos(delta);
        return (cos * x0 - sin * x1, sin * x0 + cos * x1);
    }

    /// <summary>
    /// Components are runs of sorted angles whose consecutive pairs are joined: with two or more missing consecutive
    /// edges, both arcs between points of different runs contain a gap too wide for an edge.
    /// </summary>
    public override int ClusterCount(ReadOnlySpan<double> x, double epsilon)
    {
        int n = x.Length / 2;
        if (n == 0) return 0;
        double threshold = 1 - epsilon;
        var theta = ParticleDiagnostics.Angles(x, 1);
        Array.Sort(theta);
        int breaks = 0;
        for (int i = 0; i < n; i++)
        {
            double next = i + 1 < n ? theta[i + 1] : theta[0] + 2 * Math.PI;
            if (!(Math.Cos(next - theta[i]) > threshold)) breaks++;
        }
        return Math.Max(breaks, 1);
    }

    public override bool HasSpectralSum(ParticleModel model) => model.IsSignedIdentityCase;

    public override string SpectralOrderSymbol => "K";

    /// <summary>
    /// Per particle a Fourier evaluation costs about as much as 0.5–1·K dense pairs (measured, docs/performance.md), so
    /// N &gt; 2K is a safe threshold; below it both cost microseconds and dense (exact) is chosen.
    /// </summary>
    public override bool SpectralIsCheaper(ParticleModel model, int count, double tolerance) =>
        count > 2 * CircleSpectralInteraction.ModesFor(model.Beta, tolerance, count);

    public override IParticleInteraction CreateSpectralSum(ParticleModel model, int count, double tolerance, int threads) =>
        new CircleSpectralInteraction(model, count, tolerance, threads);

    public override IReadOnlyList<EmpiricalObservable> Observables(ObservableOptions options)
    {
        var list = new List<EmpiricalObservable>();
        if (options.Positions)
            list.Add(EmpiricalObservable.Real("angles", [options.WrittenParticles], "theta_i = atan2(x_i1, x_i0) in [0, 2pi), same particles as positions",
                s => ParticleDiagnostics.Angles(s.Positions, options.PositionStride)));
        list.Add(EmpiricalObservable.Complex("empirical_modes", [options.FourierModes],
            $"(1/2pi)(1/N) sum_j e^{{-ik theta_j}}, k = 0..{options.FourierModes - 1}: the empirical measure's Fourier coefficients, normalised as the PDE's fourier_modes (k=0: 1/2pi)",
            s => ParticleDiagnostics.EmpiricalModes(s.Positions, options.FourierModes)));
        list.Add(EmpiricalObservable.Scalar("net_flux", "(1/N) sum_i dtheta_i/dt: rate of the mean lifted angle; 0 for USA (MATH §2.5)",
            s => ParticleDiagnostics.NetFlux(s.Positions, s.Drift)));
        return list;
    }
}

/// <summary>
/// S² (d = 3): the spectral sum is spherical-harmonic (<see cref="SphereSpectralInteraction"/>, addition theorem), and
/// the empirical measure has a_l^m coefficients laid out as the sphere PDE's.
/// </summary>
public sealed record TwoSphereManifold : ParticleManifold
{
    public TwoSphereManifold() : base(3) { }

    public override bool HasSpectralSum(ParticleModel model) => model.IsSignedIdentityCase;

    public override string SpectralOrderSymbol => "L";

    /// <summary>
    /// A spectral evaluation costs about 0.6 dense pair interactions per particle and (l, m) pair (measured single-threaded
    /// at N = 4000–16000, β = 50, L ≈ 66: 1.1 ns per particle·(l, m) against 1.7–1.8 ns per dense pair), so with the
    /// margin <see cref="CostPerPair"/> = 1 spectral is chosen when N &gt; (L+1)(L+2)/2, i.e. N·L²/2 &lt; N² dense pairs.
    /// </summary>
    public override bool SpectralIsCheaper(ParticleModel model, int count, double tolerance) =>
        count > CostPerPair * SphericalHarmonics.CountFor(SphereSpectralInteraction.DegreeFor(model.Beta, tolerance, count));

    /// <summary>Spectral cost per dense pair and (l, m) pair used by <see cref="SpectralIsCheaper"/>.</summary>
    public const double CostPerPair = 1.0;

    public override IParticleInteraction CreateSpectralSum(ParticleModel model, int count, double tolerance, int threads) =>
        new SphereSpectralInteraction(model, count, tolerance, threads);

    public override IReadOnlyList<EmpiricalObservable> Observables(ObservableOptions options)
    {
        int l = options.HarmonicDegree;
        return
        [
            EmpiricalObservable.Complex("empirical_sh_coefficients", [SphericalHarmonics.CountFor(l)],
                $"(1/N) sum_j conj(Y_l^m(x_j)), m >= 0, l <= {l} (output.harmonic_degree): the empirical measure's a_l^m, normalised and laid out as the sphere PDE's sh_coefficients (orthonormal, Condon-Shortley; index(l,m) = m(2L+3-m)/2 + (l-m); a_0^0 = 1/sqrt(4pi))",
                s => SphericalHarmonics.EmpiricalCoefficients(s.Positions, l)),
        ];
    }
}

/// <summary>S^{d−1}, d ≥ 4: only what every dimension has (dense sums; no per-dimension observables).</summary>
public sealed record HighSphereManifold : ParticleManifold
{
    public HighSphereManifold(int dimension) : base(dimension) =>
        ArgumentOutOfRangeException.ThrowIfLessThan(dimension, 4);
}

/// <summary>What the per-dimension observables depend on: the written particles and the requested orders.</summary>
/// <param name="Positions">Whether positions are written (angles are written for the same particles).</param>
/// <param name="PositionStride">Every stride-th particle is written.</param>
/// <param name="WrittenParticles">⌈N/stride⌉.</param>
/// <param name="FourierModes">Empirical Fourier modes k = 0..FourierModes−1 (circle).</param>
/// <param name="HarmonicDegree">Empirical a_l^m up to this degree (S²).</param>
public sealed record ObservableOptions(bool Positions, int PositionStride, int WrittenParticles, int FourierModes, int HarmonicDegree);

/// <summary>Positions (N×d, on the manifold) and the drift at them, as the observables read them at a write.</summary>
public readonly record struct ParticleSnapshot(double[] Positions, double[] Drift);

/// <summary>An observable of the empirical measure: name, shape (empty for a scalar), description, and its real or complex value.</summary>
public sealed record EmpiricalObservable(string Name, int[] Shape, string Description, Func<ParticleSnapshot, double[]>? RealValue, Func<ParticleSnapshot, Complex[]>? ComplexValue)
{
    public static EmpiricalObservable Real(string name, int[] shape, string description, Func<ParticleSnapshot, double[]> value) => new(name, shape, description, value, null);
    public static EmpiricalObservable Scalar(string name, string description, Func<ParticleSnapshot, double> value) => new(name, [], description, s => [value(s)], null);
    public static EmpiricalObservable Complex(string name, int[] shape, string description, Func<ParticleSnapshot, Complex[]> value) => new(name, shape, description, null, value);
}
