using MeanField.Core.Random;
using MeanField.Particles.Noise;

namespace MeanField.Particles;

/// <summary>Time-stepping schemes for the particle system (MATH §9.4). Every scheme ends a step by projecting each x_i back to |x_i| = 1.</summary>
public enum ParticleIntegrator
{
    /// <summary>Classical RK4 on ẋ = P_x a(x), then x ← x/|x|. Order 4. Deterministic only.</summary>
    Rk4,

    /// <summary>
    /// Stratonovich Heun: x̃ = x + h F(x) + σ P_x ξ, x ← N(x + (h/2)(F(x) + F(x̃)) + (σ/2)(P_x + P_x̂) ξ), x̂ = x̃/|x̃|, σ = √(2Dh).
    /// Without noise it is Heun's RK2 (order 2). With common noise V (the sampler's field, projected) the predictor adds
    /// P_x V(x), F and V are re-evaluated at x̂, and the corrector adds ½(P_x V(x) + P_x̂ V(x̂)) with the same increments;
    /// on the circle (d = 2) the same predictor–corrector runs on the angle θ, so a rigid rotation field is integrated exactly.
    /// </summary>
    Heun,

    /// <summary>
    /// The transformer layer x ← N(x + h F(x) + σ P_x ξ + V(x)): Euler(–Maruyama) then renormalisation, V the common-noise
    /// increment (unprojected for the MLP sampler, MATH §2.3: the normalisation supplies the Itô correction). Order 1.
    /// </summary>
    Layer,
}

/// <summary>
/// Advances N×d positions by fixed steps. Noise: ξ_{i,c} of step s is Gaussian number (s·N + i)·d + c of the Philox stream
/// (seed, <see cref="RandomStreams.IdiosyncraticNoise"/>), drawn by random access, so it does not depend on the thread count.
/// The Stratonovich form dX = P_X a dt + √(2D) P_X ∘ dW has generator D·Δ_S + a·∇ (MATH §2.4 with κ_R = 1/D).
/// Common noise (optional <see cref="ICommonNoiseSampler"/>) is drawn for step s as sampler.Draw(s), so it too is keyed by the
/// step count; its step size must be the step size h passed to <see cref="Step"/>.
/// With attention scale s = 0 the interaction is not evaluated (the drift is zero).
/// </summary>
public sealed class ParticleStepper
{
    private const int ChunkSize = 512;

    private readonly ParticleModel _model;
    private readonly ParticleManifold _manifold;
    private readonly CircleManifold? _circle;   // S¹ integrates common noise on the angle (exact rotations)
    private readonly IParticleInteraction _interaction;
    private readonly ParticleIntegrator _integrator;
    private readonly int _n, _d;
    private readonly ulong _seed;
    private readonly double[] _k1, _k2, _k3, _k4, _stage, _noise, _w1, _w2;
    private readonly ICommonNoiseSampler? _common;
    private readonly double[] _c1, _c2, _hat;   // common-noise field at x and at x̂, and x̂
    private readonly ChunkedParallel _parallel;

    public ParticleStepper(ParticleModel model, IParticleInteraction interaction, ParticleIntegrator integrator, int count, ulong seed,
        int threads = 0, ICommonNoiseSampler? commonNoise = null)
    {
        if (integrator == ParticleIntegrator.Rk4 && model.Diffusion > 0)
            throw new ArgumentException("rk4 has no noise term; use heun or layer when diffusion > 0.", nameof(integrator));
        if (integrator == ParticleIntegrator.Rk4 && commonNoise is not null)
            throw new ArgumentException("rk4 has no noise term; use heun or layer with common noise.", nameof(integrator));
        if (commonNoise is not null && commonNoise.Dimension != model.Dimension)
            throw new ArgumentException($"the common noise is for dimension {commonNoise.Dimension}, the model has {model.Dimension}.", nameof(commonNoise));
        _model = model;
        _manifold = model.Manifold;
        _circle = _manifold as CircleManifold;
        _interaction = interaction;
        _integrator = integrator;
        _n = count;
        _d = model.Dimension;
        _seed = seed;
        int size = count * _d;
        _k1 = new double[size];
        _k2 = integrator == ParticleIntegrator.Layer ? [] : new double[size];
        _k3 = integrator == ParticleIntegrator.Rk4 ? new double[size] : [];
        _k4 = integrator == ParticleIntegrator.Rk4 ? new double[size] : [];
        _stage = integrator == ParticleIntegrator.Layer ? [] : new double[size];
        _noise = model.Diffusion > 0 ? new double[size] : [];
        _w1 = model.Diffusion > 0 || (commonNoise is not null && _circle is not null) ? new double[size] : [];
        _w2 = model.Diffusion > 0 && integrator == ParticleIntegrator.Heun ? new double[size] : [];
        _common = commonNoise;
        bool heunCommon = commonNoise is not null && integrator == ParticleIntegrator.Heun;
        _c1 = commonNoise is not null ? new double[size] : [];
        _c2 = heunCommon ? new double[size] : [];
        _hat = heunCommon ? new double[size] : [];
        _parallel = new ChunkedParallel(threads);
    }

