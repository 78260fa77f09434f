namespace RankDistill.Testing;

/// <summary>
/// Large pseudo-random content made on the fly from a seed, so a test or benchmark can write GBs and check them
/// byte for byte without keeping them: the same seed and length always give the same bytes.
/// </summary>
public static class SeededContent
{
    private const int ChunkSize = 1 << 20;

    /// <summary>Writes <paramref name="length"/> bytes of the sequence of <paramref name="seed"/> to <paramref name="destination"/>.</summary>
    public static async Task WriteAsync(Stream destination, int seed, long length, CancellationToken cancellationToken = default)
    {
        var random = new Random(seed);
        var chunk = new byte[ChunkSize];
        for (long left = length; left > 0; left -= ChunkSize)
        {
            var n = (int)Math.Min(ChunkSize, left);
            random.NextBytes(chunk.AsSpan(0, n));
            await destination.WriteAsync(chunk.AsMemory(0, n), cancellationToken);
        }
    }

    /// <summary>
    /// Reads <paramref name="source"/> to its end and returns the offset of the first byte that differs from the
    /// sequence (a shorter or longer stream differs at the shorter length), or -1 when it is identical.
    /// </summary>
    public static async Task<long> FirstDifferenceAsync(Stream source, int seed, long length, CancellationToken cancellationToken = default)
    {
        var random = new Random(seed);
        var expected = new byte[ChunkSize];
        var actual = new byte[ChunkSize];
        long offset = 0;
        while (true)
        {
            var want = (int)Math.Min(ChunkSize, length - offset);
            var got = await source.ReadAtLeastAsync(actual.AsMemory(0, Math.Max(want, 1)), Math.Max(want, 1), throwOnEndOfStream: false, cancellationToken);
            if (want == 0)
                return got == 0 ? -1 : offset;
            random.NextBytes(expected.AsSpan(0, want));
            var common = Math.Min(want, got);
            var mismatch = expected.AsSpan(0, common).CommonPrefixLength(actual.AsSpan(0, common));
            if (mismatch < common || got < want)
                return offset + mismatch;
            offset += want;
        }
    }
}
