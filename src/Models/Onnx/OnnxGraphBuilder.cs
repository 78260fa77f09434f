using Onnx;

namespace RankDistill.Models.Onnx;

/// <summary>
/// Appends nodes and initializers to an ONNX graph under fresh names, so the model's forward can be written as calls
/// (<c>var h = g.Node("MatMul", x, w)</c>) rather than as a wiring table.
/// </summary>
internal sealed class OnnxGraphBuilder(GraphProto graph)
{
    private int _next;

    public GraphProto Graph { get; } = graph;

    /// <summary>One node with one output; returns the output's name.</summary>
    public string Node(string op, params string[] inputs) => Node(op, inputs, []);

    public string Node(string op, string[] inputs, params AttributeProto[] attributes)
    {
        var output = $"{op.ToLowerInvariant()}_{_next++}";
        var node = new NodeProto { OpType = op, Name = output };
        node.Input.AddRange(inputs);
        node.Output.Add(output);
        node.Attribute.AddRange(attributes);
        Graph.Node.Add(node);
        return output;
    }

    /// <summary>A float initializer; returns its name.</summary>
    public string Weight(string name, float[] values, params long[] shape)
    {
        Graph.Initializer.Add(OnnxTensors.Float(name, values, shape));
        return name;
    }

    public string Scalar(float value) => Weight($"const_{_next++}", [value]);

    /// <summary>An int64 vector constant (shapes, axes, indices); a scalar when <paramref name="scalar"/>.</summary>
    public string Longs(long[] values, bool scalar = false)
    {
        var name = $"const_{_next++}";
        Graph.Initializer.Add(scalar ? OnnxTensors.Long(name, values) : OnnxTensors.Long(name, values, values.Length));
        return name;
    }

    public static AttributeProto Int(string name, long value) =>
        new() { Name = name, Type = AttributeProto.Types.AttributeType.Int, I = value };

    public static AttributeProto Float(string name, float value) =>
        new() { Name = name, Type = AttributeProto.Types.AttributeType.Float, F = value };

    public static AttributeProto Ints(string name, params long[] values)
    {
        var a = new AttributeProto { Name = name, Type = AttributeProto.Types.AttributeType.Ints };
        a.Ints.AddRange(values);
        return a;
    }

    /// <summary>A (batch, sequence) tensor input or output with symbolic dimensions.</summary>
    public static ValueInfoProto Value(string name, TensorProto.Types.DataType type, params string[] dims)
    {
        var shape = new TensorShapeProto();
        foreach (var d in dims)
            shape.Dim.Add(new TensorShapeProto.Types.Dimension { DimParam = d });
        return new ValueInfoProto
        {
            Name = name,
            Type = new TypeProto { TensorType = new TypeProto.Types.Tensor { ElemType = (int)type, Shape = shape } },
        };
    }
}
