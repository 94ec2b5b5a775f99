namespace MeanField.Particles;

/// <summary>
/// Runs work over [0, count) in chunks whose boundaries depend only on count and the chunk size, never on the thread
/// count, so every per-particle result (and every per-chunk partial sum) is the same whatever the parallelism.
/// </summary>
public sealed class ChunkedParallel
{
    private readonly ParallelOptions _options;

    /// <param name="threads">Worker threads; 0 means one per logical core.</param>
    public ChunkedParallel(int threads)
    {
        if (threads < 0) throw new ArgumentOutOfRangeException(nameof(threads), threads, "threads must be ≥ 0.");
        Threads = threads == 0 ? Environment.ProcessorCount : threads;
        _options = new ParallelOptions { MaxDegreeOfParallelism = Threads };
    }

    public int Threads { get; }

    public static int ChunkCount(int count, int chunkSize) => (count + chunkSize - 1) / chunkSize;

    /// <summary>body(chunkIndex, start, end) for every chunk; sequential when there is one thread or one chunk.</summary>
    public void For(int count, int chunkSize, Action<int, int, int> body)
    {
        int chunks = ChunkCount(count, chunkSize);
        if (Threads == 1 || chunks <= 1)
        {
            for (int c = 0; c < chunks; c++) body(c, c * chunkSize, Math.Min(count, (c + 1) * chunkSize));
            return;
        }
        Parallel.For(0, chunks, _options, c => body(c, c * chunkSize, Math.Min(count, (c + 1) * chunkSize)));
    }
}
