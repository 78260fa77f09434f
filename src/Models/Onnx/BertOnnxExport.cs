using Google.Protobuf;
using Onnx;
using RankDistill.Models.Bert;
using static RankDistill.Models.Onnx.OnnxGraphBuilder;
using static TorchSharp.torch;

namespace RankDistill.Models.Onnx;

/// <summary>
/// Writes a <see cref="BertRanker"/> as an ONNX graph (opset 17) that ONNX Runtime serves: inputs <c>input_ids</c>,
/// <c>attention_mask</c>, <c>token_type_ids</c> (int64, batch × sequence, both dynamic), output <c>score</c> (float,
/// batch). The graph is the ranker's eval-mode forward step by step (no dropout), with its weights as initializers.
/// </summary>
public static class BertOnnxExport
{
    public const string InputIds = "input_ids";
    public const string AttentionMask = "attention_mask";
    public const string TokenTypeIds = "token_type_ids";
    public const string Score = "score";

    /// <summary>The graph's file name beside a model folder's safetensors.</summary>
    public const string FileName = "model.onnx";

    /// <summary>Writes the graph to <paramref name="path"/> (complete or absent: written beside it, then moved).</summary>
    public static void Write(BertRanker model, string path)
    {
        var temporary = path + ".partial";
        using (var stream = File.Create(temporary))
            Build(model).WriteTo(stream);
        File.Move(temporary, path, overwrite: true);
    }

