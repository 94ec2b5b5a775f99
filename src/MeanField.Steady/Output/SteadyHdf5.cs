using PureHDF;

namespace MeanField.Steady.Output;

/// <summary>
/// HDF5 files of `meanfield steady` and `meanfield continue` (PureHDF, as the run and campaign files). Layouts:
/// <para>steady: root attributes format = "MeanField steady", geometry, dimension, diffusion, converged (0/1), residual,
/// residual_scale, iterations, stable (0/1), neutral_modes, plus the caller's attributes; datasets /state (the solver
/// layout), /density (on /grid; S²: nlat × nlon), /grid/NAME, /residual_history, /eigenvalues_real, /eigenvalues_imag.</para>
/// <para>continuation: root attributes format = "MeanField continuation", geometry, dimension, parameter (model.diffusion
/// or coupling), from, to, bifurcation_parameter (every bifurcation found from the uniform state), fold_parameter (every
/// fold), plus the caller's; /branch (the branch through the start) and /branches/N (N ≥ 1: the branch switched to at a
/// bifurcation) each hold parameter, diffusion, amplitude (points × 2: first non-zero harmonic modulus A_n and the L²(σ)
/// distance from uniform), amplitude_degree, stable (0/1), unstable_count, eigenvalues_real/imag (points × m, leading
/// first, NaN-padded), residual, state (points × length), density (points × grid; S²: points × nlat × nlon), with group
/// attributes index, from_bifurcation (−1: none) and ended; /bifurcations/COLUMN and /folds/COLUMN tables; /grid/NAME.</para>
/// </summary>
public static class SteadyHdf5
{
    public static void WriteSteady(string path, ISteadyGeometry geometry, SteadyState state, IReadOnlyDictionary<string, object>? attributes = null)
    {
        var root = new Dictionary<string, object>
        {
            ["format"] = "MeanField steady",
            ["geometry"] = geometry.Name,
            ["dimension"] = (long)geometry.Dimension,
            ["diffusion"] = state.Diffusion,
            ["converged"] = (byte)(state.Converged ? 1 : 0),
            ["residual"] = state.Residual,
            ["residual_scale"] = state.ResidualScale,
            ["iterations"] = (long)state.Iterations,
        };
        if (state.Spectrum is { } s)
        {
            root["stable"] = (byte)(s.Stable ? 1 : 0);
            root["neutral_modes"] = (long)s.NeutralCount;
            root["unstable_count"] = (long)s.UnstableCount;
        }
        Merge(root, attributes);
        var file = new H5File { Attributes = root };
        file["state"] = state.State;
        file["density"] = Slice(Density(geometry, [state.State]));
        file["grid"] = GridGroup(geometry);
        file["residual_history"] = state.ResidualHistory.ToArray();
        if (state.Spectrum is { } spec)
        {
            file["eigenvalues_real"] = spec.Eigenvalues.Select(e => e.Real).ToArray();
            file["eigenvalues_imag"] = spec.Eigenvalues.Select(e => e.Imaginary).ToArray();
        }
        Write(path, file);
    }

    public static void WriteContinuation(string path, ISteadyGeometry geometry, ContinuationResult result, IReadOnlyDictionary<string, object>? attributes = null)
    {
        var root = new Dictionary<string, object>
        {
            ["format"] = "MeanField continuation",
            ["geometry"] = geometry.Name,
            ["dimension"] = (long)geometry.Dimension,
            ["parameter"] = result.Parameter.Key(),
            ["from"] = result.From,
            ["to"] = result.To,
            ["bifurcation_parameter"] = result.Bifurcations.Where(b => b.FromUniform).Select(b => b.Parameter).ToArray(),
            ["fold_parameter"] = result.Folds.Select(f => f.Parameter).ToArray(),
        };
        Merge(root, attributes);
        var file = new H5File { Attributes = root };
        file["grid"] = GridGroup(geometry);
        var others = new H5Group();
        foreach (var b in result.Branches)
        {
            var g = BranchGroup(geometry, b);
            if (b.Index == 0) file["branch"] = g; else others[b.Index.ToString(System.Globalization.CultureInfo.InvariantCulture)] = g;
        }
        file["branches"] = others;
        file["bifurcations"] = new H5Group
        {
            Attributes = new Dictionary<string, object> { ["description"] = "eigenvalue crossings: direction +1 supercritical, −1 subcritical, 0 unknown; switched_branch −1: not followed" },
            ["parameter"] = result.Bifurcations.Select(b => b.Parameter).ToArray(),
            ["branch"] = result.Bifurcations.Select(b => (double)b.Branch).ToArray(),
            ["from_uniform"] = result.Bifurcations.Select(b => b.FromUniform ? 1.0 : 0.0).ToArray(),
            ["degree"] = result.Bifurcations.Select(b => (double)b.Degree).ToArray(),
            ["direction"] = result.Bifurcations.Select(b => b.Direction switch { BifurcationDirection.Supercritical => 1.0, BifurcationDirection.Subcritical => -1.0, _ => 0.0 }).ToArray(),
            ["switched_branch"] = result.Bifurcations.Select(b => (double)(b.SwitchedBranch ?? -1)).ToArray(),
        };
        file["folds"] = new H5Group
        {
            ["parameter"] = result.Folds.Select(f => f.Parameter).ToArray(),
            ["branch"] = result.Folds.Select(f => (double)f.Branch).ToArray(),
            ["amplitude"] = result.Folds.Select(f => f.Amplitude).ToArray(),
            ["distance"] = result.Folds.Select(f => f.Distance).ToArray(),
        };
        Write(path, file);
    }

