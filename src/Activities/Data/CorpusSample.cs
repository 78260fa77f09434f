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
    // Every list hashes every corpus url: encode each once, not once per (query, url) pair.
    private readonly byte[][] _urls = [.. corpus.Select(d => Encoding.UTF8.GetBytes(d.Url))];
    private readonly int _longestUrl = corpus.Count == 0 ? 0 : corpus.Max(d => Encoding.UTF8.GetByteCount(d.Url));

    public CandidateList Extend(CandidateList list)
    {
        var own = list.Docs.Select(d => d.Url).ToHashSet(StringComparer.Ordinal);
        // The hashed bytes are UTF-8 of "seed\nquery\nurl": the prefix once per list, each url copied in after it.
        var prefix = Encoding.UTF8.GetBytes($"{seed}\n{list.Query}\n");
        var buffer = new byte[prefix.Length + _longestUrl];
        prefix.CopyTo(buffer, 0);
        var drawn = Enumerable.Range(0, corpus.Count)
            .Where(i => !own.Contains(corpus[i].Url))
            .Select(i => (Key: Key(buffer, prefix.Length, _urls[i]), Doc: corpus[i]))
            .OrderBy(d => d.Key)
            .Take(perList)
            .Select(d => d.Doc with { Impressions = 0, Clicks = 0 });
        return list with { Docs = [.. list.Docs, .. drawn] };
    }

    private static ulong Key(byte[] buffer, int prefixLength, byte[] url)
    {
        url.CopyTo(buffer, prefixLength);
        Span<byte> hash = stackalloc byte[SHA256.HashSizeInBytes];
        SHA256.HashData(buffer.AsSpan(0, prefixLength + url.Length), hash);
        return BinaryPrimitives.ReadUInt64BigEndian(hash);
    }
}
