using System.Diagnostics;
using System.Text;
using RankDistill.Testing;

namespace RankDistill.Durable.Tests.Crash;

/// <summary>A real worker process (tests/Durable.TestWorker) on a shared hub; killed with SIGKILL.</summary>
internal sealed class WorkerProcess : IDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _output = new();

    private WorkerProcess(Process process)
    {
        _process = process;
    }

    public string Output
    {
        get
        {
            lock (_output)
                return _output.ToString();
        }
    }

    public bool HasExited => _process.HasExited;

    /// <summary>Starts the worker on a SQLite hub file; its log gets "ready ID" once it serves.</summary>
    public static WorkerProcess Start(string database, string log, string id, params string[] extra) =>
        StartWith(log, id, ["--db", database, .. extra]);

    /// <summary>Starts the worker with its backend given in <paramref name="args"/> (see its Program.cs).</summary>
    public static WorkerProcess StartWith(string log, string id, IEnumerable<string> args)
    {
        var info = new ProcessStartInfo(DotnetHost())
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in (string[])["exec", WorkerAssembly(), "--log", log, "--id", id, .. args])
            info.ArgumentList.Add(arg);
        var process = Process.Start(info) ?? throw new InvalidOperationException("The test worker did not start.");
        var worker = new WorkerProcess(process);
        process.OutputDataReceived += (_, e) => worker.Append(e.Data);
        process.ErrorDataReceived += (_, e) => worker.Append(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return worker;
    }

    /// <summary>kill -9.</summary>
    public void Kill()
    {
        _process.Kill(entireProcessTree: true);
        _process.WaitForExit();
    }

    public async Task WaitForExitAsync(TimeSpan timeout)
    {
        using var deadline = new CancellationTokenSource(timeout);
        await _process.WaitForExitAsync(deadline.Token);
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

    /// <summary>The worker built next to these tests: same configuration (Debug/Release), same framework.</summary>
    private static string WorkerAssembly()
    {
        var framework = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar));
        var configuration = framework.Parent!.Name;
        var path = Path.Combine(RepositoryRoot.Path, "tests", "Durable.TestWorker", "bin", configuration, framework.Name, "RankDistill.Durable.TestWorker.dll");
        return File.Exists(path)
            ? path
            : throw new FileNotFoundException($"The test worker is not built at {path}; it builds with the test project (dotnet build tests/Durable.Tests).");
    }

    private static string DotnetHost() =>
        Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host && File.Exists(host) ? host : "dotnet";
}
