namespace RankDistill.Durable.TestWorker;

/// <summary>One line per event, appended and flushed at once so a SIGKILL loses nothing written.</summary>
internal sealed class ExecutionLog(string path, string workerId)
{
    private readonly Lock _gate = new();

    public string WorkerId => workerId;

    public void Write(string line)
    {
        lock (_gate)
            File.AppendAllText(path, line + "\n");
    }
}
