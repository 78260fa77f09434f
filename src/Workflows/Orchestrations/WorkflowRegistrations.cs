using RankDistill.Activities.Ablation;
using RankDistill.Activities.Pipeline;
using RankDistill.Activities.Reporting;
using RankDistill.TaskHub;
using RankDistill.TaskHub.Hosting;

namespace RankDistill.Workflows.Orchestrations;

/// <summary>
/// The one list of the host's orchestrations and activities and the queue each runs on, so that demo, serve and worker
/// processes all know the same tasks. The gpu queue's activities are the steps that want a GPU: a default-queue
/// worker forwards them to the gpu hub, where only GPU workers run them.
/// </summary>
public static class WorkflowRegistrations
{
    public static TaskHubBuilder AddPipelineTasks(this TaskHubBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        return builder
            .AddTasks(TaskQueues.Default, tasks => tasks
                .AddOrchestrator<DistillationPipeline>()
                .AddOrchestrator<TeacherLabelingShards>()
                .AddOrchestrator<AblationStudy>()
                .AddActivity<ResolveBaseModels>()
                .AddActivity<PrepareData>()
                .AddActivity<Evaluation>()
                .AddActivity<Publish>()
                .AddActivity<WriteRunManifest>()
                .AddActivity<ArmEvaluation>()
                .AddActivity<AblationReport>())
            .AddTasks(TaskQueues.Gpu, tasks => tasks
                .AddActivity<ContinuedPretraining>()
                .AddActivity<RankFinetuning>()
                .AddActivity<TeacherLabeling>()
                .AddActivity<StudentPretraining>()
                .AddActivity<Distillation>());
    }
}
