namespace RankDistill.Activities.Data;

/// <summary>
/// The logic of the PrepareData step: reads a drop's click logs and the human labels,
/// validates (rejections written with reasons), normalises queries, dedupes click events,
/// splits by query, and writes the datasets of <see cref="PreparedDataPaths"/>:
/// <list type="bullet">
/// <item>CPT examples: the kept clicked rows of train (and dev) queries, one per click;</item>
/// <item>SFT lists: the labelled train (and dev) queries with their graded documents;</item>
/// <item>candidates: each train (and dev) query's distinct impressed documents, for the teacher, and as many documents
/// drawn from the corpus as <see cref="PrepareDataOptions.SampledCandidates"/> asks (with no impressions);</item>
/// <item>evaluation lists: the labelled test queries. Their click rows go nowhere, so no test
/// query is seen by CPT, SFT, the teacher's labelling or distillation.</item>
/// </list>
/// Files are read one at a time in name order, rows streamed; memory holds the dedupe digests,
/// the candidate lists and the labels, not the rows.
/// </summary>
public sealed partial class DatasetPreparer(PrepareDataOptions options)
{
    private readonly QuerySplitter _splitter = new(options.Split);

    /// <exception cref="UnusableDropException">
    /// Nothing to train or evaluate on: no usable click rows or labels, or no labelled query in
    /// the train or test split. Every output, rejected rows included, is written first.
    /// </exception>
    public async Task<PrepareDataSummary> PrepareAsync(
        IReadOnlyList<DropFile> clickFiles, IReadOnlyList<DropFile> labelFiles, IPreparedDataSink sink, CancellationToken cancellationToken = default)
    {
        var clicks = DataFiles(clickFiles);
        var labelled = DataFiles(labelFiles);

        var labels = new LabelAggregator();
        await using var rejectedLabels = await CreateAsync(sink, PreparedDataPaths.RejectedLabels, cancellationToken);
        var labelTally = new RejectionTally(rejectedLabels);
        await foreach (var row in ReadAllAsync(labelled, (s, name, ct) => DropFileReader.ReadLabelsAsync(s, name, options.Limits, ct), labelTally, cancellationToken))
            labels.Add(row, QueryText.Normalize(row.Query));

        var click = await ReadClicksAsync(clicks, sink, cancellationToken);
        var graded = await WriteGradedListsAsync(labels, sink, cancellationToken);
        var candidates = await WriteCandidatesAsync(click.Candidates, sink, cancellationToken);

        var summary = new PrepareDataSummary
        {
            ClickFiles = clicks.Count,
            ClickFilesRejected = click.Tally.FilesRejected,
            ClickRowsRead = click.Tally.RowsRead,
            ClickRowsRejected = click.Tally.RowsRejected,
            ClickRejectionsByReason = click.Tally.ByKind,
            DuplicateClickRows = click.Deduplicator.Duplicates,
            ConflictingDuplicateClickRows = click.Deduplicator.Conflicts,
            ClickQueries = SplitCounts.From(click.QueriesBySplit),
            ClickRows = SplitCounts.From(click.RowsBySplit),
            LabelFiles = labelled.Count,
            LabelFilesRejected = labelTally.FilesRejected,
            LabelRowsRead = labelTally.RowsRead,
            LabelRowsRejected = labelTally.RowsRejected,
            LabelRejectionsByReason = labelTally.ByKind,
            RepeatedJudgements = labels.RepeatedJudgements,
            LabelledQueries = graded.Lists,
            LabelledDocuments = graded.Documents,
            CptExamples = click.CptExamples,
            ShortClicksSkipped = click.ShortClicksSkipped,
            CandidateLists = candidates.Lists,
            CandidateDocuments = candidates.Documents,
        };
        await using (var stream = await sink.CreateAsync(PreparedDataPaths.Summary, cancellationToken))
            await System.Text.Json.JsonSerializer.SerializeAsync(stream, summary, PreparedJsonl.SerializerOptions, cancellationToken);

        var problems = Problems(summary, click.Tally, labelTally);
        if (problems.Count > 0)
            throw new UnusableDropException("the drop cannot train or evaluate a ranker: " + string.Join("; ", problems));
        return summary;
    }

    /// <summary>The split of a query in any form; the same answer PrepareData uses.</summary>
    public DataSplit SplitOf(string query) => _splitter.SplitOf(query);

    private static List<DropFile> DataFiles(IReadOnlyList<DropFile> files) =>
        [.. files.Where(f => !f.IsMarker).OrderBy(f => f.Name, StringComparer.Ordinal)];

    private static async Task<PreparedJsonl.LineWriter> CreateAsync(IPreparedDataSink sink, string path, CancellationToken cancellationToken) =>
        new(await sink.CreateAsync(path, cancellationToken));

    private static async IAsyncEnumerable<T> ReadAllAsync<T>(
        List<DropFile> files,
        Func<Stream, string, CancellationToken, IAsyncEnumerable<ParsedRow<T>>> read,
        RejectionTally tally,
        [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
        where T : class
    {
        foreach (var file in files)
        {
            if (file.Refusal is { } refusal)
            {
                await tally.RejectAsync(RejectedRow.ForFile(file.Name, $"refused by the store: {refusal}"), cancellationToken);
                continue;
            }
            await using var stream = await file.OpenAsync(cancellationToken);
            await foreach (var parsed in read(stream, file.Name, cancellationToken))
            {
                if (parsed.Rejection is { } rejection)
                {
                    await tally.RejectAsync(rejection, cancellationToken);
                    continue;
                }
                tally.CountAccepted();
                yield return parsed.Row!;
            }
        }
    }

    private static List<string> Problems(PrepareDataSummary summary, RejectionTally clicks, RejectionTally labels)
    {
        var problems = new List<string>();
        if (clicks.RowsAccepted == 0)
            problems.Add($"no usable click-log rows: {clicks.Describe(summary.ClickFiles)}");
        if (labels.RowsAccepted == 0)
            problems.Add($"no usable label rows: {labels.Describe(summary.LabelFiles)}");
        else
        {
            if (summary.LabelledQueries.Train == 0)
                problems.Add($"no labelled query falls in the train split ({summary.LabelledQueries.Test} test, {summary.LabelledQueries.Dev} dev): SFT has nothing to learn from");
            if (summary.LabelledQueries.Test == 0)
                problems.Add($"no labelled query falls in the test split ({summary.LabelledQueries.Train} train, {summary.LabelledQueries.Dev} dev): nothing to evaluate on");
        }
        return problems;
    }
}
