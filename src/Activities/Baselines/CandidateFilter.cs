using Lucene.Net.Index;
using Lucene.Net.Search;
using Lucene.Net.Util;

namespace RankDistill.Activities.Baselines;

/// <summary>Restricts a search to a set of documents (by global doc id): the candidates of one query.</summary>
internal sealed class CandidateFilter(IReadOnlyCollection<int> docIds) : Filter
{
    public override DocIdSet? GetDocIdSet(AtomicReaderContext context, IBits? acceptDocs)
    {
        var maxDoc = context.AtomicReader.MaxDoc;
        var bits = new FixedBitSet(maxDoc);
        var any = false;
        foreach (var id in docIds)
        {
            var local = id - context.DocBase; // doc ids are global; each segment counts from its DocBase
            if (local >= 0 && local < maxDoc)
            {
                bits.Set(local);
                any = true;
            }
        }
        return any ? BitsFilteredDocIdSet.Wrap(bits, acceptDocs) : null;
    }
}
