namespace RankDistill.Activities.Data;

/// <summary>Counts read and rejected rows by reason kind, writes each rejection out, and remembers unreadable files for the error message.</summary>
internal sealed class RejectionTally(PreparedJsonl.LineWriter output)
{
    private readonly SortedDictionary<string, long> _byKind = new(StringComparer.Ordinal);
    private readonly List<RejectedRow> _fileLevel = [];

    public long RowsRead { get; private set; }

    public long RowsRejected { get; private set; }

    public long RowsAccepted => RowsRead - RowsRejected;

    public IReadOnlyDictionary<string, long> ByKind => _byKind;

    /// <summary>Files refused or not read to their end; each reader rejects a file at most once.</summary>
    public int FilesRejected => _fileLevel.Count;

    public void CountAccepted() => RowsRead++;

    public async Task RejectAsync(RejectedRow rejection, CancellationToken cancellationToken)
    {
        await output.WriteAsync(rejection, cancellationToken);
        var kind = RejectionReasons.KindOf(rejection.Reason);
        _byKind[kind] = _byKind.GetValueOrDefault(kind) + 1;
        if (rejection.IsFileLevel)
        {
            _fileLevel.Add(rejection);
            return; // a file is not a row
        }
        RowsRead++;
        RowsRejected++;
    }

    /// <summary>"120 rows read, 120 rejected (missing query: 100, ...); unreadable: a.gz (unreadable file: ...)".</summary>
    public string Describe(int files)
    {
        var text = $"{files} file(s), {RowsRead} row(s) read, {RowsRejected} rejected";
        if (_byKind.Count > 0)
            text += " (" + string.Join(", ", _byKind.OrderByDescending(k => k.Value).Select(k => $"{k.Key}: {k.Value}")) + ")";
        if (_fileLevel.Count > 0)
            text += "; unusable files: " + string.Join("; ", _fileLevel.Take(5).Select(r => $"{r.File} ({r.Reason})"));
        return text;
    }
}
