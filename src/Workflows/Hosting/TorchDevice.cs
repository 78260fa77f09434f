namespace RankDistill.Workflows.Hosting;

/// <summary>Where models train and run (<c>Torch:Device</c>).</summary>
public enum TorchDevice
{
    /// <summary>CUDA when a GPU is present, else the CPU.</summary>
    Auto,

    Cpu,

    /// <summary>CUDA, and fail if there is none.</summary>
    Cuda,
}
