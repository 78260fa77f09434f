using RankDistill.Models.Bert;
using RankDistill.Models.Tests.Checkpoints;
using RankDistill.Models.Tests.Llm;
using static TorchSharp.torch;

namespace RankDistill.Models.Tests.Bert;

public sealed class BertMaskedLmTests
{
    [Fact]
    public void Forward_Batch_LogitsOverTheVocabularyAtEveryPosition()
    {
        manual_seed(31);
        using var model = new BertMaskedLm(TinyBert.Config());
        using var scope = NewDisposeScope();
        var ids = TinyDecoder.RandomIds(3, 7, vocab: 101);

        var logits = model.forward(ids, zeros_like(ids), ones_like(ids));

        Assert.Equal(new long[] { 3, 7, 101 }, logits.shape);
    }

    [Fact]
    public void Decoder_TiedToTheWordEmbeddings_NoTableOfItsOwn()
    {
        using var model = new BertMaskedLm(TinyBert.Config());
        var names = model.state_dict().Keys.ToList();

        // One (V, C) table: the embedding's, which the output layer also scores against.
        Assert.Single(names, n => n.EndsWith(".weight", StringComparison.Ordinal) && model.state_dict()[n].shape.SequenceEqual(new long[] { 101, 32 }));
        using var scope = NewDisposeScope();
        var ids = TinyDecoder.RandomIds(2, 5, vocab: 101);
        model.forward(ids, zeros_like(ids), ones_like(ids)).sum().backward();
        // The table gets gradient from the output side too: every row, not only the 10 ids that were looked up.
        var grad = model.state_dict()["embeddings.word.weight"].grad!;
        Assert.True(grad.abs().sum(1).gt(0).all().item<bool>());
    }

    [Fact]
    public void SaveThenLoadMaskedLm_HuggingFaceNames_IdenticalLogits()
    {
        using var dir = new TempFolder();
        manual_seed(32);
        using var model = new BertMaskedLm(TinyBert.Config());
        model.eval();
        BertCheckpoint.Save(model, dir.Path);
        var (loaded, report) = BertCheckpoint.LoadMaskedLm(dir.Path);
        using (loaded)
        {
            loaded.eval();
            Assert.Empty(report.Missing);
            Assert.Empty(report.Unexpected);
            Assert.Contains("cls.predictions.transform.LayerNorm.weight", report.Loaded);
            Assert.Contains("\"BertForMaskedLM\"", File.ReadAllText(dir.File("config.json")), StringComparison.Ordinal);
            using var scope = NewDisposeScope();
            var ids = TinyDecoder.RandomIds(2, 6, vocab: 101);
            TinyDecoder.AssertIdentical(model.forward(ids, zeros_like(ids), ones_like(ids)), loaded.forward(ids, zeros_like(ids), ones_like(ids)));
        }
    }

    [Fact]
    public void LoadRanker_FromMaskedLmFolder_SameBodyAndANewScoreHead()
    {
        using var dir = new TempFolder();
        manual_seed(33);
        using var lm = new BertMaskedLm(TinyBert.Config());
        BertCheckpoint.Save(lm, dir.Path);

        var (ranker, report) = BertCheckpoint.LoadRanker(dir.Path);
        using (ranker)
        {
            Assert.Equal(["classifier.weight", "classifier.bias"], report.Missing);
            Assert.Empty(report.Unexpected); // the masked-LM head is known and skipped
            Assert.False(ranker.UsesPooler);  // BertForMaskedLM has none
            var body = lm.state_dict().Where(kv => kv.Key.StartsWith("embeddings.", StringComparison.Ordinal) || kv.Key.StartsWith("encoder.", StringComparison.Ordinal)).ToList();
            Assert.Equal(5 + 2 * 12, body.Count); // 3 tables + a norm, 12 tensors a layer
            foreach (var (name, tensor) in body)
                TinyDecoder.AssertIdentical(tensor, ranker.state_dict()[name]);
        }
    }

    [Fact]
    public void LoadMaskedLm_FromRankerFolder_SameBodyAndANewPredictionHead()
    {
        using var dir = new TempFolder();
        manual_seed(34);
        using var ranker = new BertRanker(TinyBert.Config());
        BertCheckpoint.Save(ranker, dir.Path);

        var (lm, report) = BertCheckpoint.LoadMaskedLm(dir.Path);
        using (lm)
        {
            Assert.Equal(
                ["cls.predictions.transform.dense.weight", "cls.predictions.transform.dense.bias", "cls.predictions.transform.LayerNorm.weight",
                    "cls.predictions.transform.LayerNorm.bias", "cls.predictions.bias"],
                report.Missing);
            Assert.Empty(report.Unexpected); // the pooler and the classifier are known and skipped
            TinyDecoder.AssertIdentical(ranker.state_dict()["encoder.layers.1.attn.qkv.weight"], lm.state_dict()["encoder.layers.1.attn.qkv.weight"]);
        }
    }
}
