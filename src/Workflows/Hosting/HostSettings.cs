using Microsoft.Extensions.Options;
using RankDistill.TaskHub;

namespace RankDistill.Workflows.Hosting;

/// <summary>
/// Every setting the host knows, as the options of <see cref="HostingServiceCollectionExtensions.AddHostSettings(IServiceCollection, IConfiguration, string?)"/>
/// resolve them: all valid, or <see cref="InvalidSettingsException"/> listing each bad one of every section, so a host
/// never starts with a value it would trip over hours later.
/// </summary>
public sealed record HostSettings(DataOptions Data, StorageOptions Storage, TaskHubOptions TaskHub, TorchOptions Torch)
{
    /// <summary>Loads the settings of a command that runs no host: the options registration, resolved once.</summary>
    /// <param name="configuration">The host's configuration, see <see cref="HostConfiguration"/>.</param>
    /// <param name="workingDirectory">What relative paths are relative to; the process's by default.</param>
    public static HostSettings Load(IConfiguration configuration, string? workingDirectory = null)
    {
        using var services = new ServiceCollection().AddHostSettings(configuration, workingDirectory).BuildServiceProvider();
        return services.GetRequiredService<HostSettings>();
    }

    /// <summary>Section <c>Pipeline</c>: the recipe of the runs this host submits.</summary>
    public PipelineOptions Pipeline { get; init; } = new();

    /// <summary>Every setting with its resolved value, secrets redacted, in a stable order.</summary>
    public IEnumerable<(string Key, string? Value)> Describe() =>
        Data.Describe().Concat(Storage.Describe()).Concat(TaskHubSettings.Describe(TaskHub)).Concat(Torch.Describe()).Concat(Pipeline.Describe())
            .Select(s => (s.Key, SecretRedactor.Redact(s.Key, s.Value)));

    /// <summary>Each section's options, validated; the problems of every section together.</summary>
    internal static HostSettings Resolve(IServiceProvider services)
    {
        var problems = new List<string>();
        T Value<T>() where T : class
        {
            try
            {
                return services.GetRequiredService<IOptions<T>>().Value;
            }
            catch (OptionsValidationException e)
            {
                problems.AddRange(e.Failures);
                return null!;
            }
        }
        var settings = new HostSettings(Value<DataOptions>(), Value<StorageOptions>(), Value<TaskHubOptions>(), Value<TorchOptions>())
        {
            Pipeline = Value<PipelineOptions>(),
        };
        return problems.Count == 0 ? settings : throw new InvalidSettingsException(problems);
    }
}
