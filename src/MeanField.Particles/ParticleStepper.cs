using MeanField.Core.Random;

namespace MeanField.Particles;

/// <summary>Time-stepping schemes for the particle system (MATH §9.4). Every scheme ends a step by projecting each x_i back to |x_i| = 1.</summary>
public enum ParticleIntegrator
{
    /// <summary>Classical RK4 on ẋ = P_x a(x), then x ← x/|x|. Order 4. Deterministic only.</summary>
    Rk4,

    /// <summary>
    /// Stratonovich Heun: x̃ = x + h F(x) + σ P_x ξ, x ← N(x + (h/2)(F(x) + F(x̃)) + (σ/2)(P_x + P_x̂) ξ), x̂ = x̃/|x̃|, σ = √(2Dh).
    /// Without noise it is Heun's RK2 (order 2).
    /// </summary>
    Heun,

    /// <summary>The transformer layer x ← N(x + h F(x) + σ P_x ξ): Euler(–Maruyama) then renormalisation. Order 1.</summary>
    Layer,
}

/// <summary>
/// Advances N×d positions by fixed steps. Noise: ξ_{i,c} of step s is Gaussian number (s·N + i)·d + c of the Philox stream
/// (seed, <see cref="RandomStreams.IdiosyncraticNoise"/>), drawn by random access, so it does not depend on the thread count.
/// The Stratonovich form dX = P_X a dt + √(2D) P_X ∘ dW has generator D·Δ_S + a·∇ (MATH §2.4 with κ_R = 1/D).
/// </summary>
public sealed class ParticleStepper
{
    private const int ChunkSize = 512;

    private readonly ParticleModel _model;
    private readonly IParticleInteraction _interaction;
    private readonly ParticleIntegrator _integrator;
    private readonly int _n, _d;
    private readonly ulong _seed;
    private readonly double[] _k1, _k2, _k3, _k4, _stage, _noise, _w1, _w2;
    private readonly ChunkedParallel _parallel;

    public ParticleStepper(ParticleModel model, IParticleInteraction interaction, ParticleIntegrator integrator, int count, ulong seed, int threads = 0)
    {
        if (integrator == ParticleIntegrator.Rk4 && model.Diffusion > 0)
            throw new ArgumentException("rk4 has no noise term; use heun or layer when diffusion > 0.", nameof(integrator));
        _model = model;
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
        _w1 = model.Diffusion > 0 ? new double[size] : [];
        _w2 = model.Diffusion > 0 && integrator == ParticleIntegrator.Heun ? new double[size] : [];
        _parallel = new ChunkedParallel(threads);
    }

    public ParticleIntegrator Integrator => _integrator;

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
            case ParticleIntegrator.Heun:
                Evaluate(x, _k1);
                Combine(_stage, x, h, _k1);
                if (noisy)
                {
                    ProjectNoise(x, _w1);
                    for (int a = 0; a < x.Length; a++) _stage[a] += _w1[a];
                }
                Evaluate(_stage, _k2);
                for (int a = 0; a < x.Length; a++) x[a] += 0.5 * h * (_k1[a] + _k2[a]);
                if (noisy)
                {
                    ProjectNoise(_stage, _w2);
                    for (int a = 0; a < x.Length; a++) x[a] += 0.5 * (_w1[a] + _w2[a]);
                }
                break;
            case ParticleIntegrator.Layer:
                Evaluate(x, _k1);
                if (noisy)
                {
                    ProjectNoise(x, _w1);
                    for (int a = 0; a < x.Length; a++) x[a] += _w1[a];
                }
                for (int a = 0; a < x.Length; a++) x[a] += h * _k1[a];
                break;
        }
        Normalise(x);
        Steps++;
    }

    private void Evaluate(double[] x, double[] k)
    {
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

    /// <summary>projected_i = P_{x̂_i} σ ξ_i with x̂_i = x_i/|x_i| (x may be an off-sphere stage point).</summary>
    private void ProjectNoise(double[] x, double[] projected)
    {
        int d = _d;
        for (int i = 0; i < _n; i++)
        {
            var xi = x.AsSpan(i * d, d);
            var noise = _noise.AsSpan(i * d, d);
            var p = projected.AsSpan(i * d, d);
            double norm2 = 0, radial = 0;
            for (int c = 0; c < d; c++) { norm2 += xi[c] * xi[c]; radial += xi[c] * noise[c]; }
            radial /= norm2;
            for (int c = 0; c < d; c++) p[c] = noise[c] - radial * xi[c];
        }
    }

    private void Normalise(double[] x)
    {
        int d = _d;
        for (int i = 0; i < _n; i++)
        {
            var xi = x.AsSpan(i * d, d);
            double s = 0;
            for (int c = 0; c < d; c++) s += xi[c] * xi[c];
            double inv = 1 / Math.Sqrt(s);
            for (int c = 0; c < d; c++) xi[c] *= inv;
        }
    }
}
