using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using RankDistill.Activities.Storage;
using RankDistill.Models.Devices;

namespace RankDistill.Workflows.Hosting;

public static class HostingServiceCollectionExtensions
{
    /// <summary>
    /// Reads and validates every setting now (throwing <see cref="InvalidSettingsException"/> if any is bad), and
    /// registers <see cref="HostSettings"/> and <c>IOptions&lt;T&gt;</c> of each options type.
    /// </summary>
    public static HostSettings AddHostSettings(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(services);
        var settings = HostSettings.Load(configuration);
        services.TryAddSingleton(settings);
        services.TryAddSingleton(Options.Create(settings.Data));
        services.TryAddSingleton(Options.Create(settings.Storage));
        services.TryAddSingleton(Options.Create(settings.TaskHub));
        services.TryAddSingleton(Options.Create(settings.Torch));
        services.TryAddSingleton(Options.Create(settings.Pipeline));
        // The activities' view of Torch:*: the device string and CPU threads TorchRuntime applies.
        services.TryAddSingleton(Options.Create(new DeviceOptions
        {
            Device = settings.Torch.Device.ToString().ToLowerInvariant(),
            IntraOpThreads = settings.Torch.Threads,
        }));
        return settings;
    }

    /// <summary>Registers the <see cref="IArtifactStore"/> that <c>Storage:Kind</c> chooses, validating the settings first.</summary>
    public static IServiceCollection AddArtifactStore(this IServiceCollection services, IConfiguration configuration)
    {
        var settings = services.AddHostSettings(configuration);
        services.TryAddSingleton(_ => ArtifactStoreFactory.Create(settings.Storage));
        return services;
    }
}
