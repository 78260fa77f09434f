using RankDistill.Models.Training;

namespace RankDistill.Models.Tests.Training;

public sealed class LossLogTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("rankdistill-log-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public void AppendThenRead_StepAndEvalLines_RoundTripAsJsonLines()
    {
        var path = Path.Combine(_folder, "loss.jsonl");
        using (var log = new LossLog(path, restoreFrom: null))
        {
            log.Append(new LossLogEntry { Step = 1, Loss = 0.5, LearningRate = 1e-4, GradNorm = double.NaN, Epoch = 0 });
            log.Append(new LossLogEntry { Step = 1, Eval = new Dictionary<string, double> { ["ndcg@5"] = 0.75 } });
        }

        var lines = File.ReadAllLines(path);
        Assert.Equal("{\"step\":1,\"loss\":0.5,\"lr\":0.0001,\"grad_norm\":\"NaN\",\"epoch\":0}", lines[0]);
        var entries = LossLog.Read(path);
        Assert.Equal(0.75, entries[1].Eval!["ndcg@5"]);
    }

    [Fact]
    public void Read_TornLastLine_Skipped()
    {
        var path = Path.Combine(_folder, "loss.jsonl");
        File.WriteAllText(path, "{\"step\":1,\"loss\":0.5}\n{\"step\":2,\"lo");

        Assert.Equal([1L], LossLog.Read(path).Select(e => e.Step));
    }

    [Fact]
    public void Open_WithRestoredCopy_ContinuesFromIt()
    {
        var copy = Path.Combine(_folder, "copy.jsonl");
        File.WriteAllText(copy, "{\"step\":1,\"loss\":0.5}\n");
        var path = Path.Combine(_folder, "loss.jsonl");
        File.WriteAllText(path, "{\"step\":1,\"loss\":0.5}\n{\"step\":2,\"loss\":0.4}\n");   // lines of steps the resumed run redoes

        using (var log = new LossLog(path, copy))
            log.Append(new LossLogEntry { Step = 2, Loss = 0.3 });

        Assert.Equal([0.5, 0.3], LossLog.Read(path).Select(e => e.Loss!.Value));
    }
}
