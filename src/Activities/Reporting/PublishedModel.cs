using System.Text.Json;
using RankDistill.Activities.Pipeline;
using RankDistill.Activities.Storage;

namespace RankDistill.Activities.Reporting;

/// <summary>
/// What is known of a published student: <c>published.json</c> inside its set at <c>models/published/&lt;run-id&gt;/</c>,
/// and the same record as <c>models/published/current.json</c>, the pointer to the model in service. The pointer is
/// written last: a model is published once the pointer names it, so a crash before that publishes nothing.
/// <c>PublishedBefore</c> is the run whose model this one replaced (null for the first). <c>TeacherPath</c> is the run's
/// teacher, published beside the student (<see cref="TeacherPathOf"/>) so that the next drop's run can continue training
/// both (null for a run published before teachers were).
/// </summary>
public sealed record PublishedModel(
    string RunId,
    string Path,
    string SourcePath,
    int TestQueries,
    RankerMetrics Student,
    RankerMetrics Teacher,
    string Reason,
    string? PublishedBefore = null,
    string? TeacherPath = null)
{
    public const string FileName = "published.json";

    /// <summary>The pointer to the published model: <c>models/published/current.json</c>.</summary>
    public static string CurrentPointer => $"{RunLayout.Published}/current.json";

    /// <summary>Where a run's student goes when promoted.</summary>
    public static string PathOf(string runId) => $"{RunLayout.Published}/{runId}";

    /// <summary>
    /// Where a promoted run's teacher goes: its own set under <c>models/published/teachers/</c>, not inside the student's
    /// (sets do not nest); run ids start with <c>pipeline-</c>, so none is called <c>teachers</c>.
    /// </summary>
    public static string TeacherPathOf(string runId) => $"{RunLayout.Published}/teachers/{runId}";

    /// <summary>The published model the pointer names, or null when none has been published.</summary>
    /// <exception cref="InvalidDataException">The pointer exists but cannot be read: the gate cannot be checked, and guessing would risk replacing a better model.</exception>
    public static async Task<PublishedModel?> ReadCurrentAsync(IArtifactStore store, CancellationToken cancellationToken)
    {
        byte[] bytes;
        try
        {
            bytes = await store.ReadAllBytesAsync(CurrentPointer, 1 << 20, cancellationToken);
        }
        catch (ArtifactNotFoundException)
        {
            return null;
        }
        try
        {
            return JsonSerializer.Deserialize<PublishedModel>(bytes, ReportSet.Json)
                ?? throw new InvalidDataException($"'{CurrentPointer}' is empty.");
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"'{CurrentPointer}' is not a published-model record: {e.Message}", e);
        }
    }

    internal byte[] ToUtf8() => JsonSerializer.SerializeToUtf8Bytes(this, ReportSet.Json);
}
