using RankDistill.Activities.Storage;

namespace RankDistill.Activities.Pipeline;

/// <summary>
/// Hugging Face folders between the store and the local disk: base checkpoints (a local folder, or a prefix in the
/// store), the run's tokenizers, and the models each stage publishes, which carry their tokenizer files so that a
/// downloaded copy loads on its own (<c>TokenizerLoader.FromFolder</c>, <c>DecoderCheckpoint</c>, <c>BertCheckpoint</c>).
/// </summary>
internal static class ModelFolders
{
    public const string TeacherRole = "teacher";
    public const string StudentRole = "student";

    /// <summary>The files a tokenizer is made of, in any of the formats TokenizerLoader reads.</summary>
    private static readonly string[] _tokenizerFiles =
        ["vocab.txt", "vocab.json", "merges.txt", "tokenizer.json", "tokenizer_config.json", "tokenizer.model", "special_tokens_map.json", "added_tokens.json"];

    /// <summary>
    /// A local copy of a configured base model: the folder itself when it exists on disk, else the store's set at that
    /// prefix (verified), else the plain files under it (a folder copied into the store by hand has no manifest).
    /// Neither is a bad setting, not a passing fault: an <see cref="ArgumentException"/>, which the pipeline never retries.
    /// </summary>
    public static async Task<string> ResolveBaseAsync(IArtifactStore store, string baseModel, string localFolder, CancellationToken cancellationToken)
    {
        if (Directory.Exists(baseModel))
            return baseModel;
        var prefix = baseModel.TrimEnd('/');
        var found = false;
        if (ArtifactName.IsValid(prefix))
        {
            if (await store.OpenSetAsync(prefix, cancellationToken) is { } set)
            {
                await set.DownloadAsync(localFolder, cancellationToken);
                return localFolder;
            }
            await foreach (var file in store.ListAsync(prefix + "/", cancellationToken))
            {
                found = true;
                var relative = file.Name[(prefix.Length + 1)..].Replace('/', Path.DirectorySeparatorChar);
                await store.DownloadFileAsync(file.Name, Path.Combine(localFolder, relative), cancellationToken);
            }
        }
        return found
            ? localFolder
            : throw new ArgumentException($"Base model '{baseModel}' is neither a local folder nor a prefix in the artifact store ({store.Description}).");
    }

    /// <summary>The folder with the tokenizer of a model role: the base model's own, or the one PrepareData built for the run.</summary>
    public static async Task<string> TokenizerAsync(IArtifactStore store, string runId, string role, string? baseModel, string localFolder, CancellationToken cancellationToken)
    {
        if (baseModel is not null)
            return await ResolveBaseAsync(store, baseModel, localFolder, cancellationToken);
        return await DownloadAsync(store, RunLayout.Tokenizer(runId, role), localFolder, cancellationToken);
    }

    /// <summary>Downloads a published set (a model, a tokenizer), verifying every file.</summary>
    public static async Task<string> DownloadAsync(IArtifactStore store, string prefix, string localFolder, CancellationToken cancellationToken)
    {
        var set = await store.GetSetAsync(prefix, cancellationToken);
        await set.DownloadAsync(localFolder, cancellationToken);
        return localFolder;
    }

    /// <summary>Copies the tokenizer files of <paramref name="from"/> into the model folder <paramref name="to"/>.</summary>
    public static void CopyTokenizer(string from, string to)
    {
        var names = _tokenizerFiles.Where(n => File.Exists(Path.Combine(from, n)))
            .Concat(Directory.EnumerateFiles(from, "*.tiktoken").Select(Path.GetFileName).OfType<string>());
        foreach (var name in names)
            File.Copy(Path.Combine(from, name), Path.Combine(to, name), overwrite: true);
    }
}
