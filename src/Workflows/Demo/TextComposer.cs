namespace RankDistill.Workflows.Demo;

/// <summary>
/// Writes titles, summaries and queries from templates and the lexicon. A page words its
/// subject with one form in the title and, half the time, another in the summary, as writers
/// vary their wording; a query picks its own forms independently, most often the common one.
/// </summary>
internal sealed class TextComposer(IReadOnlyList<WebConcept> concepts, IReadOnlyList<WebConcept> modifiers, DemoRandom random)
{
    private static readonly string[] _verbs = ["offers", "covers", "explains", "lists", "compares"];

    public string Form(int concept) => concepts[concept].Forms[random.PickWeighted(Lexicon.FormWeights)];

    public string ModifierForm(int modifier) => modifiers[modifier].Forms[random.PickWeighted(Lexicon.FormWeights)];

    public (string Title, string Summary) Page(WebDocument page, IReadOnlyList<string> context)
    {
        if (page.Spam)
            return SpamPage(page, context);
        var primary = Form(page.Primary);
        var modifier = page.Modifier is { } m ? ModifierForm(m) : null;
        var subject = WithModifier(primary, page.Modifier, modifier);
        var filler = random.Pick(Lexicon.Fillers);
        var secondary = page.Secondary is { } s ? Form(s) : null;
        var title = random.NextInt(5) switch
        {
            0 => $"{subject} | {page.Site}",
            1 when secondary is not null => $"{primary} and {secondary} {filler} | {page.Site}",
            2 => $"{page.Site}: {subject} {filler}",
            3 => $"{subject} {filler} for your {random.Pick(context)}",
            _ => $"{subject} {filler} - {page.Site}",
        };

        var reworded = random.Chance(0.3) ? Form(page.Primary) : primary;
        var sentences = new List<string>
        {
            $"{page.Site} {random.Pick(_verbs)} {WithModifier(reworded, page.Modifier, modifier)} for every {random.Pick(context)}.",
            secondary is not null
                ? random.Chance(0.5)
                    ? $"Learn about {Form(page.Secondary!.Value)} and plan your {random.Pick(context)}."
                    : $"Our {random.Pick(context)} experts share {random.Pick(Lexicon.Fillers)} on {Form(page.Secondary!.Value)}."
                : random.Chance(0.5)
                    ? $"Our {random.Pick(context)} team shares {random.Pick(Lexicon.Fillers)} on {Form(page.Primary)}."
                    : $"Everything about {Form(page.Primary)} for your next {random.Pick(context)}.",
        };
        if (page.Mention is { } mention)
            sentences.Add(random.Chance(0.5) ? $"See also our page on {Form(mention)}." : $"Related: {Form(mention)}.");
        return (Capitalize(title), string.Join(' ', sentences));
    }

    /// <summary>Keyword stuffing: every form of the subject, two intents in all their forms, no sentences.</summary>
    private (string Title, string Summary) SpamPage(WebDocument page, IReadOnlyList<string> context)
    {
        var forms = concepts[page.Primary].Forms;
        var first = modifiers[random.NextInt(modifiers.Count)].Forms;
        var second = modifiers[random.NextInt(modifiers.Count)].Forms;
        var title = $"{forms[0]} {forms[1]} {forms[2]} {first[0]} {second[0]} {forms[0]} {random.Pick(Lexicon.Fillers)}";
        var summary = $"{forms[0]} {first[1]} {forms[1]} {forms[2]} {first[2]} {forms[0]} {second[1]} {random.Pick(context)} "
            + $"{forms[1]} {second[2]} {random.Pick(Lexicon.Fillers)} {forms[2]} {random.Pick(context)} click here now";
        return (Capitalize(title), Capitalize(summary));
    }

    public string Query(WebQuery intent, IReadOnlyList<string> context)
    {
        var words = new List<string>();
        if (intent.Site is { } site)
            words.Add(site.ToLowerInvariant());
        var modifier = intent.Modifier is { } m ? ModifierForm(m) : null;
        // Mostly where the modifier belongs ("cheap flights", "flights near me"), sometimes not, as people type.
        var before = modifier is not null && (intent.Modifier < Lexicon.ModifiersBefore ? random.Chance(0.9) : random.Chance(0.1));
        if (before)
            words.Add(modifier!);
        words.Add(Form(intent.Concept));
        if (intent.SecondConcept is { } second)
        {
            if (random.Chance(0.5))
                words.Add("and");
            words.Add(Form(second));
        }
        if (modifier is not null && !before)
            words.Add(modifier);
        if (random.Chance(0.12))
            words.Add(random.Pick(context));
        return string.Join(' ', words);
    }

    private static string WithModifier(string subject, int? modifier, string? form) =>
        form is null ? subject : modifier < Lexicon.ModifiersBefore ? $"{form} {subject}" : $"{subject} {form}";

    private static string Capitalize(string text) => text.Length == 0 ? text : char.ToUpperInvariant(text[0]) + text[1..];
}
