using RankDistill.Models.Losses;
using static TorchSharp.torch;

namespace RankDistill.Models.Training;

/// <summary>
/// BERT's input corruption for masked-LM pre-training: each real token but [CLS] and [SEP] is chosen with probability
/// <c>rate</c> (BERT's 15%); a chosen token becomes [MASK] 80% of the time, a random token 10% and stays itself 10%
/// (so the model cannot learn that only [MASK] needs predicting), and only chosen positions carry a label.
/// </summary>
/// <remarks>
/// Draws from torch's generator, which the trainer reseeds from (seed, step) before each update: a resumed run masks
/// the same tokens at the same update as an unbroken one.
/// </remarks>
public static class TokenMasking
{
    public const double BertRate = 0.15;

    /// <param name="inputIds">(B, T) int64.</param>
    /// <param name="attentionMask">(B, T) int64, 1 on tokens: padding is never chosen.</param>
    /// <param name="keep">Ids never chosen ([CLS], [SEP]).</param>
    /// <param name="maskId">[MASK].</param>
    /// <param name="vocabularySize">Random replacements are drawn from [0, vocabularySize), as Hugging Face draws them.</param>
    /// <param name="rate">Chance that a token is chosen.</param>
    /// <returns>The corrupted inputs and the labels (original id where chosen, -100 elsewhere), both (B, T) int64.</returns>
    public static (Tensor Inputs, Tensor Labels) Apply(Tensor inputIds, Tensor attentionMask, IReadOnlyList<long> keep, long maskId, long vocabularySize, double rate = BertRate)
    {
        ArgumentNullException.ThrowIfNull(inputIds);
        ArgumentNullException.ThrowIfNull(attentionMask);
        ArgumentNullException.ThrowIfNull(keep);
        if (rate is <= 0 or >= 1)
            throw new ArgumentOutOfRangeException(nameof(rate), rate, "The masking rate must be in (0, 1).");
        var device = inputIds.device;
        var eligible = attentionMask.to(ScalarType.Bool);
        foreach (var id in keep)
            eligible = eligible.logical_and(inputIds.ne(id));
        var chosen = eligible.logical_and(rand(inputIds.shape, device: device).lt(rate));                // (B, T)
        var labels = inputIds.masked_fill(chosen.logical_not(), CausalLmLoss.IgnoreIndex);
        var action = rand(inputIds.shape, device: device);                                              // (B, T): 80/10/10
        var inputs = inputIds.masked_fill(chosen.logical_and(action.lt(0.8)), maskId);
        var random = randint(vocabularySize, inputIds.shape, dtype: ScalarType.Int64, device: device);
        inputs = where(chosen.logical_and(action.ge(0.8)).logical_and(action.lt(0.9)), random, inputs);
        return (inputs, labels);
    }
}
