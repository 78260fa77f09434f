using System.Text.Json;
using RankDistill.Activities.Data;
using RankDistill.Activities.Storage;

namespace RankDistill.Activities.Pipeline;

/// <summary>Reading what earlier steps of a run published: prepared datasets, and the small JSON records sets carry.</summary>
internal static class RunArtifacts
{
    /// <summary>The file inside each step's output set that holds the step's result, so a re-run returns it unchanged.</summary>
    public const string ResultFile = "step-result.json";

    /// <summary>Every record of a prepared file (a <see cref="PreparedDataPaths"/> path), read through the verified data set.</summary>
    public static async Task<List<T>> ReadPreparedAsync<T>(IArtifactStore store, string runId, string preparedPath, CancellationToken cancellationToken)
    {
        var set = await store.GetSetAsync(RunLayout.PreparedData(runId), cancellationToken);
        await using var stream = await set.OpenReadAsync(InDataSet(preparedPath), cancellationToken);
        var records = new List<T>();
        await foreach (var record in PreparedJsonl.ReadAsync<T>(stream, cancellationToken))
            records.Add(record);
        return records;
    }

    /// <summary>The candidate lists the teacher labels, in their one fixed order: train, then dev.</summary>
    public static async Task<List<CandidateList>> ReadCandidatesAsync(IArtifactStore store, string runId, CancellationToken cancellationToken) =>
    [
        .. await ReadPreparedAsync<CandidateList>(store, runId, PreparedDataPaths.CandidatesTrain, cancellationToken),
        .. await ReadPreparedAsync<CandidateList>(store, runId, PreparedDataPaths.CandidatesDev, cancellationToken),
    ];

    /// <summary>A prepared path's name inside the data set (<c>data/cpt/train.jsonl</c> → <c>cpt/train.jsonl</c>).</summary>
    public static string InDataSet(string preparedPath) =>
        preparedPath.StartsWith("data/", StringComparison.Ordinal)
            ? preparedPath["data/".Length..]
            : throw new ArgumentException($"'{preparedPath}' is not under data/.", nameof(preparedPath));

    /// <summary>
    /// The result a complete step left in its output set, or null when the set is absent (never finished) or damaged
    /// (a file fails its checksum): then the step runs again, and the problem says what was wrong.
    /// </summary>
    public static async Task<(T? Result, string? Problem)> TryReadResultAsync<T>(IArtifactStore store, string prefix, CancellationToken cancellationToken)
        where T : class
    {
        var set = await store.OpenSetAsync(prefix, cancellationToken);
        if (set is null)
            return (null, null);
        try
        {
            await set.VerifyAsync(cancellationToken);
            await using var stream = await set.OpenReadAsync(ResultFile, cancellationToken);
            return (await JsonSerializer.DeserializeAsync<T>(stream, PreparedJsonl.SerializerOptions, cancellationToken), null);
        }
        catch (Exception e) when (e is CorruptArtifactException or ArtifactNotFoundException or JsonException)
        {
            return (null, e.Message);
        }
    }

    /// <summary>Writes a step's result into a local folder that is about to be published as its output set.</summary>
    public static void WriteResult<T>(string folder, T result) =>
        File.WriteAllBytes(Path.Combine(folder, ResultFile), JsonSerializer.SerializeToUtf8Bytes(result, PreparedJsonl.SerializerOptions));
}
