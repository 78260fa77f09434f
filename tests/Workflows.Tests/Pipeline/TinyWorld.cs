using RankDistill.Activities.Storage;
using RankDistill.Workflows.Cli;
using RankDistill.Workflows.Demo;

namespace RankDistill.Workflows.Tests.Pipeline;

/// <summary>The pipeline tests' world: the demo's generator shrunk until a Tiny-preset run takes seconds.</summary>
internal static class TinyWorld
{
    public static SyntheticWebOptions Options { get; } = SyntheticWebOptions.Quick with
    {
        Topics = 3,
        SitesPerTopic = 2,
        DocumentsPerTopic = 8,
        Queries = 36,
        CandidatesPerQuery = 6,
        ImpressionsPerQuery = 2,
        ResultsPerImpression = 5,
        LabelledQueries = 30,
        MalformedRows = 5,
        RepeatedRows = 3,
    };

    public static SyntheticWorld Generate() => SyntheticWeb.Generate(Options);

    /// <summary>Writes the tiny world as a complete drop (files, then <c>_SUCCESS</c>) into <paramref name="store"/>.</summary>
    public static Task WriteDropAsync(IArtifactStore store, string dropId) => WriteDropAsync(store, dropId, Options);

    /// <summary>Writes a world made with <paramref name="options"/> (the tiny one, resized) as a complete drop.</summary>
    public static Task WriteDropAsync(IArtifactStore store, string dropId, SyntheticWebOptions options) =>
        DemoDrop.WriteAsync(store, SyntheticWeb.Generate(options), dropId, TestContext.Current.CancellationToken);
}
