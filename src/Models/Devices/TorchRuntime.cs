using Microsoft.Extensions.Logging;
using RankDistill.Models.Training;
using TorchSharp;
using static TorchSharp.torch;

namespace RankDistill.Models.Devices;

/// <summary>Chooses the device and sets torch's process-wide thread counts from <see cref="DeviceOptions"/>.</summary>
public static class TorchRuntime
{
    private static readonly Lock _gate = new();
    private static bool _logged;

    /// <summary>
    /// Applies the thread counts and returns the device to use. Throws <see cref="ArgumentException"/>
    /// naming the setting when it is not understood, or when CUDA is asked for and torch sees none.
    /// The choice is logged once a process. Each stage calls it first, so the heap the previous stage freed is given
    /// back here (<see cref="NativeHeap"/>): a process's peak is its largest stage, not the sum of them.
    /// </summary>
    public static Device Configure(DeviceOptions options, ILogger logger)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(logger);
        NativeHeap.Configure();
        NativeHeap.ReleaseFreed();
        var device = Resolve(options.Device, cuda.is_available());

        lock (_gate)
        {
            if (options.IntraOpThreads < 0 || options.InterOpThreads < 0)
                throw new ArgumentException($"Device thread counts must be 0 (torch's default) or positive; got IntraOpThreads={options.IntraOpThreads}, InterOpThreads={options.InterOpThreads}.", nameof(options));
            if (options.IntraOpThreads > 0 && get_num_threads() != options.IntraOpThreads)
                set_num_threads(options.IntraOpThreads);
            if (options.InterOpThreads > 0 && get_num_interop_threads() != options.InterOpThreads)
            {
                try
                {
                    set_num_interop_threads(options.InterOpThreads);
                }
                catch (Exception ex) when (ex is not OutOfMemoryException)
                {
                    // libtorch refuses once inter-op work has started; the process keeps its count.
                    Logs.InterOpThreadsNotSet(logger, options.InterOpThreads, get_num_interop_threads(), ex.Message);
                }
            }
            if (!_logged)
            {
                _logged = true;
                Logs.DeviceChosen(logger, device.ToString(), options.Device, get_num_threads(), get_num_interop_threads());
            }
        }
        return device;
    }

    /// <summary>Turns the setting into a device; <paramref name="cudaAvailable"/> is what torch reports.</summary>
    public static Device Resolve(string setting, bool cudaAvailable)
    {
        var (type, index) = Parse(setting, cudaAvailable, cudaAvailable ? cuda.device_count() : 0);
        return device(type, index);
    }

    /// <summary>The device type and index a setting names, checked against the CUDA devices torch sees; -1 is the default index.</summary>
    internal static (DeviceType Type, int Index) Parse(string setting, bool cudaAvailable, int cudaDevices)
    {
        var value = (setting ?? "auto").Trim().ToLowerInvariant();
        if (value == "auto")
            return cudaAvailable ? (DeviceType.CUDA, -1) : (DeviceType.CPU, -1);
        if (value == "cpu")
            return (DeviceType.CPU, -1);
        if (value == "cuda" || value.StartsWith("cuda:", StringComparison.Ordinal))
        {
            if (!cudaAvailable)
                throw new ArgumentException($"Device '{setting}' was asked for but torch sees no CUDA device (this build may be CPU-only: TorchSharp-cpu). Use 'auto' or 'cpu'.", nameof(setting));
            if (value == "cuda")
                return (DeviceType.CUDA, -1);
            if (int.TryParse(value.AsSpan(5), out int index) && index >= 0 && index < cudaDevices)
                return (DeviceType.CUDA, index);
            throw new ArgumentException($"Device '{setting}': no such CUDA device (torch sees {cudaDevices}).", nameof(setting));
        }
        throw new ArgumentException($"Device '{setting}' is not one of 'auto', 'cpu', 'cuda', 'cuda:N'.", nameof(setting));
    }
}
