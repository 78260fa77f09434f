namespace RankDistill.Workflows.Demo;

/// <summary>A topic of the synthetic web: the words around it and the things people search for in it.</summary>
/// <param name="Name">Lower-case, also the URL path segment.</param>
/// <param name="Context">Topic words that documents use around their subject ("trip", "itinerary").</param>
/// <param name="Concepts">What queries ask for: each a set of interchangeable surface forms, most common first.</param>
internal sealed record LexiconTopic(string Name, string[] Context, string[][] Concepts);

/// <summary>
/// The word bank of the synthetic web. Each concept has three surface forms (synonyms and
/// paraphrases) so that a query and a relevant page often word the same thing differently:
/// the vocabulary gap that BM25 cannot cross and a model trained on clicks can. Some words
/// are shared across topics on purpose ("apple", "python", "bass", "java", "mouse",
/// "insurance", "tickets"), so exact overlap is sometimes a false lead that only the
/// surrounding topic words resolve.
/// </summary>
internal static partial class Lexicon
{
    /// <summary>
    /// Intents that combine with any topic ("cheap flights", "hotels near me"); the first
    /// <see cref="ModifiersBefore"/> go before the subject, the rest after it.
    /// </summary>
    public static readonly string[][] Modifiers =
    [
        ["cheap", "affordable", "low cost"],
        ["best", "top rated", "highest rated"],
        ["new", "latest", "2024"],
        ["fast", "quick", "express"],
        ["near me", "nearby", "in my area"],
        ["guide", "tutorial", "handbook"],
        ["reviews", "ratings", "comparison"],
        ["for beginners", "for starters", "for novices"],
    ];

    public const int ModifiersBefore = 4;

    /// <summary>Generic page words; none is a modifier form, so they add text without adding an intent.</summary>
    public static readonly string[] Fillers = ["tips", "ideas", "options", "deals", "advice", "essentials", "basics", "explained", "overview", "info"];

    /// <summary>Syllables for site names ("Kalimo", "Zorvex"): made-up brands, so no name means anything by itself.</summary>
    public static readonly string[] Syllables =
    [
        "ka", "li", "mo", "zor", "vex", "ta", "ri", "no", "bel", "quo", "an", "dor", "fi", "ra", "sol",
        "ven", "tu", "ga", "lon", "mi", "pex", "sa", "ro", "dak", "el", "vi", "nu", "tor", "bri", "ze",
    ];

    /// <summary>How often each of a concept's three forms is used: the first is the common one.</summary>
    public static readonly double[] FormWeights = [0.45, 0.33, 0.22];
}