    public ParticleIntegrator Integrator => _integrator;

    /// <summary>The common noise, or null.</summary>
    public ICommonNoiseSampler? CommonNoise => _common;

    /// <summary>Steps taken (also the index of the next step's noise).</summary>
    public long Steps { get; private set; }

    /// <summary>Continue a resumed run: the noise of step k depends only on (seed, k, particle), so setting the count is enough.</summary>
    public void RestoreStepCount(long steps) => Steps = steps >= 0 ? steps : throw new ArgumentOutOfRangeException(nameof(steps));

    /// <summary>Drift evaluations so far.</summary>
    public long Evaluations { get; private set; }

    /// <summary>One step of size h in place.</summary>
    public void Step(double[] x, double h)
    {
        bool noisy = _model.Diffusion > 0;
        if (noisy) DrawNoise(Math.Sqrt(2 * _model.Diffusion * h));
        _common?.Draw(Steps);
        switch (_integrator)
        {
            case ParticleIntegrator.Rk4:
                Evaluate(x, _k1);
                Combine(_stage, x, 0.5 * h, _k1);
                Evaluate(_stage, _k2);
                Combine(_stage, x, 0.5 * h, _k2);
                Evaluate(_stage, _k3);
                Combine(_stage, x, h, _k3);
                Evaluate(_stage, _k4);
                for (int a = 0; a < x.Length; a++) x[a] += h / 6 * (_k1[a] + 2 * (_k2[a] + _k3[a]) + _k4[a]);
                break;
            case ParticleIntegrator.Heun when _common is not null && _circle is not null:
                CircleHeun(x, h, noisy);
                break;
            case ParticleIntegrator.Heun when _common is not null:
                CommonHeun(x, h, noisy);
                break;
            case ParticleIntegrator.Heun:
                Evaluate(x, _k1);
                Combine(_stage, x, h, _k1);
                if (noisy)
                {
                    _manifold.ProjectTangent(x, _noise, _w1);
                    for (int a = 0; a < x.Length; a++) _stage[a] += _w1[a];
                }
                Evaluate(_stage, _k2);
                for (int a = 0; a < x.Length; a++) x[a] += 0.5 * h * (_k1[a] + _k2[a]);
                if (noisy)
                {
                    _manifold.ProjectTangent(_stage, _noise, _w2);
                    for (int a = 0; a < x.Length; a++) x[a] += 0.5 * (_w1[a] + _w2[a]);
                }
                break;
            case ParticleIntegrator.Layer:
                Evaluate(x, _k1);
                if (noisy)
                {
                    _manifold.ProjectTangent(x, _noise, _w1);
                    for (int a = 0; a < x.Length; a++) x[a] += _w1[a];
                }
                if (_common is not null)
                {
                    _common.Evaluate(x, _c1);
                    for (int a = 0; a < x.Length; a++) x[a] += _c1[a];
                }
                for (int a = 0; a < x.Length; a++) x[a] += h * _k1[a];
                break;
        }
        _manifold.Retract(x);
        Steps++;
    }

