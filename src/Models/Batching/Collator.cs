using static TorchSharp.torch;

namespace RankDistill.Models.Batching;

/// <summary>
/// Pads encoded sequences to the longest of the batch into a <see cref="TokenBatch"/> on one device:
/// input ids with the pad token, attention mask 1/0, token types with 0, labels with -100.
/// </summary>
/// <param name="padTokenId">The tokenizer's pad id; the attention mask, not this id, tells models what is padding.</param>
/// <param name="side">Right for BERT; left for a decoder scored at its last position.</param>
/// <param name="device">Where the batch is made; null for the CPU.</param>
public sealed class Collator(long padTokenId = 0, PaddingSide side = PaddingSide.Right, Device? device = null)
{
    /// <summary>Label of padded positions: ignored by the causal-LM loss.</summary>
    public const long IgnoredLabel = -100;

    public long PadTokenId { get; } = padTokenId;

    public PaddingSide Side { get; } = side;

    public Device? Device { get; } = device;

    /// <summary>Pads to the batch's longest sequence, or to <paramref name="minLength"/> when that is longer.</summary>
    public TokenBatch Collate(IReadOnlyList<EncodedSequence> sequences, int minLength = 0)
    {
        ArgumentNullException.ThrowIfNull(sequences);
        if (sequences.Count == 0)
            throw new ArgumentException("Cannot collate an empty batch.", nameof(sequences));
        bool hasTypes = Uniform(sequences, s => s.TokenTypeIds is not null, "token type ids");
        bool hasLabels = Uniform(sequences, s => s.Labels is not null, "labels");

        int b = sequences.Count, t = Math.Max(minLength, sequences.Max(s => s.Length));
        var ids = new long[b * t];
        var mask = new long[b * t];
        var types = hasTypes ? new long[b * t] : null;
        var labels = hasLabels ? new long[b * t] : null;
        Array.Fill(ids, PadTokenId);
        if (labels is not null)
            Array.Fill(labels, IgnoredLabel);

        for (int row = 0; row < b; row++)
        {
            var s = sequences[row];
            if (s.TokenTypeIds is { } tt && tt.Length != s.Length || s.Labels is { } lb && lb.Length != s.Length)
                throw new ArgumentException($"Sequence {row}: token types or labels differ in length from its {s.Length} input ids.", nameof(sequences));
            int offset = row * t + (Side == PaddingSide.Left ? t - s.Length : 0);
            for (int i = 0; i < s.Length; i++)
            {
                ids[offset + i] = s.InputIds[i];
                mask[offset + i] = 1;
                if (types is not null)
                    types[offset + i] = s.TokenTypeIds![i];
                if (labels is not null)
                    labels[offset + i] = s.Labels![i];
            }
        }

        long[] shape = [b, t];
        return new TokenBatch(
            tensor(ids, shape, device: Device),
            tensor(mask, shape, device: Device),
            types is null ? null : tensor(types, shape, device: Device),
            labels is null ? null : tensor(labels, shape, device: Device));
    }

    private static bool Uniform(IReadOnlyList<EncodedSequence> sequences, Func<EncodedSequence, bool> has, string what)
    {
        bool first = has(sequences[0]);
        if (sequences.Any(s => has(s) != first))
            throw new ArgumentException($"Some sequences of the batch have {what} and some do not.", nameof(sequences));
        return first;
    }
}
