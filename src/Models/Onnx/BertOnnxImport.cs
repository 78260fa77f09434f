using System.Text.Json;
using System.Text.RegularExpressions;
using Onnx;
using RankDistill.Models.Bert;
using RankDistill.Models.Checkpoints;
using static TorchSharp.torch;

namespace RankDistill.Models.Onnx;

/// <summary>
/// Turns a BERT encoder exported to ONNX by PyTorch (a Hugging Face BertModel, as sentence-transformers ships
/// all-MiniLM-L6-v2) back into a Hugging Face folder: config.json, vocab.txt and model.safetensors under BertModel's
/// names. The exporter keeps embedding, LayerNorm, bias and pooler names but folds each linear layer's weight into an
/// unnamed MatMul input stored [in, out]; the Add that takes that MatMul's output adds the layer's named bias, which
/// names the weight, and HF's weight is the transpose.
/// </summary>
public static partial class BertOnnxImport
{
    /// <summary>Reads <paramref name="graphPath"/> (model.onnx) and <paramref name="vocabularyPath"/> (vocab.txt) and writes the folder.</summary>
    public static BertConfig ToHuggingFaceFolder(string graphPath, string vocabularyPath, string folder)
    {
        ModelProto model;
        using (var stream = File.OpenRead(graphPath))
            model = ModelProto.Parser.ParseFrom(stream);
        return ToHuggingFaceFolder(model, File.ReadAllText(vocabularyPath), folder);
    }

    /// <summary>
    /// Writes the folder; returns the config it inferred from the graph. <paramref name="vocabulary"/> is the WordPiece
    /// vocab.txt text (any line ends; written with \n).
    /// </summary>
    public static BertConfig ToHuggingFaceFolder(ModelProto model, string vocabulary, string folder)
    {
        var graph = model.Graph;
        var constants = Constants(graph);
        var named = new Dictionary<string, Tensor>(StringComparer.Ordinal);
        try
        {
            foreach (var init in graph.Initializer)
            {
                if (BertName(init.Name) is { } name)
                    named[name] = Weight(init, graph, transposeIfMatMul: name.EndsWith(".weight", StringComparison.Ordinal) && init.Dims.Count == 2 && !name.StartsWith("embeddings.", StringComparison.Ordinal));
            }
            foreach (var (name, weight) in LinearWeights(graph))
                named[name] = weight;

            var config = Config(graph, constants, named);
            config.Validate();
            Directory.CreateDirectory(folder);
            var extra = new Dictionary<string, JsonElement> { ["architectures"] = JsonSerializer.SerializeToElement(new[] { "BertModel" }) };
            HuggingFaceFolder.WriteConfig(folder, config with { Extra = extra });
            var ordered = named.OrderBy(kv => kv.Key, StringComparer.Ordinal).Select(kv => (kv.Key, kv.Value)).ToList();
            SafeTensorsWriter.Write(Path.Combine(folder, HuggingFaceFolder.SingleWeightsFile), ordered, ScalarType.Float32);
            var lines = vocabulary.Split('\n').Select(l => l.TrimEnd('\r')).ToList();
            if (lines.Count > 0 && lines[^1].Length == 0)
                lines.RemoveAt(lines.Count - 1);
            File.WriteAllText(Path.Combine(folder, "vocab.txt"), string.Join('\n', lines) + "\n");
            // bert-base-uncased's tokenizer settings; a cased model's graph cannot tell us otherwise, so say it plainly.
            File.WriteAllText(Path.Combine(folder, "tokenizer_config.json"), """{"do_lower_case": true, "tokenizer_class": "BertTokenizer"}""");
            return config;
        }
        finally
        {
            foreach (var t in named.Values)
                t.Dispose();
        }
    }

    /// <summary>BertModel's name for an initializer, without a "bert." prefix; null for unnamed ones (onnx::MatMul_123).</summary>
    private static string? BertName(string name)
    {
        var bare = name.StartsWith("bert.", StringComparison.Ordinal) ? name[5..] : name;
        return BertNamePattern().IsMatch(bare) ? bare : null;
    }

    [GeneratedRegex(@"^(embeddings\.(word_embeddings|position_embeddings|token_type_embeddings)\.weight|embeddings\.LayerNorm\.(weight|bias)|encoder\.layer\.\d+\.[A-Za-z_.]+\.(weight|bias)|pooler\.dense\.(weight|bias))$")]
    private static partial Regex BertNamePattern();

    /// <summary>
    /// A named tensor as HF stores it. A named 2-D weight that a MatMul reads directly is [in, out] (PyTorch folded
    /// its transpose into the constant), so it is transposed back; read by Gemm, transB says which way it lies.
    /// </summary>
    private static Tensor Weight(TensorProto init, GraphProto graph, bool transposeIfMatMul)
    {
        var t = tensor(OnnxTensors.Floats(init), OnnxTensors.Shape(init));
        if (!transposeIfMatMul)
            return t;
        var reader = graph.Node.FirstOrDefault(n => n.Input.Contains(init.Name));
        bool transposed = reader?.OpType switch
        {
            "MatMul" => true,
            "Gemm" => reader.Attribute.FirstOrDefault(a => a.Name == "transB")?.I != 1,
            _ => false,
        };
        if (!transposed)
            return t;
        using (t)
            return t.t().contiguous();
    }

