using RankDistill.Workflows.Dashboard.Api;

namespace RankDistill.Workflows.Dashboard;

/// <summary>
/// Reading and controlling pipelines, either on the local task hub (<see cref="LocalPipelineControl"/>) or through a
/// dashboard's JSON API (<see cref="DashboardApiClient"/>), with the same shapes and the same errors, so the CLI's
/// <c>status</c>, <c>terminate</c> and <c>rewind</c> work the same both ways.
/// </summary>
/// <remarks>Errors: <see cref="InstanceNotFoundException"/> for an unknown id on actions, <see cref="InvalidOperationException"/>
/// when the status does not allow an action, <see cref="DashboardApiException"/> for any other refusal of a remote host.</remarks>
public interface IPipelineControl : IDisposable
{
    /// <summary>Where the instances live, for messages: a task hub file or a dashboard URL.</summary>
    string Location { get; }

    Task<InstanceList> ListAsync(InstanceListQuery query, CancellationToken cancellationToken);

    /// <returns>Null when no instance has the id.</returns>
    Task<InstanceDetail?> GetAsync(string instanceId, CancellationToken cancellationToken);

    /// <returns>Null when no instance has the id.</returns>
    Task<Timeline?> GetTimelineAsync(string instanceId, CancellationToken cancellationToken);

    Task<ActionResult> TerminateAsync(string instanceId, string? reason, CancellationToken cancellationToken);

    Task<ActionResult> RewindAsync(string instanceId, string? reason, CancellationToken cancellationToken);
}
