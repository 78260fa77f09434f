namespace RankDistill.Workflows.Demo;

/// <summary>
/// xoshiro256** seeded through SplitMix64 (Blackman and Vigna's reference generators), so a
/// world is the same on every .NET version: System.Random's seeded sequence is not promised
/// to stay stable. Only integer and basic floating-point arithmetic (no Math.Exp or Log), so
/// the numbers are bit-identical on every IEEE-754 machine. Not thread-safe; one per stage.
/// </summary>
internal sealed class DemoRandom
{
    private ulong _s0, _s1, _s2, _s3;

    public DemoRandom(ulong seed)
    {
        _s0 = SplitMix64(ref seed);
        _s1 = SplitMix64(ref seed);
        _s2 = SplitMix64(ref seed);
        _s3 = SplitMix64(ref seed);
    }

    /// <summary>
    /// An independent stream for one stage of generation ("documents", "clicks"...): changing
    /// how many numbers one stage draws then leaves the others' worlds as they were.
    /// </summary>
    public static DemoRandom For(long seed, string stage)
    {
        var hash = 14695981039346656037UL; // FNV-1a 64, a stable string hash (string.GetHashCode is randomised per process)
        foreach (var c in stage)
            hash = (hash ^ c) * 1099511628211UL;
        return new DemoRandom(unchecked((ulong)seed) ^ hash);
    }

    public ulong NextUInt64()
    {
        var result = RotateLeft(_s1 * 5, 7) * 9;
        var t = _s1 << 17;
        _s2 ^= _s0;
        _s3 ^= _s1;
        _s1 ^= _s2;
        _s0 ^= _s3;
        _s2 ^= t;
        _s3 = RotateLeft(_s3, 45);
        return result;
    }

    /// <summary>Uniform in [0, 1) from the top 53 bits.</summary>
    public double NextDouble() => (NextUInt64() >> 11) * (1.0 / (1UL << 53));

    /// <summary>Uniform in [0, <paramref name="maxExclusive"/>), unbiased (Lemire's multiply-and-reject).</summary>
    public int NextInt(int maxExclusive)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxExclusive);
        var range = (ulong)maxExclusive;
        var threshold = (0 - range) % range;
        while (true)
        {
            var product = Math.BigMul(NextUInt64(), range, out var low);
            if (low >= threshold)
                return (int)product;
        }
    }

    public bool Chance(double probability) => NextDouble() < probability;

    /// <summary>Approximately standard normal: the sum of 12 uniforms minus 6 (Irwin–Hall), arithmetic only.</summary>
    public double NextGaussian()
    {
        var sum = 0.0;
        for (var i = 0; i < 12; i++)
            sum += NextDouble();
        return sum - 6;
    }

    public T Pick<T>(IReadOnlyList<T> items) => items[NextInt(items.Count)];

    /// <summary>Index drawn with the given (unnormalised) weights.</summary>
    public int PickWeighted(IReadOnlyList<double> weights)
    {
        var point = NextDouble() * weights.Sum();
        for (var i = 0; i < weights.Count - 1; i++)
        {
            point -= weights[i];
            if (point < 0)
                return i;
        }
        return weights.Count - 1;
    }

    /// <summary>Fisher–Yates, in place.</summary>
    public void Shuffle<T>(IList<T> items)
    {
        for (var i = items.Count - 1; i > 0; i--)
        {
            var j = NextInt(i + 1);
            (items[i], items[j]) = (items[j], items[i]);
        }
    }

    private static ulong RotateLeft(ulong x, int k) => (x << k) | (x >> (64 - k));

    private static ulong SplitMix64(ref ulong state)
    {
        var z = state += 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }
}
