namespace RankDistill.Workflows.Demo;

/// <summary>
/// The size and noise of a synthetic web. <see cref="Default"/> gives the demo's world (data for
/// a pipeline of a few CPU minutes); <see cref="Quick"/> a smaller one for <c>demo --quick</c>, about two minutes.
/// </summary>
public sealed record SyntheticWebOptions
{
    /// <summary>Everything follows from it: the same seed gives byte-identical drops.</summary>
    public long Seed { get; init; } = 42;

    /// <summary>Topics used, of the lexicon's 12; each has 8 concepts with 3 surface forms.</summary>
    public int Topics { get; init; } = 12;

    /// <summary>Sites (made-up brands) per topic; a page belongs to one, and some queries name one.</summary>
    public int SitesPerTopic { get; init; } = 5;

    /// <summary>40 pages over 8 concepts gives about 5 pages whose main subject is each concept.</summary>
    public int DocumentsPerTopic { get; init; } = 40;

    /// <summary>
    /// Distinct queries with impressions, about 33 a concept; 500 of them are judged by humans (<see cref="LabelledQueries"/>).
    /// Distillation's point is that the teacher labels every query in the logs, not only the judged ones, and the student
    /// was starved of them at 1,600: on one run's teacher labels, half the candidate lists took its agreement with the
    /// teacher's order of test pairs from 0.934 to 0.850 (train 0.963 → 0.978), while at 3,200 train and test agreement
    /// meet (0.955 / 0.948). Texts already asked are drawn again, so the second 1,600 are the tail: more often two
    /// concepts, a modifier or a site. Costs the demo about 50 s of labelling.
    /// </summary>
    public int Queries { get; init; } = 3200;

    /// <summary>Documents a query can be shown (a first-stage retrieval's output): relevant, related, lexical look-alikes, spam, random.</summary>
    public int CandidatesPerQuery { get; init; } = 15;

    /// <summary>Times each query was searched; each impression shows the production ranking's top results.</summary>
    public int ImpressionsPerQuery { get; init; } = 6;

    public int ResultsPerImpression { get; init; } = 10;

    /// <summary>
    /// Queries whose candidates all get a human label: the train share (~75%, about 375 lists) trains SFT, the
    /// test share (86 queries) is the evaluation set. With 250 (180 SFT lists) a teacher made from
    /// nothing memorised its lists (train NDCG@5 0.99) and stayed near random order on new queries (0.50–0.64);
    /// twice the lists is what it took to learn the comparison itself (0.78–0.81 on the test queries). 800 (589 SFT
    /// lists, 141 test queries) did not make a better teacher: NDCG@5 0.769 against BM25's 0.738 on its test set.
    /// </summary>
    public int LabelledQueries { get; init; } = 500;

    /// <summary>Share of keyword-stuffed pages: BM25 loves them, users and labellers do not.</summary>
    public double SpamRate { get; init; } = 0.06;

    /// <summary>Standard deviation of the production ranker's error, in units of the true relevance score (grades are ~0.8 apart).</summary>
    public double ProductionNoise { get; init; } = 0.8;

    /// <summary>Share of click decisions made at random instead of from the result's attractiveness.</summary>
    public double ClickNoise { get; init; } = 0.1;

    /// <summary>η of the position-based model: the chance of looking at rank k is k^-η (rank 10: 0.2 with 0.7).</summary>
    public double PositionBias { get; init; } = 0.7;

    /// <summary>Chance that a human label is one grade off.</summary>
    public double LabelNoise { get; init; } = 0.1;

    /// <summary>Broken lines written into the drop (missing fields, bad numbers, cut JSON), which PrepareData must set aside.</summary>
    public int MalformedRows { get; init; } = 12;

    /// <summary>Rows delivered twice (as a retried upload would), which PrepareData must dedupe.</summary>
    public int RepeatedRows { get; init; } = 20;

    /// <summary>
    /// 12 topics, 480 pages, 3,200 queries × 15 candidates, 192,000 click rows (about 33,000 clicks),
    /// 7,500 labels over 500 queries. On it, NDCG@5 of the 86 labelled test queries (default split):
    /// BM25 0.700, random order 0.429, true relevance 0.943.
    /// </summary>
    public static SyntheticWebOptions Default { get; } = new();

    /// <summary>
    /// The quick demo's world: narrower than <see cref="Default"/>, not thinner. 4 topics (32 concepts) with the default's
    /// pages and sites per topic, so each concept has as many pages and, with 800 queries, about 25 queries: enough
    /// clicks and teacher-labelled lists for models trained in a minute or two to learn the concepts' other wordings
    /// rather than memorise lists. 400 labelled queries give SFT about 280 lists and the evaluation 70–80 test
    /// queries, enough to tell the rankers apart. Shorter result lists than the default keep SFT, labelling and
    /// evaluation cheap.
    /// </summary>
    public static SyntheticWebOptions Quick { get; } = new()
    {
        Topics = 4,
        Queries = 800,
        CandidatesPerQuery = 10,
        ImpressionsPerQuery = 3,
        ResultsPerImpression = 8,
        LabelledQueries = 400,
        MalformedRows = 4,
        RepeatedRows = 5,
    };

    /// <summary>Throws with the setting's name for a value that cannot make a world.</summary>
    public void Validate()
    {
        Require(Topics is >= 1 && Topics <= Lexicon.Topics.Length, nameof(Topics), Topics, $"between 1 and {Lexicon.Topics.Length} (the lexicon's topics)");
        Require(SitesPerTopic >= 1, nameof(SitesPerTopic), SitesPerTopic, "at least 1");
        Require(DocumentsPerTopic >= 8, nameof(DocumentsPerTopic), DocumentsPerTopic, "at least 8 (one per concept)");
        Require(Queries >= 1, nameof(Queries), Queries, "at least 1");
        Require(CandidatesPerQuery >= 2 && CandidatesPerQuery <= Topics * DocumentsPerTopic, nameof(CandidatesPerQuery), CandidatesPerQuery, "at least 2 and at most the number of documents");
        Require(ImpressionsPerQuery >= 1, nameof(ImpressionsPerQuery), ImpressionsPerQuery, "at least 1");
        Require(ResultsPerImpression >= 1 && ResultsPerImpression <= CandidatesPerQuery, nameof(ResultsPerImpression), ResultsPerImpression, "between 1 and CandidatesPerQuery");
        Require(LabelledQueries >= 0 && LabelledQueries <= Queries, nameof(LabelledQueries), LabelledQueries, "between 0 and Queries");
        Require(SpamRate is >= 0 and < 1, nameof(SpamRate), SpamRate, "in [0, 1)");
        Require(ProductionNoise >= 0, nameof(ProductionNoise), ProductionNoise, "at least 0");
        Require(ClickNoise is >= 0 and <= 1, nameof(ClickNoise), ClickNoise, "in [0, 1]");
        Require(PositionBias >= 0, nameof(PositionBias), PositionBias, "at least 0");
        Require(LabelNoise is >= 0 and <= 1, nameof(LabelNoise), LabelNoise, "in [0, 1]");
        Require(MalformedRows >= 0, nameof(MalformedRows), MalformedRows, "at least 0");
        Require(RepeatedRows >= 0, nameof(RepeatedRows), RepeatedRows, "at least 0");
    }

    private static void Require(bool condition, string name, object value, string expected)
    {
        if (!condition)
            throw new ArgumentOutOfRangeException(name, value, $"SyntheticWebOptions.{name} must be {expected}.");
    }
}
