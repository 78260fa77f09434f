namespace RankDistill.Workflows.Hosting;

/// <summary>Section <c>Data</c>: the one folder the embedded defaults keep everything in.</summary>
public sealed class DataOptions
{
    public const string Section = "Data";

    /// <summary><c>Data:Root</c>, absolute once read. Default <c>.data</c> under the working directory, which git ignores.</summary>
    public string Root { get; set; } = Path.GetFullPath(".data");

    internal static DataOptions Read(SettingReader reader) => new() { Root = reader.FullPath("Data:Root", ".data") };

    internal IEnumerable<(string Key, string? Value)> Describe() => [("Data:Root", Root)];
}
