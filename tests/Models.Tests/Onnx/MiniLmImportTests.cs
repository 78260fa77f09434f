using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using RankDistill.Models.Batching;
using RankDistill.Models.Bert;
using RankDistill.Models.Checkpoints;
using RankDistill.Models.Tokenization;
using static TorchSharp.torch;

namespace RankDistill.Models.Tests.Onnx;

/// <summary>
/// The real all-MiniLM-L6-v2, converted from its ONNX graph into a Hugging Face folder, loaded by our BertCheckpoint and
/// run by our BERT, against ONNX Runtime running the original graph.
/// </summary>
public sealed class MiniLmImportTests
{
    [Fact]
    public void Import_MiniLmGraph_WritesBertModelFolder()
    {
        var config = MiniLm.Config;
        Assert.Equal((30522, 384, 6, 12, 1536, 512, 2, "gelu", 1e-12), (config.VocabSize, config.HiddenSize, config.NumHiddenLayers,
            config.NumAttentionHeads, config.IntermediateSize, config.MaxPositionEmbeddings, config.TypeVocabSize, config.HiddenAct, config.LayerNormEps));
        using var reader = SafeTensorsReader.Open(Path.Combine(MiniLm.Folder, HuggingFaceFolder.SingleWeightsFile));
        // 67 tensors the graph names, and 36 linear weights (6 per layer) named after their biases.
        Assert.Equal(103, reader.Entries.Count);
        Assert.Equal([384, 1536], reader.Entries.Single(e => e.Name == "encoder.layer.5.output.dense.weight").Shape);

        var (model, report) = BertCheckpoint.LoadRanker(MiniLm.Folder);
        using (model)
        {
            Assert.True(model.UsesPooler);
            Assert.Equal(["classifier.weight", "classifier.bias"], report.Missing); // a bare BertModel: only the score head is new
        }
    }

    [Fact]
    public void LoadRanker_HelloWorld_GivesSentenceTransformersLastHiddenState()
    {
        using var scope = NewDisposeScope();
        var (model, _) = BertCheckpoint.LoadRanker(MiniLm.Folder);
        using var _m = model;
        model.eval();
        using var noGrad = no_grad();
        var ids = tensor(new long[] { 101, 7592, 2088, 102 }, 1, 4); // [CLS] hello world [SEP]
        var (hidden, _) = model.Encode(ids, zeros_like(ids), ones_like(ids));
        var expected = new[] { 0.176445f, 0.039366f, 0.077902f, 0.258542f, -0.158426f }; // the graph's output, to 6 decimals
        var actual = hidden[0, 0, ..5].data<float>().ToArray();
        for (int i = 0; i < expected.Length; i++)
            Assert.True(Math.Abs(expected[i] - actual[i]) < 1e-5, $"last_hidden_state[0,0,{i}] = {actual[i]}, expected {expected[i]}");
    }

    [Fact]
    public void LoadRanker_PaddedPairBatch_MatchesOnnxRuntimeOnOriginalGraph()
    {
        var encoder = TokenizerLoader.FromFolder(MiniLm.Folder);
        (string Query, string Document)[] pairs =
        [
            ("hello world", "Hello, world! The first program anyone writes."),
            ("c++ vector resize", "std::vector::resize changes the number of elements; new ones are value-initialised, and a smaller size drops the tail."),
            ("$5.99 pizza deal near me", "Pizza deals: a large pizza for $5.99 on Tuesdays."),
        ];
        using var batch = new Collator(encoder.PadId).Collate([.. pairs.Select(p => encoder.Encode(p.Query, p.Document, 64))]);
        var (b, t) = ((int)batch.InputIds.shape[0], (int)batch.InputIds.shape[1]);
        Assert.True(batch.AttentionMask.sum().item<long>() < b * t, "the batch must have padding");
        Assert.True(batch.TokenTypeIds!.sum().item<long>() > 0, "the batch must have document segments");

        using var session = new InferenceSession(MiniLm.Graph());
        DenseTensor<long> Input(TorchSharp.torch.Tensor x) => new(x.data<long>().ToArray(), [b, t]);
        using var outputs = session.Run(
        [
            NamedOnnxValue.CreateFromTensor("input_ids", Input(batch.InputIds)),
            NamedOnnxValue.CreateFromTensor("attention_mask", Input(batch.AttentionMask)),
            NamedOnnxValue.CreateFromTensor("token_type_ids", Input(batch.TokenTypeIds!)),
        ]);
        var ortHidden = outputs.Single(o => o.Name == "last_hidden_state").AsEnumerable<float>().ToArray();
        var ortPooled = outputs.Single(o => o.Name != "last_hidden_state").AsEnumerable<float>().ToArray(); // pooler_output

        using var scope = NewDisposeScope();
        var (model, _) = BertCheckpoint.LoadRanker(MiniLm.Folder);
        using var _m = model;
        model.eval();
        using var noGrad = no_grad();
        var (hidden, pooled) = model.Encode(batch.InputIds, batch.TokenTypeIds!, batch.AttentionMask);
        // Every position, pads included: their states attend to the same unmasked keys in both.
        var hiddenDiff = MaxAbsDifference(ortHidden, hidden.data<float>().ToArray());
        var pooledDiff = MaxAbsDifference(ortPooled, pooled.data<float>().ToArray());
        TestContext.Current.TestOutputHelper?.WriteLine($"MiniLM ({b}x{t}) ours vs ONNX Runtime: last_hidden_state max abs diff {hiddenDiff:G3}, pooler_output {pooledDiff:G3}");
        Assert.True(hiddenDiff <= 1e-4, $"last_hidden_state differs by up to {hiddenDiff}");
        Assert.True(pooledDiff <= 1e-4, $"pooler_output differs by up to {pooledDiff}");
    }

    internal static double MaxAbsDifference(float[] expected, float[] actual)
    {
        Assert.Equal(expected.Length, actual.Length);
        double max = 0;
        for (int i = 0; i < expected.Length; i++)
            max = Math.Max(max, Math.Abs(expected[i] - actual[i]));
        return max;
    }
}
