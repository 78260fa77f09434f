using System.Buffers.Binary;
using System.Text;
using RankDistill.Models.Checkpoints;
using static TorchSharp.torch;

namespace RankDistill.Models.Tests.Checkpoints;

public sealed class SafeTensorsTests
{
    [Fact]
    public void Read_HandBuiltFile_ParsesF32F16AndBF16()
    {
        using var dir = new TempFolder();
        // 1.0, -2.5 as F32; 1.0 (0x3C00), -2.0 (0xC000), 0.5 (0x3800) as F16; 1.0 (0x3F80), 3.0 (0x4040) as BF16.
        var data = new List<byte>();
        data.AddRange(BitConverter.GetBytes(1.0f));
        data.AddRange(BitConverter.GetBytes(-2.5f));
        data.AddRange(new byte[] { 0x00, 0x3C, 0x00, 0xC0, 0x00, 0x38 });
        data.AddRange(new byte[] { 0x80, 0x3F, 0x40, 0x40 });
        var header = """{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"b":{"dtype":"F16","shape":[1,3],"data_offsets":[8,14]},"c":{"dtype":"BF16","shape":[2],"data_offsets":[14,18]},"__metadata__":{"format":"pt"}}""";
        var path = dir.File("hand.safetensors");
        File.WriteAllBytes(path, Build(header, data.ToArray()));

        using var reader = SafeTensorsReader.Open(path);
        using var scope = NewDisposeScope();
        Assert.Equal(["a", "b", "c"], reader.Entries.Select(e => e.Name));
        Assert.Equal("pt", reader.Metadata["format"]);
        var a = reader.Read(reader["a"]);
        var b = reader.Read(reader["b"]);
        var c = reader.Read(reader["c"]);
        Assert.Equal(ScalarType.Float32, a.dtype);
        Assert.Equal(ScalarType.Float16, b.dtype);
        Assert.Equal(ScalarType.BFloat16, c.dtype);
        Assert.Equal(new long[] { 1, 3 }, b.shape);
        Assert.Equal(new[] { 1.0f, -2.5f }, a.data<float>().ToArray());
        Assert.Equal(new[] { 1.0f, -2.0f, 0.5f }, b.to(float32).data<float>().ToArray());
        Assert.Equal(new[] { 1.0f, 3.0f }, c.to(float32).data<float>().ToArray());
    }

