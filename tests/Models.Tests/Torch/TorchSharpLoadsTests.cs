using static TorchSharp.torch;

namespace RankDistill.Models.Tests.Torch;

/// <summary>Proves the native library loads on this host (see build/TorchSharpGlibcxx.targets).</summary>
public sealed class TorchSharpLoadsTests
{
    [Fact]
    public void LinearLayer_ForwardAndBackward_GradientsMatchClosedForm()
    {
        using var scope = NewDisposeScope();
        using var layer = nn.Linear(3, 1);
        var x = tensor(new float[] { 1f, 2f, 3f, -1f, 0.5f, 4f }, 2, 3);

        // loss = sum(W x + b) over the batch, so dL/dW = column sums of x and dL/db = batch size.
        var loss = layer.forward(x).sum();
        loss.backward();

        float[] weightGrad = layer.weight!.grad!.data<float>().ToArray();
        Assert.Equal(new[] { 0f, 2.5f, 7f }, weightGrad);
        Assert.Equal(2f, layer.bias!.grad!.item<float>());
    }
}
