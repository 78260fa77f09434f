using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

using RankDistill.Workflows.Tests.Infra;

namespace RankDistill.Workflows.Tests.Pipeline;

/// <summary>
/// The real host executable (<c>dotnet RankDistill.Workflows.dll …</c>) as a child process: output kept, killable with
/// SIGKILL. <see cref="StartAtTerminal"/> runs it as a person does, on a pseudo-terminal (util-linux <c>script</c>), so
/// the progress bars, colours and Ctrl+C take the paths a redirected run never takes.
/// </summary>
internal sealed partial class HostProcess : IDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _output = new();
    private readonly StringBuilder _standardOutput = new();
    private readonly StringBuilder _standardError = new();

    private HostProcess(Process process) => _process = process;

    /// <summary>Everything the process wrote, stdout and stderr, as written (escape sequences included at a terminal).</summary>
    public string Output
    {
        get
        {
            lock (_output)
                return _output.ToString();
        }
    }

    /// <summary>Stdout and stderr apart, for commands whose answer must go to one of them.</summary>
    public ProcessResult Result
    {
        get
        {
            lock (_output)
                return new ProcessResult(_process.HasExited ? _process.ExitCode : -1, _standardOutput.ToString(), _standardError.ToString());
        }
    }

    /// <summary>What a person sees of <see cref="Output"/>: escape sequences and carriage returns removed.</summary>
    public string Visible => Escapes().Replace(Output, "").Replace("\r", "", StringComparison.Ordinal);

    public bool HasExited => _process.HasExited;

    public int ExitCode => _process.ExitCode;

    public static HostProcess Start(string workingDirectory, params string[] args)
    {
        var start = new ProcessStartInfo(DotNet) { WorkingDirectory = workingDirectory };
        start.ArgumentList.Add(HostAssembly);
        foreach (var arg in args)
            start.ArgumentList.Add(arg);
        return Start(start);
    }

    /// <summary>Runs a command that ends by itself (submit, status, …) to its exit.</summary>
    public static async Task<ProcessResult> RunAsync(string workingDirectory, params string[] args)
    {
        using var host = Start(workingDirectory, args);
        await host.WaitForExitAsync(TimeSpan.FromMinutes(2));
        return host.Result;
    }

    /// <summary>
    /// The host on an 80×30 pseudo-terminal with <c>TERM=xterm-256color</c>; <paramref name="environment"/> adds to it
    /// (e.g. <c>NO_COLOR</c>). Its output arrives as the terminal shows it (CR LF line ends, escape sequences).
    /// </summary>
    public static HostProcess StartAtTerminal(string workingDirectory, IReadOnlyDictionary<string, string>? environment, params string[] args)
    {
        // A terminal's Ctrl+C must reach the host even when the tests run in the background of a shell without job
        // control, which starts them with SIGINT ignored (inherited, and .NET keeps an ignored SIGINT ignored):
        // perl (Debian's essential perl-base) restores the default before it becomes the host.
        var command = string.Join(' ', new[] { "perl", "-e", "$SIG{INT} = 'DEFAULT'; exec { $ARGV[0] } @ARGV or die \"exec $ARGV[0]: $!\\n\"", DotNet, HostAssembly }
            .Concat(args).Select(ShellQuote));
        // script: -q no banner, -e the child's exit code, -c the command; the typescript goes nowhere.
        var start = new ProcessStartInfo("script") { WorkingDirectory = workingDirectory, RedirectStandardInput = true };
        foreach (var arg in new[] { "-qec", $"stty cols 80 rows 30; exec {command}", "/dev/null" })
            start.ArgumentList.Add(arg);
        start.Environment["TERM"] = "xterm-256color";
        foreach (var (name, value) in environment ?? new Dictionary<string, string>())
            start.Environment[name] = value;
        return Start(start);
    }

    /// <summary>Ctrl+C typed at the terminal: the line discipline sends SIGINT to the foreground process.</summary>
    public void PressCtrlC()
    {
        _process.StandardInput.Write('\x03');
        _process.StandardInput.Flush();
    }

    /// <summary>Waits until <paramref name="condition"/> holds while the process runs; fails if it exits first.</summary>
    public Task WaitUntilAsync(Func<Task<bool>> condition, string what, TimeSpan timeout) =>
        Poll.UntilAsync(condition, what, timeout, () => _process.HasExited ? $"the process exited with {_process.ExitCode}:\n{Visible}\n" : null);

    /// <summary>SIGTERM, as a container runtime stops a replica: the host's own shutdown runs.</summary>
    public void Terminate()
    {
        using var kill = Process.Start("kill", ["-TERM", _process.Id.ToString(CultureInfo.InvariantCulture)]);
        kill.WaitForExit();
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

    private static string DotNet => Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet";

    // The host assembly is copied next to the tests by the project reference, in the same configuration.
    private static string HostAssembly => Path.Combine(AppContext.BaseDirectory, "RankDistill.Workflows.dll");

    private static HostProcess Start(ProcessStartInfo start)
    {
        (start.RedirectStandardOutput, start.RedirectStandardError, start.UseShellExecute) = (true, true, false);
        // Settings the test runner's own environment may carry must not leak into the host under test.
        foreach (var name in start.Environment.Keys.Where(k => new[] { "Data__", "Storage__", "TaskHub__", "Torch__", "Pipeline__", "Dashboard__" }
                     .Any(p => k.StartsWith(p, StringComparison.OrdinalIgnoreCase))).ToList())
        {
            start.Environment.Remove(name);
        }
        var process = new Process { StartInfo = start };
        var host = new HostProcess(process);
        process.OutputDataReceived += (_, e) => host.Append(e.Data, host._standardOutput);
        process.ErrorDataReceived += (_, e) => host.Append(e.Data, host._standardError);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return host;
    }

    private static string ShellQuote(string arg) => "'" + arg.Replace("'", "'\\''", StringComparison.Ordinal) + "'";

    /// <summary>CSI sequences (colours, cursor moves), and the keypad-mode pair <c>ESC =</c> / <c>ESC &gt;</c>.</summary>
    [GeneratedRegex(@"\x1b(\[[0-9;?]*[ -/]*[@-~]|[=>])")]
    private static partial Regex Escapes();

    private void Append(string? line, StringBuilder stream)
    {
        if (line is null)
            return;
        lock (_output)
        {
            _output.AppendLine(line);
            stream.AppendLine(line);
        }
    }
}
