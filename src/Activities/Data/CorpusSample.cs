using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;

namespace RankDistill.Activities.Data;

/// <summary>
/// Documents drawn at random from the corpus (every document impressed for a train or dev query) and added to each
/// candidate list, with no impressions, for the teacher to score too. Impressions are a retrieval's output, all near
/// the query's topic; with only those, a student never sees what its teacher thinks of a page on another subject, and
/// ranks some such pages high (see <see cref="Pipeline.PipelineSettings.SampledCandidates"/> for what it measured). A query's
/// draw is the corpus documents outside its list with the smallest SHA-256 of (seed, query, url): the same in every run
/// and on every machine, and almost the same when the corpus grows, since adding documents moves no other's hash.
/// </summary>
internal sealed class CorpusSample(IReadOnlyList<CandidateDocument> corpus, int perList, long seed)
{
    public CandidateList Extend(CandidateList list)
    {
        var own = list.Docs.Select(d => d.Url).ToHashSet(StringComparer.Ordinal);
        var drawn = corpus.Where(d => !own.Contains(d.Url))
            .Select(d => (Key: Key(list.Query, d.Url), Doc: d))
            .OrderBy(d => d.Key)
            .Take(perList)
            .Select(d => d.Doc with { Impressions = 0, Clicks = 0 });
        return list with { Docs = [.. list.Docs, .. drawn] };
    }

    private ulong Key(string query, string url)
    {
        Span<byte> hash = stackalloc byte[SHA256.HashSizeInBytes];
        SHA256.HashData(Encoding.UTF8.GetBytes($"{seed}\n{query}\n{url}"), hash);
        return BinaryPrimitives.ReadUInt64BigEndian(hash);
    }
}
