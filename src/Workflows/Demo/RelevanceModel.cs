using System.Runtime.CompilerServices;

namespace RankDistill.Workflows.Demo;

/// <summary>
/// True relevance: a semantic part that depends on meaning, whatever the wording, plus a
/// lexical part for the query's own words appearing in the page.
/// <code>
/// other topic:  semantic = 0
/// same topic:   semantic = 1 + match · (1.6 + intent) + site
///   match  = credit(concept), or 0.6·credit(first) + 0.4·credit(second) for two-concept queries;
///            credit = 1 when the page is mainly about it, 0.75 when it also covers it, 0.2 when it only mentions it
///   intent = +0.6 when the page serves the query's modifier ("cheap"), −0.2 when another one, 0 when none
///   site   = +0.8 when the query names the page's site, −0.3 when it names another
/// score = semantic + 0.7 · (share of the query's words found in the page)
/// spam pages: at most 1.2 (grade ≤ 1), however well they match
/// grade = 0 below 0.5, 1 below 1.6, 2 below 2.5, 3 below 3.1, else 4
/// </code>
/// So a page on the query's concept in other words is a 3 (2.6), in the same words a 4; a
/// page of another topic that shares the words stays a 0 or 1. BM25 sees only the lexical
/// part and the words the semantic part happens to share.
/// </summary>
public static class RelevanceModel
{
    private static readonly double[] _gradeFloors = [0.5, 1.6, 2.5, 3.1];

    /// <summary>Words too common to count as the query's words.</summary>
    private static readonly HashSet<string> _stopWords = new(
        ["a", "an", "and", "the", "for", "to", "of", "in", "on", "at", "your", "our", "with", "my", "me", "how", "is", "are", "by", "from", "every", "next", "about"],
        StringComparer.Ordinal);

    /// <summary>Each page's words, computed once: scores are asked for the same pages many times.</summary>
    private static readonly ConditionalWeakTable<WebDocument, HashSet<string>> _pageWords = [];

    public static double Score(WebQuery query, WebDocument document)
    {
        var words = _pageWords.GetValue(document, d => WordSet(d.Title + " " + d.Summary));
        var lexical = 0.7 * Overlap(query.Text, words);
        var score = Semantic(query, document) + lexical;
        return document.Spam ? Math.Min(score, 1.2) : score;
    }

    public static int Grade(WebQuery query, WebDocument document) => GradeOf(Score(query, document));

    public static int GradeOf(double score)
    {
        var grade = 0;
        while (grade < _gradeFloors.Length && score >= _gradeFloors[grade])
            grade++;
        return grade;
    }

    private static double Semantic(WebQuery query, WebDocument document)
    {
        if (query.Topic != document.Topic)
            return 0;
        var match = query.SecondConcept is { } second
            ? 0.6 * Credit(query.Concept, document) + 0.4 * Credit(second, document)
            : Credit(query.Concept, document);
        var intent = query.Modifier is null ? 0 : query.Modifier == document.Modifier ? 0.6 : document.Modifier is null ? 0 : -0.2;
        var site = query.Site is null ? 0 : query.Site == document.Site ? 0.8 : -0.3;
        return 1 + match * (1.6 + intent) + site;
    }

    private static double Credit(int concept, WebDocument document) =>
        concept == document.Primary ? 1 : concept == document.Secondary ? 0.75 : concept == document.Mention ? 0.2 : 0;

    /// <summary>Share of the query's content words that appear in the text, compared exactly after lower-casing.</summary>
    public static double LexicalOverlap(string query, string text) => Overlap(query, WordSet(text));

    private static double Overlap(string query, HashSet<string> textWords)
    {
        var queryWords = Words(query).Where(IsContentWord).Distinct().ToList();
        return queryWords.Count == 0 ? 0 : queryWords.Count(textWords.Contains) / (double)queryWords.Count;
    }

    private static HashSet<string> WordSet(string text) => Words(text).ToHashSet(StringComparer.Ordinal);

    internal static bool IsContentWord(string word) => !_stopWords.Contains(word);

    internal static IEnumerable<string> Words(string text)
    {
        var start = -1;
        for (var i = 0; i <= text.Length; i++)
        {
            var inWord = i < text.Length && char.IsLetterOrDigit(text[i]);
            if (inWord && start < 0)
                start = i;
            else if (!inWord && start >= 0)
            {
                yield return text[start..i].ToLowerInvariant();
                start = -1;
            }
        }
    }
}
