using static TorchSharp.torch;

namespace RankDistill.Models.Losses;

/// <summary>
/// Moves between the flat (N) scores a ranker gives for every document of a batch and the padded
/// (Q, L) lists the rank and distillation losses take, L being the longest list.
/// </summary>
public static class QueryLists
{
    /// <summary>
    /// Scatters flat scores, documents of query 0 first, into (Q, L) with a (Q, L) bool mask.
    /// Differentiable: the gradient flows back to the flat scores; padded positions hold 0.
    /// </summary>
    public static (Tensor Padded, Tensor Mask) Pad(Tensor flat, IReadOnlyList<int> listSizes)
    {
        ArgumentNullException.ThrowIfNull(flat);
        ArgumentNullException.ThrowIfNull(listSizes);
        int total = listSizes.Sum();
        if (flat.dim() != 1 || flat.shape[0] != total)
            throw new ArgumentException($"Expected {total} flat scores for lists of sizes [{string.Join(", ", listSizes)}]; got shape [{string.Join(", ", flat.shape)}].");

        int q = listSizes.Count, l = listSizes.Count == 0 ? 0 : listSizes.Max();
        var index = new long[q * l];
        var valid = new bool[q * l];
        int offset = 0;
        for (int i = 0; i < q; i++)
        {
            for (int j = 0; j < listSizes[i]; j++)
            {
                index[i * l + j] = offset + j;
                valid[i * l + j] = true;
            }
            offset += listSizes[i];
        }

        var mask = tensor(valid, [q, l], device: flat.device);
        var gathered = flat.index_select(0, tensor(index, device: flat.device)).view(q, l);   // (Q, L)
        return (gathered.masked_fill(mask.logical_not(), 0), mask);
    }

    /// <summary>Per-document values (labels or teacher scores) of each list, padded with 0 into (Q, L) float32.</summary>
    public static Tensor PadValues(IReadOnlyList<float[]> lists, Device? device = null)
    {
        ArgumentNullException.ThrowIfNull(lists);
        int q = lists.Count, l = lists.Count == 0 ? 0 : lists.Max(v => v.Length);
        var values = new float[q * l];
        for (int i = 0; i < q; i++)
            lists[i].CopyTo(values, i * l);
        return tensor(values, [q, l], device: device);
    }

    internal static void CheckShapes(Tensor a, Tensor b, Tensor mask)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        ArgumentNullException.ThrowIfNull(mask);
        if (a.dim() != 2 || !a.shape.SequenceEqual(b.shape) || !a.shape.SequenceEqual(mask.shape))
            throw new ArgumentException($"Expected three (Q, L) tensors; got [{string.Join(", ", a.shape)}], [{string.Join(", ", b.shape)}] and [{string.Join(", ", mask.shape)}].");
        if (mask.dtype != ScalarType.Bool)
            throw new ArgumentException($"The mask must be bool; got {mask.dtype}.");
    }
}
