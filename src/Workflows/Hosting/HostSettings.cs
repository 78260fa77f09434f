using RankDistill.TaskHub;

namespace RankDistill.Workflows.Hosting;

/// <summary>
/// Every setting the host knows, read from configuration and checked at start: <see cref="Load"/> either returns
/// them all valid or throws <see cref="InvalidSettingsException"/> listing each bad one, so a host never starts with
/// a value it would trip over hours later.
/// </summary>
public sealed record HostSettings(DataOptions Data, StorageOptions Storage, TaskHubOptions TaskHub, TorchOptions Torch)
{
    /// <param name="configuration">The host's configuration, see <see cref="HostConfiguration"/>.</param>
    /// <param name="workingDirectory">What relative paths are relative to; the process's by default.</param>
    public static HostSettings Load(IConfiguration configuration, string? workingDirectory = null)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var reader = new SettingReader(configuration, workingDirectory ?? Directory.GetCurrentDirectory());
        var data = DataOptions.Read(reader);
        var settings = new HostSettings(
            data, StorageOptions.Read(reader, data), TaskHubSettings.Read(reader, data), TorchOptions.Read(reader))
        {
            Pipeline = PipelineOptions.Read(reader),
        };
        reader.RefuseUnread("Data", "Storage", "TaskHub", "Torch", PipelineOptions.Section);
        if (reader.Errors.Count > 0)
            throw new InvalidSettingsException(reader.Errors);
        return settings;
    }

    /// <summary>Section <c>Pipeline</c>: the recipe of the runs this host submits.</summary>
    public PipelineOptions Pipeline { get; init; } = new();

    /// <summary>Every setting with its resolved value, secrets redacted, in a stable order.</summary>
    public IEnumerable<(string Key, string? Value)> Describe() =>
        Data.Describe().Concat(Storage.Describe()).Concat(TaskHubSettings.Describe(TaskHub)).Concat(Torch.Describe()).Concat(Pipeline.Describe())
            .Select(s => (s.Key, SecretRedactor.Redact(s.Key, s.Value)));
}
