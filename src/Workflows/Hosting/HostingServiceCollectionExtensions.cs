using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using RankDistill.Activities.Pipeline;
using RankDistill.Activities.Storage;
using RankDistill.Models.Devices;
using RankDistill.TaskHub;

namespace RankDistill.Workflows.Hosting;

public static class HostingServiceCollectionExtensions
{
    /// <summary>
    /// The host's settings as options: <c>IOptions&lt;T&gt;</c> of each section's options type, bound from
    /// <paramref name="configuration"/> and checked by the section's validator when first resolved, or when a host
    /// starts (<c>ValidateOnStart</c>); and <see cref="HostSettings"/>, which resolves them all and reports every bad
    /// setting together. Relative paths resolve against <paramref name="workingDirectory"/> (the process's by default).
    /// </summary>
    public static IServiceCollection AddHostSettings(this IServiceCollection services, IConfiguration configuration, string? workingDirectory = null)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var directory = workingDirectory ?? Directory.GetCurrentDirectory();
        string FullPath(string path) => path.Contains('\0', StringComparison.Ordinal) ? path : Path.GetFullPath(path, directory);
        // The defaults of the other sections' paths live under Data:Root, valid or not: its own problems are its section's.
        string DataRoot(SettingsSection<DataOptions> data) => FullPath(data.Bind(new DataOptions()).Root);

        services.AddSection<DataOptions, DataOptionsValidator>(configuration, DataOptions.Section)
            .PostConfigure(o => o.Root = FullPath(o.Root));
        services.AddSection<StorageOptions, StorageOptionsValidator>(configuration, StorageOptions.Section)
            .PostConfigure<SettingsSection<DataOptions>>((o, data) => o.LocalRoot = FullPath(o.LocalRoot is "" ? Path.Combine(DataRoot(data), "store") : o.LocalRoot));
        services.AddSection<TaskHubOptions, TaskHubOptionsValidator>(configuration, TaskHubOptions.Section)
            .PostConfigure<SettingsSection<DataOptions>>((o, data) => o.SqlitePath = FullPath(o.SqlitePath is "" ? Path.Combine(DataRoot(data), "taskhub.db") : o.SqlitePath));
        services.AddSection<TorchOptions, TorchOptionsValidator>(configuration, TorchOptions.Section);
        services.AddSection<PipelineOptions, PipelineOptionsValidator>(configuration, PipelineOptions.Section, typeof(PipelineSettings))
            .Configure<SettingsSection<PipelineOptions>>((o, section) => o.Bind(section));
        services.TryAddSingleton(HostSettings.Resolve);
        return services.AddDeviceOptions();
    }

    /// <summary>
    /// Settings already loaded (<see cref="HostSettings.Load"/>) as the same options, so that a command's services use the
    /// values it checked and printed, not a second reading of the configuration.
    /// </summary>
    public static IServiceCollection AddHostSettings(this IServiceCollection services, HostSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        services.TryAddSingleton(settings);
        services.TryAddSingleton(Options.Create(settings.Data));
        services.TryAddSingleton(Options.Create(settings.Storage));
        services.TryAddSingleton(Options.Create(settings.TaskHub));
        services.TryAddSingleton(Options.Create(settings.Torch));
        services.TryAddSingleton(Options.Create(settings.Pipeline));
        return services.AddDeviceOptions();
    }

    /// <summary>Registers the <see cref="IArtifactStore"/> that <c>Storage:Kind</c> chooses; needs <see cref="AddHostSettings(IServiceCollection, HostSettings)"/> or its sibling.</summary>
    public static IServiceCollection AddArtifactStore(this IServiceCollection services)
    {
        services.TryAddSingleton(sp => ArtifactStoreFactory.Create(sp.GetRequiredService<IOptions<StorageOptions>>().Value));
        return services;
    }

    /// <summary>One section: its options bound from the checked section (binding only values that convert), its validator, checked at host start.</summary>
    private static OptionsBuilder<T> AddSection<T, TValidator>(this IServiceCollection services, IConfiguration configuration, string section, params Type[] shapes)
        where T : class
        where TValidator : class, IValidateOptions<T>
    {
        services.TryAddSingleton(_ => new SettingsSection<T>(configuration, section, shapes));
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<T>, TValidator>());
        var options = services.AddOptions<T>();
        // The Pipeline section binds in two steps (preset, then overrides) and says so itself.
        if (shapes.Length == 0)
            options.Configure<SettingsSection<T>>((o, checkedSection) => checkedSection.Bind(o));
        return options.ValidateOnStart();
    }

    /// <summary>The activities' view of <c>Torch:*</c>: the device string and CPU threads TorchRuntime applies.</summary>
    private static IServiceCollection AddDeviceOptions(this IServiceCollection services)
    {
        services.TryAddSingleton(sp =>
        {
            var torch = sp.GetRequiredService<IOptions<TorchOptions>>().Value;
            return Options.Create(new DeviceOptions { Device = torch.Device.ToString().ToLowerInvariant(), IntraOpThreads = torch.Threads });
        });
        return services;
    }
}
