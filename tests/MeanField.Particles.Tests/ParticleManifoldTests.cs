namespace MeanField.Particles.Tests;

/// <summary>The manifold S^{d−1}: one choice per dimension, retraction and tangent projection, the circle's exact rotations.</summary>
public class ParticleManifoldTests
{
    [Test]
    public void Each_dimension_gets_its_manifold()
    {
        Assert.That(ParticleManifold.For(2), Is.TypeOf<CircleManifold>());
        Assert.That(ParticleManifold.For(3), Is.TypeOf<TwoSphereManifold>());
        Assert.That(ParticleManifold.For(64), Is.EqualTo(new HighSphereManifold(64)));
        Assert.That(ParticleManifold.For(64).Dimension, Is.EqualTo(64));
        Assert.Throws<ArgumentOutOfRangeException>(() => ParticleManifold.For(1));
        Assert.That(new ParticleModel(Core.AttentionKind.SA, 3, 1.0).Manifold, Is.TypeOf<TwoSphereManifold>());
    }

    [TestCase(2), TestCase(3), TestCase(7)]
    public void Retraction_gives_unit_rows_and_projection_is_tangent_and_idempotent(int d)
    {
        var x = ParticleSampling.Uniform(50, d, 4);
        var field = ParticleSampling.Uniform(50, d, 5);
        for (int a = 0; a < x.Length; a++) x[a] *= 1 + 0.3 * Math.Sin(a);   // off the sphere, as a stage point is
        var manifold = ParticleManifold.For(d);
        var projected = new double[x.Length];
        manifold.ProjectTangent(x, field, projected);
        var again = new double[x.Length];
        manifold.ProjectTangent(x, projected, again);
        Assert.That(again, Is.EqualTo(projected).Within(1e-15));
        manifold.Retract(x);
        for (int i = 0; i < 50; i++)
        {
            double norm = 0, radial = 0;
            for (int c = 0; c < d; c++) { norm += x[i * d + c] * x[i * d + c]; radial += x[i * d + c] * projected[i * d + c]; }
            Assert.That(norm, Is.EqualTo(1).Within(1e-15));
            Assert.That(radial, Is.EqualTo(0).Within(1e-15));
        }
    }

    [Test]
    public void The_circle_exponential_map_is_the_rotation_of_the_angular_rate()
    {
        for (double theta = -3; theta < 3; theta += 0.7)
        {
            double x0 = Math.Cos(theta), x1 = Math.Sin(theta), omega = 0.37 * theta - 0.2;
            // The tangent vector ω e_θ = ω(−sin θ, cos θ) has angular rate ω; its exponential map lands at θ + ω.
            Assert.That(CircleManifold.AngularRate(x0, x1, -omega * x1, omega * x0), Is.EqualTo(omega).Within(1e-15));
            var (y0, y1) = CircleManifold.Rotate(x0, x1, omega);
            Assert.That(y0, Is.EqualTo(Math.Cos(theta + omega)).Within(1e-15));
            Assert.That(y1, Is.EqualTo(Math.Sin(theta + omega)).Within(1e-15));
        }
    }

    [TestCase(1e-3), TestCase(1e-5)]
    public void Circle_clusters_by_sorted_angles_equal_the_sweep_on_the_equator_of_the_two_sphere(double epsilon)
    {
        // Two independent algorithms on the same threshold graph: the circle's sort of angles, and the union–find sweep
        // that S² uses, fed the same points on its equator.
        var x = ParticleTestSupport.MixedConfiguration(600, 2, 21);
        var equator = new double[600 * 3];
        for (int i = 0; i < 600; i++) { equator[3 * i] = x[2 * i + 1]; equator[3 * i + 1] = x[2 * i]; }   // sweep along x₁
        int byAngles = new CircleManifold().ClusterCount(x, epsilon);
        Assert.That(byAngles, Is.EqualTo(new TwoSphereManifold().ClusterCount(equator, epsilon)));
        Assert.That(byAngles, Is.InRange(2, 599));
    }

    [Test]
    public void Per_dimension_observables_are_the_circle_modes_and_the_sphere_coefficients()
    {
        var options = new ObservableOptions(Positions: true, PositionStride: 2, WrittenParticles: 3, FourierModes: 33, HarmonicDegree: 4);
        Assert.That(new CircleManifold().Observables(options).Select(o => o.Name), Is.EqualTo(new[] { "angles", "empirical_modes", "net_flux" }));
        Assert.That(new CircleManifold().Observables(options with { Positions = false }).Select(o => o.Name), Is.EqualTo(new[] { "empirical_modes", "net_flux" }));
        var sphere = new TwoSphereManifold().Observables(options).Single();
        Assert.That(sphere.Name, Is.EqualTo("empirical_sh_coefficients"));
        Assert.That(sphere.Shape, Is.EqualTo(new[] { 15 }), "(L+1)(L+2)/2 coefficients with m ≥ 0 for L = 4");
        Assert.That(new HighSphereManifold(5).Observables(options), Is.Empty);
        // The circle's angles are those of every stride-th particle.
        var x = new double[] { 1, 0, 0, 1, -1, 0, 0, -1, Math.Sqrt(0.5), Math.Sqrt(0.5) };
        var angles = new CircleManifold().Observables(options)[0].RealValue!(new ParticleSnapshot(x, new double[10]));
        Assert.That(angles, Is.EqualTo(new[] { 0, Math.PI, Math.PI / 4 }).Within(1e-15));
    }
}
