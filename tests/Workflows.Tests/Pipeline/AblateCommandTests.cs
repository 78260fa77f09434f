using RankDistill.Activities.Storage;
using RankDistill.Workflows.Tests.Demo;

namespace RankDistill.Workflows.Tests.Pipeline;

/// <summary>
/// <c>ablate</c> as a real child process on the tiny drop with the Tiny preset and one seed: it ends with the table and
/// the <c>ablation: …</c> line, and run again it reports the finished ablation without training anything.
/// </summary>
public sealed class AblateCommandTests
{
    [Fact]
    public async Task Ablate_TinyDropOneSeed_PrintsTheComparisonsAndTheLastLineAndReprintsThemWhenRunAgain()
    {
        using var data = new TemporaryFolder();
        await TinyWorld.WriteDropAsync(new LocalArtifactStore(Path.Combine(data.Path, "store")), "drop-cli");

        var first = await RunAblateAsync(data.Path);

        Assert.Contains("Started ablation-drop-cli: 8 variants × 1 seed", first, StringComparison.Ordinal);
        Assert.Contains("hybrid_vs_mse: paper: hybrid > MSE; here: student-hybrid − student-mse = ", first, StringComparison.Ordinal);
        var summary = LastLine(first);
        Assert.Matches(@"^ablation: hybrid_vs_mse=-?\d\.\d{3} hybrid_vs_margin=-?\d\.\d{3} cpt_gain=-?\d\.\d{3} last_token_vs_mean=-?\d\.\d{3} seeds=7$", summary);

        var second = await RunAblateAsync(data.Path);

        Assert.Contains("Found ablation-drop-cli (Completed): reporting it", second, StringComparison.Ordinal);
        Assert.DoesNotContain("arms;", second, StringComparison.Ordinal);
        Assert.Equal(summary, LastLine(second));
    }

    private static async Task<string> RunAblateAsync(string data)
    {
        using var ablate = HostProcess.Start(data, "ablate", "drop-cli", "--seeds", "7", "--data", data, "--Pipeline:Preset=Tiny", "--Torch:Device=cpu");
        var exit = await ablate.WaitForExitAsync(TimeSpan.FromMinutes(4));
        Assert.True(exit == 0, $"ablate exited with {exit}:\n{ablate.Output}");
        return ablate.Output;
    }

    private static string LastLine(string output) => output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)[^1];
}
