using RankDistill.Models.Devices;
using RankDistill.Models.Tests.Training.Support;
using TorchSharp;
using static TorchSharp.torch;

namespace RankDistill.Models.Tests.Training;

[Collection(TorchCollection.Name)]
public sealed class TorchRuntimeTests
{
    [Theory]
    [InlineData("auto", false, DeviceType.CPU, -1)]
    [InlineData("auto", true, DeviceType.CUDA, -1)]
    [InlineData(" CPU ", true, DeviceType.CPU, -1)]
    [InlineData("cuda", true, DeviceType.CUDA, -1)]
    [InlineData("cuda:1", true, DeviceType.CUDA, 1)]
    public void Parse_Setting_PicksTheDevice(string setting, bool cudaAvailable, DeviceType expected, int index)
    {
        // Parsed, not built: a CUDA Device object cannot be made on a machine without CUDA.
        Assert.Equal((expected, index), TorchRuntime.Parse(setting, cudaAvailable, cudaDevices: 2));
    }

    [Theory]
    [InlineData("cuda", false)]
    [InlineData("cuda:2", true)]
    [InlineData("gpu", true)]
    public void Parse_UnusableSetting_ThrowsNamingIt(string setting, bool cudaAvailable)
    {
        var ex = Assert.Throws<ArgumentException>(() => TorchRuntime.Parse(setting, cudaAvailable, cudaDevices: 2));
        Assert.Contains($"'{setting}'", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Resolve_Auto_OnThisCpuBuild_Cpu()
    {
        // The tests run on TorchSharp-cpu (see TorchBackendSwitchTests): torch sees no CUDA device, auto means CPU.
        Assert.False(cuda.is_available());
        Assert.Equal(DeviceType.CPU, TorchRuntime.Resolve("auto", cuda.is_available()).type);
    }

    [Fact]
    public void Configure_OnThisMachine_CpuWithTheConfiguredIntraOpThreads()
    {
        int before = get_num_threads();
        try
        {
            var device = TorchRuntime.Configure(new DeviceOptions { IntraOpThreads = 1 }, new ListLogger());

            Assert.Equal(DeviceType.CPU, device.type);
            Assert.Equal(1, get_num_threads());
        }
        finally
        {
            set_num_threads(before);
        }
    }
}
