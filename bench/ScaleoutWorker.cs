using System.Diagnostics;
using System.Globalization;
using Microsoft.Extensions.Hosting;
using RankDistill.Durable.Hosting;

namespace RankDistill.Bench;

/// <summary>
/// One worker process of the scale-out benchmark: the benchmark starts its own executable again with
/// <c>scaleout --worker sqlite PATH</c> or <c>scaleout --worker postgres CONNECTION SCHEMA</c>. It serves
/// no-op activities and the fan-out orchestration, prints "ready" once serving, and runs until killed.
/// </summary>
internal static class ScaleoutWorker
{
    /// <summary>Activities and orchestration steps at once per process (as in the engine benchmark).</summary>
    public const int Activities = 8;
    public const int Orchestrations = 2;

    public static void Register(DurableTaskBuilder builder) => builder
        .AddActivity<int, int>("Noop", (_, x) => Task.FromResult(x))
        .AddOrchestrator<int, int>("FanOut", async (ctx, n) =>
            (await Task.WhenAll(Enumerable.Range(0, n).Select(_ => ctx.CallActivityAsync<int>("Noop", 1)))).Sum());

    public static async Task<int> RunAsync(string[] args, CancellationToken cancellationToken)
    {
        var builder = new HostApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true, Args = [] });
        builder.Services.AddDurableTask(b => Register(args[0] == "postgres" ? b.UsePostgres(args[1], o => o.SchemaName = args[2]) : b.UseSqlite(args[1])));
        builder.Services.AddDurableTaskWorker(o =>
        {
            o.Queues["default"] = Activities;
            o.MaxConcurrentOrchestrations = Orchestrations;
            // Work from the benchmark process reaches a SQLite worker only by polling; keep its wait short.
            o.MaxPollInterval = TimeSpan.FromMilliseconds(100);
        });
        using var host = builder.Build();
        await host.StartAsync(cancellationToken);
        Console.WriteLine("ready");
        await host.WaitForShutdownAsync(cancellationToken);
        return 0;
    }

    /// <summary>Starts a worker process (this executable, in worker mode) and waits until it serves.</summary>
    public static async Task<Process> StartAsync(IEnumerable<string> backendArgs, CancellationToken cancellationToken)
    {
        var self = Environment.ProcessPath ?? "dotnet";
        var start = new ProcessStartInfo(self) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        if (Path.GetFileNameWithoutExtension(self) == "dotnet")
            start.ArgumentList.Add(typeof(ScaleoutWorker).Assembly.Location);
        foreach (var arg in (string[])["scaleout", "--worker", .. backendArgs])
            start.ArgumentList.Add(arg);
        var process = Process.Start(start) ?? throw new InvalidOperationException("the worker process did not start");
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) Console.Error.WriteLine($"  worker {process.Id}: {e.Data}"); };
        process.BeginErrorReadLine();
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(TimeSpan.FromSeconds(60));
        while (await process.StandardOutput.ReadLineAsync(deadline.Token) is { } line)
        {
            if (line == "ready")
            {
                _ = process.StandardOutput.ReadToEndAsync(CancellationToken.None); // keep the pipe drained
                return process;
            }
        }
        throw new InvalidOperationException($"worker {process.Id} exited with {process.ExitCode.ToString(CultureInfo.InvariantCulture)} before it was ready");
    }
}
