using DurableTask.Core;

namespace RankDistill.TaskHub;

/// <summary>
/// One task hub as this process reaches it: its provider's worker side and client side (one object for every provider
/// here), shared by the process's worker and clients of that hub.
/// </summary>
public sealed record TaskHubConnection(string Queue, string Name, IOrchestrationService Service, IOrchestrationServiceClient Client);
