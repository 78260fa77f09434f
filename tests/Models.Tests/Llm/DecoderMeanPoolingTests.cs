using RankDistill.Models.Llm;
using RankDistill.Models.Tests.Checkpoints;
using static TorchSharp.torch;

namespace RankDistill.Models.Tests.Llm;

/// <summary>The ranker's mean pooling (the representation <c>ablate</c> compares with the last token).</summary>
public sealed class DecoderMeanPoolingTests
{
    private static readonly long[][] _rows = [[5, 9, 14, 2], [7, 3, 3, 8, 12, 40, 2], [11, 2]];

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void MeanPooling_PaddedOnEitherSide_ScoresAsUnpadded(bool left)
    {
        manual_seed(31);
        using var model = new DecoderRanker(TinyDecoder.Config(), DecoderPooling.Mean);
        model.eval();
        using var scope = NewDisposeScope();
        var alone = cat(_rows.Select(r => model.forward(tensor(r).unsqueeze(0), ones(1, r.Length, int64))).ToArray());
        var (ids, mask) = TinyDecoder.Pad(_rows, width: 9, left);

        var batched = model.forward(ids, mask);

        Assert.Equal(new long[] { 3 }, batched.shape);
        TinyDecoder.AssertClose(alone, batched, atol: 1e-5);
    }

    [Fact]
    public void MeanPooling_SameWeights_ScoresOtherwiseThanLastToken()
    {
        manual_seed(32);
        using var last = new DecoderRanker(TinyDecoder.Config());
        manual_seed(32);
        using var mean = new DecoderRanker(TinyDecoder.Config(), DecoderPooling.Mean);
        last.eval();
        mean.eval();
        using var scope = NewDisposeScope();
        var (ids, mask) = TinyDecoder.Pad(_rows, width: 7, left: false);

        var byLast = last.forward(ids, mask);
        var byMean = mean.forward(ids, mask);

        Assert.True((byLast - byMean).abs().max().item<float>() > 1e-6, "mean pooling must read more than the last token");
    }

    [Fact]
    public void SaveThenLoad_MeanPooledRanker_KeepsItsPoolingAndScores()
    {
        using var dir = new TempFolder();
        manual_seed(33);
        using var model = new DecoderRanker(TinyDecoder.Config(), DecoderPooling.Mean);
        model.eval();
        DecoderCheckpoint.Save(model, dir.Path, TinyDecoder.Layout);

        var (loaded, _) = DecoderCheckpoint.LoadRanker(dir.Path);

        using (loaded)
        {
            loaded.eval();
            Assert.Equal(DecoderPooling.Mean, loaded.Pooling);
            using var scope = NewDisposeScope();
            var (ids, mask) = TinyDecoder.Pad(_rows, width: 8, left: true);
            TinyDecoder.AssertIdentical(model.forward(ids, mask), loaded.forward(ids, mask));
        }
    }
}
