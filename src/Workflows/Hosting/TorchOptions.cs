using System.ComponentModel.DataAnnotations;
using System.Globalization;
using Microsoft.Extensions.Options;

namespace RankDistill.Workflows.Hosting;

/// <summary>Section <c>Torch</c>: the device and CPU threads of TorchSharp.</summary>
public sealed class TorchOptions
{
    public const string Section = "Torch";

    public TorchDevice Device { get; set; } = TorchDevice.Auto;

    /// <summary>CPU threads for libtorch; 0 leaves libtorch's default (one per core).</summary>
    [Range(0, 1024)]
    public int Threads { get; set; }

    internal IEnumerable<(string Key, string? Value)> Describe() =>
        [("Torch:Device", Device.ToString().ToLowerInvariant()), ("Torch:Threads", Threads.ToString(CultureInfo.InvariantCulture))];
}

/// <summary>The rules of section <c>Torch</c>: its types and ranges are all of them.</summary>
internal sealed class TorchOptionsValidator(SettingsSection<TorchOptions> section) : IValidateOptions<TorchOptions>
{
    public ValidateOptionsResult Validate(string? name, TorchOptions options) => section.Check().Result();
}
