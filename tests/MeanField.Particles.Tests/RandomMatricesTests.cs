using MeanField.Core;

namespace MeanField.Particles.Tests;

/// <summary>
/// particles.random_matrices: the drawn matrices have the documented laws (entry variances within a few standard errors of
/// their closed forms, GOE exactly symmetric), draws are reproducible by (seed, layer), and the span dimension counts the
/// Gram eigenvalues of configurations whose spectra are known in closed form.
/// </summary>
public class RandomMatricesTests
{
    private const int D = 5, Draws = 600;
    private static readonly ParticleModel Template = new(AttentionKind.SA, D, 2.0);

    private static List<ParticleModel> Sample(RandomQueryKeyLaw qk, RandomValueLaw v, double scale) =>
        Enumerable.Range(0, Draws).Select(k => RandomMatrices.Draw(Template, new RandomMatrixModel(qk, v, scale, false), (ulong)(1000 + k), 0)).ToList();

    /// <summary>Asserts the sample variance of the entries (about a known mean 0) is within 5 standard errors of <paramref name="variance"/>.</summary>
    private static void AssertVariance(IEnumerable<double> entries, double variance, string what)
    {
        var e = entries.ToArray();
        double estimate = e.Sum(x => x * x) / e.Length;
        double se = variance * Math.Sqrt(2.0 / e.Length);   // Var(x²) = 2σ⁴ for Gaussian x
        Assert.That(estimate, Is.EqualTo(variance).Within(5 * se), $"{what}: variance {estimate} against {variance} (SE {se})");
    }

    private static IEnumerable<double> OffDiagonal(double[] m) => Enumerable.Range(0, D * D).Where(a => a / D != a % D).Select(a => m[a]);
    private static IEnumerable<double> Diagonal(double[] m) => Enumerable.Range(0, D).Select(r => m[r * D + r]);

    [Test]
    public void Goe_key_is_symmetric_with_variance_s2_off_and_2s2_on_the_diagonal()
    {
        const double s = 1.5;
        var models = Sample(RandomQueryKeyLaw.Goe, RandomValueLaw.Identity, s);
        foreach (var m in models)
        {
            Assert.That(m.Query, Is.Null, "Q = I");
            Assert.That(m.Value, Is.Null, "V = I");
            for (int r = 0; r < D; r++)
            for (int c = 0; c < D; c++) Assert.That(m.Key![r * D + c], Is.EqualTo(m.Key[c * D + r]), "GOE is symmetric");
        }
        // Independent entries: the upper triangle only.
        AssertVariance(models.SelectMany(m => Enumerable.Range(0, D * D).Where(a => a / D < a % D).Select(a => m.Key![a])), s * s, "GOE off-diagonal");
        AssertVariance(models.SelectMany(m => Diagonal(m.Key!)), 2 * s * s, "GOE diagonal");
    }

    [Test]
    public void Gaussian_query_key_and_value_have_the_documented_entry_variances()
    {
        const double s = 0.8;
        var models = Sample(RandomQueryKeyLaw.Gaussian, RandomValueLaw.Gaussian, s);
        AssertVariance(models.SelectMany(m => m.Query!), s * s / Math.Sqrt(D), "Gaussian Q");
        AssertVariance(models.SelectMany(m => m.Key!), s * s / Math.Sqrt(D), "Gaussian K");
        AssertVariance(models.SelectMany(m => m.Value!), s * s / D, "Gaussian V");
        // Q and K are independent: their entrywise correlation is 0 within a few standard errors.
        double correlation = models.SelectMany(m => m.Query!.Zip(m.Key!, (q, k) => q * k)).Average() / (s * s / Math.Sqrt(D));
        Assert.That(Math.Abs(correlation), Is.LessThan(5 / Math.Sqrt(Draws * D * D)));
    }

    [Test]
    public void Goe_and_wishart_values_have_the_documented_laws()
    {
        const double s = 2.0;
        var goe = Sample(RandomQueryKeyLaw.Goe, RandomValueLaw.Goe, s);
        AssertVariance(goe.SelectMany(m => Enumerable.Range(0, D * D).Where(a => a / D < a % D).Select(a => m.Value![a])), s * s / D, "GOE V off-diagonal");
        AssertVariance(goe.SelectMany(m => Diagonal(m.Value!)), 2 * s * s / D, "GOE V diagonal");
        // Wishart s·GGᵀ/√d: E V_rr = s·d/√d = s√d, Var V_rr = s²·2d/d = 2s²; off-diagonal mean 0, variance s²·d/d = s².
        var wishart = Sample(RandomQueryKeyLaw.Goe, RandomValueLaw.Wishart, s);
        var diagonal = wishart.SelectMany(m => Diagonal(m.Value!)).ToArray();
        Assert.That(diagonal.Average(), Is.EqualTo(s * Math.Sqrt(D)).Within(5 * Math.Sqrt(2 * s * s / diagonal.Length)));
        AssertVariance(wishart.SelectMany(m => Enumerable.Range(0, D * D).Where(a => a / D < a % D).Select(a => m.Value![a])), s * s, "Wishart V off-diagonal");
        foreach (var m in wishart)
            for (int r = 0; r < D; r++)
            for (int c = 0; c < D; c++) Assert.That(m.Value![r * D + c], Is.EqualTo(m.Value[c * D + r]).Within(1e-12));
    }

