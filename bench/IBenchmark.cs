namespace RankDistill.Bench;

/// <summary>
/// One benchmark program: measures our code against a reference side by side in one run and
/// prints, as its last line, one summary line `name: key=value ...`.
/// </summary>
internal interface IBenchmark
{
    /// <summary>The word that selects it: `dotnet run -c Release --project bench -- NAME`.</summary>
    string Name { get; }

    string Description { get; }

    Task<int> RunAsync(string[] args, CancellationToken cancellationToken);
}
