using System.Diagnostics;
using System.Globalization;
using System.Text;

namespace RankDistill.Testing;

/// <summary>
/// A real PostgreSQL server for tests and benchmarks: <c>initdb</c> into a temporary folder, started with
/// <c>pg_ctl</c> on 127.0.0.1 and a free port (its socket in the same folder), stopped (<c>-m immediate</c>) and
/// deleted on dispose. PostgreSQL refuses to run as root, so as root the server commands run as the
/// <c>postgres</c> user (<c>runuser</c>) in a folder it owns. Plain .NET with no database driver, so every test
/// project and the benchmarks can compile it; databases are made with the server's own <c>createdb</c>.
/// </summary>
public sealed class PostgresServer : IAsyncDisposable
{
    /// <summary>
    /// Speed over durability, for tests only: no fsync, commits that do not wait for the WAL flush, no full-page
    /// images. A crash of the server may lose or corrupt data, which a throw-away test server never keeps.
    /// </summary>
    public static readonly IReadOnlyList<string> FastUnsafeSettings =
        ["fsync=off", "synchronous_commit=off", "full_page_writes=off"];

    private static readonly TimeSpan _timeout = TimeSpan.FromSeconds(60);
    private readonly string _bin;
    private readonly string _folder;

    private PostgresServer(string bin, string folder, int port)
    {
        (_bin, _folder, Port) = (bin, folder, port);
        AppDomain.CurrentDomain.ProcessExit += StopOnExit;
    }

    public int Port { get; }

    /// <summary>The data folder's log file, for error messages.</summary>
    public string LogFile => Path.Combine(_folder, "server.log");

    /// <summary>The cluster's data folder (its postmaster.pid names the server's main process).</summary>
    public string DataFolder => Path.Combine(_folder, "data");

    /// <summary>An Npgsql connection string for <paramref name="database"/> as the trusted superuser.</summary>
    public string ConnectionString(string database, string? applicationName = null) =>
        $"Host=127.0.0.1;Port={Port};Username=postgres;Database={database}" + (applicationName is null ? "" : $";Application Name={applicationName}");

    /// <summary>Where initdb and pg_ctl are: on PATH, or under /usr/lib/postgresql/VERSION/bin (Debian's layout).</summary>
    public static string? FindBinaries()
    {
        var onPath = (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':', StringSplitOptions.RemoveEmptyEntries)
            .Select(dir => Path.Combine(dir, "initdb")).FirstOrDefault(File.Exists);
        if (onPath is not null)
        {
            // Debian links initdb into /usr/local/bin or /usr/bin; createdb may only be beside the real file.
            var real = new FileInfo(onPath).ResolveLinkTarget(returnFinalTarget: true)?.FullName ?? onPath;
            return Path.GetDirectoryName(real);
        }
        return Directory.Exists("/usr/lib/postgresql")
            ? Directory.GetDirectories("/usr/lib/postgresql").Select(v => Path.Combine(v, "bin"))
                .Where(bin => File.Exists(Path.Combine(bin, "initdb"))).OrderDescending(StringComparer.Ordinal).FirstOrDefault()
            : null;
    }

