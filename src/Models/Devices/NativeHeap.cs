using System.Runtime.InteropServices;

namespace RankDistill.Models.Devices;

/// <summary>
/// glibc's heap, where libtorch's CPU tensors live. By default glibc keeps up to 8 arenas per core and rarely gives
/// freed pages back, so a long process that trains and scores on many thread-pool threads keeps every stage's peak
/// (the default demo grew to 3.4 GB). Two arenas and a trim between stages give that memory back. Elsewhere (another
/// C library, Windows, macOS) these calls do nothing.
/// </summary>
public static partial class NativeHeap
{
    private const int ArenaMaxParameter = -8; // M_ARENA_MAX in malloc.h

    private static int _limited;

    /// <summary>Caps glibc's arenas at two; once a process, as early as possible (arenas already made stay).</summary>
    public static void LimitArenas()
    {
        if (Interlocked.Exchange(ref _limited, 1) == 0)
            Call(() => mallopt(ArenaMaxParameter, 2));
    }

    /// <summary>
    /// Between stages (never in a loop): finalizes tensors no scope disposed (the GC sees only their small managed
    /// wrappers, not the native memory behind them), then returns the freed heap pages to the system.
    /// </summary>
    public static void ReleaseFreed()
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        Call(() => malloc_trim(0));
    }

    private static void Call(Func<int> call)
    {
        if (!OperatingSystem.IsLinux())
            return;
        try
        {
            call();
        }
        catch (Exception e) when (e is EntryPointNotFoundException or DllNotFoundException)
        {
            // Not glibc (musl has neither call): nothing to tune.
        }
    }

    [LibraryImport("libc", EntryPoint = "mallopt")]
    private static partial int mallopt(int parameter, int value);

    [LibraryImport("libc", EntryPoint = "malloc_trim")]
    private static partial int malloc_trim(nuint pad);
}
