using System.Net;
using System.Net.Sockets;
using RankDistill.Workflows.Dashboard;
using RankDistill.Workflows.Tests.Demo;

namespace RankDistill.Workflows.Tests.Pipeline;

/// <summary>
/// The README's first command, <c>demo</c>, as a real child process: on the quick world with the Tiny preset (seconds of
/// training; the numbers mean nothing), the way a user runs it.
/// </summary>
public sealed class DemoCommandTests
{
    [Fact]
    public async Task Demo_UsualDashboardPortTaken_ServesElsewhereRunsToTheReportAndReprintsItWhenRunAgain()
    {
        using var data = new TemporaryFolder();
        // Another demo or a serve holds the usual port: the demo must still start, on another one.
        using var holder = TryHold(new Uri(DashboardOptions.DefaultUrl).Port);

        var first = await RunDemoAsync(data.Path);

        Assert.Matches(@"Dashboard: http://127\.0\.0\.1:\d+/", first);
        Assert.DoesNotContain($"Dashboard: {DashboardOptions.DefaultUrl}/", first, StringComparison.Ordinal);
        // Falling back to another port is no failure of the demo's: no log line says "fail".
        Assert.DoesNotContain("fail:", first, StringComparison.Ordinal);
        Assert.Contains("Started pipeline-demo-quick-42", first, StringComparison.Ordinal);
        var report = LastLine(first);
        Assert.Matches(@"^report: teacher_ndcg5=\d\.\d{3} student_ndcg5=\d\.\d{3} bm25_ndcg5=\d\.\d{3} student_vs_teacher=\d+\.\d{3} student_speedup=\d+\.\d promoted=(true|false)$", report);

        // The same data folder again: the finished run is found and its report printed, nothing is trained.
        var second = await RunDemoAsync(data.Path);

        Assert.Contains("Found pipeline-demo-quick-42 (Completed): reporting it", second, StringComparison.Ordinal);
        Assert.DoesNotContain("cpt: step", second, StringComparison.Ordinal);
        Assert.Equal(report, LastLine(second));
    }

    private static async Task<string> RunDemoAsync(string data)
    {
        using var demo = HostProcess.Start(data, "demo", "--quick", "--data", data, "--Pipeline:Preset=Tiny", "--Torch:Device=cpu", QuickWorldShards.Setting);
        var exit = await demo.WaitForExitAsync(TimeSpan.FromMinutes(4));
        Assert.True(exit == 0, $"demo exited with {exit}:\n{demo.Output}");
        return demo.Output;
    }

    private static string LastLine(string output) => output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)[^1];

    /// <summary>Listens on the port when it is free; when something else already holds it, the test's condition holds anyway.</summary>
    private static TcpListener? TryHold(int port)
    {
        var listener = new TcpListener(IPAddress.Loopback, port);
        try
        {
            listener.Start();
            return listener;
        }
        catch (SocketException)
        {
            listener.Dispose();
            return null;
        }
    }
}
