using RankDistill.Models.Batching;
using static TorchSharp.torch;

namespace RankDistill.Models.Tests.Scoring;

public sealed class CollatorTests
{
    private static readonly EncodedSequence[] _pair =
    [
        new([5, 6, 7], [0, 1, 1], [-100, 6, 7]),
        new([8], [0], [8]),
    ];

    [Fact]
    public void Collate_RightPadding_PadsIdsMaskTypesAndLabelsAfterTheTokens()
    {
        using var scope = NewDisposeScope();
        using var batch = new Collator(padTokenId: 3).Collate(_pair);

        Assert.Equal(new long[] { 2, 3 }, batch.InputIds.shape);
        Assert.Equal(new long[] { 5, 6, 7, 8, 3, 3 }, batch.InputIds.data<long>().ToArray());
        Assert.Equal(new long[] { 1, 1, 1, 1, 0, 0 }, batch.AttentionMask.data<long>().ToArray());
        Assert.Equal(new long[] { 0, 1, 1, 0, 0, 0 }, batch.TokenTypeIds!.data<long>().ToArray());
        Assert.Equal(new long[] { -100, 6, 7, 8, -100, -100 }, batch.Labels!.data<long>().ToArray());
    }

    [Fact]
    public void Collate_LeftPadding_PadsBeforeTheTokens()
    {
        using var scope = NewDisposeScope();
        using var batch = new Collator(padTokenId: 3, side: PaddingSide.Left).Collate(_pair);

        Assert.Equal(new long[] { 5, 6, 7, 3, 3, 8 }, batch.InputIds.data<long>().ToArray());
        Assert.Equal(new long[] { 1, 1, 1, 0, 0, 1 }, batch.AttentionMask.data<long>().ToArray());
        Assert.Equal(new long[] { -100, 6, 7, -100, -100, 8 }, batch.Labels!.data<long>().ToArray());
    }

    [Fact]
    public void Collate_NoTypesNoLabels_LeavesThemNull()
    {
        using var batch = new Collator().Collate([new EncodedSequence([1, 2])]);

        Assert.Null(batch.TokenTypeIds);
        Assert.Null(batch.Labels);
        Assert.Equal(ScalarType.Int64, batch.InputIds.dtype);
    }

    [Fact]
    public void Collate_SomeWithLabelsSomeWithout_Throws()
    {
        var ex = Assert.Throws<ArgumentException>(() => new Collator().Collate([new EncodedSequence([1], Labels: [1]), new EncodedSequence([2])]));
        Assert.Contains("labels", ex.Message, StringComparison.Ordinal);
    }
}
