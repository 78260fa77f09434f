using RankDistill.Models.Scoring;
using RankDistill.Models.Tests.Training.Support;
using static TorchSharp.torch;

namespace RankDistill.Models.Tests.Scoring;

[Collection(TorchCollection.Name)]
public sealed class BatchScorerTests
{
    private static readonly EncodedSequence[] _inputs =
        [.. SyntheticRanking.Lists(queries: 10, documentsPerQuery: 7, seed: 9).SelectMany(l => l.Documents)];

    private static TinyRanker Model()
    {
        manual_seed(21);
        var model = new TinyRanker(SyntheticRanking.VocabSize, width: 16, dropout: 0.5);
        model.train();
        return model;
    }

    private static float[] OneByOne(TinyRanker model) =>
        [.. _inputs.SelectMany(s => new BatchScorer(new BatchScorerOptions()).Score(model, [s], cancellationToken: TestContext.Current.CancellationToken))];

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void Score_ManyBatches_SameScoresAsOneByOneInInputOrder(bool bucketing)
    {
        using var model = Model();
        var scorer = new BatchScorer(new BatchScorerOptions { TokenBudget = 64, Bucketing = bucketing });
        Assert.True(scorer.Plan(_inputs).Count > 5);

        var batched = scorer.Score(model, _inputs, cancellationToken: TestContext.Current.CancellationToken);
        var single = OneByOne(model);

        Assert.Equal(single.Length, batched.Length);
        for (int i = 0; i < single.Length; i++)
            Assert.Equal(single[i], batched[i], 1e-5f);
        Assert.True(single.Distinct().Count() > _inputs.Length / 2);   // the order check means something only if scores differ
    }

    [Fact]
    public void Score_ModelInTrainingMode_NoDropoutNoGradAndModeRestored()
    {
        using var model = Model();
        var scorer = new BatchScorer(new BatchScorerOptions());

        var first = scorer.Score(model, _inputs, cancellationToken: TestContext.Current.CancellationToken);
        var second = scorer.Score(model, _inputs, cancellationToken: TestContext.Current.CancellationToken);

        Assert.Equal(first, second);
        Assert.True(model.training);
        Assert.All(model.parameters(), p => Assert.Null(p.grad));
    }

    [Fact]
    public void Plan_Bucketing_LessPaddingThanPaddedToMax()
    {
        var options = new BatchScorerOptions { TokenBudget = 64 };
        long Padded(List<int[]> batches) => batches.Sum(b => (long)b.Length * b.Max(i => _inputs[i].Length));

        long bucketed = Padded(new BatchScorer(options).Plan(_inputs));
        long toMax = Padded(new BatchScorer(options with { Bucketing = false }).Plan(_inputs));

        Assert.True(bucketed < toMax, $"bucketed {bucketed} padded tokens, padded-to-max {toMax}");
        Assert.True(bucketed >= _inputs.Sum(s => s.Length));
    }
}
