namespace MeanField.Core.Noise;

/// <summary>
/// The common noise on the circle as an angular velocity field driven by Brownian motions (MATH §3.3, circle):
///   W(θ, dt) = a₀ dB₀ + Σ_{m=1}^{M} ( a^c_m cos(mθ) dB^c_m + a^s_m sin(mθ) dB^s_m ),
/// so a particle moves by dθ = v dt + W(θ, ∘dt) and the density by dρ = −∂θ(ρ v) dt − ∂θ(ρ ∘ W).
/// Components are ordered j = 0: dB₀ (rotation); j = 2m−1: cos(mθ); j = 2m: sin(mθ); 2M+1 in all.
/// </summary>
/// <remarks>
/// From an MLP kernel the field is stationary, E[W(θ)W(φ)] = Q(θ−φ) dt with Q(δ) = κ(cos δ) cos δ = Σ_m q_m cos(mδ),
/// and a^c_m = a^s_m = √q_m, where κ(cos δ) = Σ_n κ_n cos(nδ) gives q₀ = κ₁/2, q₁ = κ₀ + κ₂/2, q_m = (κ_{m−1}+κ_{m+1})/2.
/// The Itô correction of a truncated field is ½ Σ_j ∂θ(g_j ∂θ(g_j ρ)) with g_j the component shapes; for a stationary
/// field it is (Q_trunc(0)/2) ∂²θ ρ, Q_trunc(0) = Σ_{m≤M} q_m (the MATH §3.3 truncation rule on S¹).
/// </remarks>
public sealed class CircleNoiseField
{
    private readonly double[] _cos, _sin;   // a^c_m, a^s_m for m = 0..M (a^s_0 = 0)

    public CircleNoiseField(ReadOnlySpan<double> cosAmplitudes, ReadOnlySpan<double> sinAmplitudes)
    {
        if (cosAmplitudes.Length == 0 || cosAmplitudes.Length != sinAmplitudes.Length)
            throw new ArgumentException("cos and sin amplitudes must be non-empty and of equal length (modes 0..M).");
        if (sinAmplitudes[0] != 0) throw new ArgumentException("sin(0·θ) = 0: the mode-0 sin amplitude must be 0.");
        foreach (double a in cosAmplitudes) if (!double.IsFinite(a)) throw new ArgumentException("amplitudes must be finite.");
        foreach (double a in sinAmplitudes) if (!double.IsFinite(a)) throw new ArgumentException("amplitudes must be finite.");
        _cos = cosAmplitudes.ToArray();
        _sin = sinAmplitudes.ToArray();
    }

    /// <summary>The stationary field of a covariance kernel κ on S¹ truncated at mode M (q_m needs κ_n up to n = M+1).</summary>
    public static CircleNoiseField FromKernel(Func<double, double> kappa, int maxMode)
    {
        if (maxMode < 0) throw new ArgumentOutOfRangeException(nameof(maxMode), maxMode, "maxMode must be ≥ 0.");
        var c = ZonalKernelSpectrum.DegreeVariances(kappa, 2, maxMode + 1);
        // κ(cos δ) = Σ κ_n cos(nδ) with κ_n = C_n N_{n,2}/|S¹|: κ₀ = C₀/2π, κ_n = C_n/π.
        var k = new double[maxMode + 2];
        for (int n = 0; n < k.Length; n++) k[n] = c[n] * (n == 0 ? 1 : 2) / (2 * Math.PI);
        var q = new double[maxMode + 1];
        q[0] = k[1] / 2;
        if (maxMode >= 1) q[1] = k[0] + k[2] / 2;
        for (int m = 2; m <= maxMode; m++) q[m] = (k[m - 1] + k[m + 1]) / 2;
        var cos = new double[maxMode + 1];
        var sin = new double[maxMode + 1];
        for (int m = 0; m <= maxMode; m++)
        {
            cos[m] = Math.Sqrt(Math.Max(q[m], 0));
            if (m > 0) sin[m] = cos[m];
        }
        return new CircleNoiseField(cos, sin);
    }

    public int MaxMode => _cos.Length - 1;
    public int Components => 2 * MaxMode + 1;
    public double CosAmplitude(int m) => _cos[m];
    public double SinAmplitude(int m) => _sin[m];

    /// <summary>a^c_m = a^s_m for every m ≥ 1: then Σ_j g_j² is constant and the Itô correction is a plain Laplacian.</summary>
    public bool IsStationary
    {
        get
        {
            for (int m = 1; m <= MaxMode; m++) if (_cos[m] != _sin[m]) return false;
            return true;
        }
    }

    /// <summary>Component shape g_j(θ) (the field per unit increment of B^j).</summary>
    public double Shape(int component, double theta)
    {
        if (component == 0) return _cos[0];
        int m = (component + 1) / 2;
        return (component & 1) == 1 ? _cos[m] * Math.Cos(m * theta) : _sin[m] * Math.Sin(m * theta);
    }

    /// <summary>W(θ) = Σ_j g_j(θ) ΔB^j for one set of increments.</summary>
    public double Value(double theta, ReadOnlySpan<double> increments)
    {
        if (increments.Length != Components) throw new ArgumentException($"expected {Components} increments.", nameof(increments));
        double w = _cos[0] * increments[0];
        for (int m = 1; m <= MaxMode; m++)
        {
            var (s, c) = Math.SinCos(m * theta);
            w += _cos[m] * c * increments[2 * m - 1] + _sin[m] * s * increments[2 * m];
        }
        return w;
    }

    /// <summary>Σ_j g_j(θ)²: the quadratic variation rate of W(θ). Equals <see cref="TruncatedVariance"/> everywhere when stationary.</summary>
    public double Variance(double theta)
    {
        double v = _cos[0] * _cos[0];
        for (int m = 1; m <= MaxMode; m++)
        {
            var (s, c) = Math.SinCos(m * theta);
            v += _cos[m] * _cos[m] * c * c + _sin[m] * _sin[m] * s * s;
        }
        return v;
    }

    /// <summary>The θ-average of Σ_j g_j²: Q_trunc(0) = κ_trunc(1) for a stationary field.</summary>
    public double TruncatedVariance
    {
        get
        {
            double v = _cos[0] * _cos[0];
            for (int m = 1; m <= MaxMode; m++) v += (_cos[m] * _cos[m] + _sin[m] * _sin[m]) / 2;
            return v;
        }
    }
}
