using RankDistill.Activities.Pipeline;
using RankDistill.Activities.Reporting;

namespace RankDistill.Activities.Tests.Evaluation;

public sealed class PublishDecisionTests
{
    private static EvaluationResult Result(double teacher, double student) =>
        new(Metrics(teacher), Metrics(student), Metrics(0.3), 40, 100, 1500, "runs/r/report/report.json");

    private static RankerMetrics Metrics(double ndcg5) => new(ndcg5, ndcg5, ndcg5, ndcg5, 2.0, ndcg5);

    [Theory]
    [InlineData(0.80, 0.76, true)]    // exactly 0.95 of the teacher passes
    [InlineData(0.80, 0.7599, false)]
    [InlineData(0.00, 0.00, true)]    // a teacher at 0 asks nothing of the student
    public void Decide_TeacherFraction_GateAtTheBoundary(double teacher, double student, bool promote)
    {
        var (promoted, reason) = PublishDecision.Decide(Result(teacher, student), new PublishGates { MinStudentVsTeacher = 0.95 }, null);

        Assert.Equal(promote, promoted);
        Assert.Contains(FormattableString.Invariant($"Student NDCG@5 {student:0.0000}"), reason, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(0.70, true)]   // equal to the published model: not a regression
    [InlineData(0.7001, false)]
    public void Decide_PublishedModel_StudentMustNotFallBelowIt(double published, bool promote)
    {
        var (promoted, reason) = PublishDecision.Decide(Result(0.72, 0.70), new PublishGates(), new PublishDecision.Incumbent("old-run", published));

        Assert.Equal(promote, promoted);
        Assert.Contains(FormattableString.Invariant($"the published model (run old-run) scores {published:0.0000} on the same 40 test queries"), reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Decide_RegressionGateOff_IgnoresThePublishedModel()
    {
        var (promoted, reason) = PublishDecision.Decide(
            Result(0.72, 0.70), new PublishGates { RequireNoRegression = false }, new PublishDecision.Incumbent("old-run", 0.99));

        Assert.True(promoted);
        Assert.DoesNotContain("old-run", reason, StringComparison.Ordinal);
    }
}
