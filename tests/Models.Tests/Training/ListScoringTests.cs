using RankDistill.Models.Batching;
using RankDistill.Models.Bert;
using RankDistill.Models.Tests.Training.Support;
using RankDistill.Models.Training;
using static TorchSharp.torch;

namespace RankDistill.Models.Tests.Training;

[Collection(TorchCollection.Name)]
public sealed class ListScoringTests
{
    /// <summary>Documents of 4 to 60 tokens, longest first, so the length groups reorder every one of them.</summary>
    private static EncodedSequence[] Documents(int count)
    {
        var random = new Random(5);
        return [.. Enumerable.Range(0, count)
            .Select(i => 60 - (i * 56 / count))
            .Select(length => new EncodedSequence([.. Enumerable.Range(0, length).Select(_ => random.Next(5, 200))], new int[length]))];
    }

    private static BertRanker Model()
    {
        manual_seed(3);
        var model = new BertRanker(new BertConfig { VocabSize = 200, HiddenSize = 32, NumHiddenLayers = 1, NumAttentionHeads = 2, IntermediateSize = 64, MaxPositionEmbeddings = 64, HiddenDropoutProb = 0, AttentionProbsDropoutProb = 0 });
        // A fresh head scores every document within ~0.01 of the others; scaled up, a score put back in the wrong place
        // is far outside the tolerance.
        using (no_grad())
        {
            foreach (var (name, parameter) in model.named_parameters().Where(p => p.name.StartsWith("classifier.", StringComparison.Ordinal)))
                parameter.mul_(100);
        }
        model.train();
        return model;
    }

    [Fact]
    public void ScoreByLength_GroupsOfSimilarLength_SameScoresAndGradientsAsOnePaddedPass()
    {
        using var scope = NewDisposeScope();
        using var model = Model();
        var documents = Documents(200);
        var collator = new Collator();
        var weights = randn(documents.Length);

        (float[] Scores, float[] Gradient) Run(Func<Tensor> score)
        {
            model.zero_grad();
            var scores = score();
            (scores * weights).sum().backward();
            return (scores.detach().data<float>().ToArray(), model.parameters().First(p => p.dim() == 2 && p.shape[0] == 200).grad!.flatten().data<float>().ToArray());
        }

        var (onePass, onePassGradient) = Run(() => model.Score(collator.Collate(documents)));
        var (grouped, groupedGradient) = Run(() => ListScoring.ScoreByLength(model, documents, collator, ListScoring.LengthGroups));

        // Padding is masked out, so only float summation order differs.
        Assert.True(onePass.Max() - onePass.Min() > 0.1, $"scores span only {onePass.Max() - onePass.Min()}");
        Assert.Equal(documents.Length, grouped.Length);
        for (var i = 0; i < grouped.Length; i++)
            Assert.Equal(onePass[i], grouped[i], 1e-4f);
        Assert.True(onePassGradient.Zip(groupedGradient).All(g => Math.Abs(g.First - g.Second) < 1e-4), "word-embedding gradients differ");
        Assert.True(onePassGradient.Any(g => g != 0), "no gradient reached the word embeddings");
    }
}
