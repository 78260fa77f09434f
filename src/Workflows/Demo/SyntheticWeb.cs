using RankDistill.Activities.Data;

namespace RankDistill.Workflows.Demo;

/// <summary>
/// Generates a small synthetic web for the demo and tests: topics, sites and pages, queries
/// with graded true relevance (<see cref="RelevanceModel"/>), a click log from a noisy
/// production ranker and position-biased users (<see cref="ClickSimulator"/>), and noisy human
/// labels for a sample of queries. Deterministic: each stage draws from its own seeded
/// stream, so the same options give the same world, byte for byte.
/// </summary>
public static partial class SyntheticWeb
{
    public static SyntheticWorld Generate(SyntheticWebOptions options)
    {
        options.Validate();
        var topics = Lexicon.Topics.Take(options.Topics).ToArray();
        var concepts = topics.SelectMany((topic, t) => topic.Concepts.Select(forms => (t, forms)))
            .Select((c, id) => new WebConcept(id, c.t, c.forms)).ToArray();
        var modifiers = Lexicon.Modifiers.Select((forms, id) => new WebConcept(id, -1, forms)).ToArray();
        var sites = SiteNames(options, DemoRandom.For(options.Seed, "sites"));

        var documents = Documents(options, topics, concepts, modifiers, sites, DemoRandom.For(options.Seed, "documents"));
        var queries = Queries(options, topics, concepts, modifiers, sites, DemoRandom.For(options.Seed, "queries"));
        var sampler = new CandidateSampler(documents, options.CandidatesPerQuery, DemoRandom.For(options.Seed, "candidates"));
        queries = [.. queries.Select(q => q with { Candidates = sampler.For(q) })];
        var impressions = ClickSimulator.Simulate(queries, documents, options, DemoRandom.For(options.Seed, "clicks"));
        var labels = Labels(options, queries, documents, DemoRandom.For(options.Seed, "labels"));
        return new SyntheticWorld(options, [.. topics.Select(t => t.Name)], concepts, modifiers, documents, queries, impressions, labels);
    }

    /// <summary>Made-up brand names, unique across the world: two or three syllables, capitalised.</summary>
    private static string[][] SiteNames(SyntheticWebOptions options, DemoRandom random)
    {
        var used = new HashSet<string>(StringComparer.Ordinal);
        var names = new string[options.Topics][];
        for (var t = 0; t < options.Topics; t++)
        {
            names[t] = new string[options.SitesPerTopic];
            for (var s = 0; s < options.SitesPerTopic; s++)
            {
                string name;
                do
                {
                    var syllables = Enumerable.Range(0, 2 + random.NextInt(2)).Select(_ => random.Pick(Lexicon.Syllables));
                    name = string.Concat(syllables);
                    name = char.ToUpperInvariant(name[0]) + name[1..];
                }
                while (!used.Add(name));
                names[t][s] = name;
            }
        }
        return names;
    }

    private static List<WebDocument> Documents(
        SyntheticWebOptions options, LexiconTopic[] topics, WebConcept[] concepts, WebConcept[] modifiers, string[][] sites, DemoRandom random)
    {
        var composer = new TextComposer(concepts, modifiers, random);
        var documents = new List<WebDocument>(options.Topics * options.DocumentsPerTopic);
        for (var t = 0; t < topics.Length; t++)
        {
            var own = concepts.Where(c => c.Topic == t).Select(c => c.Id).ToArray();
            for (var i = 0; i < options.DocumentsPerTopic; i++)
            {
                var primary = own[i % own.Length]; // round robin: every concept has pages
                int? secondary = random.Chance(0.6) ? random.Pick(own.Where(c => c != primary).ToArray()) : null;
                int? mention = null;
                if (random.Chance(0.4))
                {
                    var pool = random.Chance(0.5) ? own : concepts.Where(c => c.Topic != t).Select(c => c.Id).DefaultIfEmpty(primary).ToArray();
                    var pick = random.Pick(pool);
                    mention = pick == primary || pick == secondary ? null : pick;
                }
                var id = documents.Count;
                var draft = new WebDocument(
                    id, t, random.Pick(sites[t]), "", "", "", primary, secondary, mention,
                    random.Chance(0.5) ? random.NextInt(modifiers.Length) : null, random.Chance(options.SpamRate));
                var (title, summary) = composer.Page(draft, topics[t].Context);
                documents.Add(draft with { Url = UrlOf(draft, topics[t].Name, title), Title = title, Summary = summary });
            }
        }
        return documents;
    }

    private static string UrlOf(WebDocument page, string topic, string title)
    {
        var slug = string.Join('-', RelevanceModel.Words(title).Where(w => w != page.Site.ToLowerInvariant()).Take(6));
        return $"https://www.{page.Site.ToLowerInvariant()}.com/{topic}/{slug}-{page.Id}";
    }

    private static List<WebQuery> Queries(
        SyntheticWebOptions options, LexiconTopic[] topics, WebConcept[] concepts, WebConcept[] modifiers, string[][] sites, DemoRandom random)
    {
        var composer = new TextComposer(concepts, modifiers, random);
        var queries = new List<WebQuery>(options.Queries);
        var seen = new HashSet<string>(StringComparer.Ordinal);
        // Popular intents repeat with other wording; a text already asked is drawn again, within a bound.
        for (var attempt = 0; queries.Count < options.Queries && attempt < options.Queries * 50; attempt++)
        {
            var t = queries.Count % topics.Length;
            var own = concepts.Where(c => c.Topic == t).Select(c => c.Id).ToArray();
            var concept = random.Pick(own);
            int? second = random.Chance(0.15) ? random.Pick(own.Where(c => c != concept).ToArray()) : null;
            int? modifier = random.Chance(0.45) ? random.NextInt(modifiers.Length) : null;
            var site = random.Chance(0.1) ? random.Pick(sites[t]) : null;
            var intent = new WebQuery(queries.Count, "", t, concept, second, modifier, site, []);
            var text = composer.Query(intent, topics[t].Context);
            if (seen.Add(QueryText.Normalize(text)))
                queries.Add(intent with { Text = text });
        }
        return queries;
    }

    /// <summary>Every candidate of a sample of queries judged; a judge is one grade off with probability LabelNoise.</summary>
    private static List<LabelRow> Labels(SyntheticWebOptions options, IReadOnlyList<WebQuery> queries, IReadOnlyList<WebDocument> documents, DemoRandom random)
    {
        var order = queries.Select(q => q.Id).ToList();
        random.Shuffle(order);
        var labels = new List<LabelRow>();
        foreach (var id in order.Take(options.LabelledQueries).Order())
        {
            var query = queries[id];
            foreach (var page in query.Candidates.Select(d => documents[d]))
            {
                var grade = RelevanceModel.Grade(query, page);
                if (random.Chance(options.LabelNoise))
                    grade = Math.Clamp(grade + (random.Chance(0.5) ? 1 : -1), LabelRow.MinGrade, LabelRow.MaxGrade);
                labels.Add(new LabelRow(query.Text, page.Title, page.Summary, page.Url, grade));
            }
        }
        return labels;
    }
}
