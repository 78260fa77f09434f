namespace RankDistill.Models.Batching;

/// <summary>
/// A tiny seeded generator (Steele, Lea and Flood 2014) for the data order. Ours rather than
/// System.Random so that a checkpoint's data order stays the same whatever the runtime version.
/// </summary>
internal sealed class SplitMix64(ulong seed)
{
    private ulong _state = seed;

    public ulong Next()
    {
        ulong z = _state += 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }

    /// <summary>Uniform in [0, n); the modulo bias is below 2^-40 for any list we shuffle.</summary>
    public int NextInt(int n) => (int)(Next() % (ulong)n);

    public void Shuffle<T>(T[] items)
    {
        for (int i = items.Length - 1; i > 0; i--)
        {
            int j = NextInt(i + 1);
            (items[i], items[j]) = (items[j], items[i]);
        }
    }
}
