using MeanField.Core;
using MeanField.IO.Config;

namespace MeanField.IO.Tests;

/// <summary>particles.replicas and particles.random_matrices: bound as written, and refused (naming the key) where unsupported.</summary>
public class ReplicaConfigTests
{
    private const string Base = """
        geometry: circle
        dimension: 2
        model: {attention: sa, beta: 2.0}
        solver: {kind: particles, t_end: 1.0}
        particles: {count: 8, integrator: layer, dt: 0.1, replicas: 4, random_matrices: {query_key: goe, value: wishart, scale: 0.5, redraw: true}}
        output: {interval: 0.5}
        """;

    private static RunConfig Load(string text) => ConfigLoader.LoadText(text, "test.yaml", "test");
    private static string ErrorOf(string text) => Assert.Throws<ConfigException>(() => Load(text))!.Message;

    [Test]
    public void Replicas_and_random_matrices_are_bound_as_written()
    {
        var c = Load(Base);
        Assert.That(c.Particles.Replicas, Is.EqualTo(4));
        Assert.That(c.Particles.RandomMatrices, Is.EqualTo(new RandomMatricesConfig(RandomQueryKeyLaw.Goe, RandomValueLaw.Wishart, 0.5, true)));
        var plain = Load(Base.Replace(", random_matrices: {query_key: goe, value: wishart, scale: 0.5, redraw: true}", ""));
        Assert.That(plain.Particles.RandomMatrices, Is.Null);
        var defaults = Load(Base.Replace("{query_key: goe, value: wishart, scale: 0.5, redraw: true}", "{query_key: gaussian}"));
        Assert.That(defaults.Particles.RandomMatrices, Is.EqualTo(new RandomMatricesConfig(RandomQueryKeyLaw.Gaussian, RandomValueLaw.Identity, 1.0, false)));
    }

    [Test]
    public void Unsupported_combinations_are_errors_naming_the_key()
    {
        Assert.That(ErrorOf(Base.Replace("query_key: goe, ", "")), Does.Contain("particles.random_matrices.query_key"));
        Assert.That(ErrorOf(Base.Replace("value: wishart", "value: unitary")), Does.Contain("particles.random_matrices.value").And.Contain("wishart"));
        Assert.That(ErrorOf(Base.Replace("scale: 0.5", "scale: 0")), Does.Contain("particles.random_matrices.scale"));
        Assert.That(ErrorOf(Base.Replace("beta: 2.0}", "beta: 2.0, key: [[1, 0], [0, 2]]}")), Does.Contain("particles.random_matrices").And.Contain("model.key"));
        Assert.That(ErrorOf(Base.Replace("dt: 0.1,", "dt: 0.1, interaction: spectral,")), Does.Contain("particles.interaction"));
        Assert.That(ErrorOf(Base.Replace("replicas: 4", "replicas: 0")), Does.Contain("particles.replicas"));
        Assert.That(ErrorOf(Base.Replace("beta: 2.0}", "beta: 2.0, common_noise: {kind: fields, amplitudes: [[0, 0.1, 0]]}}").Replace("integrator: layer", "integrator: heun")),
            Does.Contain("particles.replicas").And.Contain("common_noise"));
        Assert.That(ErrorOf("geometry: circle\nsolver: {kind: spectral, t_end: 0.1}\nparticles: {replicas: 4}\n"), Does.Contain("particles.replicas"));
    }
}
