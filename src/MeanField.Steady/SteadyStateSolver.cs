namespace MeanField.Steady;

/// <summary>Newton–Krylov settings. Defaults suit the small spectral systems of the tests and the CLI.</summary>
public sealed record NewtonOptions
{
    /// <summary>Converged when ‖R‖₂ ≤ Tolerance · D Λ_min ‖u‖₂ (D Λ_min is the slowest diffusive rate, so this is relative).</summary>
    public double Tolerance { get; init; } = 1e-11;

    /// <summary>Largest number of Newton steps.</summary>
    public int MaxIterations { get; init; } = 50;

    /// <summary>GMRES stops at this residual relative to the Newton residual (tight: the convergence stays quadratic).</summary>
    public double LinearTolerance { get; init; } = 1e-13;

    /// <summary>GMRES restart length (capped by the system size: full GMRES for small systems).</summary>
    public int Restart { get; init; } = 400;

    /// <summary>How many leading eigenvalues are kept.</summary>
    public int EigenvalueCount { get; init; } = 8;

    /// <summary>Dense or Arnoldi spectrum (Auto: dense up to 1500 free unknowns).</summary>
    public SpectrumMethod Spectrum { get; init; } = SpectrumMethod.Auto;

    internal void Validate()
    {
        if (!(Tolerance > 0)) throw new ArgumentOutOfRangeException(nameof(Tolerance), Tolerance, "the Newton tolerance must be > 0.");
        if (MaxIterations < 1) throw new ArgumentOutOfRangeException(nameof(MaxIterations), MaxIterations, "at least one Newton step.");
        if (!(LinearTolerance > 0 && LinearTolerance < 1)) throw new ArgumentOutOfRangeException(nameof(LinearTolerance), LinearTolerance, "must lie in (0, 1).");
        if (Restart < 1) throw new ArgumentOutOfRangeException(nameof(Restart), Restart, "must be ≥ 1.");
        if (EigenvalueCount < 1) throw new ArgumentOutOfRangeException(nameof(EigenvalueCount), EigenvalueCount, "must be ≥ 1.");
    }
}

/// <summary>A stationary state found by Newton–Krylov.</summary>
/// <param name="Diffusion">D.</param>
/// <param name="State">The state (the geometry's layout).</param>
/// <param name="Converged">Whether the tolerance was met.</param>
/// <param name="ResidualHistory">‖R‖₂ of the phase-augmented system before each Newton step and at the end.</param>
/// <param name="Residual">‖N(u) − DΛu‖₂ on the free entries at the end: the PDE's right-hand side.</param>
/// <param name="ResidualScale">D Λ_min ‖u‖₂: the tolerance is relative to this.</param>
/// <param name="DriftSpeeds">The rotation speeds c_j (0 at a true stationary state; a travelling wave would have c ≠ 0).</param>
/// <param name="LinearIterations">GMRES iterations per Newton step.</param>
/// <param name="Spectrum">Leading eigenvalues of the Jacobian at the state (null if not asked for).</param>
public sealed record SteadyState(double Diffusion, double[] State, bool Converged, IReadOnlyList<double> ResidualHistory, double Residual,
    double ResidualScale, double[] DriftSpeeds, IReadOnlyList<int> LinearIterations, JacobianSpectrum? Spectrum)
{
    public int Iterations => ResidualHistory.Count - 1;
}

/// <summary>
/// Stationary states of ∂t u = N(u) − DΛu with D &gt; 0 by Newton–Krylov: matrix-free Jacobian-vector products
/// (<see cref="StationarySystem"/>), GMRES with a diffusive diagonal preconditioner, a backtracking line search; the mass
/// is fixed and rotations are factored out by phase conditions relative to the starting state.
/// </summary>
public static class SteadyStateSolver
{
    public static SteadyState Solve(ISteadyGeometry geometry, ReadOnlySpan<double> start, double diffusion, NewtonOptions? options = null, bool spectrum = true)
    {
        options ??= new NewtonOptions();
        options.Validate();
        if (!(diffusion > 0) || !double.IsFinite(diffusion))
            throw new ArgumentOutOfRangeException(nameof(diffusion), diffusion, "stationary states need a diffusion D > 0.");
        if (start.Length != geometry.Length)
            throw new ArgumentException($"the start has {start.Length} entries, the geometry {geometry.Length}.", nameof(start));
        var system = new StationarySystem(geometry, start);
        int n = system.Dimension;
        var y = system.Reduce(start);
        var r = new double[n];
        var trial = new double[n];
        var rTrial = new double[n];
        var step = new double[n];
        var history = new List<double>();
        var linear = new List<int>();
        double Scale(ReadOnlySpan<double> yy) => diffusion * system.SmallestLaplacian * Gmres.Norm(system.Expand(yy));
        system.Residual(y, diffusion, r);
        double norm = Gmres.Norm(r);
        history.Add(norm);
        bool converged = norm <= options.Tolerance * Scale(y);
        var precond = system.InversePreconditioner(diffusion);
        for (int it = 0; it < options.MaxIterations && !converged; it++)
        {
            var yCopy = (double[])y.Clone();
            var minusR = Array.ConvertAll(r, x => -x);
            var outcome = Gmres.Solve((v, jv) => system.Jacobian(yCopy, diffusion, v, jv), minusR, step, precond,
                options.LinearTolerance, options.Restart, 20 * n + 50);
            linear.Add(outcome.Iterations);
            double lambda = 1, trialNorm = double.PositiveInfinity;
            for (int ls = 0; ls < 12; ls++, lambda *= 0.5)
            {
                for (int i = 0; i < n; i++) trial[i] = y[i] + lambda * step[i];
                system.Residual(trial, diffusion, rTrial);
                trialNorm = Gmres.Norm(rTrial);
                if (trialNorm <= (1 - 1e-4 * lambda) * norm) break;
            }
            if (!(trialNorm < norm))
            {
                // No decrease: rounding floor reached (accept if tiny) or Newton failed from this start.
                converged = norm <= 1e3 * options.Tolerance * Scale(y);
                break;
            }
            (y, trial) = (trial, y);
            (r, rTrial) = (rTrial, r);
            norm = trialNorm;
            history.Add(norm);
            converged = norm <= options.Tolerance * Scale(y);
        }
        var u = system.Expand(y);
        var drift = y[system.FreeCount..].ToArray();
        var spec = spectrum ? SpectrumSolver.Compute(geometry, u, diffusion, options.EigenvalueCount, options.Spectrum) : null;
        return new SteadyState(diffusion, u, converged, history, system.RightHandSideNorm(u, diffusion), Scale(y), drift, linear, spec);
    }

    /// <summary>Leading eigenvalues of the Jacobian at a given state (e.g. the uniform one).</summary>
    public static JacobianSpectrum Spectrum(ISteadyGeometry geometry, ReadOnlySpan<double> state, double diffusion, int count = 8,
        SpectrumMethod method = SpectrumMethod.Auto)
        => SpectrumSolver.Compute(geometry, state, diffusion, count, method);
}
