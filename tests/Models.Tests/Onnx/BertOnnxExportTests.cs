using RankDistill.Models.Bert;
using RankDistill.Models.Onnx;
using RankDistill.Models.Scoring;
using RankDistill.Models.Tests.Bert;
using RankDistill.Models.Tests.Checkpoints;
using RankDistill.Models.Tokenization;
using static TorchSharp.torch;

namespace RankDistill.Models.Tests.Onnx;

/// <summary>The student's ONNX graph, run by ONNX Runtime, against the same ranker's TorchSharp forward pass.</summary>
public sealed class BertOnnxExportTests
{
    // Right-padded pairs of different lengths, query segment 0 and document segment 1, as PairEncoder gives them.
    private static readonly EncodedSequence[] _pairs =
    [
        Pair([2, 17, 40, 3], [55, 61, 3]),
        Pair([2, 9, 3], [70, 71, 72, 73, 74, 75, 76, 3]),
        Pair([2, 88, 3], [3]),
        Pair([2, 5, 6, 7, 8, 3], [90, 91, 3]),
        Pair([2, 44, 45, 3], [46, 47, 48, 49, 50, 51, 52, 53, 54, 3]),
    ];

    [Theory]
    [InlineData(true, "gelu")]
    [InlineData(false, "gelu")]
    [InlineData(true, "gelu_new")]
    public void Export_TinyRanker_OnnxRuntimeScoresMatchTorch(bool usePooler, string activation)
    {
        using var dir = new TempFolder();
        manual_seed(7);
        using var model = new BertRanker(TinyBert.Config() with { HiddenAct = activation }, usePooler);
        using (no_grad())
        {
            foreach (var (_, p) in model.named_parameters())
                p.add_(randn_like(p) * 0.1); // off the initial zero biases and unit LayerNorms, so every weight counts
            // A head of order 1 that needs no random numbers (tests in parallel share torch's generator): the scores
            // spread whatever the draws above were.
            var head = model.named_parameters().Single(p => p.name == "classifier.weight").parameter;
            head.copy_(linspace(-1, 1, head.numel()).reshape(head.shape));
        }
        var diff = MaxScoreDifference(model, _pairs, dir.File("model.onnx"), padId: 0);
        Assert.True(diff <= 1e-4, $"ONNX Runtime's scores differ from torch's by up to {diff}");
    }

    [Fact]
    public void Export_MiniLmRanker_OnnxRuntimeScoresMatchTorch()
    {
        using var dir = new TempFolder();
        var encoder = TokenizerLoader.FromFolder(MiniLm.Folder);
        var (model, _) = BertCheckpoint.LoadRanker(MiniLm.Folder);
        using var _m = model;
        using (no_grad())
            nn.init.normal_(model.named_parameters().Single(p => p.name == "classifier.weight").parameter, 0, 1); // scores of order 1, not HF's 0.02-scale new head
        EncodedSequence[] pairs =
        [
            encoder.Encode("hello world", "Hello, world! The first program anyone writes.", 128),
            encoder.Encode("c++ vector resize", "std::vector::resize changes the number of elements; new ones are value-initialised.", 128),
            encoder.Encode("$5.99 pizza deal", "Pizza deals: a large pizza for $5.99 on Tuesdays, delivered.", 128),
            encoder.Encode("weather", "Rain.", 128),
        ];
        var diff = MaxScoreDifference(model, pairs, dir.File("model.onnx"), encoder.PadId);
        TestContext.Current.TestOutputHelper?.WriteLine($"MiniLM ranker, ONNX Runtime vs torch: max abs score diff {diff:G3}");
        Assert.True(diff <= 1e-4, $"ONNX Runtime's scores differ from torch's by up to {diff}");
    }

    /// <summary>Both runtimes score the same batches (one padded batch of all pairs, then one pair alone: dynamic shapes).</summary>
    private static double MaxScoreDifference(BertRanker model, EncodedSequence[] pairs, string path, int padId)
    {
        BertOnnxExport.Write(model, path);
        var options = new BatchScorerOptions { PadTokenId = padId };
        var torchScores = new BatchScorer(options).Score(model, pairs);
        Assert.True(torchScores.Max() - torchScores.Min() > 0.1, "the scores must differ: a head that scores alike everywhere would prove nothing");
        using var onnx = new OnnxCrossEncoder(path, threads: 1, options);
        var ortScores = onnx.Score(pairs);
        var alone = onnx.Score([pairs[1]]);
        Assert.Equal(ortScores[1], alone[0], 1e-5f);
        return MiniLmImportTests.MaxAbsDifference(torchScores, ortScores);
    }

    private static EncodedSequence Pair(int[] query, int[] document) =>
        new([.. query, .. document], [.. query.Select(_ => 0), .. document.Select(_ => 1)]);
}
