using static TorchSharp.torch;

namespace RankDistill.Models.Checkpoints;

/// <summary>One tensor listed in a safetensors header; offsets are relative to the data section after the header.</summary>
public sealed record SafeTensorEntry(string Name, ScalarType Dtype, long[] Shape, long Begin, long End)
{
    /// <summary>Throws <see cref="OverflowException"/> past 64 bits: a hostile shape must not wrap to a small count.</summary>
    public long ElementCount => Shape.Aggregate(1L, (a, b) => checked(a * b));

    public long ByteLength => End - Begin;

    /// <summary>The dtype names safetensors uses for the element types we read and write.</summary>
    internal static readonly IReadOnlyDictionary<string, ScalarType> Dtypes = new Dictionary<string, ScalarType>(StringComparer.Ordinal)
    {
        ["F32"] = ScalarType.Float32,
        ["F16"] = ScalarType.Float16,
        ["BF16"] = ScalarType.BFloat16,
    };

    internal static string DtypeName(ScalarType dtype) => dtype switch
    {
        ScalarType.Float32 => "F32",
        ScalarType.Float16 => "F16",
        ScalarType.BFloat16 => "BF16",
        _ => throw new NotSupportedException($"safetensors: element type {dtype} is not written by this library (F32, F16, BF16)"),
    };

    internal static int ElementSize(ScalarType dtype) => dtype == ScalarType.Float32 ? 4 : 2;
}
