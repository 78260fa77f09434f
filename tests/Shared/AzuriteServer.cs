using System.Diagnostics;
using System.Net.Sockets;

namespace RankDistill.Testing;

/// <summary>
/// A real Azurite (the one <c>scripts/install-test-tools</c> puts in <c>.tools/azurite</c>) with its blob, queue and
/// table services, each on 127.0.0.1 and a free port, persisting to a temporary folder (not in memory: tests and
/// benchmarks write GBs). The blob service is what the artifact stores use; the Durable Task Framework's Azure
/// Storage provider needs all three. Disposing it kills the process and deletes the folder. Plain .NET, so
/// benchmarks can use it too.
/// </summary>
public sealed class AzuriteServer : IAsyncDisposable
{
    public const string AccountName = "devstoreaccount1";

    /// <summary>Azurite's well-known development key (public, documented; it opens nothing but a local emulator).</summary>
    public const string AccountKey = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";

    private static readonly TimeSpan _startTimeout = TimeSpan.FromSeconds(60);
    private readonly Process _process;
    private readonly string _folder;
    private readonly OutputTail _output;

    private AzuriteServer(Process process, Ports ports, string folder, OutputTail output)
    {
        (_process, _folder, _output) = (process, folder, output);
        (Port, QueuePort, TablePort) = (ports.Blob, ports.Queue, ports.Table);
        AppDomain.CurrentDomain.ProcessExit += KillOnExit;
    }

    /// <summary>The blob service's port.</summary>
    public int Port { get; }

    public int QueuePort { get; }

    public int TablePort { get; }

    public Uri BlobEndpoint => new($"http://127.0.0.1:{Port}/{AccountName}");

    public Uri QueueEndpoint => new($"http://127.0.0.1:{QueuePort}/{AccountName}");

    public Uri TableEndpoint => new($"http://127.0.0.1:{TablePort}/{AccountName}");

    /// <summary>All three endpoints: blob clients read the blob one, the Azure Storage task hub all of them.</summary>
    public string ConnectionString =>
        $"DefaultEndpointsProtocol=http;AccountName={AccountName};AccountKey={AccountKey};"
        + $"BlobEndpoint={BlobEndpoint};QueueEndpoint={QueueEndpoint};TableEndpoint={TableEndpoint};";

    /// <summary>Where the script installs Azurite; tests fail with this path and the fix when it is missing.</summary>
    public static string Executable => Path.Combine(RepositoryRoot.Path, ".tools", "azurite", "node_modules", ".bin", "azurite");

    public static async Task<AzuriteServer> StartAsync(CancellationToken cancellationToken = default)
    {
        if (!File.Exists(Executable))
            throw new InvalidOperationException($"Azurite is not installed at {Executable}: run scripts/install-test-tools");
        // A free port can be taken by someone else before Azurite binds it; then try another.
        for (var attempt = 1; ; attempt++)
        {
            var ports = new Ports(FreePort.Next(), FreePort.Next(), FreePort.Next());
            var folder = Directory.CreateTempSubdirectory("rankdistill-azurite-").FullName;
            var output = new OutputTail();
            var process = Launch(ports, folder, output);
            try
            {
                foreach (var port in new[] { ports.Blob, ports.Queue, ports.Table })
                    await WaitUntilListeningAsync(process, port, output, cancellationToken);
                return new AzuriteServer(process, ports, folder, output);
            }
            catch (Exception) when (attempt < 3 && process.HasExited && output.Text.Contains("EADDRINUSE", StringComparison.Ordinal))
            {
                Directory.Delete(folder, recursive: true);
            }
            catch
            {
                Stop(process);
                Directory.Delete(folder, recursive: true);
                throw;
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        AppDomain.CurrentDomain.ProcessExit -= KillOnExit;
        Stop(_process);
        await _process.WaitForExitAsync();
        _process.Dispose();
        try
        {
            Directory.Delete(_folder, recursive: true);
        }
        catch (IOException)
        {
            // A file Azurite had open may linger for a moment after it died; the folder is in /tmp either way.
        }
    }

    public override string ToString() => $"Azurite on ports {Port}, {QueuePort}, {TablePort} ({_output.Text.Length} chars of output)";

    private static Process Launch(Ports ports, string folder, OutputTail output)
    {
        var start = new ProcessStartInfo(Executable)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in new[]
        {
            "--blobHost", "127.0.0.1", "--blobPort", ports.Blob.ToString(System.Globalization.CultureInfo.InvariantCulture),
            "--queueHost", "127.0.0.1", "--queuePort", ports.Queue.ToString(System.Globalization.CultureInfo.InvariantCulture),
            "--tableHost", "127.0.0.1", "--tablePort", ports.Table.ToString(System.Globalization.CultureInfo.InvariantCulture),
            // Newer SDKs speak API versions Azurite does not know; loose mode ignores headers it does not support.
            "--location", folder, "--skipApiVersionCheck", "--loose", "--disableTelemetry", "--silent",
        })
        {
            start.ArgumentList.Add(arg);
        }
        var process = new Process { StartInfo = start };
        process.OutputDataReceived += (_, e) => output.Add(e.Data);
        process.ErrorDataReceived += (_, e) => output.Add(e.Data);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return process;
    }

    private static async Task WaitUntilListeningAsync(Process process, int port, OutputTail output, CancellationToken cancellationToken)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(_startTimeout);
        while (true)
        {
            if (process.HasExited)
                throw new InvalidOperationException($"Azurite exited with code {process.ExitCode} before listening: {output.Text}");
            try
            {
                using var client = new TcpClient();
                await client.ConnectAsync("127.0.0.1", port, deadline.Token);
                return;
            }
            catch (SocketException)
            {
                // Not listening yet: wait a moment, or less if the process exits meanwhile.
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                throw new TimeoutException($"Azurite did not listen on port {port} within {_startTimeout}: {output.Text}");
            }
            await Task.WhenAny(process.WaitForExitAsync(deadline.Token), Task.Delay(50, deadline.Token));
        }
    }

    private static void Stop(Process process)
    {
        try
        {
            process.Kill(entireProcessTree: true);
        }
        catch (InvalidOperationException)
        {
            // Already exited.
        }
    }

    private void KillOnExit(object? sender, EventArgs e) => Stop(_process);

    private readonly record struct Ports(int Blob, int Queue, int Table);

    /// <summary>The last lines Azurite printed, for error messages.</summary>
    private sealed class OutputTail
    {
        private readonly Queue<string> _lines = new();

        public string Text
        {
            get
            {
                lock (_lines)
                    return string.Join('\n', _lines);
            }
        }

        public void Add(string? line)
        {
            if (line is null)
                return;
            lock (_lines)
            {
                _lines.Enqueue(line);
                if (_lines.Count > 40)
                    _lines.Dequeue();
            }
        }
    }
}
