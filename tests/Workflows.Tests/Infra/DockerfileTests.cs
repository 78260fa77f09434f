using System.Text.Json;
using System.Xml.Linq;
using RankDistill.Testing;

namespace RankDistill.Workflows.Tests.Infra;

/// <summary>
/// The image cannot be built here (no container engine), so these check the recipe against the
/// repository: everything restore needs is copied before it, both backends restore and publish alike,
/// the entry point is the host assembly, the process is not root, and .dockerignore keeps what is copied.
/// </summary>
public sealed class DockerfileTests
{
    private static readonly List<DockerInstruction> _instructions =
        Dockerfile.Parse(File.ReadAllText(Path.Combine(RepositoryRoot.Path, "Dockerfile")));

    private static readonly string[] _dockerIgnore = File.ReadAllLines(Path.Combine(RepositoryRoot.Path, ".dockerignore"));

    [Fact]
    public void Restore_EverySourceProjectAndBuildSetting_IsCopiedBeforeIt()
    {
        var restore = _instructions.FindIndex(i => i.Keyword == "RUN" && i.Arguments.Contains("dotnet restore", StringComparison.Ordinal));
        Assert.True(restore >= 0, "no `dotnet restore` step");
        var copied = _instructions.Take(restore)
            .Where(i => i.Keyword == "COPY")
            .SelectMany(i => i.Arguments.Split(' ', StringSplitOptions.RemoveEmptyEntries)[..^1])
            .Select(source => source.TrimEnd('/'))
            .ToHashSet(StringComparer.Ordinal);

        var needed = Directory.GetFiles(Path.Combine(RepositoryRoot.Path, "src"), "*.csproj", SearchOption.AllDirectories)
            .Concat(Directory.GetFiles(RepositoryRoot.Path, "Directory.*"))
            .Select(f => Path.GetRelativePath(RepositoryRoot.Path, f))
            .Append("global.json")
            .Append("build")
            .ToList();
        Assert.All(needed, path => Assert.True(copied.Contains(path), $"{path} is not copied before `dotnet restore`"));
    }

    [Fact]
    public void RestoreAndPublish_UseTheSameBackendAndRuntime()
    {
        var steps = _instructions
            .Where(i => i.Keyword == "RUN" && (i.Arguments.Contains("dotnet restore", StringComparison.Ordinal) || i.Arguments.Contains("dotnet publish", StringComparison.Ordinal)))
            .ToList();

        Assert.Equal(2, steps.Count);
        Assert.All(steps, step =>
        {
            Assert.Contains("-p:TorchBackend=${TORCH_BACKEND}", step.Arguments, StringComparison.Ordinal);
            Assert.Contains("-r linux-x64", step.Arguments, StringComparison.Ordinal);
        });
        Assert.Contains("--no-restore", steps[1].Arguments, StringComparison.Ordinal);
    }

    [Fact]
    public void EntryPoint_RunsTheHostAssembly()
    {
        var project = XDocument.Load(Path.Combine(RepositoryRoot.Path, "src", "Workflows", "RankDistill.Workflows.csproj"));
        var assemblyName = project.Descendants("AssemblyName").Single().Value;

        var entryPoint = _instructions.Last(i => i.Keyword == "ENTRYPOINT");

        Assert.Equal(["dotnet", assemblyName + ".dll"], JsonSerializer.Deserialize<string[]>(entryPoint.Arguments) ?? []);
    }

    [Fact]
    public void RuntimeStage_RunsAsNonRootUser()
    {
        var lastStage = _instructions.Max(i => i.Stage);

        var user = _instructions.LastOrDefault(i => i.Stage == lastStage && i.Keyword == "USER");

        Assert.NotNull(user);
        Assert.DoesNotContain(user.Arguments.Split(':')[0], new[] { "root", "0" });
    }

    [Fact]
    public void DockerIgnore_KeepsWhatTheBuildCopies_AndDropsTheRest()
    {
        var sources = _instructions
            .Where(i => i.Keyword == "COPY" && !i.Arguments.StartsWith("--from", StringComparison.Ordinal))
            .SelectMany(i => i.Arguments.Split(' ', StringSplitOptions.RemoveEmptyEntries)[..^1])
            .Append("src/Models/Training/ICheckpointStore.cs")
            .ToList();

        Assert.All(sources, s => Assert.True(Dockerfile.IsInContext(s, _dockerIgnore), $"{s} is excluded by .dockerignore"));
        Assert.All(
            new[] { ".git/HEAD", "tests/Workflows.Tests/RankDistill.Workflows.Tests.csproj", "src/Models/bin/Release/x.dll", "src/Workflows/obj/project.assets.json", ".data/taskhub.db", "local.settings.json" },
            p => Assert.False(Dockerfile.IsInContext(p, _dockerIgnore), $"{p} would be sent to the image build"));
    }
}
