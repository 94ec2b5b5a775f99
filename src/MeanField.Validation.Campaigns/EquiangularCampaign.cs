using System.Globalization;
using MeanField.Core;
using MeanField.IO.Config;
using MeanField.Particles;

namespace MeanField.Validation.Campaigns;

/// <summary>
/// Campaign 7 (kind equiangular), MATH §2.5 and §10 rows 18–22: N particles from equiangular data ⟨x_i, x_j⟩ = ρ0 in R^d,
/// integrated by the particle stepper (dense sums, RK4), against the equiangular ODE
///   SA: ρ̇ = 2 e^{βρ}(1−ρ)((N−1)ρ+1) / (e^β + (N−1) e^{βρ}),   USA: ρ̇ = (2/N) e^{βρ}(1−ρ)((N−1)ρ+1),
/// solved by RK4 with a step fine enough that halving it changes ρ by less than 1e−15 (the difference is reported).
/// Also the invariants of §2.5: Σθ_i (lifted) for USA on S¹, and the total angular velocity ‖(1/N) Σ(ẋ_i x_iᵀ − x_i ẋ_iᵀ)‖_F
/// for USA on S^{d−1}, each against SA as a control (not conserved there), from i.i.d. uniform configurations.
/// </summary>
internal sealed class EquiangularCampaign : ICampaign
{
    public string Kind => "equiangular";

    public CampaignResult Run(YamlMappingReader p, CampaignContext context)
    {
        int d = p.Int("dimension", 32, x => x >= 2 && x <= 4096, "must be between 2 and 4096");
        int n = p.Int("count", 32, x => x >= 2 && x <= d, $"must be between 2 and dimension = {d}");
        double beta = p.Double("beta", 1, x => x > 0 && x <= 50, "must be in (0, 50]");
        double rho0 = p.Double("rho0", 0, x => x > -1.0 / (n - 1) && x < 1, $"must lie in (−1/(N−1), 1)");
        var times = p.Doubles("times", [0.5, 1, 2, 5], x => x > 0 && x <= 100, "must be in (0, 100]");
        double dt = p.Double("dt", 1e-3, x => x > 0 && x <= 0.1, "must be in (0, 0.1]");
        double odeStep = p.Double("ode_dt", 1e-4, x => x > 0 && x <= 0.01, "must be in (0, 0.01]");
        var inv = p.Mapping("invariants");
        int circleCount = inv.Int("circle_count", 64, x => x >= 2 && x <= 100_000, "must be between 2 and 100000");
        int sphereCount = inv.Int("sphere_count", 50, x => x >= 2 && x <= 100_000, "must be between 2 and 100000");
        int sphereDimension = inv.Int("sphere_dimension", 3, x => x >= 3 && x <= 64, "must be between 3 and 64");
        double invBeta = inv.Double("beta", 3, x => x > 0 && x <= 50, "must be in (0, 50]");
        double invTime = inv.Double("time", 1, x => x > 0 && x <= 100, "must be in (0, 100]");
        ulong seed = inv.ULong("seed", 1);
        inv.Finish();
        p.Finish();
        Array.Sort(times);

        var result = new CampaignResult();
        string F(double x) => x.ToString("R", CultureInfo.InvariantCulture);
        var tableColumns = new List<(string, double[])> { ("t", times) };
        foreach (var kind in new[] { AttentionKind.SA, AttentionKind.USA })
        {
            string name = kind == AttentionKind.SA ? "sa" : "usa";
            var (particles, spread) = ParticleRho(kind, d, n, beta, rho0, times, dt);
            var ode = OdeRho(kind, n, beta, rho0, times, odeStep);
            var odeHalf = OdeRho(kind, n, beta, rho0, times, odeStep / 2);
            double maxError = times.Select((_, i) => Math.Abs(particles[i] - ode[i])).Max();
            double odeError = times.Select((_, i) => Math.Abs(ode[i] - odeHalf[i])).Max();
            for (int i = 0; i < times.Length; i++)
                result.Metric($"rho_{name}_t{times[i].ToString("G6", CultureInfo.InvariantCulture)}", particles[i], "",
                    $"{name.ToUpperInvariant()}: mean ⟨x_i, x_j⟩ (i ≠ j) of the particles at t = {times[i]}");
            result.Metric($"max_error_{name}", maxError, "", $"{name.ToUpperInvariant()}: max over the times of |ρ_particles − ρ_ODE|");
            result.Metric($"spread_{name}", spread, "", $"{name.ToUpperInvariant()}: max over times of max − min of ⟨x_i, x_j⟩ (0 when equiangularity is preserved)");
            result.Metric($"ode_step_error_{name}", odeError, "", $"{name.ToUpperInvariant()}: |ρ_ODE(h) − ρ_ODE(h/2)|, the ODE's own error estimate (RK4, h = {F(odeStep)})");
            tableColumns.Add(($"rho_particles_{name}", particles));
            tableColumns.Add(($"rho_ode_{name}", ode));
            context.Log.WriteLine($"  equiangular {name}: max |ρ_particles − ρ_ODE| = {maxError:E2}");
        }
        result.Table("equiangular", $"ρ(t) = ⟨x_i, x_j⟩ from N = {n} particles in R^{d} (β = {F(beta)}, ρ0 = {F(rho0)}, RK4 dt ≤ {F(dt)}) and from the ODE", tableColumns.ToArray());

        foreach (var kind in new[] { AttentionKind.USA, AttentionKind.SA })
        {
            string name = kind == AttentionKind.SA ? "sa" : "usa";
            result.Metric($"sum_theta_drift_{name}", SumThetaDrift(kind, circleCount, invBeta, invTime, dt, seed), "rad",
                $"{name.ToUpperInvariant()} on S¹, N = {circleCount} i.i.d. uniform, β = {F(invBeta)}: |Σθ_i(t) − Σθ_i(0)|/N at t = {F(invTime)} (lifted angles; conserved for USA)");
            result.Metric($"angular_velocity_{name}", AngularVelocity(kind, sphereCount, sphereDimension, invBeta, seed), "",
                $"{name.ToUpperInvariant()} on S^{sphereDimension - 1}, N = {sphereCount} i.i.d. uniform, β = {F(invBeta)}: ‖(1/N) Σ(ẋ_i x_iᵀ − x_i ẋ_iᵀ)‖_F (0 for USA)");
        }
        result.Notes.Add($"Particles start from the equiangular family of ParticleSampling.Equiangular (rows of the Cholesky factor of (1−ρ0)I + ρ0 11ᵀ; for ρ0 = 0 the first N standard basis vectors), are integrated with dense attention sums and RK4 (equal steps ≤ {F(dt)} landing on each time), and ρ is the mean of ⟨x_i, x_j⟩ over i ≠ j. The ODE of MATH §2.5 is integrated by RK4 with step {F(odeStep)} and {F(odeStep / 2)}; their difference bounds its error. MATH §10 rows 21–22 give ρ(1) = 0.15184934 (SA) and 0.18994211 (USA) for N = 32, β = 1, ρ0 = 0 (d = 32).");
        result.Notes.Add("The invariants use i.i.d. uniform configurations (equiangular data make both trivially zero by symmetry): Σθ_i over lifted angles (accumulated wrapped increments per step) after integrating to the given time, and the total angular velocity from one drift evaluation. SA is the control: its pair force is not antisymmetric (weights 1/Z_i), so neither is conserved there.");
        return result;
    }

