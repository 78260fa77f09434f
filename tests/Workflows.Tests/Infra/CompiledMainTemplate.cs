using System.Text.Json.Nodes;

namespace RankDistill.Workflows.Tests.Infra;

/// <summary>
/// The Bicep test classes share one collection: main.bicep is compiled once for all of them, and their
/// CLI runs take turns instead of crowding the machine's two cores.
/// </summary>
[CollectionDefinition(Name)]
public sealed class BicepCollection : ICollectionFixture<CompiledMainTemplate>
{
    public const string Name = "Bicep CLI";
}

/// <summary>infra/bicep/main.bicep compiled once by the real Bicep CLI.</summary>
public sealed class CompiledMainTemplate : IAsyncLifetime
{
    internal ProcessResult Build { get; private set; } = new(-1, "", "");

    /// <summary>The ARM template JSON, or null when the build failed (the build test then says why).</summary>
    public JsonNode? Template { get; private set; }

    public async ValueTask InitializeAsync()
    {
        Build = await BicepCli.RunAsync("build", "main.bicep", "--stdout");
        Template = Build.ExitCode == 0 ? JsonNode.Parse(Build.StdOut) : null;
    }

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;

    /// <summary>The template's parameters, failing the calling test with the build output if there is no template.</summary>
    public JsonObject Parameters =>
        Template?["parameters"]?.AsObject() ?? throw new InvalidOperationException("main.bicep did not build:\n" + Build.Output);
}
