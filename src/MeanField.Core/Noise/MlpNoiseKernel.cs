namespace MeanField.Core.Noise;

/// <summary>
/// Covariance kernel of the random MLP field G(x) = (1/√m) W φ(Ux/√d + b_U) + b_W on S^{d−1} (MATH §2.2, §5):
///   E[G(x) G(y)ᵀ] = κ(⟨x,y⟩) I_d,   κ(u) = E[φ(V₁)φ(V₂)] + σ_W²,
///   (V₁, V₂) centred Gaussian, Var V_i = 1/d + σ_U², Cov = u/d + σ_U²,   κ'(u) = (1/d) E[φ'(V₁)φ'(V₂)].
/// ReLU uses the arc-cosine closed form; the other activations use Gauss–Hermite quadrature in two dimensions.
/// Also gives the synchronisation exponents of P3: λ₁ (top Lyapunov exponent), λ̄ (noise coercivity) and λ̄'(β).
/// </summary>
public sealed class MlpNoiseKernel
{
    private const int QuadratureNodes = 96;
    private readonly double[] _nodes, _weights;   // Gauss–Hermite for E[f(Z)], Z ~ N(0,1)

    public MlpNoiseKernel(MlpActivation activation, int dimension, double sigmaU, double sigmaW)
    {
        if (dimension < 2) throw new ArgumentOutOfRangeException(nameof(dimension), dimension, "dimension must be ≥ 2.");
        if (!(sigmaU >= 0) || !(sigmaW >= 0)) throw new ArgumentOutOfRangeException(nameof(sigmaU), "sigma_u and sigma_w must be ≥ 0.");
        Activation = activation;
        Dimension = dimension;
        SigmaU = sigmaU;
        SigmaW = sigmaW;
        (_nodes, _weights) = ProbabilistsHermiteRule(QuadratureNodes);
    }

    public MlpActivation Activation { get; }
    public int Dimension { get; }
    public double SigmaU { get; }
    public double SigmaW { get; }

    private double Variance => 1.0 / Dimension + SigmaU * SigmaU;

    /// <summary>κ(u) for u ∈ [−1, 1].</summary>
    public double Kappa(double u)
    {
        double a = Variance, c = u / Dimension + SigmaU * SigmaU;
        if (Activation == MlpActivation.Relu)
        {
            // Arc-cosine kernel (Cho & Saul): E[relu(V₁)relu(V₂)] = (a/2π)(√(1−r²) + (π − arccos r) r), r = c/a.
            double r = Math.Clamp(c / a, -1, 1);
            return a / (2 * Math.PI) * (Math.Sqrt(1 - r * r) + (Math.PI - Math.Acos(r)) * r) + SigmaW * SigmaW;
        }
        var activation = Activation;
        return GaussianPairExpectation(a, c, x => activation.Value(x)) + SigmaW * SigmaW;
    }

    /// <summary>κ'(u) = (1/d) E[φ'(V₁)φ'(V₂)].</summary>
    public double KappaPrime(double u)
    {
        double a = Variance, c = u / Dimension + SigmaU * SigmaU;
        if (Activation == MlpActivation.Relu)
            return (Math.PI - Math.Acos(Math.Clamp(c / a, -1, 1))) / (2 * Math.PI * Dimension);
        var activation = Activation;
        return GaussianPairExpectation(a, c, x => activation.Derivative(x)) / Dimension;
    }

    /// <summary>λ₁ = ((d−3)/2) κ'(1) − ((d−1)/2) κ(1): top Lyapunov exponent of the noise flow (MATH §5).</summary>
    public double TopLyapunovExponent => (Dimension - 3) / 2.0 * KappaPrime(1) - (Dimension - 1) / 2.0 * Kappa(1);

    /// <summary>λ̄ = (d−1) κ'(1) − (d−3) κ(1): negative means the noise is coercive (Assumption 1 of P3).</summary>
    public double CoercivityExponent => (Dimension - 1) * KappaPrime(1) - (Dimension - 3) * Kappa(1);

