using RankDistill.Models.Losses;
using static TorchSharp.torch;

namespace RankDistill.Models.Tests.Losses;

public sealed class DistillationLossTests
{
    // Query 1: three documents; query 2: one document and a padded slot with a wild score.
    private static (Tensor Student, Tensor Teacher, Tensor Mask) Batch() =>
    (
        tensor(new float[] { 1, 2, 4, 0, 1000, 0 }, [2, 3]).requires_grad_(),
        tensor(new float[] { 1.5f, 2, 3, 1, -1000, 0 }, [2, 3]),
        tensor(new[] { true, true, true, true, false, false }, [2, 3])
    );

    [Fact]
    public void PointwiseMse_MaskedLists_MeanOverRealDocuments()
    {
        using var scope = NewDisposeScope();
        var (student, teacher, mask) = Batch();

        // Squared errors 0.25, 0, 1 (query 1) and 1 (query 2) over four real documents.
        Assert.Equal(2.25 / 4, DistillationLoss.PointwiseMse(student, teacher, mask).item<float>(), 6);
    }

    [Fact]
    public void MarginMse_MaskedLists_MeanOverPairsWithinEachQuery()
    {
        using var scope = NewDisposeScope();
        var (student, teacher, mask) = Batch();

        // Query 1 gaps s - t: -0.5, 0, 1. Pair errors squared: 0.25, 2.25, 1, each pair taken both ways.
        // Query 2 has one document: no pair.
        Assert.Equal(3.5 / 3, DistillationLoss.MarginMse(student, teacher, mask).item<float>(), 6);
    }

    [Fact]
    public void Compute_AlphaBeta_WeighsTheTwoTerms()
    {
        using var scope = NewDisposeScope();
        var (student, teacher, mask) = Batch();

        var loss = DistillationLoss.Compute(student, teacher, mask, alpha: 0.5, beta: 2);

        Assert.Equal(0.5 * 2.25 / 4 + 2 * 3.5 / 3, loss.item<float>(), 5);
    }

    [Fact]
    public void Compute_PaddedPositions_GetZeroGradient()
    {
        using var scope = NewDisposeScope();
        var (student, teacher, mask) = Batch();

        DistillationLoss.Compute(student, teacher, mask).backward();

        Assert.Equal(0f, student.grad!.masked_select(mask.logical_not()).abs().sum().item<float>());
    }

    [Fact]
    public void MarginMse_StudentOffsetByConstant_IsZero()
    {
        using var scope = NewDisposeScope();
        var teacher = tensor(new float[] { 0.3f, -1, 2 }, [1, 3]);
        var mask = ones(1, 3, dtype: ScalarType.Bool);

        Assert.Equal(0f, DistillationLoss.MarginMse(teacher + 5, teacher, mask).item<float>(), 5);
    }
}
