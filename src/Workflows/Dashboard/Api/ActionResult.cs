using Microsoft.DurableTask.Client;

namespace RankDistill.Workflows.Dashboard.Api;

/// <summary>
/// What a POST action did. Control actions are queued: <see cref="Status"/> is the status right after the request,
/// and the instance reacts at its next step (the page shows it on the next refresh).
/// </summary>
public sealed record ActionResult(string InstanceId, string Action, OrchestrationRuntimeStatus? Status, string Message);

/// <summary>The body of terminate, suspend, resume and rewind: an optional reason kept in the history.</summary>
public sealed record ActionRequest(string? Reason);

/// <summary>The anti-forgery token (<c>GET /api/antiforgery</c>): send <see cref="Token"/> in header <see cref="HeaderName"/> with every POST.</summary>
public sealed record AntiforgeryToken(string HeaderName, string Token);
