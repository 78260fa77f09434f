using RankDistill.Models.Metrics;

namespace RankDistill.Models.Tests.Metrics;

public sealed class TrecFilesTests
{
    private static readonly ScoredDocument[] _run =
    [
        new("q1", "d1", 0.1 + 0.2),
        new("q1", "d2", 1e-17),
        new("q1", "d3", -3.25),
        new("q2", "d9", 12345.678901234567),
        new("q2", "d8", 12345.678901234567),
    ];

    private static readonly RelevanceJudgment[] _qrels =
    [
        new("q1", "d1", 0),
        new("q1", "d3", 3),
        new("q2", "d8", 1),
        new("q3", "d1", 2),
    ];

    [Fact]
    public void RunWriteThenRead_ScoresAndIdsRoundTripExactly()
    {
        using var writer = new StringWriter();
        TrecRun.Write(writer, _run, "student");

        var read = TrecRun.Read(new StringReader(writer.ToString()));

        Assert.Equal(_run.OrderBy(d => d.QueryId).ThenBy(d => d.DocId), read.OrderBy(d => d.QueryId).ThenBy(d => d.DocId));
    }

    [Fact]
    public void RunWrite_RanksByScoreThenDocIdDescendingAsTrecEval()
    {
        using var writer = new StringWriter();
        TrecRun.Write(writer, _run, "student");

        var lines = writer.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(
            ["q1 Q0 d1 1 0.30000000000000004 student", "q1 Q0 d2 2 1E-17 student", "q1 Q0 d3 3 -3.25 student",
             "q2 Q0 d9 1 12345.678901234567 student", "q2 Q0 d8 2 12345.678901234567 student"],
            lines);
    }

    [Fact]
    public void QrelsWriteThenRead_RoundTrips()
    {
        using var writer = new StringWriter();
        TrecQrels.Write(writer, _qrels);

        Assert.Equal(_qrels, TrecQrels.Read(new StringReader(writer.ToString())));
        Assert.StartsWith("q1 0 d1 0\n", writer.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Join_RunWithQrels_UnjudgedAreZeroAndUnrunQueriesLeftOut()
    {
        var queries = TrecQrels.Join(_run, _qrels);

        Assert.Equal(["q1", "q2"], queries.Select(q => q.QueryId));
        Assert.Equal([0.0, 0.0, 3.0], queries[0].Labels);
        Assert.Equal([0.1 + 0.2, 1e-17, -3.25], queries[0].Scores);
        Assert.Equal([0.0, 1.0], queries[1].Labels);
    }

    [Fact]
    public void Read_MalformedLine_ThrowsNamingTheLine()
    {
        var ex = Assert.Throws<FormatException>(() => TrecRun.Read(new StringReader("q1 Q0 d1 1 0.5 tag\n\nq1 Q0 d2 2 high tag\n")));
        Assert.Contains("line 3", ex.Message, StringComparison.Ordinal);

        ex = Assert.Throws<FormatException>(() => TrecQrels.Read(new StringReader("q1 0 d1\n")));
        Assert.Contains("line 1", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Write_IdWithWhitespace_Throws()
    {
        using var writer = new StringWriter();
        Assert.Throws<ArgumentException>(() => TrecRun.Write(writer, [new ScoredDocument("q 1", "d1", 1)], "t"));
    }
}