    /// <param name="settings">Server settings (<c>name=value</c>); <see cref="FastUnsafeSettings"/> when null.</param>
    /// <param name="cancellationToken">Cancels the start.</param>
    public static async Task<PostgresServer> StartAsync(IEnumerable<string>? settings = null, CancellationToken cancellationToken = default)
    {
        var bin = FindBinaries() ?? throw new InvalidOperationException(
            "PostgreSQL is not installed: initdb was found neither on PATH nor under /usr/lib/postgresql/*/bin. Run scripts/install-test-tools.");
        var folder = Directory.CreateTempSubdirectory("rankdistill-pg-").FullName;
        try
        {
            if (IsRoot)
                await RunAsync("chown", ["postgres:", folder], asServerUser: false, cancellationToken);
            await RunAsync(Path.Combine(bin, "initdb"), ["-D", Path.Combine(folder, "data"), "-A", "trust", "-U", "postgres", "-E", "UTF8", "--no-sync", "--no-instructions"],
                asServerUser: true, cancellationToken);
            // A free port can be taken by someone else before the server binds it; then try another.
            for (var attempt = 1; ; attempt++)
            {
                var port = FreePort.Next();
                var server = new PostgresServer(bin, folder, port);
                var options = new StringBuilder($"-p {port} -k {folder} -c listen_addresses=127.0.0.1 -c max_connections=200");
                foreach (var setting in settings ?? FastUnsafeSettings)
                    options.Append(" -c ").Append(setting);
                try
                {
                    await RunAsync(Path.Combine(bin, "pg_ctl"), ["-D", server.DataFolder, "-l", server.LogFile, "-o", options.ToString(), "-w", "-t", "60", "start"],
                        asServerUser: true, cancellationToken);
                    return server;
                }
                catch (InvalidOperationException) when (attempt < 3 && File.Exists(server.LogFile) && File.ReadAllText(server.LogFile).Contains("could not bind", StringComparison.Ordinal))
                {
                    AppDomain.CurrentDomain.ProcessExit -= server.StopOnExit;
                    File.Delete(server.LogFile);
                }
            }
        }
        catch
        {
            Directory.Delete(folder, recursive: true);
            throw;
        }
    }

    /// <summary>Creates an empty database (from template0, so nothing of template1 leaks in).</summary>
    public Task CreateDatabaseAsync(string name, CancellationToken cancellationToken = default) =>
        RunAsync(Path.Combine(_bin, "createdb"), ["-h", "127.0.0.1", "-p", Port.ToString(CultureInfo.InvariantCulture), "-U", "postgres", "-T", "template0", name],
            asServerUser: false, cancellationToken);

    public async ValueTask DisposeAsync()
    {
        AppDomain.CurrentDomain.ProcessExit -= StopOnExit;
        try
        {
            await RunAsync(Path.Combine(_bin, "pg_ctl"), ["-D", DataFolder, "-m", "immediate", "-w", "stop"], asServerUser: true, CancellationToken.None);
        }
        finally
        {
            Directory.Delete(_folder, recursive: true);
        }
    }

    public override string ToString() => $"PostgreSQL on 127.0.0.1:{Port} ({DataFolder})";

    private void StopOnExit(object? sender, EventArgs e)
    {
        try
        {
            RunAsync(Path.Combine(_bin, "pg_ctl"), ["-D", DataFolder, "-m", "immediate", "stop"], asServerUser: true, CancellationToken.None).GetAwaiter().GetResult();
        }
        catch (InvalidOperationException)
        {
            // Already stopped; nothing else to do on the way out.
        }
    }

    private static bool IsRoot => string.Equals(Environment.UserName, "root", StringComparison.Ordinal);

    /// <summary>Runs a command to its end; fails with its output when it exits non-zero.</summary>
    private static async Task RunAsync(string file, IReadOnlyList<string> args, bool asServerUser, CancellationToken cancellationToken)
    {
        var start = new ProcessStartInfo(asServerUser && IsRoot ? "runuser" : file)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        if (asServerUser && IsRoot)
        {
            foreach (var arg in new[] { "-u", "postgres", "--", file })
                start.ArgumentList.Add(arg);
        }
        foreach (var arg in args)
            start.ArgumentList.Add(arg);
        using var process = Process.Start(start) ?? throw new InvalidOperationException($"{file} did not start");
        // pg_ctl start leaves the server holding inherited pipes: read to the end only once the command exits.
        var stdout = process.StandardOutput.ReadToEndAsync(cancellationToken);
        var stderr = process.StandardError.ReadToEndAsync(cancellationToken);
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(_timeout);
        await process.WaitForExitAsync(deadline.Token);
        if (process.ExitCode != 0)
        {
            var output = await Task.WhenAny(Task.WhenAll(stdout, stderr), Task.Delay(TimeSpan.FromSeconds(1), CancellationToken.None)) is Task<string[]> both
                ? string.Join('\n', both.Result)
                : "(no output)";
            throw new InvalidOperationException($"{Path.GetFileName(file)} {string.Join(' ', args)} exited with {process.ExitCode}: {output}");
        }
    }
}
