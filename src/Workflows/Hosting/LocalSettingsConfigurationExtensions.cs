using Microsoft.Extensions.FileProviders;

namespace RankDistill.Workflows.Hosting;

public static class LocalSettingsConfigurationExtensions
{
    /// <summary>Adds a <c>local.settings.json</c> (Azure Functions' shape) at <paramref name="path"/>, absolute or relative to the working directory.</summary>
    public static IConfigurationBuilder AddLocalSettingsFile(this IConfigurationBuilder builder, string path, bool optional = true)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var full = Path.GetFullPath(path);
        return builder.Add(new LocalSettingsConfigurationSource
        {
            FileProvider = new PhysicalFileProvider(Path.GetDirectoryName(full)!),
            Path = Path.GetFileName(full),
            Optional = optional,
            ReloadOnChange = false,
        });
    }
}