    /// <summary>
    /// λ̄'(β) = −inf_{u ∈ [−1,1)} F(u), F(u) = β e^{βu} G(u)/(e^β − e^{βu}),
    /// G(u) = κ(u)(d−2+u²−βu(1−u²)) + κ(1)(β(1−u²) − (d−1)u), and F(u) → −λ̄ as u → 1 (MATH §5).
    /// Returns the value and the minimiser u* (1 when the limit at u → 1 is the infimum).
    /// </summary>
    public (double Value, double Minimiser) AttentionCoercivityExponent(double beta)
    {
        if (!(beta > 0)) throw new ArgumentOutOfRangeException(nameof(beta), beta, "beta must be > 0.");
        double k1 = Kappa(1);
        int d = Dimension;
        double F(double u)
        {
            double g = Kappa(u) * (d - 2 + u * u - beta * u * (1 - u * u)) + k1 * (beta * (1 - u * u) - (d - 1) * u);
            // e^{βu}/(e^β − e^{βu}) = 1/(e^{β(1−u)} − 1), written to avoid overflow for large β.
            double x = beta * (1 - u);
            double expm1 = x < 1e-5 ? x * (1 + x / 2 * (1 + x / 3)) : Math.Exp(x) - 1;
            return beta * g / expm1;
        }
        double best = -CoercivityExponent, bestU = 1;
        const int grid = 4000;
        int bestIndex = -1;
        for (int i = 0; i < grid; i++)
        {
            double u = -1 + 2.0 * i / grid, f = F(u);
            if (f < best) { best = f; bestU = u; bestIndex = i; }
        }
        if (bestIndex >= 0)
        {
            // Golden-section refinement on the bracketing grid cells (the endpoint u = −1 is allowed).
            double lo = Math.Max(-1, bestU - 2.0 / grid), hi = Math.Min(1 - 1e-12, bestU + 2.0 / grid);
            double phi = (Math.Sqrt(5) - 1) / 2;
            for (int it = 0; it < 80; it++)
            {
                double x1 = hi - phi * (hi - lo), x2 = lo + phi * (hi - lo);
                if (F(x1) < F(x2)) hi = x2; else lo = x1;
            }
            double u = 0.5 * (lo + hi), f = F(u);
            if (f < best) { best = f; bestU = u; }
            if (F(-1) <= best) { best = F(-1); bestU = -1; }
        }
        return (-best, bestU);
    }

    /// <summary>E[f(V₁) f(V₂)] for centred Gaussians with variances a and covariance c, by tensor Gauss–Hermite.</summary>
    private double GaussianPairExpectation(double a, double c, Func<double, double> f)
    {
        // V₁ = √a z₁, V₂ = (c/√a) z₁ + √(a − c²/a) z₂.
        double s = Math.Sqrt(a), l21 = c / s, l22 = Math.Sqrt(Math.Max(a - l21 * l21, 0));
        double sum = 0;
        for (int i = 0; i < _nodes.Length; i++)
        {
            double z1 = _nodes[i], f1 = f(s * z1);
            if (f1 == 0) continue;
            double inner = 0;
            for (int j = 0; j < _nodes.Length; j++) inner += _weights[j] * f(l21 * z1 + l22 * _nodes[j]);
            sum += _weights[i] * f1 * inner;
        }
        return sum;
    }

    /// <summary>Gauss–Hermite rule for the standard normal weight (Golub–Welsch on the probabilists' Jacobi matrix).</summary>
    private static (double[] Nodes, double[] Weights) ProbabilistsHermiteRule(int n)
    {
        var jacobi = MathNet.Numerics.LinearAlgebra.Matrix<double>.Build.Dense(n, n);
        for (int k = 1; k < n; k++) jacobi[k, k - 1] = jacobi[k - 1, k] = Math.Sqrt(k);
        var evd = jacobi.Evd(MathNet.Numerics.LinearAlgebra.Symmetricity.Symmetric);
        var nodes = new double[n];
        var weights = new double[n];
        for (int i = 0; i < n; i++)
        {
            nodes[i] = evd.EigenValues[i].Real;
            double v = evd.EigenVectors[0, i];
            weights[i] = v * v;   // the weight's total mass is 1
        }
        return (nodes, weights);
    }
}
