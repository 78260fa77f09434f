using System.Text.Json.Serialization;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.AspNetCore.DataProtection.XmlEncryption;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace RankDistill.Workflows.Dashboard;

/// <summary>
/// <code>
/// builder.Services.AddHostSettings(settings).AddArtifactStore().AddTaskHub(settings.TaskHub);   // what the dashboard reads
/// builder.Services.AddDashboard(DashboardOptions.Read(configuration, urls), configuration);
/// app.MapDashboard();
/// </code>
/// </summary>
public static class DashboardServiceCollectionExtensions
{
    /// <summary>
    /// The dashboard's services for a web host: <see cref="AddDashboardQueries"/>, the options, anti-forgery and the
    /// API's JSON settings. The host must also register the task hubs (their clients, default and keyed gpu, and the
    /// task routing) and the artifact store.
    /// </summary>
    public static IServiceCollection AddDashboard(this IServiceCollection services, DashboardOptions options, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(options);
        services.AddDashboardQueries(configuration);
        services.TryAddSingleton(options);
        services.TryAddSingleton<DashboardAssets>();
        services.TryAddSingleton<ListeningAddresses>();
        services.AddHostedService(s => s.GetRequiredService<ListeningAddresses>());
        services.AddDataProtection();
        services.Configure<KeyManagementOptions>(o =>
        {
            o.XmlRepository = new MemoryXmlRepository();
            // Nothing leaves the process, so there is nothing to encrypt at rest.
            o.XmlEncryptor = new NullXmlEncryptor();
        });
        services.AddAntiforgery(o =>
        {
            o.HeaderName = "X-XSRF-TOKEN";
            o.Cookie.Name = "rankdistill-antiforgery";
            o.Cookie.SameSite = SameSiteMode.Strict;
            o.Cookie.HttpOnly = true;
            o.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
            // The security middleware sends X-Frame-Options: DENY on every response already.
            o.SuppressXFrameOptionsHeader = true;
        });
        services.AddProblemDetails();
        services.ConfigureHttpJsonOptions(o => o.SerializerOptions.Converters.Add(new JsonStringEnumConverter()));
        return services;
    }

    /// <summary>
    /// What reads and controls instances without a web host (the CLI's local mode uses it too): <see cref="InstanceQueries"/>,
    /// <see cref="InstanceActions"/>, <see cref="RunArtifacts"/>, <see cref="RunHistory"/> and the <see cref="SecretScrubber"/> built from
    /// <paramref name="configuration"/>'s secret settings.
    /// </summary>
    public static IServiceCollection AddDashboardQueries(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton(SecretScrubber.FromConfiguration(configuration));
        services.TryAddSingleton<RunArtifacts>();
        services.TryAddSingleton<RunHistory>();
        services.TryAddSingleton<InstanceQueries>();
        services.TryAddSingleton<InstanceActions>();
        return services;
    }
}
