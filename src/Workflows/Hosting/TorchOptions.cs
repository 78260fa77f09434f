using System.Globalization;

namespace RankDistill.Workflows.Hosting;

/// <summary>Section <c>Torch</c>: the device and CPU threads of TorchSharp.</summary>
public sealed class TorchOptions
{
    public const string Section = "Torch";

    public TorchDevice Device { get; set; } = TorchDevice.Auto;

    /// <summary>CPU threads for libtorch; 0 leaves libtorch's default (one per core).</summary>
    public int Threads { get; set; }

    internal static TorchOptions Read(SettingReader reader) => new()
    {
        Device = reader.Choice("Torch:Device", TorchDevice.Auto),
        Threads = reader.Integer("Torch:Threads", 0, 0, 1024),
    };

    internal IEnumerable<(string Key, string? Value)> Describe() =>
        [("Torch:Device", Device.ToString().ToLowerInvariant()), ("Torch:Threads", Threads.ToString(CultureInfo.InvariantCulture))];
}
