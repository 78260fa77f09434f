using System.Security.Cryptography;
using System.Text;
using RankDistill.Activities.Data;
using RankDistill.Workflows.Demo;

namespace RankDistill.Workflows.Tests.Demo;

public sealed class SyntheticWebDeterminismTests
{
    [Fact]
    public async Task WriteDrop_SameSeedTwice_ByteIdenticalFiles()
    {
        using var first = new TemporaryFolder();
        using var second = new TemporaryFolder();

        var written = await SyntheticWeb.WriteDropAsync(SyntheticWeb.Generate(SyntheticWebOptions.Quick), first.Path, "d1", TestContext.Current.CancellationToken);
        await SyntheticWeb.WriteDropAsync(SyntheticWeb.Generate(SyntheticWebOptions.Quick), second.Path, "d1", TestContext.Current.CancellationToken);

        Assert.Equal(4, written.Count);
        Assert.All(written, path => Assert.Equal(
            File.ReadAllBytes(Path.Combine(first.Path, path)), File.ReadAllBytes(Path.Combine(second.Path, path))));
    }

    [Fact]
    public async Task WriteDrop_OtherSeed_DifferentFiles()
    {
        using var first = new TemporaryFolder();
        using var second = new TemporaryFolder();

        var written = await SyntheticWeb.WriteDropAsync(SyntheticWeb.Generate(SyntheticWebOptions.Quick), first.Path, "d1", TestContext.Current.CancellationToken);
        await SyntheticWeb.WriteDropAsync(SyntheticWeb.Generate(SyntheticWebOptions.Quick with { Seed = 43 }), second.Path, "d1", TestContext.Current.CancellationToken);

        Assert.All(written.Where(p => !p.EndsWith(SyntheticWeb.SuccessMarker, StringComparison.Ordinal)), path => Assert.NotEqual(
            File.ReadAllBytes(Path.Combine(first.Path, path)), File.ReadAllBytes(Path.Combine(second.Path, path))));
    }

    /// <summary>
    /// The quick world's rows, hashed: a guard that worlds stay the same across .NET versions
    /// and platforms (the gzip and Parquet bytes may legitimately change with their libraries;
    /// the rows must not). A deliberate change to the generator updates this value.
    /// </summary>
    [Fact]
    public void Generate_QuickDefaultSeed_MatchesRecordedFingerprint()
    {
        var world = SyntheticWeb.Generate(SyntheticWebOptions.Quick);

        var lines = world.ClickLog.Select(DropFileWriter.ToJsonLine).Concat(world.Labels.Select(DropFileWriter.ToJsonLine));
        var fingerprint = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(string.Join('\n', lines))));

        Assert.Equal(RecordedQuickFingerprint, fingerprint);
    }

    private const string RecordedQuickFingerprint = "cc61a40627363781278d414b37cb5f8a0c42f8079a54b6ec0e334630e37e4a68";

    [Fact]
    public void Generate_SameOptions_EqualWorlds()
    {
        var first = SyntheticWeb.Generate(SyntheticWebOptions.Quick);
        var second = SyntheticWeb.Generate(SyntheticWebOptions.Quick);

        Assert.Equal(first.Documents, second.Documents);
        Assert.Equal(first.Queries.Select(q => (q.Text, string.Join(',', q.Candidates))), second.Queries.Select(q => (q.Text, string.Join(',', q.Candidates))));
        Assert.Equal(first.ClickLog, second.ClickLog);
        Assert.Equal(first.Labels, second.Labels);
    }

    [Theory]
    [InlineData(nameof(SyntheticWebOptions.Topics), 13)]
    [InlineData(nameof(SyntheticWebOptions.DocumentsPerTopic), 7)]
    [InlineData(nameof(SyntheticWebOptions.ResultsPerImpression), 11)]
    [InlineData(nameof(SyntheticWebOptions.LabelledQueries), 801)]
    public void Generate_BadOption_ThrowsNamingIt(string setting, int value)
    {
        var options = setting switch
        {
            nameof(SyntheticWebOptions.Topics) => SyntheticWebOptions.Quick with { Topics = value },
            nameof(SyntheticWebOptions.DocumentsPerTopic) => SyntheticWebOptions.Quick with { DocumentsPerTopic = value },
            nameof(SyntheticWebOptions.ResultsPerImpression) => SyntheticWebOptions.Quick with { ResultsPerImpression = value },
            _ => SyntheticWebOptions.Quick with { LabelledQueries = value },
        };

        var error = Assert.Throws<ArgumentOutOfRangeException>(() => SyntheticWeb.Generate(options));

        Assert.Equal(setting, error.ParamName);
        Assert.Contains($"SyntheticWebOptions.{setting}", error.Message, StringComparison.Ordinal);
    }
}
