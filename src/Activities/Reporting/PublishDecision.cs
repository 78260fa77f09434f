using System.Globalization;
using RankDistill.Activities.Pipeline;

namespace RankDistill.Activities.Reporting;

/// <summary>The publish gates applied to numbers already measured: whether to promote, and why in words with the numbers.</summary>
public static class PublishDecision
{
    /// <summary>The current model's NDCG@5 re-measured on this run's test set.</summary>
    public sealed record Incumbent(string RunId, double Ndcg5);

    /// <summary>
    /// Gate 1: student NDCG@5 ≥ <see cref="PublishGates.MinStudentVsTeacher"/> × teacher NDCG@5.
    /// Gate 2 (when <see cref="PublishGates.RequireNoRegression"/> and a model is published): student NDCG@5 ≥ the
    /// published model's on the same test queries; equal passes, so a re-run of the same student is not refused.
    /// </summary>
    public static (bool Promote, string Reason) Decide(EvaluationResult evaluation, PublishGates gates, Incumbent? incumbent)
    {
        ArgumentNullException.ThrowIfNull(evaluation);
        ArgumentNullException.ThrowIfNull(gates);
        double student = evaluation.Student.Ndcg5, teacher = evaluation.Teacher.Ndcg5, needed = gates.MinStudentVsTeacher * teacher;
        var first = Invariant($"Student NDCG@5 {student:0.0000} is {evaluation.StudentVsTeacher:0.0000} of the teacher's {teacher:0.0000} (gate: at least {gates.MinStudentVsTeacher:0.###}, i.e. {needed:0.0000})");
        if (!(student >= needed))
            return (false, first + ".");
        if (!gates.RequireNoRegression)
            return (true, first + "; the no-regression gate is off.");
        if (incumbent is null)
            return (true, first + "; no model is published yet.");
        var second = Invariant($"the published model (run {incumbent.RunId}) scores {incumbent.Ndcg5:0.0000} on the same {evaluation.TestQueries} test queries");
        return student >= incumbent.Ndcg5
            ? (true, Invariant($"{first}; {second}, not above the student."))
            : (false, Invariant($"{first}, but {second}: the student ({student:0.0000}) would be a regression."));
    }

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
