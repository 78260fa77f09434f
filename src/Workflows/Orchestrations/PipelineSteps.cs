using Microsoft.DurableTask;
using RankDistill.Activities.Data;
using RankDistill.Activities.Pipeline;

namespace RankDistill.Workflows.Orchestrations;

/// <summary>
/// How each step of <see cref="DistillationPipeline"/> is retried (durable timers between attempts, so a restart does
/// not shorten them). Which worker runs a step is decided by where it is registered (<see cref="WorkflowRegistrations"/>):
/// training and labelling on the gpu queue, the rest on the default queue.
/// </summary>
public static class PipelineSteps
{
    /// <summary>
    /// Errors no retry can fix: a drop without usable rows, and settings a step cannot use (ArgumentException and its
    /// kin, which the steps throw for a bad value, and <see cref="InvalidPipelineSettingsException"/>). Matched by exact
    /// type name on the failure and its inner failures.
    /// </summary>
    public static readonly IReadOnlySet<string> NonRetryableErrors = new HashSet<string>(StringComparer.Ordinal)
    {
        typeof(UnusableDropException).FullName!,
        typeof(InvalidPipelineSettingsException).FullName!,
        typeof(ArgumentException).FullName!,
        typeof(ArgumentOutOfRangeException).FullName!,
        typeof(ArgumentNullException).FullName!,
    };

    /// <summary>
    /// Reading and writing data, evaluating, publishing: a storage hiccup or a worker lost mid-step. Three attempts,
    /// 5 s then 10 s apart.
    /// </summary>
    public static TaskOptions Default { get; } = TaskOptions.FromRetryPolicy(
        new RetryPolicy(maxNumberOfAttempts: 3, firstRetryInterval: TimeSpan.FromSeconds(5), backoffCoefficient: 2) { HandleFailure = IsRetryable });

    /// <summary>
    /// Training and labelling: each attempt resumes from the step's last checkpoint (or finished shard), so a retry loses
    /// at most one checkpoint interval. Four attempts, 5 s, 10 s, 20 s apart: long enough for a GPU node to come back.
    /// </summary>
    public static TaskOptions Gpu { get; } = TaskOptions.FromRetryPolicy(
        new RetryPolicy(maxNumberOfAttempts: 4, firstRetryInterval: TimeSpan.FromSeconds(5), backoffCoefficient: 2, maxRetryInterval: TimeSpan.FromMinutes(2))
        {
            HandleFailure = IsRetryable,
        });

    /// <summary>False when the failure or one of its causes is one of <see cref="NonRetryableErrors"/>.</summary>
    public static bool IsRetryable(TaskFailureDetails failure)
    {
        for (var f = failure; f is not null; f = f.InnerFailure)
        {
            if (NonRetryableErrors.Contains(f.ErrorType))
                return false;
        }
        return true;
    }

    /// <summary>Where each stage's status starts, as the run's share done: training dominates the time.</summary>
    public static double ProgressAt(string stage) => stage switch
    {
        RunLayout.Stages.PrepareData => 0.0,
        RunLayout.Stages.ContinuedPretraining => 0.05,
        RunLayout.Stages.RankFinetuning => 0.35,
        RunLayout.Stages.TeacherLabeling => 0.5,
        RunLayout.Stages.StudentPretraining => 0.6,
        RunLayout.Stages.Distillation => 0.7,
        RunLayout.Stages.Evaluation => 0.9,
        RunLayout.Stages.Publish => 0.97,
        _ => 1.0,
    };
}
