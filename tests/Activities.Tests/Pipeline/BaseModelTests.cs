using RankDistill.Activities.Pipeline;
using RankDistill.Activities.Storage;
using RankDistill.Models.Training;

namespace RankDistill.Activities.Tests.Pipeline;

/// <summary>A configured base LLM (a Hugging Face folder in the store or on disk) instead of a model made from a config.</summary>
public sealed class BaseModelTests : IDisposable
{
    private const string Cpt = RunLayout.Stages.ContinuedPretraining;
    private readonly PipelineHarness _harness = new();

    public void Dispose() => _harness.Dispose();

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task ContinuedPretraining_BaseModel_StartsFromItsWeightsAndKeepsItsTokenizer(bool onLocalDisk)
    {
        await _harness.WriteDropAsync();
        using var context = new TestActivityContext(_harness);
        await _harness.Prepare.RunAsync(context, PipelineHarness.Request("base"));
        var trained = await _harness.Cpt.RunAsync(context, PipelineHarness.Request("base"));
        var baseModel = trained.ModelPath;
        if (onLocalDisk)
        {
            baseModel = Path.Combine(_harness.Local.Root, "..", Guid.NewGuid().ToString("N"));
            await (await _harness.Store.GetSetAsync(trained.ModelPath, Ct)).DownloadAsync(baseModel, Ct);
        }
        var settings = PipelineHarness.Settings with { Teacher = PipelineHarness.Settings.Teacher with { BaseModel = baseModel } };
        var request = new StageRequest("r1", PipelineHarness.DropId, settings);

        await _harness.Prepare.RunAsync(context, request);
        await _harness.Cpt.RunAsync(context, request);

        // The run built no teacher tokenizer of its own: the base model's travels with the new model.
        Assert.Null(await _harness.Store.OpenSetAsync(RunLayout.Tokenizer("r1", ModelFolders.TeacherRole), Ct));
        Assert.NotNull(await _harness.Store.OpenSetAsync(RunLayout.Tokenizer("r1", ModelFolders.StudentRole), Ct));
        Assert.Equal(await _harness.ReadAsync($"{trained.ModelPath}/vocab.json"), await _harness.ReadAsync($"{RunLayout.Model("r1", Cpt)}/vocab.json"));
        // Same data, same seed: only the starting weights differ, and the trained ones start lower.
        Assert.True(FirstLoss("r1") < FirstLoss("base") - 0.5, $"first loss {FirstLoss("r1")} from the base model vs {FirstLoss("base")} from scratch");
        if (onLocalDisk)
            Directory.Delete(baseModel, recursive: true);
    }

    [Theory]
    [InlineData("models/base/nowhere")]
    [InlineData("/no/such/folder")]
    public async Task ContinuedPretraining_MissingBaseModel_FailsNamingItAsABadSetting(string baseModel)
    {
        await _harness.WriteDropAsync();
        var settings = PipelineHarness.Settings with { Teacher = PipelineHarness.Settings.Teacher with { BaseModel = baseModel } };
        var request = new StageRequest("r1", PipelineHarness.DropId, settings);
        using var context = new TestActivityContext(_harness);
        await _harness.Prepare.RunAsync(context, request);

        // Exactly ArgumentException: the pipeline's non-retryable errors are matched by exact type.
        var error = await Assert.ThrowsAsync<ArgumentException>(() => _harness.Cpt.RunAsync(context, request));

        Assert.StartsWith($"Base model '{baseModel}' is neither a local folder nor a prefix in the artifact store", error.Message, StringComparison.Ordinal);
    }

    private double FirstLoss(string runId) => LossLog.Read(_harness.FileOf(RunLayout.LossLog(runId, Cpt))).First().Loss!.Value;
}
