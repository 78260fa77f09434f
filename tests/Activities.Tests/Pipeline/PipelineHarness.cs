using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using RankDistill.Activities.Pipeline;
using RankDistill.Activities.Storage;
using RankDistill.Models.Devices;
using RankDistill.TaskHub.Worker;

namespace RankDistill.Activities.Tests.Pipeline;

/// <summary>A real local store in a temporary folder with the tiny drop in it, and the six activities on it, on the CPU.</summary>
internal sealed class PipelineHarness : IDisposable
{
    public const string DropId = "tiny";

    private readonly string _root = Path.Combine(Path.GetTempPath(), "rankdistill-pipeline-tests", Guid.NewGuid().ToString("N"));

    public PipelineHarness()
    {
        Local = new LocalArtifactStore(_root);
        Store = new RecordingStore(Local);
        var device = Options.Create(new DeviceOptions { Device = "cpu" });
        Prepare = new PrepareData(Store, Cancellation, NullLogger<PrepareData>.Instance);
        Cpt = new ContinuedPretraining(Store, device, Cancellation, NullLogger<ContinuedPretraining>.Instance);
        Sft = new RankFinetuning(Store, device, Cancellation, NullLogger<RankFinetuning>.Instance);
        Labeling = new TeacherLabeling(Store, device, Cancellation, NullLogger<TeacherLabeling>.Instance);
        StudentPretraining = new StudentPretraining(Store, device, Cancellation, NullLogger<StudentPretraining>.Instance);
        Distill = new Distillation(Store, device, Cancellation, NullLogger<Distillation>.Instance);
    }

    /// <summary>The store on disk, for reading what the activities wrote.</summary>
    public LocalArtifactStore Local { get; }

    /// <summary>The same store as the activities see it: writes recorded, interruptible (<see cref="TestActivityContext"/>).</summary>
    public RecordingStore Store { get; }

    /// <summary>What the worker would hand every activity; a <see cref="TestActivityContext"/> sets it for its call.</summary>
    public ActivityCancellation Cancellation { get; } = new() { Token = TestContext.Current.CancellationToken };

    public PrepareData Prepare { get; }

    public ContinuedPretraining Cpt { get; }

    public RankFinetuning Sft { get; }

    public TeacherLabeling Labeling { get; }

    public StudentPretraining StudentPretraining { get; }

    public Distillation Distill { get; }

    public static PipelineSettings Settings => PipelineSettings.Tiny;

    public static StageRequest Request(string runId) => new(runId, DropId, Settings);

    public Task WriteDropAsync(IEnumerable<string>? extraClickLines = null) =>
        TinyDrop.WriteAsync(Local, DropId, extraClickLines, TestContext.Current.CancellationToken);

    /// <summary>The local file behind an artifact name.</summary>
    public string FileOf(string name) => Path.Combine(Local.Root, name.Replace('/', Path.DirectorySeparatorChar));

    public Task<byte[]> ReadAsync(string name) => Local.ReadAllBytesAsync(name, cancellationToken: TestContext.Current.CancellationToken);

    /// <summary>PrepareData, CPT and SFT of a run: what labelling needs.</summary>
    public async Task<PreparedData> TeacherAsync(string runId)
    {
        using var context = new TestActivityContext(this);
        var prepared = await Prepare.RunAsync(context, Request(runId));
        await Cpt.RunAsync(context, Request(runId));
        await Sft.RunAsync(context, Request(runId));
        return prepared;
    }

    /// <summary>Every labelling shard of a run, in order.</summary>
    public async Task<List<LabelShardResult>> LabelAsync(string runId, int shards)
    {
        using var context = new TestActivityContext(this);
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
