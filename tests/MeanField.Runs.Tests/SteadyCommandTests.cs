using MeanField.Core;
using PureHDF;
using static MeanField.Runs.Tests.RunTestSupport;

namespace MeanField.Runs.Tests;

/// <summary>`meanfield steady` and `meanfield continue` end to end (in-process CLI, small resolutions).</summary>
public class SteadyCommandTests
{
    private static string Config(string dir, string geometry, int dimension, double diffusion, int resolution, string initial) =>
        WriteConfig(dir, $"""
        name: st
        geometry: {geometry}
        dimension: {dimension}
        model:
          attention: usa
          beta: 1.0
          diffusion: {diffusion.ToString(System.Globalization.CultureInfo.InvariantCulture)}
        initial:
        {initial}
        solver:
          resolution: {resolution}
        output:
          directory: {dir}
        """);

    private static string WriteConfig(string dir, string text)
    {
        string path = Path.Combine(dir, "st.yaml");
        File.WriteAllText(path, text);
        return path;
    }

    [Test]
    public void Steady_WritesAConvergedStableClusterAndItsEigenvalues()
    {
        string dir = TempDirectory();
        // D = 0.3 < I_1(1)/1 = 0.565: the uniform state is unstable, a one-cluster state exists.
        string config = Config(dir, "circle", 2, 0.3, 48, "  kind: von_mises\n  components:\n    - {weight: 1.0, mean: 0.5, kappa: 2.0}");
        var (code, output, err) = RunCli("steady", config);
        Assert.That(code, Is.EqualTo(0), output + err);
        Assert.That(output, Does.Contain("converged: yes"));
        Assert.That(output, Does.Contain("stable: yes"));
        using var file = H5File.OpenRead(Path.Combine(dir, "st_steady.h5"));
        Assert.That(file.Attribute("converged").Read<byte>(), Is.EqualTo(1));
        Assert.That(file.Attribute("residual").Read<double>(), Is.LessThan(1e-10));
        Assert.That(file.Attribute("neutral_modes").Read<long>(), Is.EqualTo(1));
        Assert.That(file.Dataset("density").Read<double[]>(), Has.Length.EqualTo(48));
        Assert.That(file.Dataset("eigenvalues_real").Read<double[]>()[0], Is.LessThan(0));
    }

    [Test]
    public void Continue_InCoupling_FindsTheBifurcationAtKSharp()
    {
        string dir = TempDirectory();
        string config = Config(dir, "zonal", 3, 0.5, 8, "  kind: uniform");
        double k = LinearStability.MunRosenzweigKSharp(1.0, 3);   // 1.359141 (MATH §7)
        var (code, output, err) = RunCli("continue", config, "--parameter", "coupling", "--from", "1.0", "--to", "1.8");
        Assert.That(code, Is.EqualTo(0), output + err);
        Assert.That(output, Does.Contain("supercritical"));
        using var file = H5File.OpenRead(Path.Combine(dir, "st_continuation.h5"));
        var bif = file.Attribute("bifurcation_parameter").Read<double[]>();
        Assert.That(bif, Has.Length.EqualTo(1));
        Assert.That(bif[0], Is.EqualTo(k).Within(1e-6 * k));
        Assert.That(file.Attribute("parameter").Read<string>(), Is.EqualTo("coupling"));
        Assert.That(file.Dataset("branches/1/amplitude").Read<double[,]>().GetLength(1), Is.EqualTo(2));
        var (plotCode, plotOut, plotErr) = RunCli("plot", Path.Combine(dir, "st_continuation.h5"));
        Assert.That(plotCode, Is.EqualTo(0), plotOut + plotErr);
        Assert.That(File.Exists(Path.Combine(dir, "st_continuation_bifurcation.png")), Is.True);
    }

    [Test]
    public void Steady_WithoutDiffusion_IsAConfigErrorNamingTheKey()
    {
        string dir = TempDirectory();
        string config = Config(dir, "circle", 2, 0.0, 32, "  kind: uniform");
        var (code, _, err) = RunCli("steady", config);
        Assert.That(code, Is.EqualTo(ExitCodes.ConfigError));
        Assert.That(err, Does.Contain("model.diffusion"));
    }

    [Test]
    public void Continue_UnknownParameter_IsRejected()
    {
        string dir = TempDirectory();
        string config = Config(dir, "circle", 2, 0.3, 32, "  kind: uniform");
        var (code, _, err) = RunCli("continue", config, "--parameter", "model.beta", "--from", "0.1", "--to", "0.5");
        Assert.That(code, Is.EqualTo(ExitCodes.ConfigError));
        Assert.That(err, Does.Contain("model.diffusion, coupling"));
    }
}
