using Microsoft.Extensions.Options;

namespace RankDistill.Workflows.Hosting;

/// <summary>Section <c>Data</c>: the one folder the embedded defaults keep everything in.</summary>
public sealed class DataOptions
{
    public const string Section = "Data";

    /// <summary><c>Data:Root</c>, absolute once read. Default <c>.data</c> under the working directory, which git ignores.</summary>
    public string Root { get; set; } = ".data";

    internal IEnumerable<(string Key, string? Value)> Describe() => [("Data:Root", Root)];
}

/// <summary>The rules of section <c>Data</c>.</summary>
internal sealed class DataOptionsValidator(SettingsSection<DataOptions> section) : IValidateOptions<DataOptions>
{
    public ValidateOptionsResult Validate(string? name, DataOptions options)
    {
        var problems = section.Check();
        problems.Path("Data:Root", options.Root);
        return problems.Result();
    }
}
