using RankDistill.Workflows.Hosting;

namespace RankDistill.Workflows.Tests.Hosting;

public sealed class SecretRedactorTests
{
    [Theory]
    [InlineData("Storage:ConnectionString", true)]
    [InlineData("ConnectionStrings:TaskHub", false)]
    [InlineData("Dashboard:ApiKey", true)]
    [InlineData("Db:Password", true)]
    [InlineData("Storage:Kind", false)]
    [InlineData("Storage:AccountUrl", false)]
    public void IsSecret_ByLastSegment(string key, bool secret) => Assert.Equal(secret, SecretRedactor.IsSecret(key));

    [Theory]
    [InlineData("AccountName=a;AccountKey=k==;EndpointSuffix=core.windows.net", "AccountName=a;AccountKey=***;EndpointSuffix=core.windows.net")]
    [InlineData("BlobEndpoint=https://a.blob.core.windows.net/;SharedAccessSignature=sv=2024&sig=abc", "BlobEndpoint=https://a.blob.core.windows.net/;SharedAccessSignature=***")]
    [InlineData("BlobEndpoint=https://a.blob.core.windows.net/?sv=1&sig=abc", "BlobEndpoint=https://a.blob.core.windows.net/?***")]
    [InlineData("UseDevelopmentStorage=true", "UseDevelopmentStorage=true")]
    [InlineData("Host=db;Password=p;Mystery=m", "Host=db;Password=***;Mystery=***")]
    [InlineData("garbage", "***")]
    public void RedactConnectionString_KeepsOnlyPublicParts(string value, string shown) =>
        Assert.Equal(shown, SecretRedactor.RedactConnectionString(value));

    [Fact]
    public void Redact_UrlWithSasQuery_DropsTheQuery() =>
        Assert.Equal("https://a.blob.core.windows.net/?***", SecretRedactor.Redact("Storage:AccountUrl", "https://a.blob.core.windows.net/?sv=1&sig=abc"));

    [Fact]
    public void Redact_OtherSecret_Masked() => Assert.Equal("***", SecretRedactor.Redact("Dashboard:ApiKey", "k"));
}
