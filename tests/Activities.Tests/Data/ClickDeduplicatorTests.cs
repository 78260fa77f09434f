using RankDistill.Activities.Data;

namespace RankDistill.Activities.Tests.Data;

public sealed class ClickDeduplicatorTests
{
    private static readonly DateTimeOffset _time = DateTimeOffset.Parse("2024-03-01T08:00:00Z");
    private static readonly ClickLogRow _row = new("Cheap Flights", "t", "s", "https://x.test/1", 1, false, null, "s1", _time);

    [Fact]
    public void TryAdd_SameEventTwice_SecondIsDuplicate()
    {
        var dedupe = new ClickDeduplicator();

        Assert.True(dedupe.TryAdd(_row, "cheap flights"));
        Assert.False(dedupe.TryAdd(_row with { Title = "another title", DwellMs = 5 }, "cheap flights"));
        Assert.Equal(1, dedupe.Duplicates);
        Assert.Equal(0, dedupe.Conflicts);
    }

    [Fact]
    public void TryAdd_DuplicateDisagreeingOnClick_DroppedAndCountedAsConflict()
    {
        var dedupe = new ClickDeduplicator();
        dedupe.TryAdd(_row, "cheap flights");

        Assert.False(dedupe.TryAdd(_row with { Clicked = true }, "cheap flights"));
        Assert.Equal(1, dedupe.Conflicts);
    }

    [Fact]
    public void TryAdd_AnyKeyFieldDiffers_NotADuplicate()
    {
        var dedupe = new ClickDeduplicator();
        dedupe.TryAdd(_row, "cheap flights");

        Assert.True(dedupe.TryAdd(_row, "cheap flight"));
        Assert.True(dedupe.TryAdd(_row with { Url = "https://x.test/2" }, "cheap flights"));
        Assert.True(dedupe.TryAdd(_row with { Position = 2 }, "cheap flights"));
        Assert.True(dedupe.TryAdd(_row with { SessionId = "s2" }, "cheap flights"));
        Assert.True(dedupe.TryAdd(_row with { SessionId = null }, "cheap flights"));
        Assert.True(dedupe.TryAdd(_row with { SessionId = "" }, "cheap flights"));
        Assert.True(dedupe.TryAdd(_row with { Timestamp = _time.AddMilliseconds(1) }, "cheap flights"));
        Assert.True(dedupe.TryAdd(_row with { Timestamp = null }, "cheap flights"));
        Assert.Equal(0, dedupe.Duplicates);
    }

    [Fact]
    public void TryAdd_SameInstantInAnotherOffset_Duplicate()
    {
        var dedupe = new ClickDeduplicator();
        dedupe.TryAdd(_row, "cheap flights");

        Assert.False(dedupe.TryAdd(_row with { Timestamp = _time.ToOffset(TimeSpan.FromHours(2)) }, "cheap flights"));
    }
}
