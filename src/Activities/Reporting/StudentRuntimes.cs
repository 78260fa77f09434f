namespace RankDistill.Activities.Reporting;

/// <summary>The runtimes the student is timed in, by the names the report gives them.</summary>
public static class StudentRuntimes
{
    /// <summary>Our TorchSharp forward pass, the one training uses.</summary>
    public const string TorchSharp = "torchsharp";

    /// <summary>ONNX Runtime on the CPU, running the model.onnx that Publish ships beside the weights.</summary>
    public const string OnnxRuntime = "onnxruntime";

    public static string DisplayName(string runtime) => runtime == OnnxRuntime ? "ONNX Runtime" : "TorchSharp";
}
