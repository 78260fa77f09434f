using RankDistill.Activities.Storage;

namespace RankDistill.Activities.Tests.Storage;

public sealed class ArtifactNameTests
{
    [Theory]
    [InlineData("runs/r1/a.txt")]
    [InlineData("clicklogs/2026-11-23/part-0001.jsonl.gz")]
    [InlineData("clicklogs/d1/_SUCCESS")]
    [InlineData("models/student/v1/.gitattributes")]
    [InlineData("labels/été/データ.tsv")]
    [InlineData("runs/r1/a..b")]
    [InlineData("abc/x")]
    public void Validate_GoodName_Accepts(string name) => ArtifactName.Validate(name);

    [Theory]
    [InlineData("", "it is empty")]
    [InlineData("/runs/r1/a", "absolute path")]
    [InlineData("C:/runs/a", "absolute path")]
    [InlineData("\\\\server\\share", "absolute path")]
    [InlineData("runs", "names an area only")]
    [InlineData("runs/", "empty segment")]
    [InlineData("runs//a", "empty segment")]
    [InlineData("runs/a/", "empty segment")]
    [InlineData("runs/../a", "'..' segment")]
    [InlineData("runs/./a", "'.' segment")]
    [InlineData("runs/a\\b", "backslash")]
    [InlineData("runs/a\u0000b", "control character U+0000 at position 6")]
    [InlineData("runs/a\nb", "control character U+000A")]
    [InlineData("runs/a:b", "':'")]
    [InlineData("runs/a?b", "'?'")]
    [InlineData("runs/a./b", "ends with a dot or a space")]
    [InlineData("runs/a /b", "ends with a dot or a space")]
    [InlineData("Runs/a", "area 'Runs'")]
    [InlineData("ru/a", "area 'ru'")]
    [InlineData("run--s/a", "area 'run--s'")]
    [InlineData("-runs/a", "area '-runs'")]
    [InlineData("runs-/a", "area 'runs-'")]
    [InlineData("averyveryveryverylongareaname12/a", "area")]
    public void Validate_BadName_ThrowsSayingWhichRule(string name, string rule)
    {
        var error = Assert.Throws<InvalidArtifactNameException>(() => ArtifactName.Validate(name));

        Assert.Contains(rule, error.Message, StringComparison.Ordinal);
        Assert.Equal(name, error.Name);
    }

    [Fact]
    public void Validate_UnpairedSurrogate_Throws()
    {
        // Built in code: an attribute argument cannot carry invalid UTF-16.
        var name = "runs/a" + (char)0xD800 + "b";

        var error = Assert.Throws<InvalidArtifactNameException>(() => ArtifactName.Validate(name));

        Assert.Contains("unpaired surrogate at position 6", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_SegmentLongerThan255Bytes_Throws()
    {
        var error = Assert.Throws<InvalidArtifactNameException>(() => ArtifactName.Validate("runs/" + new string('é', 128)));

        Assert.Contains("longer than 255 UTF-8 bytes", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_ControlCharacter_MessagePrintsItEscaped()
    {
        var error = Assert.Throws<InvalidArtifactNameException>(() => ArtifactName.Validate("runs/a\u001bb"));

        Assert.StartsWith("Artifact name 'runs/a\\u001Bb' is not valid", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("runs/")]
    [InlineData("runs/r1")]
    [InlineData("runs/r1/step-")]
    public void ValidatePrefix_StartOfAName_Accepts(string prefix) => ArtifactName.ValidatePrefix(prefix);

    [Theory]
    [InlineData("runs")]
    [InlineData("")]
    [InlineData("runs/../x")]
    [InlineData("runs//")]
    public void ValidatePrefix_BadPrefix_Throws(string prefix) =>
        Assert.Throws<InvalidArtifactNameException>(() => ArtifactName.ValidatePrefix(prefix));
}
