namespace RankDistill.Models.Devices;

/// <summary>Where tensors live and how many CPU threads torch uses; bound from configuration.</summary>
public sealed record DeviceOptions
{
    /// <summary>"auto" (CUDA when torch sees one, else the CPU), "cpu", "cuda" or "cuda:N".</summary>
    public string Device { get; init; } = "auto";

    /// <summary>Threads inside one op (matmul); 0 keeps torch's default, one per core.</summary>
    public int IntraOpThreads { get; init; }

    /// <summary>Threads running independent ops at once; 0 keeps torch's default. Settable once a process, before any parallel work.</summary>
    public int InterOpThreads { get; init; }
}
