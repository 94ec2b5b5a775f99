using System.Numerics;
using MeanField.Spectral.Circle;
using MeanField.Spectral.Steppers;

namespace MeanField.Steady.Tests;

/// <summary>
/// USA on the circle with the kernel truncated to its first Fourier mode: W(φ) = I_0(β)/β + (2I_1(β)/β) cos φ, so
/// W'(φ) = −(2I_1(β)/β) sin φ, the first mode of −e^{β cos φ} sin φ. Built here directly in Fourier space (exact Galerkin
/// products, no FFT): V̂_{±1} = ±i 2π (I_1(β)/β) f̂_{±1}, (fV)^_k = f̂_{k−1}V̂_1 + f̂_{k+1}V̂_{−1}, N_k = −ik (fV)^_k.
/// </summary>
internal sealed class FirstModeCircleOperator(FourierCircleBasis basis, double besselI1OverBeta) : ISemilinearSystem
{
    private readonly double[] _linear = new double[basis.StateLength];
    public int Length => basis.StateLength;
    public ReadOnlySpan<double> LinearDiagonal => _linear;

    public void EvaluateNonlinear(double t, ReadOnlySpan<double> u, Span<double> dudt)
    {
        int kmax = basis.MaxWavenumber;
        var uu = u.ToArray();
        Complex F(int k) => k > kmax ? Complex.Zero : k >= 0 ? new Complex(uu[2 * k], uu[2 * k + 1]) : Complex.Conjugate(new Complex(uu[-2 * k], uu[-2 * k + 1]));
        var v1 = Complex.ImaginaryOne * 2 * Math.PI * besselI1OverBeta * F(1);
        var vm1 = Complex.Conjugate(v1);
        for (int k = 0; k <= kmax; k++)
        {
            var p = F(k - 1) * v1 + F(k + 1) * vm1;
            var n = -Complex.ImaginaryOne * k * p;
            dudt[2 * k] = n.Real;
            dudt[2 * k + 1] = n.Imaginary;
        }
        dudt[0] = dudt[1] = 0;
    }
}
