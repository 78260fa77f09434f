namespace RankDistill.Activities.Data;

/// <summary>Reading the click logs into CPT files and candidates, and writing the graded lists.</summary>
public sealed partial class DatasetPreparer
{
    private sealed class ClickPass(RejectionTally tally)
    {
        public RejectionTally Tally { get; } = tally;
        public ClickDeduplicator Deduplicator { get; } = new();
        public CandidateAggregator Candidates { get; } = new();
        public Dictionary<DataSplit, long> RowsBySplit { get; } = [];
        public Dictionary<DataSplit, long> QueriesBySplit { get; } = [];
        public SplitCounts CptExamples { get; set; } = new(0, 0, 0);
        public long ShortClicksSkipped { get; set; }
    }

    private async Task<ClickPass> ReadClicksAsync(List<DropFile> files, IPreparedDataSink sink, CancellationToken cancellationToken)
    {
        await using var rejected = await CreateAsync(sink, PreparedDataPaths.RejectedClickLogs, cancellationToken);
        await using var cptTrain = await CreateAsync(sink, PreparedDataPaths.CptTrain, cancellationToken);
        await using var cptDev = await CreateAsync(sink, PreparedDataPaths.CptDev, cancellationToken);
        var pass = new ClickPass(new RejectionTally(rejected));
        var splits = new Dictionary<string, DataSplit>(StringComparer.Ordinal);

        await foreach (var row in ReadAllAsync(files, (s, name, ct) => DropFileReader.ReadClickLogsAsync(s, name, options.Limits, ct), pass.Tally, cancellationToken))
        {
            var query = QueryText.Normalize(row.Query);
            if (!pass.Deduplicator.TryAdd(row, query))
                continue;
            if (!splits.TryGetValue(query, out var split))
            {
                splits[query] = split = _splitter.SplitOf(query);
                pass.QueriesBySplit[split] = pass.QueriesBySplit.GetValueOrDefault(split) + 1;
            }
            pass.RowsBySplit[split] = pass.RowsBySplit.GetValueOrDefault(split) + 1;
            if (split == DataSplit.Test)
                continue; // held out: evaluation uses only the test queries' labels
            pass.Candidates.Add(row, query);
            if (!row.Clicked)
                continue;
            if (row.DwellMs < options.MinClickDwellMs)
            {
                pass.ShortClicksSkipped++;
                continue;
            }
            await (split == DataSplit.Train ? cptTrain : cptDev).WriteAsync(new CptExample(query, row.Title, row.Summary), cancellationToken);
        }
        pass.CptExamples = new SplitCounts(cptTrain.Count, cptDev.Count, 0);
        return pass;
    }

    private Task<(SplitCounts Lists, SplitCounts Documents)> WriteGradedListsAsync(
        LabelAggregator labels, IPreparedDataSink sink, CancellationToken cancellationToken) =>
        WriteListsAsync(
            [(DataSplit.Train, PreparedDataPaths.SftTrain), (DataSplit.Dev, PreparedDataPaths.SftDev), (DataSplit.Test, PreparedDataPaths.EvalTest)],
            labels.Lists, list => list.Docs.Count, sink, cancellationToken);

    private Task<(SplitCounts Lists, SplitCounts Documents)> WriteCandidatesAsync(
        CandidateAggregator candidates, IPreparedDataSink sink, CancellationToken cancellationToken)
    {
        var sample = options.SampledCandidates > 0 ? new CorpusSample(candidates.Documents(), options.SampledCandidates, options.SampleSeed) : null;
        return WriteListsAsync(
            [(DataSplit.Train, PreparedDataPaths.CandidatesTrain), (DataSplit.Dev, PreparedDataPaths.CandidatesDev)],
            include => sample is null ? candidates.Lists(include) : candidates.Lists(include).Select(sample.Extend),
            list => list.Docs.Count, sink, cancellationToken);
    }

    /// <summary>Writes each split's lists to its file; returns lists and documents per split.</summary>
    private async Task<(SplitCounts Lists, SplitCounts Documents)> WriteListsAsync<T>(
        (DataSplit Split, string Path)[] outputs,
        Func<Func<string, bool>, IEnumerable<T>> listsOf,
        Func<T, int> documentCount,
        IPreparedDataSink sink,
        CancellationToken cancellationToken)
    {
        var lists = new Dictionary<DataSplit, long>();
        var documents = new Dictionary<DataSplit, long>();
        foreach (var (split, path) in outputs)
        {
            await using var output = await CreateAsync(sink, path, cancellationToken);
            foreach (var list in listsOf(query => _splitter.SplitOf(query) == split))
            {
                await output.WriteAsync(list, cancellationToken);
                documents[split] = documents.GetValueOrDefault(split) + documentCount(list);
            }
            lists[split] = output.Count;
        }
        return (SplitCounts.From(lists), SplitCounts.From(documents));
    }
}
