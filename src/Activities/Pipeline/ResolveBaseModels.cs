using Microsoft.DurableTask;
using Microsoft.Extensions.Logging;
using RankDistill.Activities.Reporting;
using RankDistill.Activities.Storage;
using RankDistill.TaskHub.Worker;

namespace RankDistill.Activities.Pipeline;

/// <summary>
/// Resolves <see cref="BaseModels.Published"/> when a run starts: the student and the teacher that
/// <c>models/published/current.json</c> names (the last promoted run's), read once so the whole run, retries included,
/// starts from the same models whatever is published meanwhile. With nothing published yet (the first drop), or a
/// published run from before teachers were published beside students, that role starts from a model made from the
/// settings, and the lineage says so.
/// </summary>
public sealed class ResolveBaseModels(IArtifactStore store, ActivityCancellation cancellation, ILogger<ResolveBaseModels> logger)
    : TaskActivity<StageRequest, BaseModels>
{
    public override async Task<BaseModels> RunAsync(TaskActivityContext context, StageRequest input)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(input);
        var current = await PublishedModel.ReadCurrentAsync(store, cancellation.Token);
        var settings = input.Settings;
        var teacher = settings.Teacher.BaseModel == BaseModels.Published ? current?.TeacherPath : settings.Teacher.BaseModel;
        var student = settings.Student.BaseModel == BaseModels.Published ? current?.Path : settings.Student.BaseModel;
        Logs.BaseModelsResolved(logger, input.RunId, current?.RunId ?? "none", teacher ?? "made from the settings", student ?? "made from the settings");
        return new BaseModels(teacher, student, current?.RunId);
    }
}
