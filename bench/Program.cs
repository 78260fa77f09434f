using RankDistill.Bench;
using RankDistill.Models.Devices;

// Usage: dotnet run -c Release --project bench -- <name> [options]
NativeHeap.Configure(); // the heap as the host sets it up, so that models train here as they do in a pipeline
var benchmarks = typeof(IBenchmark).Assembly.GetTypes()
    .Where(t => typeof(IBenchmark).IsAssignableFrom(t) && t is { IsClass: true, IsAbstract: false })
    .Select(t => (IBenchmark)Activator.CreateInstance(t)!)
    .OrderBy(b => b.Name, StringComparer.Ordinal)
    .ToList();

var chosen = args.Length > 0 ? benchmarks.FirstOrDefault(b => b.Name == args[0]) : null;
if (chosen is null)
{
    Console.Error.WriteLine("usage: dotnet run -c Release --project bench -- <name> [options]");
    foreach (var b in benchmarks)
        Console.Error.WriteLine($"  {b.Name,-10} {b.Description}");
    return 2;
}

using var cancel = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) => { e.Cancel = true; cancel.Cancel(); };
return await chosen.RunAsync(args[1..], cancel.Token);
