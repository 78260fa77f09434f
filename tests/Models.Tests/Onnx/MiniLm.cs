using Onnx;
using RankDistill.Models.Bert;
using RankDistill.Models.Checkpoints;
using RankDistill.Models.Onnx;
using RankDistill.Testing;

namespace RankDistill.Models.Tests.Onnx;

/// <summary>The real all-MiniLM-L6-v2 (<see cref="MiniLmPackage"/>), converted once per test process into a Hugging Face folder.</summary>
internal static class MiniLm
{
    private static readonly Lazy<string> _folder = new(Convert);

    /// <summary>The HF folder converted from the graph (config.json, vocab.txt, model.safetensors), shared by tests; read only.</summary>
    public static string Folder => _folder.Value;

    public static BertConfig Config => HuggingFaceFolder.ReadConfig<BertConfig>(Folder);

    /// <summary>The original graph's bytes, for ONNX Runtime.</summary>
    public static byte[] Graph() => MiniLmPackage.Graph();

    private static string Convert()
    {
        var folder = Path.Combine(Path.GetTempPath(), $"rankdistill-minilm-{Environment.ProcessId}");
        BertOnnxImport.ToHuggingFaceFolder(ModelProto.Parser.ParseFrom(Graph()), MiniLmPackage.Vocabulary(), folder);
        AppDomain.CurrentDomain.ProcessExit += (_, _) => Directory.Delete(folder, recursive: true);
        return folder;
    }
}
