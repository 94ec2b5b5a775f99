using MeanField.Core.Noise;

namespace MeanField.Particles.Noise;

/// <summary>
/// The circle's common noise at particle positions: v(x) = W(θ, ΔB)·(−sin θ, cos θ) with W the angular field of
/// <see cref="CircleNoiseField"/> and ΔB = <see cref="CommonNoisePath.Increments(long, Span{double})"/> of the step, i.e.
/// exactly the increments an SPDE with the same seed, truncation and dt uses.
/// </summary>
/// <remarks>cos mθ and sin mθ come from powers of x₀ + i x₁ (no trigonometric calls); rounding grows like m ulp.</remarks>
public sealed class CircleHarmonicSampler : ICommonNoiseSampler
{
    private readonly CircleNoiseField _field;
    private readonly CommonNoisePath _path;
    private readonly double[] _increments, _cos, _sin;   // ΔB; a^c_m ΔB^c_m and a^s_m ΔB^s_m (m = 0: rotation)

    public CircleHarmonicSampler(CircleNoiseField field, CommonNoisePath path)
    {
        if (path.Components != field.Components)
            throw new ArgumentException($"the path has {path.Components} components, the field needs {field.Components}.", nameof(path));
        _field = field;
        _path = path;
        _increments = new double[field.Components];
        _cos = new double[field.MaxMode + 1];
        _sin = new double[field.MaxMode + 1];
    }

    public string Name => "harmonic";
    public int Dimension => 2;
    public double Dt => _path.Dt;
    public CircleNoiseField Field => _field;
    public CommonNoisePath Path => _path;

    /// <summary>ΔB of the last <see cref="Draw"/>.</summary>
    public ReadOnlySpan<double> Increments => _increments;

    public void Draw(long step)
    {
        _path.Increments(step, _increments);
        _cos[0] = _field.CosAmplitude(0) * _increments[0];
        for (int m = 1; m <= _field.MaxMode; m++)
        {
            _cos[m] = _field.CosAmplitude(m) * _increments[2 * m - 1];
            _sin[m] = _field.SinAmplitude(m) * _increments[2 * m];
        }
    }

    public void Evaluate(double[] positions, double[] increments)
    {
        int n = positions.Length / 2;
        for (int i = 0; i < n; i++)
        {
            double x = positions[2 * i], y = positions[2 * i + 1], r = Math.Sqrt(x * x + y * y);
            double w = AngularValue(x / r, y / r);
            increments[2 * i] = -w * y / r;
            increments[2 * i + 1] = w * x / r;
        }
    }

    /// <summary>W(θ, ΔB) at (cos θ, sin θ) = (c, s) for the drawn increments.</summary>
    public double AngularValue(double c, double s)
    {
        double w = _cos[0], pc = 1, ps = 0;
        for (int m = 1; m < _cos.Length; m++)
        {
            double t = pc * c - ps * s;
            ps = pc * s + ps * c;
            pc = t;
            w += _cos[m] * pc + _sin[m] * ps;
        }
        return w;
    }
}
