using System.Diagnostics;
using System.Net.Sockets;

namespace RankDistill.Testing;

/// <summary>
/// A real Azurite blob service (the one <c>scripts/install-test-tools</c> puts in <c>.tools/azurite</c>), on
/// 127.0.0.1 and a free port, persisting to a temporary folder (not in memory: tests and benchmarks write GBs).
/// Disposing it kills the process and deletes the folder. Plain .NET, so benchmarks can use it too.
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

    private AzuriteServer(Process process, int port, string folder, OutputTail output)
    {
        (_process, Port, _folder, _output) = (process, port, folder, output);
        AppDomain.CurrentDomain.ProcessExit += KillOnExit;
    }

    public int Port { get; }

    public Uri BlobEndpoint => new($"http://127.0.0.1:{Port}/{AccountName}");

    public string ConnectionString =>
        $"DefaultEndpointsProtocol=http;AccountName={AccountName};AccountKey={AccountKey};BlobEndpoint={BlobEndpoint};";

    /// <summary>Where the script installs Azurite; tests fail with this path and the fix when it is missing.</summary>
    public static string Executable => Path.Combine(RepositoryRoot.Path, ".tools", "azurite", "node_modules", ".bin", "azurite-blob");

    public static async Task<AzuriteServer> StartAsync(CancellationToken cancellationToken = default)
    {
        if (!File.Exists(Executable))
            throw new InvalidOperationException($"Azurite is not installed at {Executable}: run scripts/install-test-tools");
        // A free port can be taken by someone else before Azurite binds it; then try another.
        for (var attempt = 1; ; attempt++)
        {
            var port = FreePort.Next();
            var folder = Directory.CreateTempSubdirectory("rankdistill-azurite-").FullName;
            var output = new OutputTail();
            var process = Launch(port, folder, output);
            try
            {
                await WaitUntilListeningAsync(process, port, output, cancellationToken);
                return new AzuriteServer(process, port, folder, output);
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

    public override string ToString() => $"Azurite on port {Port} ({_output.Text.Length} chars of output)";

    private static Process Launch(int port, string folder, OutputTail output)
    {
        var start = new ProcessStartInfo(Executable)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in new[]
        {
            "--blobHost", "127.0.0.1", "--blobPort", port.ToString(System.Globalization.CultureInfo.InvariantCulture),
            "--location", folder, "--skipApiVersionCheck", "--silent",
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
