using RankDistill.Workflows.Demo;

namespace RankDistill.Workflows.Tests.Demo;

public sealed class DemoRandomTests
{
    /// <summary>Reference values from an independent Python transcription of SplitMix64 and xoshiro256** (Vigna's C code).</summary>
    [Theory]
    [InlineData(0UL, 0x99ec5f36cb75f2b4UL, 0xbf6e1f784956452aUL, 0x1a5f849d4933e6e0UL)]
    [InlineData(42UL, 0x15780b2e0c2ec716UL, 0x6104d9866d113a7eUL, 0xae17533239e499a1UL)]
    public void NextUInt64_KnownSeed_MatchesReferenceImplementation(ulong seed, ulong first, ulong second, ulong third)
    {
        var random = new DemoRandom(seed);

        Assert.Equal([first, second, third], [random.NextUInt64(), random.NextUInt64(), random.NextUInt64()]);
    }

    [Fact]
    public void NextInt_ManyDraws_UniformAndInRange()
    {
        var random = new DemoRandom(7);
        var counts = new int[6];

        for (var i = 0; i < 60_000; i++)
            counts[random.NextInt(6)]++;

        Assert.All(counts, c => Assert.InRange(c, 9_600, 10_400));
    }

    [Fact]
    public void NextGaussian_ManyDraws_MeanZeroVarianceOne()
    {
        var random = new DemoRandom(7);

        var draws = Enumerable.Range(0, 50_000).Select(_ => random.NextGaussian()).ToArray();
        var mean = draws.Average();

        Assert.InRange(mean, -0.02, 0.02);
        Assert.InRange(draws.Average(d => (d - mean) * (d - mean)), 0.97, 1.03);
    }

    [Fact]
    public void For_SameSeedAndStage_SameStreamOtherStageOtherStream()
    {
        Assert.Equal(DemoRandom.For(5, "clicks").NextUInt64(), DemoRandom.For(5, "clicks").NextUInt64());
        Assert.NotEqual(DemoRandom.For(5, "clicks").NextUInt64(), DemoRandom.For(5, "labels").NextUInt64());
        Assert.NotEqual(DemoRandom.For(5, "clicks").NextUInt64(), DemoRandom.For(6, "clicks").NextUInt64());
    }
}
