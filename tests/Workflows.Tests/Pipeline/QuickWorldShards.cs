namespace RankDistill.Workflows.Tests.Pipeline;

/// <summary>
/// The demo tests run the quick world (640 train and dev lists) with the Tiny preset, whose labelling shards of 4 lists
/// are sized for the crash tests' tiny world: 160 labelling activities. Shards of 64 make it 10 and halve the run
/// (measured: 128 s against 283 s on a loaded 2-core machine); the shard size is not what these tests check.
/// </summary>
internal static class QuickWorldShards
{
    public const string Setting = "--Pipeline:LabelingShardSize=64";
}
