using RankDistill.TaskHub.TestWorker;

namespace RankDistill.TaskHub.Tests.Support;

/// <summary>
/// Worker processes (tests/TaskHub.TestWorker --sdk: the product's hosting) on a <see cref="HostedTaskHub"/>, all writing
/// one journal in the hub's folder; any still running are killed at the end.
/// </summary>
public sealed class WorkerProcesses(HostedTaskHub hub) : IDisposable
{
    private readonly List<TestWorkerProcess> _workers = [];

    public string Journal => Path.Combine(hub.Folder, "journal.log");

    /// <summary>The journal's lines that start with <paramref name="prefix"/>, in the order written.</summary>
    public IReadOnlyList<string> Lines(string prefix) => [.. CrashWorld.Read(Journal).Where(l => l.StartsWith(prefix, StringComparison.Ordinal))];

    /// <summary>Starts a worker named <paramref name="name"/> and waits until it polls the hub.</summary>
    public async Task<TestWorkerProcess> StartAsync(string name, params string[] flags)
    {
        var worker = TestWorkerProcess.StartSdk(hub, Journal, name, flags);
        _workers.Add(worker);
        await JournalHasAsync($"ready {name}", worker);
        return worker;
    }

    public Task JournalHasAsync(string line, TestWorkerProcess worker) =>
        Eventually.TrueAsync(() => CrashWorld.Read(Journal).Contains(line), hub.Patience, () => $"'{line}' in the journal; worker output: {worker.Output}");

    public void Dispose()
    {
        foreach (var worker in _workers)
            worker.Dispose();
    }
}
