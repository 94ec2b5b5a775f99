using MeanField.Validation.ModerateInteraction;

namespace MeanField.Validation.Tests.ModerateInteraction;

public class AlignmentTests
{
    [Test]
    public void TopEigenvectorOfDiagonalCase()
    {
        double[] identity = [1, 0, 0, 0, 1, 0, 0, 0, 1];
        var p = new AlignmentParameters { Query = identity, Key = identity, Value = [0.5, 0, 0, 0, 2, 0, 0, 0, 1] };
        var (top, second, e) = AlignmentExperiment.TopEigen(p);
        Assert.That(top, Is.EqualTo(2).Within(1e-12));
        Assert.That(second, Is.EqualTo(1).Within(1e-12));
        Assert.That(Math.Abs(e[1]), Is.EqualTo(1).Within(1e-12));
        // A rotation generator on top (complex pair 1 ± i above the real 0.5) has no antipodal E_max: rejected.
        var rotation = p with { Value = [1, -1, 0, 1, 1, 0, 0, 0, 0.5] };
        Assert.Throws<ArgumentException>(() => AlignmentExperiment.TopEigen(rotation));
    }

    [Test]
    public void MassConcentratesOnTheTopEigenline()
    {
        // N = 500, β = 30: both the SA particles and the β = ∞ characteristics (same initial points) concentrate on ±e.
        // Uniform start: the fraction within ε = 0.2 of ±e is 1 − cos ε ≈ 0.02. Early (t = 1, spread ≫ β^{-1/2}) the
        // particles follow the transport limit; later the finite-β aggregation makes them faster, never slower.
        var r = AlignmentExperiment.Run(AlignmentParameters.Quick() with { ParticleCount = 500, Duration = 6, Samples = 6 });
        Assert.That(r.Samples[0].ParticleFraction, Is.EqualTo(1 - Math.Cos(0.2)).Within(0.02));
        for (int i = 1; i < r.Samples.Count; i++)
        {
            Assert.That(r.Samples[i].CharacteristicFraction, Is.GreaterThanOrEqualTo(r.Samples[i - 1].CharacteristicFraction));
            Assert.That(r.Samples[i].ParticleFraction, Is.GreaterThanOrEqualTo(r.Samples[i].CharacteristicFraction - 0.03));
        }
        Assert.That(Math.Abs(r.Samples[1].ParticleFraction - r.Samples[1].CharacteristicFraction), Is.LessThan(0.04));
        Assert.That(r.Final.ParticleFraction, Is.GreaterThan(0.95));
        Assert.That(r.Final.CharacteristicFraction, Is.GreaterThan(0.95));
    }
}
