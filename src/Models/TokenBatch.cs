using static TorchSharp.torch;

namespace RankDistill.Models;

/// <summary>
/// A padded batch on one device. Every tensor is (B, T) int64; <see cref="AttentionMask"/> is 1 on
/// real tokens and 0 on padding, which may sit on either side.
/// </summary>
public sealed class TokenBatch(Tensor inputIds, Tensor attentionMask, Tensor? tokenTypeIds = null, Tensor? labels = null) : IDisposable
{
    public Tensor InputIds { get; } = inputIds;
    public Tensor AttentionMask { get; } = attentionMask;
    public Tensor? TokenTypeIds { get; } = tokenTypeIds;
    public Tensor? Labels { get; } = labels;

    public long Size => InputIds.shape[0];

    public void Dispose()
    {
        InputIds.Dispose();
        AttentionMask.Dispose();
        TokenTypeIds?.Dispose();
        Labels?.Dispose();
    }
}