    /// <summary>Each unnamed MatMul weight, named after the bias its consuming Add adds, transposed to [out, in].</summary>
    private static IEnumerable<(string Name, Tensor Weight)> LinearWeights(GraphProto graph)
    {
        var initializers = graph.Initializer.ToDictionary(i => i.Name, StringComparer.Ordinal);
        foreach (var matmul in graph.Node.Where(n => n.OpType == "MatMul"))
        {
            if (matmul.Input.Count != 2 || !initializers.TryGetValue(matmul.Input[1], out var weight) || BertName(weight.Name) is not null)
                continue;
            var add = graph.Node.SingleOrDefault(n => n.OpType == "Add" && n.Input.Contains(matmul.Output[0]))
                ?? throw new InvalidDataException($"ONNX MatMul '{matmul.Name}' with weight '{weight.Name}' feeds no single Add, so no bias names its layer");
            var biasName = add.Input.Select(BertName).SingleOrDefault(n => n?.EndsWith(".bias", StringComparison.Ordinal) == true)
                ?? throw new InvalidDataException($"ONNX Add '{add.Name}' after MatMul '{matmul.Name}' adds no named bias ({string.Join(", ", add.Input)})");
            using var stored = tensor(OnnxTensors.Floats(weight), OnnxTensors.Shape(weight)); // (in, out)
            yield return (biasName[..^".bias".Length] + ".weight", stored.t().contiguous()); // (out, in)
        }
    }

    /// <summary>
    /// The config the weights and graph imply. Shapes give sizes; the attention scale (q·k / √head_size) gives the
    /// head count; Erf (exact GELU) or Tanh the activation; the LayerNorm epsilon its node or its decomposed Add.
    /// </summary>
    private static BertConfig Config(GraphProto graph, Dictionary<string, TensorProto> constants, Dictionary<string, Tensor> named)
    {
        var word = named["embeddings.word_embeddings.weight"].shape;
        var hidden = (int)word[1];
        var layers = named.Keys.Select(k => LayerIndex().Match(k)).Where(m => m.Success).Select(m => int.Parse(m.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture)).Distinct().Count();
        return new BertConfig
        {
            VocabSize = (int)word[0],
            HiddenSize = hidden,
            NumHiddenLayers = layers,
            NumAttentionHeads = hidden / HeadSize(graph, constants, hidden),
            IntermediateSize = (int)named["encoder.layer.0.intermediate.dense.bias"].shape[0],
            HiddenAct = graph.Node.Any(n => n.OpType == "Erf") ? "gelu"
                : graph.Node.Any(n => n.OpType == "Tanh") ? "gelu_new"
                : throw new NotSupportedException("The ONNX graph has neither Erf nor Tanh: its activation is not a GELU"),
            HiddenDropoutProb = 0.1,
            AttentionProbsDropoutProb = 0.1,
            MaxPositionEmbeddings = (int)named["embeddings.position_embeddings.weight"].shape[0],
            TypeVocabSize = (int)named["embeddings.token_type_embeddings.weight"].shape[0],
            LayerNormEps = Epsilon(graph, constants),
            PadTokenId = 0,
        };
    }

    [GeneratedRegex(@"^encoder\.layer\.(\d+)\.")]
    private static partial Regex LayerIndex();

    /// <summary>Head size from the scores' scale: a Div by √hs (or a Mul by 1/√hs) whose hs divides the width.</summary>
    private static int HeadSize(GraphProto graph, Dictionary<string, TensorProto> constants, int hidden)
    {
        foreach (var node in graph.Node.Where(n => n.OpType is "Div" or "Mul" && n.Input.Count == 2))
        {
            if (!constants.TryGetValue(node.Input[1], out var c) || c.DataType != (int)TensorProto.Types.DataType.Float || OnnxTensors.Floats(c) is not [var scale])
                continue;
            var hs = node.OpType == "Div" ? scale * scale : 1 / (scale * scale);
            var rounded = (int)Math.Round(hs);
            if (rounded > 1 && Math.Abs(hs - rounded) < 1e-3 * rounded && hidden % rounded == 0)
                return rounded;
        }
        throw new NotSupportedException("No attention scale (Div by √head_size) in the ONNX graph: its head count is unknown");
    }

    /// <summary>LayerNormalization's epsilon, or the tiny constant a decomposed LayerNorm adds to the variance.</summary>
    private static double Epsilon(GraphProto graph, Dictionary<string, TensorProto> constants)
    {
        if (graph.Node.FirstOrDefault(n => n.OpType == "LayerNormalization") is { } norm)
            return Shortest(norm.Attribute.FirstOrDefault(a => a.Name == "epsilon")?.F ?? 1e-5f);
        var producers = graph.Node.SelectMany(n => n.Output.Select(o => (o, n))).ToDictionary(p => p.o, p => p.n, StringComparer.Ordinal);
        foreach (var add in graph.Node.Where(n => n.OpType == "Add" && n.Input.Count == 2))
        {
            if (producers.TryGetValue(add.Input[0], out var from) && from.OpType == "ReduceMean"
                && constants.TryGetValue(add.Input[1], out var c) && c.DataType == (int)TensorProto.Types.DataType.Float && OnnxTensors.Floats(c) is [var eps])
                return Shortest(eps);
        }
        throw new NotSupportedException("No LayerNorm epsilon in the ONNX graph");
    }

    // The float's shortest decimal (1e-12, not 9.99999996e-13): what config.json said before export.
    private static double Shortest(float value) =>
        double.Parse(value.ToString(System.Globalization.CultureInfo.InvariantCulture), System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>Initializers and Constant nodes' values by output name.</summary>
    private static Dictionary<string, TensorProto> Constants(GraphProto graph)
    {
        var constants = graph.Initializer.ToDictionary(i => i.Name, StringComparer.Ordinal);
        foreach (var node in graph.Node.Where(n => n.OpType == "Constant"))
        {
            if (node.Attribute.FirstOrDefault(a => a.Name == "value")?.T is { } value)
                constants[node.Output[0]] = value;
        }
        return constants;
    }
}
