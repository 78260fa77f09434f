using RankDistill.Models.Bert;
using RankDistill.Models.Checkpoints;
using RankDistill.Models.Tests.Checkpoints;
using RankDistill.Models.Tests.Llm;
using static TorchSharp.torch;

namespace RankDistill.Models.Tests.Bert;

/// <summary>
/// Our BERT ranker against Hugging Face's BertForSequenceClassification forward written out step by step
/// from the checkpoint's own tensors (separate query/key/value, explicit softmax with the padding mask).
/// </summary>
public sealed class BertReferenceTests
{
    [Fact]
    public void Ranker_Scores_MatchStepByStepHuggingFaceForward()
    {
        using var dir = new TempFolder();
        manual_seed(41);
        var c = TinyBert.Config();
        using var model = new BertRanker(c);
        model.eval();
        using (no_grad())
        {
            foreach (var (_, p) in model.named_parameters())
                p.add_(randn_like(p) * 0.1); // move LayerNorms and the zero-bias head off their initial values
        }
        BertCheckpoint.Save(model, dir.Path);
        using var scope = NewDisposeScope();
        using var reader = SafeTensorsReader.Open(dir.File("model.safetensors"));
        var w = reader.Entries.ToDictionary(e => e.Name, reader.Read);

        var (ids, mask) = TinyDecoder.Pad([[2, 17, 40, 3, 55, 61, 3], [2, 9, 3, 70, 71, 72, 73, 74, 3]], width: 9, left: false);
        var types = tensor(new long[] { 0, 0, 0, 0, 1, 1, 1, 0, 0, 0, 0, 0, 1, 1, 1, 1, 1, 1 }, 2, 9);
        TinyDecoder.AssertClose(Reference(c, w, ids, types, mask), model.forward(ids, types, mask), atol: 1e-4);
    }

    private static Tensor Reference(BertConfig c, Dictionary<string, Tensor> w, Tensor ids, Tensor types, Tensor mask)
    {
        var (b, t, nh, hs) = (ids.shape[0], ids.shape[1], c.NumAttentionHeads, c.HeadSize);
        Tensor Linear(Tensor x, string name) => nn.functional.linear(x, w[name + ".weight"], w[name + ".bias"]);
        Tensor Norm(Tensor x, string name) => nn.functional.layer_norm(x, [c.HiddenSize], w[name + ".weight"], w[name + ".bias"], c.LayerNormEps);
        Tensor Heads(Tensor x) => x.view(b, t, nh, hs).transpose(1, 2);

        var e = "bert.embeddings.";
        var h = w[e + "word_embeddings.weight"][ids] + w[e + "position_embeddings.weight"][arange(t)] + w[e + "token_type_embeddings.weight"][types];
        h = Norm(h, e + "LayerNorm");
        var additive = (1 - mask.to(float32)).view(b, 1, 1, t) * float.MinValue; // HF's extended attention mask
        for (var i = 0; i < c.NumHiddenLayers; i++)
        {
            var p = $"bert.encoder.layer.{i}.";
            var (q, k, v) = (Heads(Linear(h, p + "attention.self.query")), Heads(Linear(h, p + "attention.self.key")), Heads(Linear(h, p + "attention.self.value")));
            var probs = (q.matmul(k.transpose(-1, -2)) / Math.Sqrt(hs) + additive).softmax(-1);
            var context = probs.matmul(v).transpose(1, 2).reshape(b, t, c.HiddenSize);
            h = Norm(Linear(context, p + "attention.output.dense") + h, p + "attention.output.LayerNorm");
            var ffn = Linear(nn.functional.gelu(Linear(h, p + "intermediate.dense")), p + "output.dense");
            h = Norm(ffn + h, p + "output.LayerNorm");
        }
        var pooled = Linear(h[.., 0], "bert.pooler.dense").tanh();
        return Linear(pooled, "classifier").squeeze(-1);
    }
}