    public static ModelProto Build(BertRanker model)
    {
        ArgumentNullException.ThrowIfNull(model);
        var c = model.Config;
        var weights = model.state_dict();
        var g = new OnnxGraphBuilder(new GraphProto { Name = "bert_cross_encoder" });
        g.Graph.Input.Add(Value(InputIds, TensorProto.Types.DataType.Int64, "batch", "sequence"));
        g.Graph.Input.Add(Value(AttentionMask, TensorProto.Types.DataType.Int64, "batch", "sequence"));
        g.Graph.Input.Add(Value(TokenTypeIds, TensorProto.Types.DataType.Int64, "batch", "sequence"));
        g.Graph.Output.Add(Value(Score, TensorProto.Types.DataType.Float, "batch"));

        // Stored as nn.Linear keeps it, (out, in); MatMul wants (in, out).
        string Param(string name, bool transpose = false)
        {
            using var scope = NewDisposeScope();
            var t = weights[name].detach().to(ScalarType.Float32, CPU);
            if (transpose)
                t = t.t();
            t = t.contiguous();
            return g.Weight(name, t.data<float>().ToArray(), t.shape);
        }
        string Linear(string x, string name) => g.Node("Add", g.Node("MatMul", x, Param(name + ".weight", transpose: true)), Param(name + ".bias"));
        string Norm(string x, string name) =>
            g.Node("LayerNormalization", [x, Param(name + ".weight"), Param(name + ".bias")], Int("axis", -1), Float("epsilon", (float)c.LayerNormEps));

        // Embeddings: positions are slot indices 0..T-1, the first T rows of the table.
        var length = g.Node("Shape", [InputIds], Int("start", 1), Int("end", 2));                                   // [T]
        var positions = g.Node("Slice", Param("embeddings.position.weight"), g.Longs([0]), length, g.Longs([0]));   // (T, C)
        var x = g.Node("Add", g.Node("Gather", Param("embeddings.word.weight"), InputIds), positions);            // (B, T, C)
        x = Norm(g.Node("Add", x, g.Node("Gather", Param("embeddings.token_type.weight"), TokenTypeIds)), "embeddings.norm");

        // Padded keys get the lowest float added to their scores, so softmax gives them exactly 0, as a boolean mask does.
        var mask = g.Node("Cast", [AttentionMask], Int("to", (long)TensorProto.Types.DataType.Float));           // (B, T)
        var keyBias = g.Node("Mul", g.Node("Sub", g.Scalar(1), mask), g.Scalar(float.MinValue));
        keyBias = g.Node("Unsqueeze", keyBias, g.Longs([1, 2]));                                                  // (B, 1, 1, T)
        var (heads, headSize) = ((long)c.NumAttentionHeads, (long)c.HeadSize);
        var scale = g.Scalar((float)(1 / Math.Sqrt(headSize)));
        for (int i = 0; i < c.NumHiddenLayers; i++)
        {
            var p = $"encoder.layers.{i}.";
            var qkv = g.Node("Reshape", Linear(x, p + "attn.qkv"), g.Longs([0, 0, 3, heads, headSize]));          // (B, T, 3, nh, hs)
            qkv = g.Node("Transpose", [qkv], Ints("perm", 2, 0, 3, 1, 4));                                        // (3, B, nh, T, hs)
            string Part(long k) => g.Node("Gather", [qkv, g.Longs([k], scalar: true)], Int("axis", 0));          // (B, nh, T, hs)
            var (q, key, v) = (Part(0), Part(1), Part(2));
            var scores = g.Node("Mul", g.Node("MatMul", q, g.Node("Transpose", [key], Ints("perm", 0, 1, 3, 2))), scale); // (B, nh, T, T)
            var probs = g.Node("Softmax", [g.Node("Add", scores, keyBias)], Int("axis", -1));
            var y = g.Node("Transpose", [g.Node("MatMul", probs, v)], Ints("perm", 0, 2, 1, 3));                 // (B, T, nh, hs)
            y = g.Node("Reshape", y, g.Longs([0, 0, heads * headSize]));                                          // (B, T, C)
            x = Norm(g.Node("Add", x, Linear(y, p + "attn.proj")), p + "attn_norm");
            var h = Gelu(g, Linear(x, p + "ffn_in"), c.HiddenAct);                                                 // (B, T, F)
            x = Norm(g.Node("Add", x, Linear(h, p + "ffn_out")), p + "ffn_norm");
        }

        // [CLS] is each row's first token: the first 1 of its mask (argmax takes the first maximum, as torch's does).
        var first = g.Node("ArgMax", [mask], Int("axis", 1), Int("keepdims", 1));                                // (B, 1)
        var batch = g.Node("Shape", [InputIds], Int("start", 0), Int("end", 1));                                 // [B]
        var indexShape = g.Node("Concat", [batch, g.Longs([1, c.HiddenSize])], Int("axis", 0));                   // [B, 1, C]
        var index = g.Node("Expand", g.Node("Unsqueeze", first, g.Longs([2])), indexShape);                       // (B, 1, C)
        var cls = g.Node("Reshape", g.Node("GatherElements", [x, index], Int("axis", 1)), g.Longs([-1, c.HiddenSize])); // (B, C)
        if (model.UsesPooler)
            cls = g.Node("Tanh", g.Node("Gemm", [cls, Param("pooler.weight"), Param("pooler.bias")], Int("transB", 1)));
        var logits = g.Node("Gemm", [cls, Param("classifier.weight"), Param("classifier.bias")], Int("transB", 1)); // (B, 1)
        g.Graph.Node.Add(new NodeProto { OpType = "Reshape", Name = Score, Input = { logits, g.Longs([-1]) }, Output = { Score } }); // (B)

        var onnx = new ModelProto
        {
            IrVersion = 8,
            ProducerName = "RankDistill",
            Graph = g.Graph,
            DocString = $"BERT cross-encoder, {c.NumHiddenLayers} layers, width {c.HiddenSize}: score = classifier({(model.UsesPooler ? "tanh(pooler(" : "(")}[CLS])).",
        };
        onnx.OpsetImport.Add(new OperatorSetIdProto { Domain = "", Version = 17 });
        return onnx;
    }

    /// <summary>Exact GELU, x·Φ(x) through erf, written as PyTorch exports it so ONNX Runtime fuses it; or the tanh form.</summary>
    private static string Gelu(OnnxGraphBuilder g, string x, string activation)
    {
        if (activation == "gelu")
        {
            var erf = g.Node("Erf", g.Node("Div", x, g.Scalar(MathF.Sqrt(2))));
            return g.Node("Mul", g.Node("Mul", x, g.Node("Add", erf, g.Scalar(1))), g.Scalar(0.5f));
        }
        // 0.5·x·(1 + tanh(√(2/π)·(x + 0.044715·x³)))
        var cube = g.Node("Mul", g.Node("Mul", x, x), x);
        var inner = g.Node("Mul", g.Node("Add", x, g.Node("Mul", cube, g.Scalar(0.044715f))), g.Scalar(MathF.Sqrt(2 / MathF.PI)));
        return g.Node("Mul", g.Node("Mul", x, g.Node("Add", g.Node("Tanh", inner), g.Scalar(1))), g.Scalar(0.5f));
    }
}
