using RankDistill.Models.Losses;
using static TorchSharp.torch;

namespace RankDistill.Models.Tests.Losses;

public sealed class QueryListsTests
{
    [Fact]
    public void Pad_FlatScores_ListsInRowsWithMaskAndGradientToTheFlatScores()
    {
        using var scope = NewDisposeScope();
        var flat = tensor(new float[] { 1, 2, 3, 4, 5 }).requires_grad_();

        var (padded, mask) = QueryLists.Pad(flat, [2, 3]);
        (padded * tensor(new float[] { 1, 2, 100, 3, 4, 5 }, [2, 3])).sum().backward();

        Assert.Equal(new float[] { 1, 2, 0, 3, 4, 5 }, padded.data<float>().ToArray());
        Assert.Equal(new[] { true, true, false, true, true, true }, mask.data<bool>().ToArray());
        Assert.Equal(new float[] { 1, 2, 3, 4, 5 }, flat.grad!.data<float>().ToArray());
    }

    [Fact]
    public void PadValues_RaggedLists_PaddedWithZero()
    {
        using var scope = NewDisposeScope();
        var values = QueryLists.PadValues([[0.5f], [1, 2]]);

        Assert.Equal(new long[] { 2, 2 }, values.shape);
        Assert.Equal(new float[] { 0.5f, 0, 1, 2 }, values.data<float>().ToArray());
    }
}
