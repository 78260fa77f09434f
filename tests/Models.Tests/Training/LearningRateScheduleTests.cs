using RankDistill.Models.Training;

namespace RankDistill.Models.Tests.Training;

public sealed class LearningRateScheduleTests
{
    private static readonly TrainerOptions _cosine = new() { TotalSteps = 11, LearningRate = 1.0, MinLearningRateRatio = 0.1, WarmupSteps = 1 };

    [Fact]
    public void At_Warmup_RisesLinearlyTowardsThePeak()
    {
        var options = _cosine with { WarmupSteps = 4 };
        Assert.Equal([0.2, 0.4, 0.6, 0.8], Enumerable.Range(0, 4).Select(s => Math.Round(LearningRateSchedule.At(options, s), 12)));
    }

    [Fact]
    public void At_Cosine_PeakAfterWarmupHalfwayMidpointFloorAtLastStep()
    {
        // Decay over steps 1..10: step 1 is the peak, step 10 (the last update) the floor.
        Assert.Equal(1.0, LearningRateSchedule.At(_cosine, 1), 12);
        Assert.Equal(0.1 + 0.5 * (1 + Math.Cos(Math.PI * 4 / 9)) * 0.9, LearningRateSchedule.At(_cosine, 5), 12);
        Assert.Equal(0.1, LearningRateSchedule.At(_cosine, 10), 12);
        Assert.Equal(0.1, LearningRateSchedule.At(_cosine, 50), 12);
    }

    [Fact]
    public void At_Linear_FallsInEqualSteps()
    {
        var options = _cosine with { Decay = DecayKind.Linear, MinLearningRateRatio = 0 };
        Assert.Equal(1.0, LearningRateSchedule.At(options, 1), 12);
        Assert.Equal(8.0 / 9, LearningRateSchedule.At(options, 2), 12);
        Assert.Equal(7.0 / 9, LearningRateSchedule.At(options, 3), 12);
    }

    [Fact]
    public void Validate_OutOfRange_NamesTheSetting()
    {
        var ex = Assert.Throws<ArgumentException>(() => (_cosine with { AccumulationSteps = 0 }).Validate());
        Assert.Contains("TrainerOptions.AccumulationSteps", ex.Message, StringComparison.Ordinal);
    }
}
