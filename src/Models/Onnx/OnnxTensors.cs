using Google.Protobuf;
using Onnx;

namespace RankDistill.Models.Onnx;

/// <summary>Values of ONNX tensors (initializers, Constant nodes) as .NET arrays, and back.</summary>
internal static class OnnxTensors
{
    public static long[] Shape(TensorProto t) => [.. t.Dims];

    /// <summary>A float tensor's values, from raw_data (little-endian, what exporters write) or float_data.</summary>
    public static float[] Floats(TensorProto t)
    {
        if (t.DataType != (int)TensorProto.Types.DataType.Float)
            throw new InvalidDataException($"ONNX tensor '{t.Name}' is {(TensorProto.Types.DataType)t.DataType}, not float32");
        if (t.DataLocation == TensorProto.Types.DataLocation.External)
            throw new NotSupportedException($"ONNX tensor '{t.Name}' keeps its data in an external file, which is not supported");
        if (!t.RawData.IsEmpty)
            return System.Runtime.InteropServices.MemoryMarshal.Cast<byte, float>(t.RawData.Span).ToArray();
        return [.. t.FloatData];
    }

    /// <summary>An int64 tensor's values (shapes, axes), from raw_data or int64_data.</summary>
    public static long[] Longs(TensorProto t)
    {
        if (t.DataType != (int)TensorProto.Types.DataType.Int64)
            throw new InvalidDataException($"ONNX tensor '{t.Name}' is {(TensorProto.Types.DataType)t.DataType}, not int64");
        if (!t.RawData.IsEmpty)
            return System.Runtime.InteropServices.MemoryMarshal.Cast<byte, long>(t.RawData.Span).ToArray();
        return [.. t.Int64Data];
    }

    public static TensorProto Float(string name, ReadOnlySpan<float> values, params long[] shape)
    {
        var t = new TensorProto { Name = name, DataType = (int)TensorProto.Types.DataType.Float };
        t.Dims.AddRange(shape);
        t.RawData = ByteString.CopyFrom(System.Runtime.InteropServices.MemoryMarshal.AsBytes(values));
        return t;
    }

    public static TensorProto Long(string name, ReadOnlySpan<long> values, params long[] shape)
    {
        var t = new TensorProto { Name = name, DataType = (int)TensorProto.Types.DataType.Int64 };
        t.Dims.AddRange(shape);
        t.RawData = ByteString.CopyFrom(System.Runtime.InteropServices.MemoryMarshal.AsBytes(values));
        return t;
    }
}
