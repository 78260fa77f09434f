using RankDistill.Models.Tests.Training.Support;
using RankDistill.Models.Training;
using static TorchSharp.torch;

namespace RankDistill.Models.Tests.Training;

[Collection(TorchCollection.Name)]
public sealed class TokenMaskingTests
{
    private const long Cls = 2, Sep = 3, Mask = 4, Vocabulary = 1000;

    /// <summary>Rows of [CLS] words [SEP] words [SEP] and right padding: word ids from 10 up, pad 0.</summary>
    private static (Tensor Ids, Tensor Mask) Rows(int rows, int length)
    {
        var ids = new long[rows * length];
        var mask = new long[rows * length];
        for (var r = 0; r < rows; r++)
        {
            var used = length - (r % 5);
            for (var t = 0; t < used; t++)
            {
                ids[(r * length) + t] = t == 0 ? Cls : t == used / 2 || t == used - 1 ? Sep : 10 + ((r * 31 + t * 7) % 900);
                mask[(r * length) + t] = 1;
            }
        }
        return (tensor(ids, [rows, length]), tensor(mask, [rows, length]));
    }

    [Fact]
    public void Apply_ManyTokens_ChoosesBertsShareAndSplitsThemMaskRandomKept()
    {
        using var scope = NewDisposeScope();
        manual_seed(41);
        var (ids, mask) = Rows(400, 40);

        var (inputs, labels) = TokenMasking.Apply(ids, mask, [Cls, Sep], Mask, Vocabulary);

        var words = mask.eq(1).logical_and(ids.ge(10));
        var chosen = labels.ne(-100);
        double share = chosen.sum().item<long>() / (double)words.sum().item<long>();
        double masked = inputs.eq(Mask).logical_and(chosen).sum().item<long>() / (double)chosen.sum().item<long>();
        double kept = inputs.eq(ids).logical_and(chosen).sum().item<long>() / (double)chosen.sum().item<long>();
        Assert.InRange(share, 0.14, 0.16);   // 15% of ~14,000 word tokens
        Assert.InRange(masked, 0.77, 0.83);  // 80% become [MASK]
        Assert.InRange(kept, 0.08, 0.12);    // 10% stay (a random replacement equal to the token is 1 in 1,000)
        // Labels are the original ids, only where chosen; every other position changes only if chosen.
        Assert.True(Same(labels.masked_select(chosen), ids.masked_select(chosen)));
        Assert.True(Same(inputs.masked_select(chosen.logical_not()), ids.masked_select(chosen.logical_not())));
    }

    [Fact]
    public void Apply_SpecialTokensAndPadding_NeverChosen()
    {
        using var scope = NewDisposeScope();
        manual_seed(42);
        var (ids, mask) = Rows(200, 30);

        var (_, labels) = TokenMasking.Apply(ids, mask, [Cls, Sep], Mask, Vocabulary, rate: 0.9);

        var chosen = labels.ne(-100);
        Assert.False(chosen.logical_and(ids.eq(Cls).logical_or(ids.eq(Sep))).any().item<bool>());
        Assert.False(chosen.logical_and(mask.eq(0)).any().item<bool>());
        Assert.True(chosen.sum().item<long>() > 0);
    }

    [Fact]
    public void Apply_SameSeed_SameCorruption()
    {
        using var scope = NewDisposeScope();
        var (ids, mask) = Rows(50, 20);
        manual_seed(43);
        var first = TokenMasking.Apply(ids, mask, [Cls, Sep], Mask, Vocabulary);
        manual_seed(43);
        var second = TokenMasking.Apply(ids, mask, [Cls, Sep], Mask, Vocabulary);

        Assert.True(Same(first.Inputs, second.Inputs));
        Assert.True(Same(first.Labels, second.Labels));
    }

    [Theory]
    [InlineData(0.0)]
    [InlineData(1.0)]
    public void Apply_RateOutsideOpenUnitInterval_Throws(double rate)
    {
        using var scope = NewDisposeScope();
        var (ids, mask) = Rows(2, 8);
        Assert.Throws<ArgumentOutOfRangeException>(() => TokenMasking.Apply(ids, mask, [Cls, Sep], Mask, Vocabulary, rate));
    }

    private static bool Same(Tensor a, Tensor b) => a.shape.SequenceEqual(b.shape) && a.eq(b).all().item<bool>();
}