    [Test]
    public void Draws_are_reproducible_by_seed_and_layer()
    {
        var law = new RandomMatrixModel(RandomQueryKeyLaw.Gaussian, RandomValueLaw.Gaussian, 1, true);
        var a = RandomMatrices.Draw(Template, law, 42, 3);
        RandomMatrices.Draw(Template, law, 42, 7);   // another layer drawn in between changes nothing
        var b = RandomMatrices.Draw(Template, law, 42, 3);
        Assert.That(b.Query, Is.EqualTo(a.Query));
        Assert.That(b.Key, Is.EqualTo(a.Key));
        Assert.That(b.Value, Is.EqualTo(a.Value));
        Assert.That(RandomMatrices.Draw(Template, law, 43, 3).Query, Is.Not.EqualTo(a.Query), "another seed");
        Assert.That(RandomMatrices.Draw(Template, law, 42, 4).Query, Is.Not.EqualTo(a.Query), "another layer");
    }

    [Test]
    public void Redraw_switches_the_interaction_to_the_layer_of_the_step()
    {
        var law = new RandomMatrixModel(RandomQueryKeyLaw.Goe, RandomValueLaw.Goe, 1, true);
        var interaction = new RandomMatrixInteraction(Template, law, 9, 4, 1);
        interaction.UseLayer(5);
        Assert.That(interaction.Model.Key, Is.EqualTo(RandomMatrices.Draw(Template, law, 9, 5).Key));
        var fixedLaw = law with { Redraw = false };
        var once = new RandomMatrixInteraction(Template, fixedLaw, 9, 4, 1);
        once.UseLayer(5);
        Assert.That(once.Model.Key, Is.EqualTo(RandomMatrices.Draw(Template, fixedLaw, 9, 0).Key), "without redraw every step uses layer 0");
    }

    // Equiangular unit vectors: Gram = (1−ρ)I + ρ11ᵀ, eigenvalues 1−ρ (N−1 times) and 1 + (N−1)ρ.
    [TestCase(4, 6, 1 - 5e-4, 1e-3, 1)]    // 1−ρ = 5e-4 < tolerance: one direction
    [TestCase(4, 6, 1 - 2e-3, 1e-3, 4)]    // 1−ρ = 2e-3 > tolerance: all four
    [TestCase(5, 5, 0.0, 1e-3, 5)]         // orthonormal
    [TestCase(6, 40, 0.3, 0.71, 1)]        // d > N: the N×N Gram; 1−ρ = 0.7 < 0.71
    [TestCase(6, 40, 0.3, 0.69, 6)]
    public void Span_dimension_counts_the_gram_eigenvalues_above_the_tolerance(int n, int d, double rho, double tolerance, int expected)
    {
        var x = ParticleSampling.Equiangular(n, d, rho);
        Assert.That(SpanDimension.Of(x, d, tolerance), Is.EqualTo(expected));
    }

    [Test]
    public void Span_dimension_of_many_tokens_in_a_plane_of_r3_is_2()
    {
        // N = 50 > d = 3: the d×d route. Tokens on the great circle x₂ = 0, and one copy tilted out of it.
        var rng = new MeanField.Core.Random.RandomStream(3, 1);
        var x = new double[50 * 3];
        for (int i = 0; i < 50; i++) { double t = 2 * Math.PI * rng.NextDouble(); x[3 * i] = Math.Cos(t); x[3 * i + 1] = Math.Sin(t); }
        Assert.That(SpanDimension.Of(x, 3, 1e-3), Is.EqualTo(2));
        (x[0], x[1], x[2]) = (Math.Sqrt(0.75), 0, 0.5);
        Assert.That(SpanDimension.Of(x, 3, 1e-3), Is.EqualTo(3), "one token out of the plane: the smallest eigenvalue is about 0.25, far above the tolerance");
        // The eigenvalues themselves, against the closed form 1−ρ, 1+(N−1)ρ.
        var gram = new double[] { 1, 0.4, 0.4, 0.4, 1, 0.4, 0.4, 0.4, 1 };
        var eigenvalues = SpanDimension.SymmetricEigenvalues(gram, 3).Order().ToArray();
        Assert.That(eigenvalues, Is.EqualTo(new[] { 0.6, 0.6, 1.8 }).Within(1e-14));
    }
}