    [Fact]
    public void Open_TruncatedData_FailsNamingTheTensor()
    {
        using var dir = new TempFolder();
        var path = dir.File("model.safetensors");
        using (var scope = NewDisposeScope())
            SafeTensorsWriter.Write(path, [("first", ones(4)), ("second.weight", ones(8, 8))], ScalarType.Float32);
        var bytes = File.ReadAllBytes(path);
        File.WriteAllBytes(path, bytes[..^10]);

        var error = Assert.Throws<SafeTensorsFormatException>(() => SafeTensorsReader.Open(path));
        Assert.Contains("second.weight", error.Message, StringComparison.Ordinal);
        Assert.Contains("truncated", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(new byte[] { 1, 2, 3 }, "too short")]
    [InlineData(new byte[] { 0xFF, 0xFF, 0, 0, 0, 0, 0, 0, (byte)'{', (byte)'}' }, "header length")]
    [InlineData(new byte[] { 4, 0, 0, 0, 0, 0, 0, 0, (byte)'{', (byte)'a', (byte)'b', (byte)'}' }, "not valid JSON")]
    public void Open_MalformedHeader_FailsWithClearError(byte[] content, string expected)
    {
        using var dir = new TempFolder();
        var path = dir.File("bad.safetensors");
        File.WriteAllBytes(path, content);
        var error = Assert.Throws<SafeTensorsFormatException>(() => SafeTensorsReader.Open(path));
        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
        Assert.Contains(path, error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("""{"x":{"dtype":"I64","shape":[1],"data_offsets":[0,8]}}""", "dtype 'I64'")]
    [InlineData("""{"x":{"dtype":"F32","shape":[3],"data_offsets":[0,8]}}""", "needs 12")]
    [InlineData("""{"x":{"dtype":"F32","shape":[2]}}""", "'x' lacks")]
    [InlineData("""{"x":{"dtype":"F32","shape":[1],"data_offsets":[0,4]},"y":{"dtype":"F32","shape":[1],"data_offsets":[2,6]}}""", "overlap")]
    public void Open_InvalidEntry_FailsNamingTheTensor(string header, string expected)
    {
        using var dir = new TempFolder();
        var path = dir.File("bad.safetensors");
        File.WriteAllBytes(path, Build(header, new byte[8]));
        var error = Assert.Throws<SafeTensorsFormatException>(() => SafeTensorsReader.Open(path));
        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
    }

    [Theory]
    // 2^62 + 1 rows of 4: in wrapping 64-bit arithmetic that is 4 elements, so 8 bytes of F16 would seem to match.
    [InlineData("""{"x":{"dtype":"F16","shape":[4611686018427387905,4],"data_offsets":[0,8]}}""", "x", "overflows")]
    // 2^61 F32 elements: the count fits, its byte length 2^63 does not.
    [InlineData("""{"x":{"dtype":"F32","shape":[2305843009213693952],"data_offsets":[0,16]}}""", "x", "overflows")]
    [InlineData("""{"__metadata__":"pt","x":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}}""", "__metadata__", "not an object")]
    [InlineData("""{"__metadata__":{"format":1},"x":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}}""", "__metadata__", "'format' is not a string")]
    [InlineData("""{"x":{"dtype":"F32","shape":[1],"data_offsets":[0,4]},"x":{"dtype":"F32","shape":[1],"data_offsets":[4,8]}}""", "x", "more than once")]
    [InlineData("""{"x":{"dtype":"F32","shape":[4],"data_offsets":[0,16]}}""", "x", "holds only 8")]
    [InlineData("""{"x":{"dtype":"F32","shape":[1],"data_offsets":[-4,0]}}""", "x", "out of order")]
    [InlineData("""{"x":{"dtype":"F32","shape":[2],"data_offsets":[0,4]}}""", "x", "needs 8")]
    public void Open_HostileHeader_FailsNamingFileAndTensor(string header, string tensor, string expected)
    {
        using var dir = new TempFolder();
        var path = dir.File("hostile.safetensors");
        File.WriteAllBytes(path, Build(header, new byte[8]));
        var error = Assert.Throws<SafeTensorsFormatException>(() => SafeTensorsReader.Open(path));
        Assert.Contains(path, error.Message, StringComparison.Ordinal);
        Assert.Contains($"'{tensor}'", error.Message, StringComparison.Ordinal);
        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Open_HeaderOverTheCap_RefusedBeforeReadingIt()
    {
        using var dir = new TempFolder();
        var path = dir.File("huge-header.safetensors");
        // A sparse file long enough to hold the claimed header, so only the cap can refuse it.
        using (var stream = File.Create(path))
        {
            var length = new byte[8];
            BinaryPrimitives.WriteUInt64LittleEndian(length, 100_000_001);
            stream.Write(length);
            stream.SetLength(8 + 100_000_001 + 8);
        }
        var error = Assert.Throws<SafeTensorsFormatException>(() => SafeTensorsReader.Open(path));
        Assert.Contains(path, error.Message, StringComparison.Ordinal);
        Assert.Contains("limit", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(ScalarType.Float32)]
    [InlineData(ScalarType.Float16)]
    [InlineData(ScalarType.BFloat16)]
    public void WriteThenRead_EachDtype_ValuesSurviveAtThatPrecision(ScalarType dtype)
    {
        using var dir = new TempFolder();
        using var scope = NewDisposeScope();
        var path = dir.File("w.safetensors");
        var big = randn(1100, 4000); // 17.6 MB in F32: crosses the reader's 16 MB chunk boundary
        var small = arange(6, float32).view(2, 3);
        SafeTensorsWriter.Write(path, [("big", big), ("small", small)], dtype);

        using var reader = SafeTensorsReader.Open(path);
        var readBig = reader.Read(reader["big"]);
        Assert.Equal(dtype, readBig.dtype);
        Assert.True(readBig.to(float32).eq(big.to(dtype).to(float32)).all().item<bool>());
        Assert.Equal(new float[] { 0, 1, 2, 3, 4, 5 }, reader.Read(reader["small"]).to(float32).data<float>().ToArray());
        Assert.Equal(0, (8 + BinaryPrimitives.ReadInt64LittleEndian(File.ReadAllBytes(path).AsSpan(0, 8))) % 8);
    }

    private static byte[] Build(string header, byte[] data)
    {
        var json = Encoding.UTF8.GetBytes(header);
        var bytes = new byte[8 + json.Length + data.Length];
        BinaryPrimitives.WriteUInt64LittleEndian(bytes, (ulong)json.Length);
        json.CopyTo(bytes, 8);
        data.CopyTo(bytes, 8 + json.Length);
        return bytes;
    }
}
