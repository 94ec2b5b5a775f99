namespace MeanField.Particles.Tests;

public class ClusterCountTests
{
    private static int BruteForce(double[] x, int d, double epsilon)
    {
        int n = x.Length / d;
        var parent = Enumerable.Range(0, n).ToArray();
        int Find(int a) => parent[a] == a ? a : parent[a] = Find(parent[a]);
        for (int i = 0; i < n; i++)
        for (int j = i + 1; j < n; j++)
        {
            double dot = 0;
            for (int c = 0; c < d; c++) dot += x[i * d + c] * x[j * d + c];
            if (dot > 1 - epsilon) parent[Find(i)] = Find(j);
        }
        return Enumerable.Range(0, n).Count(i => Find(i) == i);
    }

    [TestCase(2, 1e-3), TestCase(2, 1e-5), TestCase(3, 1e-2), TestCase(3, 1e-3), TestCase(5, 1e-2)]
    public void MatchesTheConnectedComponentsOfTheThresholdGraph(int d, double epsilon)
    {
        var x = ParticleTestSupport.MixedConfiguration(700, d, 13);
        int expected = BruteForce(x, d, epsilon);
        Assert.That(ParticleDiagnostics.ClusterCount(x, d, epsilon), Is.EqualTo(expected));
        Assert.That(expected, Is.InRange(2, 699), "a non-trivial graph: some edges, several components");
    }

    [Test]
    public void TightClustersAreCountedOnceEach()
    {
        // Three clusters of width ~1e-4 on S²: ε = 1e-3 joins each cluster and separates them.
        var centres = ParticleSampling.Uniform(3, 3, 2);
        var noise = ParticleSampling.Uniform(300, 3, 3);
        var x = new double[900];
        for (int i = 0; i < 300; i++)
        {
            double norm = 0;
            for (int c = 0; c < 3; c++) { x[3 * i + c] = centres[3 * (i % 3) + c] + 1e-4 * noise[3 * i + c]; norm += x[3 * i + c] * x[3 * i + c]; }
            for (int c = 0; c < 3; c++) x[3 * i + c] /= Math.Sqrt(norm);
        }
        Assert.That(ParticleDiagnostics.ClusterCount(x, 3, 1e-3), Is.EqualTo(3));
    }
}
