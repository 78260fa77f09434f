namespace RankDistill.Workflows.Hosting;

/// <summary>
/// A <c>local.settings.json</c> in Azure Functions' shape as a configuration source, see
/// <see cref="LocalSettingsConfigurationProvider"/>. Add it with
/// <see cref="LocalSettingsConfigurationExtensions.AddLocalSettingsFile"/>.
/// </summary>
public sealed class LocalSettingsConfigurationSource : FileConfigurationSource
{
    public override IConfigurationProvider Build(IConfigurationBuilder builder)
    {
        EnsureDefaults(builder);
        return new LocalSettingsConfigurationProvider(this);
    }
}
