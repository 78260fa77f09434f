using RankDistill.Models.Training;

namespace RankDistill.Models.Tests.Training.Support;

/// <summary>
/// A tiny ranking world: each document is [CLS] followed by 3–15 tokens, a share of them drawn from a
/// set of "relevant" words that grows with the document's grade (0–4). A model that pools its tokens
/// can learn the grades; a random scorer cannot. Lengths vary so that length bucketing matters.
/// </summary>
public static class SyntheticRanking
{
    public const int PadId = 0;
    public const int ClsId = 1;
    public const int VocabSize = 40;
    private const int FirstRelevant = 2, FirstNeutral = 10;

    public static List<QueryList> Lists(int queries, int documentsPerQuery, int seed)
    {
        var random = new Random(seed);
        var lists = new List<QueryList>();
        for (int q = 0; q < queries; q++)
        {
            var documents = new EncodedSequence[documentsPerQuery];
            var grades = new float[documentsPerQuery];
            for (int d = 0; d < documentsPerQuery; d++)
            {
                int grade = random.Next(5);
                int words = random.Next(3, 16);
                int relevant = (int)Math.Round(grade / 4.0 * words);
                var tokens = Enumerable.Range(0, words)
                    .Select(i => i < relevant ? random.Next(FirstRelevant, FirstNeutral) : random.Next(FirstNeutral, VocabSize))
                    .OrderBy(_ => random.Next())
                    .Prepend(ClsId)
                    .ToArray();
                documents[d] = new EncodedSequence(tokens);
                grades[d] = grade;
            }
            lists.Add(new QueryList($"q{q}", documents, grades));
        }
        return lists;
    }
}
