using MeanField.Core;
using MeanField.IO.Config;

namespace MeanField.IO.Tests;

public class ConfigLoaderTests
{
    private const string Example = """
        name: example
        geometry: circle
        dimension: 2
        model:
          attention: sa
          beta: 5.0
          diffusion: 0.01
        initial:
          kind: perturbed_uniform
          amplitude: 1.0e-3
          modes: 8
        solver:
          resolution: 128
          stepper: rk4
          dt: 1.0e-3
          t_end: 0.5
        output:
          directory: out/example
          interval: 0.05
        seed: 42
        """;

    private static RunConfig Load(string text, params string[] overrides) => ConfigLoader.LoadText(text, "test.yaml", "test", overrides);

    private static string ErrorOf(string text, params string[] overrides) =>
        Assert.Throws<ConfigException>(() => Load(text, overrides))!.Message;

    [Test]
    public void ReadsEveryKey()
    {
        var c = Load(Example);
        Assert.That(c.Name, Is.EqualTo("example"));
        Assert.That(c.Model.Attention, Is.EqualTo(AttentionKind.SA));
        Assert.That(c.Model.Beta, Is.EqualTo(5.0));
        Assert.That(c.Model.Diffusion, Is.EqualTo(0.01));
        Assert.That(c.Initial.Modes, Is.EqualTo(8));
        Assert.That(c.Solver.Resolution, Is.EqualTo(128));
        Assert.That(c.Solver.Stepper, Is.EqualTo(StepperKind.Rk4));
        Assert.That(c.Solver.TEnd, Is.EqualTo(0.5));
        Assert.That(c.Output.Interval, Is.EqualTo(0.05));
        Assert.That(c.Seed, Is.EqualTo(42UL));
    }

    [Test]
    public void EmptyFileIsAnErrorNamingGeometry()
    {
        Assert.That(ErrorOf(""), Does.Contain("geometry: missing"));
        Assert.That(ErrorOf("# nothing but a comment\n"), Does.Contain("geometry: missing"));
    }

    [Test]
    public void GeometryAloneGivesDocumentedDefaults()
    {
        var c = Load("geometry: circle\n");
        Assert.That(c.Name, Is.EqualTo("test"));
        Assert.That(c.Geometry, Is.EqualTo(GeometryKind.Circle));
        Assert.That(c.Model.Attention, Is.EqualTo(AttentionKind.USA));
        Assert.That(c.Model.Beta, Is.EqualTo(1.0));
        Assert.That(c.Solver.Stepper, Is.EqualTo(StepperKind.Dopri5));
        Assert.That(c.Solver.Tolerance, Is.EqualTo(1e-9));
        Assert.That(c.Output.Directory, Is.EqualTo(Path.Combine("out", "test")));
        Assert.That(c.Initial.Kind, Is.EqualTo(InitialKind.PerturbedUniform));
    }

    [Test]
    public void UnknownKeyNamesTheKeyFileAndLine()
    {
        string message = ErrorOf(Example.Replace("  beta: 5.0", "  betta: 5.0"));
        Assert.That(message, Does.Contain("test.yaml:6:"));
        Assert.That(message, Does.Contain("unknown key 'model.betta'"));
        Assert.That(message, Does.Contain("beta"));   // the allowed keys are listed
    }

    [Test]
    public void WrongTypeNamesTheKeyAndValue()
    {
        string message = ErrorOf(Example.Replace("beta: 5.0", "beta: five"));
        Assert.That(message, Does.Contain("test.yaml:6:"));
        Assert.That(message, Does.Contain("model.beta"));
        Assert.That(message, Does.Contain("'five'"));
    }

    [TestCase("beta: 5.0", "beta: -1", "model.beta")]
    [TestCase("beta: 5.0", "beta: 0", "model.beta")]
    [TestCase("beta: 5.0", "beta: 800", "model.beta")]
    [TestCase("diffusion: 0.01", "diffusion: -0.1", "model.diffusion")]
    [TestCase("resolution: 128", "resolution: 127", "solver.resolution")]
    [TestCase("stepper: rk4", "stepper: euler", "solver.stepper")]
    [TestCase("attention: sa", "attention: softmax", "model.attention")]
    [TestCase("modes: 8", "modes: 60", "initial.modes")]
    [TestCase("interval: 0.05", "interval: 0", "output.interval")]
    [TestCase("seed: 42", "seed: -3", "seed")]
    public void BadValuesAreRejectedWithTheKey(string from, string to, string key)
    {
        string message = ErrorOf(Example.Replace(from, to));
        Assert.That(message, Does.Contain(key));
        Assert.That(message, Does.Match(@"test\.yaml:\d+:\d+"));
    }

