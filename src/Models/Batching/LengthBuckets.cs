namespace RankDistill.Models.Batching;

/// <summary>
/// Cuts items, in a given order, into batches whose padded size (rows × longest length) fits a
/// token budget. Fed with items sorted by length, batches hold sequences of similar length and
/// padding is small; that is length bucketing.
/// </summary>
public static class LengthBuckets
{
    /// <summary>
    /// Greedy cut: an item joins the current batch while the padded size stays within
    /// <paramref name="tokenBudget"/> and the batch has fewer than <paramref name="maxItems"/> items.
    /// An item larger than the budget on its own gets a batch of its own rather than being dropped.
    /// </summary>
    public static List<int[]> Cut(IReadOnlyList<int> order, Func<int, ItemShape> shapeOf, int tokenBudget, int maxItems)
    {
        ArgumentNullException.ThrowIfNull(order);
        ArgumentNullException.ThrowIfNull(shapeOf);
        ArgumentOutOfRangeException.ThrowIfLessThan(tokenBudget, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxItems, 1);

        var batches = new List<int[]>();
        var current = new List<int>();
        long rows = 0, longest = 0;
        foreach (int item in order)
        {
            var shape = shapeOf(item);
            long newRows = rows + shape.Rows, newLongest = Math.Max(longest, shape.Length);
            if (current.Count > 0 && (current.Count >= maxItems || newRows * newLongest > tokenBudget))
            {
                batches.Add([.. current]);
                current.Clear();
                newRows = shape.Rows;
                newLongest = shape.Length;
            }
            current.Add(item);
            rows = newRows;
            longest = newLongest;
        }
        if (current.Count > 0)
            batches.Add([.. current]);
        return batches;
    }

    /// <summary>Item indices sorted by length, ties kept in their given order.</summary>
    public static int[] SortedByLength(IEnumerable<int> items, Func<int, ItemShape> shapeOf) =>
        [.. items.OrderBy(i => shapeOf(i).Length)];
}
