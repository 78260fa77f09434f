using System.Security.Cryptography;
using System.Text;

namespace RankDistill.Activities.Data;

/// <summary>
/// Drops repeated click-log events. Two rows are the same event when their normalised query,
/// url, position, session id and timestamp are all equal (a missing session id or timestamp
/// equals only another missing one). The first row wins: files are read in name order, so the
/// choice is stable. A duplicate that disagrees on <c>clicked</c> is still dropped but counted
/// as a conflict, since it means the producer logged one event twice with different outcomes.
/// Logs with neither session ids nor timestamps cannot tell a repeat impression from a
/// re-delivered row, so they keep one row per query, url and position.
/// </summary>
internal sealed class ClickDeduplicator
{
    // A 128-bit digest per event instead of the strings: memory stays ~40 bytes an event.
    private readonly Dictionary<UInt128, bool> _seen = [];

    public long Duplicates { get; private set; }

    public long Conflicts { get; private set; }

    /// <summary>True for the first row of an event, false (and counted) for a repeat.</summary>
    public bool TryAdd(ClickLogRow row, string normalizedQuery)
    {
        var key = KeyOf(row, normalizedQuery);
        if (_seen.TryGetValue(key, out var clicked))
        {
            Duplicates++;
            if (clicked != row.Clicked)
                Conflicts++;
            return false;
        }
        _seen.Add(key, row.Clicked);
        return true;
    }

    private static UInt128 KeyOf(ClickLogRow row, string normalizedQuery)
    {
        // Unit separators keep ("ab","c") apart from ("a","bc"); "\u0000" marks a missing value apart from an empty one.
        var text = string.Join('\u001f',
            normalizedQuery,
            row.Url,
            row.Position.ToString(System.Globalization.CultureInfo.InvariantCulture),
            row.SessionId ?? "\u0000",
            row.Timestamp is { } t ? t.UtcTicks.ToString(System.Globalization.CultureInfo.InvariantCulture) : "\u0000");
        Span<byte> hash = stackalloc byte[SHA256.HashSizeInBytes];
        SHA256.HashData(Encoding.UTF8.GetBytes(text), hash);
        return new UInt128(BitConverter.ToUInt64(hash[..8]), BitConverter.ToUInt64(hash[8..16]));
    }
}
