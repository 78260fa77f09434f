namespace RankDistill.Workflows.Cli;

/// <summary>What a command gets once the configuration is built and every setting validated.</summary>
internal sealed record HostContext(IConfigurationRoot Configuration, Hosting.HostSettings Settings, TextWriter Output, TextWriter Error);
