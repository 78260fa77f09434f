using System.Text.Json.Nodes;
using RankDistill.Models.Batching;
using RankDistill.Models.Bert;
using RankDistill.Models.Checkpoints;
using RankDistill.Models.Llm;
using RankDistill.Models.Tests.Bert;
using RankDistill.Models.Tests.Llm;
using RankDistill.Models.Tokenization;
using static TorchSharp.torch;

namespace RankDistill.Models.Tests.Checkpoints;

/// <summary>A saved ranker reloads with identical scores, and Hugging Face reading the same folder ranks as we do.</summary>
public sealed class RankerRoundTripTests
{
    private static readonly string[] _corpus = ["cheap flights to paris", "paris travel guide", "hotels near the station", "late trains and cheap hotels"];

    [Theory]
    [InlineData("qwen2", false)]
    [InlineData("qwen2", true)]
    [InlineData("llama", true)]
    public void SaveThenLoad_DecoderRankerWithBias_IdenticalScores(string modelType, bool left)
    {
        using var dir = new TempFolder();
        manual_seed(51);
        using var model = new DecoderRanker(TinyDecoder.Config(modelType));
        model.eval();
        using (no_grad())
            model.state_dict()["score.bias"].fill_(0.75f);
        DecoderCheckpoint.Save(model, dir.Path, TinyDecoder.Layout);
        var (loaded, report) = DecoderCheckpoint.LoadRanker(dir.Path);
        using (loaded)
        {
            loaded.eval();
            Assert.Empty(report.Missing);
            Assert.Empty(report.Unexpected);
            using var scope = NewDisposeScope();
            var (ids, mask) = TinyDecoder.Pad([[5, 9, 14, 1], [7, 3, 3, 8, 12, 40, 1], [11, 1]], width: 8, left, pad: TinyDecoder.Layout.PadId);
            TinyDecoder.AssertIdentical(model.forward(ids, mask), loaded.forward(ids, mask));
        }
    }

    [Fact]
    public void Load_WithoutScoreBiasFile_AsHuggingFaceReadsIt_ScoresShiftedByBiasSameOrder()
    {
        using var dir = new TempFolder();
        manual_seed(52);
        using var model = new DecoderRanker(TinyDecoder.Config());
        model.eval();
        using (no_grad())
            model.state_dict()["score.bias"].fill_(-1.5f);
        DecoderCheckpoint.Save(model, dir.Path, TinyDecoder.Layout);
        File.Delete(dir.File(DecoderScoreBias.FileName)); // HF reads model.safetensors only
        var (hf, _) = DecoderCheckpoint.LoadRanker(dir.Path);
        using (hf)
        {
            hf.eval();
            using var scope = NewDisposeScope();
            var ids = TinyDecoder.RandomIds(6, 7);
            var ours = model.forward(ids, ones_like(ids));
            var theirs = hf.forward(ids, ones_like(ids));
            TinyDecoder.AssertClose(ours + 1.5f, theirs, atol: 1e-5);
            Assert.Equal(ours.argsort().data<long>().ToArray(), theirs.argsort().data<long>().ToArray());
        }
    }

    [Fact]
    public void SaveThenLoad_BertRankerLeftPadded_IdenticalScores()
    {
        using var dir = new TempFolder();
        manual_seed(53);
        using var model = new BertRanker(TinyBert.Config());
        model.eval();
        BertCheckpoint.Save(model, dir.Path);
        var (loaded, _) = BertCheckpoint.LoadRanker(dir.Path);
        using (loaded)
        {
            loaded.eval();
            using var scope = NewDisposeScope();
            var (ids, mask) = TinyDecoder.Pad([[2, 17, 40, 3, 55, 3], [2, 9, 3, 70, 71, 72, 73, 3]], width: 9, left: true);
            var types = zeros_like(ids);
            TinyDecoder.AssertIdentical(model.forward(ids, types, mask), loaded.forward(ids, types, mask));
        }
    }

    [Theory]
    [InlineData(PaddingSide.Left)]
    [InlineData(PaddingSide.Right)]
    public void HuggingFacePooling_SavedPadTokenId_ReadsTheEndTokenOurRankerScores(PaddingSide side)
    {
        using var dir = new TempFolder();
        VocabularyBuilder.WriteByteLevelBpe(_corpus, dir.Path, vocabularySize: 300);
        var encoder = TokenizerLoader.FromFolder(dir.Path);
        using var model = new DecoderRanker(TinyDecoder.Config() with { VocabSize = encoder.VocabularySize });
        DecoderCheckpoint.Save(model, dir.Path, encoder.Layout);
        var pad = JsonNode.Parse(File.ReadAllText(dir.File(HuggingFaceFolder.ConfigFile)))!["pad_token_id"]!.GetValue<long>();

        using var scope = NewDisposeScope();
        using var batch = new Collator(encoder.PadId, side).Collate(
            [encoder.Encode("cheap flights", "paris travel guide", 64), encoder.Encode("hotels", "late trains", 64), encoder.Encode("paris", "hotels near the station and cheap flights", 64)]);
        var (ids, t) = (batch.InputIds, batch.InputIds.shape[1]);
        var slots = arange(t, int64);
        var ours = (batch.AttentionMask * slots).amax([1]);                                  // DecoderRanker: the last token of the mask
        var hf = (slots * ids.ne(pad).to(int64)).argmax(-1);                                  // current transformers: rightmost non-pad
        var hfBefore = (ids.eq(pad).to(int32).argmax(-1) - 1).remainder(t);                   // older transformers: first pad minus one
        Assert.Equal(ours.data<long>().ToArray(), hf.data<long>().ToArray());
        Assert.Equal(ours.data<long>().ToArray(), hfBefore.data<long>().ToArray());
        Assert.All(ids.gather(1, ours.unsqueeze(1)).data<long>().ToArray(), id => Assert.Equal(encoder.Layout.EndId, id));
    }

    [Fact]
    public void SaveRanker_PadIsTheEndToken_RefusedNamingIt()
    {
        using var dir = new TempFolder();
        using var model = new DecoderRanker(TinyDecoder.Config());
        var error = Assert.Throws<ArgumentException>(() => DecoderCheckpoint.Save(model, dir.Path, TinyDecoder.Layout with { PadId = 1 }));
        Assert.Contains("pad token of its own", error.Message, StringComparison.Ordinal);
    }
}