    /// <summary>Stratonovich Heun with common noise on S^{d−1}: predictor, projection to the sphere, corrector with the same increments.</summary>
    private void CommonHeun(double[] x, double h, bool noisy)
    {
        Evaluate(x, _k1);
        _common!.Evaluate(x, _c1);
        _manifold.ProjectTangent(x, _c1, _c1);
        Combine(_stage, x, h, _k1);
        for (int a = 0; a < x.Length; a++) _stage[a] += _c1[a];
        if (noisy)
        {
            _manifold.ProjectTangent(x, _noise, _w1);
            for (int a = 0; a < x.Length; a++) _stage[a] += _w1[a];
        }
        _stage.CopyTo(_hat, 0);
        _manifold.Retract(_hat);
        Evaluate(_hat, _k2);
        _common.Evaluate(_hat, _c2);
        _manifold.ProjectTangent(_hat, _c2, _c2);
        for (int a = 0; a < x.Length; a++) x[a] += 0.5 * (h * (_k1[a] + _k2[a]) + _c1[a] + _c2[a]);
        if (noisy)
        {
            _manifold.ProjectTangent(_hat, _noise, _w2);
            for (int a = 0; a < x.Length; a++) x[a] += 0.5 * (_w1[a] + _w2[a]);
        }
    }

    /// <summary>
    /// Heun on the angle: with ω(x) = x₀v₁ − x₁v₀ the angular rate of a tangent field v, θ̃ = θ + Δ₁, θ ← θ + (Δ₁ + Δ₂)/2,
    /// Δ = h ω(F) + ω(V) + ω(σξ) at x and x̃. Rotations are applied to x directly, so a constant rotation field V = σΔB·e_θ
    /// turns every particle by exactly σΔB (to rounding).
    /// </summary>
    private void CircleHeun(double[] x, double h, bool noisy)
    {
        int n = _n;
        Evaluate(x, _k1);
        _common!.Evaluate(x, _c1);
        for (int i = 0; i < n; i++)
        {
            double x0 = x[2 * i], x1 = x[2 * i + 1];
            double delta = CircleManifold.AngularRate(x0, x1, h * _k1[2 * i] + _c1[2 * i], h * _k1[2 * i + 1] + _c1[2 * i + 1]);
            if (noisy) delta += CircleManifold.AngularRate(x0, x1, _noise[2 * i], _noise[2 * i + 1]);
            _w1[2 * i] = delta;   // Δ₁ (angle) kept in the first slot
            (_hat[2 * i], _hat[2 * i + 1]) = CircleManifold.Rotate(x0, x1, delta);
        }
        Evaluate(_hat, _k2);
        _common.Evaluate(_hat, _c2);
        for (int i = 0; i < n; i++)
        {
            double y0 = _hat[2 * i], y1 = _hat[2 * i + 1];
            double delta = CircleManifold.AngularRate(y0, y1, h * _k2[2 * i] + _c2[2 * i], h * _k2[2 * i + 1] + _c2[2 * i + 1]);
            if (noisy) delta += CircleManifold.AngularRate(y0, y1, _noise[2 * i], _noise[2 * i + 1]);
            (x[2 * i], x[2 * i + 1]) = CircleManifold.Rotate(x[2 * i], x[2 * i + 1], 0.5 * (_w1[2 * i] + delta));
        }
    }

    private void Evaluate(double[] x, double[] k)
    {
        if (_model.AttentionScale == 0)
        {
            Array.Clear(k);
            return;
        }
        _interaction.Evaluate(x, k);
        Evaluations++;
    }

    private static void Combine(double[] target, double[] x, double factor, double[] k)
    {
        for (int a = 0; a < x.Length; a++) target[a] = x[a] + factor * k[a];
    }

    /// <summary>_noise[i·d + c] = σ ξ_{i,c} for the current step.</summary>
    private void DrawNoise(double sigma)
    {
        int d = _d;
        ulong step = (ulong)Steps, n = (ulong)_n;
        _parallel.For(_n, ChunkSize, (_, start, end) =>
        {
            for (int i = start; i < end; i++)
            {
                ulong first = (step * n + (ulong)i) * (ulong)d;
                for (int c = 0; c < d; c++)
                    _noise[i * d + c] = sigma * RandomStream.GaussianAt(_seed, RandomStreams.IdiosyncraticNoise, first + (ulong)c);
            }
        });
    }
}