    /// <summary>ρ(t) at the times from N particles, and the largest spread max − min of ⟨x_i, x_j⟩ seen.</summary>
    private static (double[] Rho, double Spread) ParticleRho(AttentionKind kind, int d, int n, double beta, double rho0, double[] times, double dt)
    {
        var model = new ParticleModel(kind, d, beta);
        var x = ParticleSampling.Equiangular(n, d, rho0);
        var stepper = new ParticleStepper(model, new DenseInteraction(model, n, 1), ParticleIntegrator.Rk4, n, 0, 1);
        var rho = new double[times.Length];
        double spread = 0, t = 0;
        for (int k = 0; k < times.Length; k++)
        {
            long steps = EqualSteps.Count(times[k] - t, dt);
            double h = (times[k] - t) / steps;
            for (long s = 0; s < steps; s++) stepper.Step(x, h);
            t = times[k];
            double sum = 0, lo = double.PositiveInfinity, hi = double.NegativeInfinity;
            for (int i = 0; i < n; i++)
            for (int j = i + 1; j < n; j++)
            {
                double dot = 0;
                for (int c = 0; c < d; c++) dot += x[i * d + c] * x[j * d + c];
                sum += dot;
                lo = Math.Min(lo, dot);
                hi = Math.Max(hi, dot);
            }
            rho[k] = sum / (n * (n - 1) / 2.0);
            spread = Math.Max(spread, hi - lo);
        }
        return (rho, spread);
    }

    /// <summary>The equiangular ODE of MATH §2.5 by RK4 with steps ≤ h landing on each time.</summary>
    public static double[] OdeRho(AttentionKind kind, int n, double beta, double rho0, double[] times, double h)
    {
        double Rate(double r)
        {
            double g = Math.Exp(beta * r) * (1 - r) * ((n - 1) * r + 1);
            return kind == AttentionKind.USA ? 2.0 / n * g : 2 * g / (Math.Exp(beta) + (n - 1) * Math.Exp(beta * r));
        }
        var result = new double[times.Length];
        double rho = rho0, t = 0;
        for (int k = 0; k < times.Length; k++)
        {
            long steps = EqualSteps.Count(times[k] - t, h);
            double step = (times[k] - t) / steps;
            for (long s = 0; s < steps; s++)
            {
                double k1 = Rate(rho), k2 = Rate(rho + 0.5 * step * k1), k3 = Rate(rho + 0.5 * step * k2), k4 = Rate(rho + step * k3);
                rho += step / 6 * (k1 + 2 * k2 + 2 * k3 + k4);
            }
            t = times[k];
            result[k] = rho;
        }
        return result;
    }

    private static double SumThetaDrift(AttentionKind kind, int n, double beta, double time, double dt, ulong seed)
    {
        var model = new ParticleModel(kind, 2, beta);
        var x = ParticleSampling.Uniform(n, 2, seed);
        var stepper = new ParticleStepper(model, new DenseInteraction(model, n, 1), ParticleIntegrator.Rk4, n, seed, 1);
        var lifted = ParticleDiagnostics.Angles(x, 1);
        double start = lifted.Sum();
        var previous = (double[])lifted.Clone();
        long steps = EqualSteps.Count(time, dt);
        for (long s = 0; s < steps; s++)
        {
            stepper.Step(x, time / steps);
            var now = ParticleDiagnostics.Angles(x, 1);
            for (int i = 0; i < n; i++)
            {
                double delta = Math.IEEERemainder(now[i] - previous[i], 2 * Math.PI);   // one step moves far less than π
                lifted[i] += delta;
            }
            previous = now;
        }
        return Math.Abs(lifted.Sum() - start) / n;
    }

    private static double AngularVelocity(AttentionKind kind, int n, int d, double beta, ulong seed)
    {
        var model = new ParticleModel(kind, d, beta);
        var x = ParticleSampling.Uniform(n, d, seed);
        var drift = new double[n * d];
        new DenseInteraction(model, n, 1).Evaluate(x, drift);
        return ParticleDiagnostics.RotationRate(x, drift, d);
    }
}