    private static H5Group BranchGroup(ISteadyGeometry geometry, Branch b)
    {
        var pts = b.Points;
        int n = pts.Count;
        int m = pts.Min(p => p.Spectrum.Eigenvalues.Length);
        var amplitude = new double[n, 2];
        var er = new double[n, m];
        var ei = new double[n, m];
        var state = new double[n, geometry.Length];
        for (int i = 0; i < n; i++)
        {
            amplitude[i, 0] = pts[i].Amplitude;
            amplitude[i, 1] = pts[i].Distance;
            for (int j = 0; j < m; j++)
            {
                er[i, j] = pts[i].Spectrum.Eigenvalues[j].Real;
                ei[i, j] = pts[i].Spectrum.Eigenvalues[j].Imaginary;
            }
            for (int j = 0; j < geometry.Length; j++) state[i, j] = pts[i].State[j];
        }
        return new H5Group
        {
            Attributes = new Dictionary<string, object>
            {
                ["index"] = (long)b.Index,
                ["from_bifurcation"] = (long)(b.FromBifurcation ?? -1),
                ["ended"] = b.Ended,
            },
            ["parameter"] = pts.Select(p => p.Parameter).ToArray(),
            ["diffusion"] = pts.Select(p => p.Diffusion).ToArray(),
            ["amplitude"] = new H5Dataset<double[,]>(amplitude) { Attributes = new Dictionary<string, object> { ["columns"] = "harmonic_modulus, l2_distance_from_uniform" } },
            ["amplitude_degree"] = pts.Select(p => (double)p.AmplitudeDegree).ToArray(),
            ["stable"] = pts.Select(p => (byte)(p.Stable ? 1 : 0)).ToArray(),
            ["unstable_count"] = pts.Select(p => (double)p.Spectrum.UnstableCount).ToArray(),
            ["eigenvalues_real"] = er,
            ["eigenvalues_imag"] = ei,
            ["residual"] = pts.Select(p => p.Residual).ToArray(),
            ["state"] = state,
            ["density"] = Density(geometry, pts.Select(p => p.State).ToList()),
        };
    }

    private static object Density(ISteadyGeometry geometry, IReadOnlyList<double[]> states)
    {
        var grid = new double[geometry.GridSize];
        if (geometry is Geometries.SphereSteadyGeometry sphere)
        {
            int nlat = sphere.Basis.Nlat, nlon = sphere.Basis.Nlon;
            var cube = new double[states.Count, nlat, nlon];
            for (int i = 0; i < states.Count; i++)
            {
                geometry.Density(states[i], grid);
                for (int a = 0; a < nlat; a++) for (int b = 0; b < nlon; b++) cube[i, a, b] = grid[a * nlon + b];
            }
            return cube;
        }
        var matrix = new double[states.Count, geometry.GridSize];
        for (int i = 0; i < states.Count; i++)
        {
            geometry.Density(states[i], grid);
            for (int j = 0; j < grid.Length; j++) matrix[i, j] = grid[j];
        }
        return matrix;
    }

    // The first row of a points × grid (or points × nlat × nlon) array.
    private static object Slice(object density)
    {
        if (density is double[,,] cube)
        {
            var m = new double[cube.GetLength(1), cube.GetLength(2)];
            for (int a = 0; a < m.GetLength(0); a++) for (int b = 0; b < m.GetLength(1); b++) m[a, b] = cube[0, a, b];
            return m;
        }
        var matrix = (double[,])density;
        var v = new double[matrix.GetLength(1)];
        for (int j = 0; j < v.Length; j++) v[j] = matrix[0, j];
        return v;
    }

    private static H5Group GridGroup(ISteadyGeometry geometry)
    {
        var g = new H5Group();
        foreach (var (name, values) in geometry.Grid) g[name] = values;
        return g;
    }

    private static void Merge(Dictionary<string, object> root, IReadOnlyDictionary<string, object>? extra)
    {
        if (extra is null) return;
        foreach (var (k, v) in extra) root.TryAdd(k, v);
    }

    private static void Write(string path, H5File file)
    {
        string? dir = Path.GetDirectoryName(Path.GetFullPath(path));
        if (!string.IsNullOrEmpty(dir)) Directory.CreateDirectory(dir);
        using var stream = new FileStream(path, FileMode.Create, FileAccess.ReadWrite, FileShare.None);
        file.Write(stream);
    }

    /// <summary>
    /// A start state from a file of this class: /state of a steady file, or the last point of /branch/state of a
    /// continuation file (or /branches/N with <paramref name="branch"/> ≥ 1).
    /// </summary>
    public static double[] ReadState(string path, int branch = 0)
    {
        using var file = H5File.OpenRead(path);
        if (file.LinkExists("state")) return file.Dataset("state").Read<double[]>();
        string name = branch == 0 ? "branch/state" : $"branches/{branch}/state";
        if (!file.LinkExists(name)) throw new InvalidDataException($"{path}: neither /state nor /{name}: not a steady or continuation file of this version.");
        var m = file.Dataset(name).Read<double[,]>();
        var v = new double[m.GetLength(1)];
        for (int j = 0; j < v.Length; j++) v[j] = m[m.GetLength(0) - 1, j];
        return v;
    }
}
