using MeanField.Core;
using MeanField.Core.Noise;
using MeanField.IO.Config;

namespace MeanField.IO.Tests;

public class CommonNoiseConfigTests
{
    private const string Circle = """
        name: noisy
        geometry: circle
        model:
          beta: 5
          common_noise:
            kind: mlp
            activation: gelu
            sigma_u: 0.1
            sigma_w: 0.2
            modes: 8
        solver:
          dt: 1.0e-3
        """;

    private static RunConfig Load(string text, params string[] overrides) => ConfigLoader.LoadText(text, "test.yaml", "test", overrides);

    private static string ErrorOf(string text, params string[] overrides) =>
        Assert.Throws<ConfigException>(() => Load(text, overrides))!.Message;

    [Test]
    public void Reads_the_mlp_noise_and_defaults_to_the_gauss_splitting_stepper()
    {
        var c = Load(Circle);
        var n = c.Model.CommonNoise!;
        Assert.That((n.Kind, n.Activation, n.SigmaU, n.SigmaW, n.Modes, n.Sampler), Is.EqualTo((NoiseKind.Mlp, MlpActivation.Gelu, 0.1, 0.2, 8, NoiseSampler.Harmonic)));
        Assert.That(c.Solver.Stepper, Is.EqualTo(StepperKind.GaussSplitting));
        Assert.That(c.Particles.Integrator, Is.EqualTo(IntegratorKind.Heun));
        Assert.That(c.Ensemble.Paths, Is.EqualTo(1));
        Assert.That(Load(Circle, "ensemble.paths=64").Ensemble.Paths, Is.EqualTo(64));
        Assert.That(Load(Circle, "solver.stepper=euler_maruyama").Solver.Stepper, Is.EqualTo(StepperKind.EulerMaruyama));
    }

    [Test]
    public void Without_noise_nothing_changes()
    {
        var c = Load("name: plain\ngeometry: circle\n");
        Assert.That(c.Model.CommonNoise, Is.Null);
        Assert.That(c.Solver.Stepper, Is.EqualTo(StepperKind.Dopri5));
        Assert.That(c.Model.AttentionScale, Is.EqualTo(1.0));
    }

    [Test]
    public void Fields_rows_are_read_per_geometry()
    {
        var circle = Load("name: f\ngeometry: circle\nmodel: {common_noise: {kind: fields, amplitudes: [[0, 0.3, 0], [2, 0.1, 0.05]]}}\n");
        Assert.That(circle.Model.CommonNoise!.Amplitudes[1], Is.EqualTo(new[] { 2.0, 0.1, 0.05 }));
        var sphere = Load("name: f\ngeometry: sphere\nsolver: {resolution: 15}\nmodel: {common_noise: {kind: fields, amplitudes: [[1, 0.4]]}}\n");
        Assert.That(sphere.Model.CommonNoise!.Amplitudes[0], Is.EqualTo(new[] { 1.0, 0.4 }));
    }

    [TestCase("model.common_noise.activation=softplus", "model.common_noise.activation", "softplus")]
    [TestCase("solver.stepper=dopri5", "solver.stepper", "heun")]
    [TestCase("model.common_noise.sigma_u=-1", "model.common_noise.sigma_u", "-1")]
    [TestCase("model.common_noise.sampler=mlp", "model.common_noise.sampler", "particles")]
    [TestCase("model.common_noise.amplitudes=[[1, 0.1, 0.1]]", "model.common_noise.amplitudes", "kind fields")]
    [TestCase("model.common_noise.colour=red", "model.common_noise.colour", "colour")]
    public void Bad_noise_settings_name_the_key(string option, string key, string hint)
    {
        string message = ErrorOf(Circle, option);
        Assert.That(message, Does.Contain(key).And.Contain(hint));
    }

    [Test]
    public void Geometry_and_dimension_limits_are_explained()
    {
        Assert.That(ErrorOf("name: z\ngeometry: zonal\ndimension: 4\nmodel: {common_noise: {kind: mlp}}\n"), Does.Contain("axial symmetry"));
        Assert.That(ErrorOf("name: p\ngeometry: sphere\ndimension: 64\nsolver: {kind: particles}\nmodel: {common_noise: {kind: mlp, sampler: harmonic}}\n"),
            Does.Contain("sampler").And.Contain("64"));
        var high = Load("name: p\ngeometry: sphere\ndimension: 64\nsolver: {kind: particles}\nparticles: {integrator: layer}\nmodel: {common_noise: {kind: mlp, width: 512}}\n");
        Assert.That((high.Model.CommonNoise!.Sampler, high.Model.CommonNoise.Width), Is.EqualTo((NoiseSampler.Mlp, 512)));
        Assert.That(ErrorOf("name: p\ngeometry: circle\nsolver: {kind: particles}\nparticles: {integrator: rk4}\nmodel: {common_noise: {kind: mlp}}\n"),
            Does.Contain("particles.integrator").And.Contain("rk4"));
        Assert.That(ErrorOf("name: e\ngeometry: circle\nensemble: {paths: 8}\n"), Does.Contain("ensemble.paths").And.Contain("common_noise"));
        Assert.That(ErrorOf("name: s\ngeometry: circle\nsolver: {stepper: heun}\n"), Does.Contain("solver.stepper").And.Contain("common_noise"));
    }
}
