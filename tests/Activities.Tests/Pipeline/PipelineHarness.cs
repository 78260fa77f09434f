using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using RankDistill.Activities.Pipeline;
using RankDistill.Activities.Storage;
using RankDistill.Models.Devices;

namespace RankDistill.Activities.Tests.Pipeline;

/// <summary>A real local store in a temporary folder with the tiny drop in it, and the six activities on it, on the CPU.</summary>
internal sealed class PipelineHarness : IDisposable
{
    public const string DropId = "tiny";

    private readonly string _root = Path.Combine(Path.GetTempPath(), "rankdistill-pipeline-tests", Guid.NewGuid().ToString("N"));

    public PipelineHarness()
    {
        Store = new LocalArtifactStore(_root);
        var device = Options.Create(new DeviceOptions { Device = "cpu" });
        Prepare = new PrepareData(Store, NullLogger<PrepareData>.Instance);
        Cpt = new ContinuedPretraining(Store, device, NullLogger<ContinuedPretraining>.Instance);
        Sft = new RankFinetuning(Store, device, NullLogger<RankFinetuning>.Instance);
        Labeling = new TeacherLabeling(Store, device, NullLogger<TeacherLabeling>.Instance);
        StudentPretraining = new StudentPretraining(Store, device, NullLogger<StudentPretraining>.Instance);
        Distill = new Distillation(Store, device, NullLogger<Distillation>.Instance);
    }

    public LocalArtifactStore Store { get; }

    public PrepareData Prepare { get; }

    public ContinuedPretraining Cpt { get; }

    public RankFinetuning Sft { get; }

    public TeacherLabeling Labeling { get; }

    public StudentPretraining StudentPretraining { get; }

    public Distillation Distill { get; }

    public static PipelineSettings Settings => PipelineSettings.Tiny;

    public static StageRequest Request(string runId) => new(runId, DropId, Settings);

    public Task WriteDropAsync(IEnumerable<string>? extraClickLines = null) =>
        TinyDrop.WriteAsync(Store, DropId, extraClickLines, TestContext.Current.CancellationToken);

    /// <summary>The local file behind an artifact name.</summary>
    public string FileOf(string name) => Path.Combine(Store.Root, name.Replace('/', Path.DirectorySeparatorChar));

    public Task<byte[]> ReadAsync(string name) => Store.ReadAllBytesAsync(name, cancellationToken: TestContext.Current.CancellationToken);

    /// <summary>PrepareData, CPT and SFT of a run: what labelling needs.</summary>
    public async Task<PreparedData> TeacherAsync(string runId)
    {
        using var context = new TestActivityContext();
        var prepared = await Prepare.RunAsync(context, Request(runId));
        await Cpt.RunAsync(context, Request(runId));
        await Sft.RunAsync(context, Request(runId));
        return prepared;
    }

    /// <summary>Every labelling shard of a run, in order.</summary>
    public async Task<List<LabelShardResult>> LabelAsync(string runId, int shards)
    {
        using var context = new TestActivityContext();
        var results = new List<LabelShardResult>();
        for (var shard = 0; shard < shards; shard++)
            results.Add(await Labeling.RunAsync(context, new LabelShardRequest(runId, Settings, shard)));
        return results;
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(_root, recursive: true);
        }
        catch (IOException)
        {
            // A leftover temp folder is harmless.
        }
    }
}
