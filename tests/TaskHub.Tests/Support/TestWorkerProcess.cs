using System.Diagnostics;
using System.Text;

namespace RankDistill.TaskHub.Tests.Support;

/// <summary>A worker process (tests/TaskHub.TestWorker, run with <c>dotnet DLL</c>) on a test hub; killed with SIGKILL.</summary>
public sealed class TestWorkerProcess : IDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _output = new();

    private TestWorkerProcess(Process process) => _process = process;

    public string Output
    {
        get
        {
            lock (_output)
                return _output.ToString();
        }
    }

    /// <summary>Starts a worker named <paramref name="name"/>; it writes "ready NAME" to the journal once it serves.</summary>
    public static TestWorkerProcess Start(SqliteHub hub, string journal, string name, params string[] flags) =>
        Launch(["--db", hub.FilePath, "--hub", hub.HubName, "--name", name, "--journal", journal, .. flags], new Dictionary<string, string>());

    /// <summary>
    /// Starts a worker named <paramref name="name"/> as the product hosts one (<c>--sdk</c>: AddTaskHub ... AddWorkers) on
    /// <paramref name="hub"/>; it writes "ready NAME" to the journal once its worker polls the hub.
    /// </summary>
    public static TestWorkerProcess StartSdk(HostedTaskHub hub, string journal, string name, params string[] flags) =>
        Launch([.. hub.WorkerProcessArguments, "--name", name, "--journal", journal, .. flags], hub.WorkerProcessEnvironment);

    private static TestWorkerProcess Launch(string[] arguments, IReadOnlyDictionary<string, string> environment)
    {
        var info = new ProcessStartInfo(DotnetHost()) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        info.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "RankDistill.TaskHub.TestWorker.dll"));
        foreach (var argument in arguments)
            info.ArgumentList.Add(argument);
        foreach (var (name, value) in environment)
            info.Environment[name] = value;
        var process = Process.Start(info) ?? throw new InvalidOperationException("The test worker did not start.");
        var worker = new TestWorkerProcess(process);
        process.OutputDataReceived += (_, e) => worker.Append(e.Data);
        process.ErrorDataReceived += (_, e) => worker.Append(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return worker;
    }

    /// <summary>kill -9: no shutdown code runs, open transactions are never committed.</summary>
    public void Kill()
    {
        _process.Kill(entireProcessTree: true);
        _process.WaitForExit();
    }

    public void Dispose()
    {
        if (!_process.HasExited)
            Kill();
        _process.Dispose();
    }

    private void Append(string? line)
    {
        if (line is null)
            return;
        lock (_output)
            _output.AppendLine(line);
    }

    private static string DotnetHost() =>
        Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host && File.Exists(host) ? host : "dotnet";
}
