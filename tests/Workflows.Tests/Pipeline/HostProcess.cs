using System.Diagnostics;
using System.Text;

namespace RankDistill.Workflows.Tests.Pipeline;

/// <summary>The real host executable (<c>dotnet RankDistill.Workflows.dll …</c>) as a child process: output kept, killable with SIGKILL.</summary>
internal sealed class HostProcess : IDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _output = new();

    private HostProcess(Process process) => _process = process;

    public string Output
    {
        get
        {
            lock (_output)
                return _output.ToString();
        }
    }

    public bool HasExited => _process.HasExited;

    public int ExitCode => _process.ExitCode;

    public static HostProcess Start(string workingDirectory, params string[] args)
    {
        var start = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet")
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        // The host assembly is copied next to the tests by the project reference, in the same configuration.
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "RankDistill.Workflows.dll"));
        foreach (var arg in args)
            start.ArgumentList.Add(arg);
        // Settings the test runner's own environment may carry must not leak into the host under test.
        foreach (var name in start.Environment.Keys.Where(k => new[] { "Data__", "Storage__", "TaskHub__", "Torch__", "Pipeline__", "Dashboard__" }
                     .Any(p => k.StartsWith(p, StringComparison.OrdinalIgnoreCase))).ToList())
        {
            start.Environment.Remove(name);
        }
        var process = new Process { StartInfo = start };
        var host = new HostProcess(process);
        process.OutputDataReceived += (_, e) => host.Append(e.Data);
        process.ErrorDataReceived += (_, e) => host.Append(e.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return host;
    }

    /// <summary>kill -9: no shutdown code runs, leases and locks are left to expire.</summary>
    public void Kill()
    {
        _process.Kill(entireProcessTree: true);
        _process.WaitForExit();
    }

    public async Task<int> WaitForExitAsync(TimeSpan timeout)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        deadline.CancelAfter(timeout);
        await _process.WaitForExitAsync(deadline.Token);
        _process.WaitForExit(); // drains the redirected output
        return _process.ExitCode;
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
}
