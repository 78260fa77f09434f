using RankDistill.Testing;

namespace RankDistill.Activities.Tests.Storage;

/// <summary>The byte-identity checks of the store tests are only as good as this helper: it must see every difference.</summary>
public sealed class SeededContentTests
{
    private const int Length = (3 << 20) + 5;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task FirstDifferenceAsync_SameBytes_ReturnsMinusOne()
    {
        var bytes = SeededContent.Bytes(9, Length);

        Assert.Equal(-1, await SeededContent.FirstDifferenceAsync(new MemoryStream(bytes), 9, Length, Ct));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1 << 20)]
    [InlineData(Length - 1)]
    public async Task FirstDifferenceAsync_OneByteChanged_ReturnsItsOffset(int offset)
    {
        var bytes = SeededContent.Bytes(9, Length);
        bytes[offset] ^= 1;

        Assert.Equal(offset, await SeededContent.FirstDifferenceAsync(new MemoryStream(bytes), 9, Length, Ct));
    }

    [Fact]
    public async Task FirstDifferenceAsync_ShorterOrLonger_ReturnsTheShorterLength()
    {
        var bytes = SeededContent.Bytes(9, Length + 1);

        Assert.Equal(Length - 1, await SeededContent.FirstDifferenceAsync(new MemoryStream(bytes, 0, Length - 1), 9, Length, Ct));
        Assert.Equal(Length, await SeededContent.FirstDifferenceAsync(new MemoryStream(bytes), 9, Length, Ct));
    }

    [Fact]
    public async Task WriteAsync_AnySeedOrOffset_SameBytesAsFill()
    {
        using var written = new MemoryStream();
        await SeededContent.WriteAsync(written, 9, Length, Ct);
        var slice = new byte[13];
        SeededContent.Fill(9, 1_000_003, slice);

        Assert.Equal(SeededContent.Bytes(9, Length), written.ToArray());
        Assert.Equal(written.ToArray().AsSpan(1_000_003, 13).ToArray(), slice);
        Assert.NotEqual(SeededContent.Bytes(9, 64), SeededContent.Bytes(10, 64));
    }
}
