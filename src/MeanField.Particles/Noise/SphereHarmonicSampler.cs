using System.Numerics;
using MeanField.Core.Noise;

using MeanField.Core;

namespace MeanField.Particles.Noise;

/// <summary>
/// The S² common noise at particle positions (SphereNoiseField's convention):
///   v(x) = P_x Σ_{n ≤ L} Σ_{i} Σ_α √C_n Y_{n,i}(x) e_α ΔB^{n,i,α},
/// real orthonormal harmonics Y_{n,0} = Y_n^0, Y_{n,2m−1} = √2 Re Y_n^m, Y_{n,2m} = √2 Im Y_n^m (Condon–Shortley), component
/// j = 3(n² + i) + α, ΔB = <see cref="CommonNoisePath.Increments(long, Span{double})"/> of the step (the SPDE's path).
/// </summary>
/// <remarks>Cost per particle: one harmonic recurrence to degree L and 6 multiply–adds per (n, m), threaded over particles.</remarks>
public sealed class SphereHarmonicSampler : ICommonNoiseSampler
{
    private const int ChunkSize = 64;

    private readonly SphereNoiseField _field;
    private readonly CommonNoisePath _path;
    private readonly SphericalHarmonics _harmonics;
    private readonly double[] _increments;
    private readonly double[] _re, _im;   // per α and (n, m) index: the weights of Re Y_n^m and Im Y_n^m in w_α
    private readonly ChunkedParallel _parallel;

    public SphereHarmonicSampler(SphereNoiseField field, CommonNoisePath path, int threads = 0)
    {
        if (path.Components != field.Components)
            throw new ArgumentException($"the path has {path.Components} components, the field needs {field.Components}.", nameof(path));
        _field = field;
        _path = path;
        _harmonics = new SphericalHarmonics(field.MaxDegree);
        _increments = new double[field.Components];
        _re = new double[3 * _harmonics.Count];
        _im = new double[3 * _harmonics.Count];
        _parallel = new ChunkedParallel(threads);
    }

    public string Name => "harmonic";
    public int Dimension => 3;
    public double Dt => _path.Dt;
    public SphereNoiseField Field => _field;
    public CommonNoisePath Path => _path;

    /// <summary>ΔB of the last <see cref="Draw"/>.</summary>
    public ReadOnlySpan<double> Increments => _increments;

    public void Draw(long step)
    {
        _path.Increments(step, _increments);
        int count = _harmonics.Count;
        for (int n = 0; n <= _field.MaxDegree; n++)
        {
            // The field's own complex coefficients a_n^m (the SPDE synthesises the same ones): w = Σ_m≥0 c_m Re(a Y),
            // c_0 = 1, c_m = 2, evaluated below as Re Y·re + Im Y·im with re = c Re a, im = −c Im a.
            for (int alpha = 0; alpha < 3; alpha++)
                for (int m = 0; m <= n; m++)
                {
                    var a = _field.ScalarCoefficient(n, m, alpha, _increments) * (m == 0 ? 1 : 2);
                    int k = alpha * count + _harmonics.Index(n, m);
                    _re[k] = a.Real;
                    _im[k] = -a.Imaginary;
                }
        }
    }

    public void Evaluate(double[] positions, double[] increments)
    {
        if (positions.Length % 3 != 0 || increments.Length != positions.Length)
            throw new ArgumentException("positions and increments must hold N×3 values.");
        _parallel.For(positions.Length / 3, ChunkSize, (_, start, end) =>
        {
            var y = new Complex[_harmonics.Count];
            for (int i = start; i < end; i++) EvaluateOne(positions.AsSpan(3 * i, 3), increments.AsSpan(3 * i, 3), y);
        });
    }

    private void EvaluateOne(ReadOnlySpan<double> x, Span<double> v, Complex[] y)
    {
        _harmonics.Evaluate(x, y);
        int count = y.Length;
        double w0 = 0, w1 = 0, w2 = 0;
        for (int k = 0; k < count; k++)
        {
            double re = y[k].Real, im = y[k].Imaginary;
            w0 += re * _re[k] + im * _im[k];
            w1 += re * _re[count + k] + im * _im[count + k];
            w2 += re * _re[2 * count + k] + im * _im[2 * count + k];
        }
        double r = Math.Sqrt(x[0] * x[0] + x[1] * x[1] + x[2] * x[2]);
        double u0 = x[0] / r, u1 = x[1] / r, u2 = x[2] / r, radial = w0 * u0 + w1 * u1 + w2 * u2;
        v[0] = w0 - radial * u0;
        v[1] = w1 - radial * u1;
        v[2] = w2 - radial * u2;
    }
}
