using System.Buffers.Binary;

namespace RankDistill.Testing;

/// <summary>
/// Large pseudo-random content made on the fly from a seed, so a test or benchmark can write GBs and check them
/// byte for byte without keeping them. Counter-based (SplitMix64 of the seed and the 8-byte word's index), so any
/// byte can be made from its offset alone, at several GB/s: the bytes do not depend on how they are chunked.
/// </summary>
public static class SeededContent
{
    private const int ChunkSize = 1 << 20;

    /// <summary>Fills <paramref name="destination"/> with the bytes of the sequence from <paramref name="offset"/> on.</summary>
    public static void Fill(int seed, long offset, Span<byte> destination)
    {
        Span<byte> word = stackalloc byte[8];
        while (!destination.IsEmpty)
        {
            var index = offset >> 3;
            var skip = (int)(offset & 7);
            var n = Math.Min(8 - skip, destination.Length);
            if (skip == 0 && destination.Length >= 8)
            {
                BinaryPrimitives.WriteUInt64LittleEndian(destination, Word(seed, index));
                n = 8;
            }
            else
            {
                BinaryPrimitives.WriteUInt64LittleEndian(word, Word(seed, index));
                word.Slice(skip, n).CopyTo(destination);
            }
            destination = destination[n..];
            offset += n;
        }
    }

    /// <summary>The first <paramref name="length"/> bytes of the sequence, in memory (for small content).</summary>
    public static byte[] Bytes(int seed, int length)
    {
        var bytes = new byte[length];
        Fill(seed, 0, bytes);
        return bytes;
    }

    /// <summary>Writes <paramref name="length"/> bytes of the sequence of <paramref name="seed"/> to <paramref name="destination"/>.</summary>
    public static async Task WriteAsync(Stream destination, int seed, long length, CancellationToken cancellationToken = default)
    {
        var chunk = new byte[ChunkSize];
        for (long offset = 0; offset < length; offset += ChunkSize)
        {
            var n = (int)Math.Min(ChunkSize, length - offset);
            Fill(seed, offset, chunk.AsSpan(0, n));
            await destination.WriteAsync(chunk.AsMemory(0, n), cancellationToken);
        }
    }

    /// <summary>
    /// Reads <paramref name="source"/> to its end and returns the offset of the first byte that differs from the
    /// sequence (a shorter or longer stream differs at the shorter length), or -1 when it is identical.
    /// </summary>
    public static async Task<long> FirstDifferenceAsync(Stream source, int seed, long length, CancellationToken cancellationToken = default)
    {
        var expected = new byte[ChunkSize];
        var actual = new byte[ChunkSize];
        long offset = 0;
        while (true)
        {
            var want = (int)Math.Min(ChunkSize, length - offset);
            var got = await source.ReadAtLeastAsync(actual.AsMemory(0, Math.Max(want, 1)), Math.Max(want, 1), throwOnEndOfStream: false, cancellationToken);
            if (want == 0)
                return got == 0 ? -1 : offset;
            Fill(seed, offset, expected.AsSpan(0, want));
            var common = Math.Min(want, got);
            var mismatch = expected.AsSpan(0, common).CommonPrefixLength(actual.AsSpan(0, common));
            if (mismatch < common || got < want)
                return offset + mismatch;
            offset += want;
        }
    }

    private static ulong Word(int seed, long index)
    {
        var z = unchecked(((ulong)(uint)seed << 32) + ((ulong)index + 1) * 0x9E3779B97F4A7C15UL);
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }
}