    [Test]
    public void SpectralSphereNeedsDimensionThree()
    {
        // The harmonic solver is on S²; other dimensions go to geometry zonal or to the particle solver.
        Assert.That(ErrorOf(Example.Replace("geometry: circle", "geometry: sphere")),
            Does.Contain("dimension").And.Contain("must be 3 for geometry sphere with solver.kind spectral"));
    }

    [Test]
    public void OverridesReplaceValuesAndAreNamedInErrors()
    {
        var c = Load(Example, "model.beta=7", "solver.t_end=1", "model.attention=usa");
        Assert.That(c.Model.Beta, Is.EqualTo(7.0));
        Assert.That(c.Solver.TEnd, Is.EqualTo(1.0));
        Assert.That(c.Model.Attention, Is.EqualTo(AttentionKind.USA));
        Assert.That(ErrorOf(Example, "model.beta=-2"), Does.Contain("--set model.beta=-2").And.Contain("model.beta"));
        Assert.That(ErrorOf(Example, "model.gamma=1"), Does.Contain("unknown key 'model.gamma'"));
        Assert.That(ErrorOf(Example, "beta"), Does.Contain("KEY=VALUE"));
    }

    [Test]
    public void OverrideCanCreateAMissingSection()
    {
        var c = Load("name: x\ngeometry: circle", "initial.kind=fourier", "initial.coefficients=[[3, 0.1, 0.0]]");
        Assert.That(c.Initial.Kind, Is.EqualTo(InitialKind.Fourier));
        Assert.That(c.Initial.Coefficients, Is.EqualTo(new[] { new FourierCoefficient(3, 0.1, 0.0) }));
    }

    [Test]
    public void VonMisesWeightsMustSumToOne()
    {
        string text = "geometry: circle\ninitial:\n  kind: von_mises\n  components:\n    - {weight: 0.5, mean: 0, kappa: 3}\n    - {weight: 0.4, mean: 1, kappa: 3}\n";
        Assert.That(ErrorOf(text), Does.Contain("initial.components").And.Contain("sum to 1"));
    }

    [Test]
    public void FourierCoefficientsAreCheckedAgainstTheResolution()
    {
        string text = "geometry: circle\nsolver:\n  resolution: 64\ninitial:\n  kind: fourier\n  coefficients:\n    - [30, 0.1, 0]\n";
        Assert.That(ErrorOf(text), Does.Contain("initial.coefficients[0]").And.Contain("21"));
    }

    [Test]
    public void MissingFileIsAClearError()
    {
        var e = Assert.Throws<ConfigException>(() => ConfigLoader.LoadFile("/nonexistent/run.yaml"));
        Assert.That(e!.Message, Does.Contain("/nonexistent/run.yaml").And.Contain("not found"));
    }

    [Test]
    public void InvalidYamlNamesTheLine()
    {
        Assert.That(ErrorOf("model:\n  beta: [1, 2\n"), Does.Contain("test.yaml:").And.Contain("invalid YAML"));
    }

    [Test]
    public void ResolvedYamlReadsBackToTheSameConfig()
    {
        var c = Load(Example);
        var again = ConfigLoader.LoadText(ConfigYaml.Write(c), "resolved.yaml", "other");
        Assert.That(again with { Initial = c.Initial }, Is.EqualTo(c));
        Assert.That(again.Initial.Kind, Is.EqualTo(c.Initial.Kind));
        Assert.That(again.Initial.Amplitude, Is.EqualTo(c.Initial.Amplitude));
        Assert.That(again.Initial.Modes, Is.EqualTo(c.Initial.Modes));
        var vm = Load("geometry: circle\ninitial:\n  kind: von_mises\n  components:\n    - {weight: 0.25, mean: 0.1, kappa: 3}\n    - {weight: 0.75, mean: 1, kappa: 0.3}\n");
        var vmAgain = ConfigLoader.LoadText(ConfigYaml.Write(vm), "r.yaml", "other");
        Assert.That(vmAgain.Initial.Components, Is.EqualTo(vm.Initial.Components));
    }

    [Test]
    public void SpectralInteractionAcceptsValueMinusIdentityOnly()
    {
        const string head = "geometry: circle\nsolver:\n  kind: particles\nparticles:\n  interaction: spectral\nmodel:\n  attention: sa\n";
        var c = Load(head + "  value: [[-1, 0], [0, -1]]\n");
        Assert.That(c.Model.Value, Is.EqualTo(new[] { -1.0, 0, 0, -1 }));
        Assert.That(ErrorOf(head + "  value: [[-1, 0], [0, 2]]\n"), Does.Contain("particles.interaction"));
    }
}
