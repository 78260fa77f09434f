using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Configuration;
using RankDistill.Workflows.Dashboard;

namespace RankDistill.Workflows.Tests.Dashboard;

public sealed class SecretScrubberTests
{
    [Fact]
    public void Scrub_ConfiguredSecretsAndTheirParts_Masked()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["TaskHub:ConnectionString"] = "Host=db;Database=rd;Username=rd;Password=hunter2-hunter2",
            ["Dashboard:ApiKey"] = "0123456789abcdef0123",
            ["Data:Root"] = "/srv/rankdistill",
        }).Build();
        var scrubber = SecretScrubber.FromConfiguration(configuration);

        Assert.Equal("key *** and pw ***", scrubber.Scrub("key 0123456789abcdef0123 and pw hunter2-hunter2"));
        // Settings that are not secret stay readable.
        Assert.Equal("/srv/rankdistill/runs", scrubber.Scrub("/srv/rankdistill/runs"));
    }

    [Theory]
    [InlineData("DefaultEndpointsProtocol=https;AccountName=a;AccountKey=abc123==;EndpointSuffix=core.windows.net", "DefaultEndpointsProtocol=https;AccountName=a;AccountKey=***;EndpointSuffix=core.windows.net")]
    [InlineData("https://a.blob.core.windows.net/runs/x?sv=2024&sig=AbC%2Bd&se=1", "https://a.blob.core.windows.net/runs/x?sv=2024&sig=***&se=1")]
    [InlineData("Server=db;Password=pw;Port=5432", "Server=db;Password=***;Port=5432")]
    [InlineData("SharedAccessSignature=sv=1&sig=x", "SharedAccessSignature=***")]
    public void Scrub_CredentialShapedParts_MaskedEvenWhenUnknown(string text, string expected)
    {
        Assert.Equal(expected, new SecretScrubber([]).Scrub(text));
    }

    [Fact]
    public void ParseAndScrub_JsonPayload_MasksStringsAndNamesKeepsShape()
    {
        var scrubber = new SecretScrubber(["s3cr3t-value"]);

        var node = scrubber.ParseAndScrub("""{"runId":"r1","note":"uses s3cr3t-value","n":3,"list":["s3cr3t-value",true],"s3cr3t-value":1}""");

        Assert.Equal("""{"runId":"r1","note":"uses ***","n":3,"list":["***",true],"***":1}""", node!.ToJsonString());
        Assert.Equal("not json ***", scrubber.ParseAndScrub("not json s3cr3t-value")!.GetValue<string>());
        Assert.IsType<JsonObject>(node);
    }

    [Fact]
    public void ParseAndScrub_SecretInNestedJsonWithEscapedPlus_Masked()
    {
        // A history event as the providers write it: the input is a JSON string holding the serialized payload, where
        // System.Text.Json wrote the key's '+' as \u002B.
        const string Key = "QUJDREVGR0hJSktM+TU5PUFFSU1RV/VldYWVphYmNk==";
        var payload = JsonSerializer.Serialize(new { key = Key });
        var historyEvent = Newtonsoft.Json.JsonConvert.SerializeObject(new { EventType = "EventRaised", Input = payload });
        Assert.Contains("\\u002B", historyEvent, StringComparison.Ordinal);
        var scrubber = new SecretScrubber([Key]);

        var node = scrubber.ParseAndScrub(historyEvent)!;
        var escapedOnly = scrubber.Scrub(payload);

        Assert.Equal("""{"key":"***"}""", node["Input"]!.GetValue<string>());
        Assert.Equal("""{"key":"***"}""", escapedOnly);
    }
}
