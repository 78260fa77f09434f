using RankDistill.Workflows.Cli;

// The host: one executable, one sub-command per file in Cli/ (see IHostCommand). `config` prints the settings.
return await HostCommandLine.Create().Parse(args).InvokeAsync();
