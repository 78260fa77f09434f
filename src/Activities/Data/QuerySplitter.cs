using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;

namespace RankDistill.Activities.Data;

/// <summary>
/// Assigns a query to a split from a hash of its normalised text and the seed, so the same
/// query lands in the same split in every run and every drop, and no query is ever in two
/// splits. SHA-256 rather than string.GetHashCode: the latter is randomised per process.
/// </summary>
public sealed class QuerySplitter
{
    private readonly SplitOptions _options;

    public QuerySplitter(SplitOptions options)
    {
        options.Validate();
        _options = options;
    }

    /// <param name="query">Any form of the query: it is normalised first (<see cref="QueryText.Normalize"/>).</param>
    public DataSplit SplitOf(string query)
    {
        var point = UnitInterval(QueryText.Normalize(query));
        if (point < _options.TrainFraction)
            return DataSplit.Train;
        return point < _options.TrainFraction + _options.DevFraction ? DataSplit.Dev : DataSplit.Test;
    }

    /// <summary>A point in [0, 1) from the top 53 bits of SHA-256("seed\nquery"): uniform enough, and stable everywhere.</summary>
    private double UnitInterval(string normalizedQuery)
    {
        Span<byte> hash = stackalloc byte[SHA256.HashSizeInBytes];
        SHA256.HashData(Encoding.UTF8.GetBytes($"{_options.Seed}\n{normalizedQuery}"), hash);
        return (BinaryPrimitives.ReadUInt64BigEndian(hash) >> 11) * (1.0 / (1UL << 53));
    }
}
