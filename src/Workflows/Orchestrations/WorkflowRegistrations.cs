using RankDistill.Activities.Pipeline;
using RankDistill.Activities.Reporting;
using RankDistill.Durable.Hosting;

namespace RankDistill.Workflows.Orchestrations;

/// <summary>
/// The one list of the host's orchestrations and activities, so that demo, serve and worker processes
/// all know the same tasks (a worker that lacks one would fail the work it takes).
/// </summary>
public static class WorkflowRegistrations
{
    public static void Register(DurableTaskBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder
            .AddOrchestrator<DistillationPipeline>()
            .AddOrchestrator<TeacherLabelingShards>()
            .AddActivity<PrepareData>()
            .AddActivity<ContinuedPretraining>()
            .AddActivity<RankFinetuning>()
            .AddActivity<TeacherLabeling>()
            .AddActivity<StudentPretraining>()
            .AddActivity<Distillation>()
            .AddActivity<Evaluation>()
            .AddActivity<Publish>()
            .AddActivity<WriteRunManifest>();
    }
}
