using Microsoft.Extensions.Configuration.CommandLine;
using Microsoft.Extensions.Configuration.EnvironmentVariables;
using Microsoft.Extensions.Configuration.Memory;

namespace RankDistill.Workflows.Hosting;

/// <summary>Which configuration source gave a setting its value, in words, for messages and the config listing.</summary>
public static class SettingSources
{
    public const string Default = "default";

    public static string Describe(IConfiguration configuration, string key)
    {
        if (configuration is not IConfigurationRoot root)
            return configuration[key] is null ? Default : "configuration";
        foreach (var provider in root.Providers.Reverse())
        {
            if (!provider.TryGet(key, out var value) || value is null)
                continue;
            return provider switch
            {
                EnvironmentVariablesConfigurationProvider => $"environment variable {key.Replace(":", "__", StringComparison.Ordinal)}",
                CommandLineConfigurationProvider => "command line",
                FileConfigurationProvider file => file.Source.Path ?? "a settings file",
                MemoryConfigurationProvider => "in-memory configuration",
                _ => provider.ToString() ?? "configuration",
            };
        }
        return Default;
    }
}
