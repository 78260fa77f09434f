using System.Diagnostics;
using System.Globalization;
using System.Runtime;
using Microsoft.Extensions.Hosting;
using RankDistill.TaskHub;

namespace RankDistill.Bench;

/// <summary>
/// One worker process of the scale-out benchmark: the benchmark starts its own executable again with
/// <c>scaleout --worker sqlite PATH HUB</c> or <c>scaleout --worker azure HUB</c> (the Azure Storage connection string
/// in <see cref="ConnectionVariable"/>, not on a command line). It runs a default-queue worker of the
/// <see cref="BenchTasks"/>, prints "ready" once serving, then every <see cref="ReportInterval"/> "jit MS" (the time its
/// JIT has spent compiling, for <see cref="Warmup"/>), and runs until killed.
/// </summary>
internal static class ScaleoutWorker
{
    /// <summary>Activities at once per process (as in the engine benchmark).</summary>
    public const int Activities = 8;

    /// <summary>Work from the benchmark process reaches a worker only by polling; keep its idle wait short.</summary>
    public static readonly TimeSpan MaxPollInterval = TimeSpan.FromMilliseconds(100);

    public const string ConnectionVariable = "RANKDISTILL_BENCH_AZURE_STORAGE";

    /// <summary>How often a worker reports its JIT time.</summary>
    public static readonly TimeSpan ReportInterval = TimeSpan.FromMilliseconds(100);

    /// <summary>The task hub settings of <c>sqlite PATH HUB</c> or <c>azure HUB</c>.</summary>
    public static TaskHubOptions Options(IReadOnlyList<string> args, string? connectionString) => args switch
    {
        ["sqlite", var path, var hub] => new TaskHubOptions { Kind = TaskHubKind.Sqlite, SqlitePath = path, Name = hub, MaxPollInterval = MaxPollInterval },
        ["azure", var hub] => new TaskHubOptions { Kind = TaskHubKind.AzureStorage, ConnectionString = connectionString, Name = hub, MaxPollInterval = MaxPollInterval },
        _ => throw new ArgumentException($"expected 'sqlite PATH HUB' or 'azure HUB', not '{string.Join(' ', args)}'", nameof(args)),
    };

    public static async Task<int> RunAsync(string[] args, CancellationToken cancellationToken)
    {
        var builder = new HostApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true, Args = [] });
        builder.Services.AddBenchTaskHub(Options(args, Environment.GetEnvironmentVariable(ConnectionVariable))).AddWorkers(new Dictionary<string, int> { [TaskQueues.Default] = Activities });
        var host = builder.Build();
        await host.StartAsync(cancellationToken);
        Console.WriteLine("ready");
        using var report = new PeriodicTimer(ReportInterval);
        try
        {
            while (await report.WaitForNextTickAsync(cancellationToken))
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"jit {JitInfo.GetCompilationTime().TotalMilliseconds:F1}"));
        }
        catch (OperationCanceledException)
        {
            // Ctrl+C; the benchmark itself kills its workers.
        }
        await host.StopAsync(CancellationToken.None);
        await ((IAsyncDisposable)host).DisposeAsync();
        return 0;
    }

    /// <summary>Starts a worker process (this executable, in worker mode) and waits until it serves.</summary>
    public static async Task<WorkerProcess> StartAsync(IEnumerable<string> hubArgs, string? connectionString, CancellationToken cancellationToken)
    {
        var self = Environment.ProcessPath ?? "dotnet";
        var start = new ProcessStartInfo(self) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        if (Path.GetFileNameWithoutExtension(self) == "dotnet")
            start.ArgumentList.Add(typeof(ScaleoutWorker).Assembly.Location);
        foreach (var arg in (string[])["scaleout", "--worker", .. hubArgs])
            start.ArgumentList.Add(arg);
        if (connectionString is not null)
            start.Environment[ConnectionVariable] = connectionString;
        var process = Process.Start(start) ?? throw new InvalidOperationException("the worker process did not start");
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) Console.Error.WriteLine($"  worker {process.Id}: {e.Data}"); };
        process.BeginErrorReadLine();
        try
        {
            using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            deadline.CancelAfter(TimeSpan.FromSeconds(60));
            while (await process.StandardOutput.ReadLineAsync(deadline.Token) is { } line)
            {
                if (line == "ready")
                    return new WorkerProcess(process);
            }
            throw new InvalidOperationException($"worker {process.Id} exited with {process.ExitCode.ToString(CultureInfo.InvariantCulture)} before it was ready");
        }
        catch
        {
            process.Kill(entireProcessTree: true);
            process.Dispose();
            throw;
        }
    }
}

/// <summary>A running worker process and the JIT time it last reported.</summary>
internal sealed class WorkerProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly Task _reading;
    private double _jitMilliseconds;

    public WorkerProcess(Process process)
    {
        _process = process;
        _reading = ReadAsync();
    }

    public int Id => _process.Id;

    public TimeSpan Jit => TimeSpan.FromMilliseconds(Volatile.Read(ref _jitMilliseconds));

    public async ValueTask DisposeAsync()
    {
        _process.Kill(entireProcessTree: true);
        await _process.WaitForExitAsync(CancellationToken.None);
        await _reading;
        _process.Dispose();
    }

    /// <summary>Keeps the pipe drained and the last "jit MS" line read.</summary>
    private async Task ReadAsync()
    {
        while (await _process.StandardOutput.ReadLineAsync() is { } line)
        {
            if (line.StartsWith("jit ", StringComparison.Ordinal) && double.TryParse(line.AsSpan(4), CultureInfo.InvariantCulture, out var ms))
                Volatile.Write(ref _jitMilliseconds, ms);
        }
    }
}
