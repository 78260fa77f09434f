using System.CommandLine;
using RankDistill.Models.Devices;
using RankDistill.Workflows.Cli;

// The host: one executable, one sub-command per file in Cli/ (see IHostCommand). `config` prints the settings.
// Ctrl+C and SIGTERM cancel the command; it then has a minute to hand its running steps back to the task hub
// (System.CommandLine's default of 2 s would end the process with 130 in the middle of that).
NativeHeap.Configure(); // before the thread pool's threads make arenas of their own
return await HostCommandLine.Create().Parse(args).InvokeAsync(new InvocationConfiguration { ProcessTerminationTimeout = TimeSpan.FromMinutes(1) });
