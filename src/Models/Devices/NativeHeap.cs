using System.Runtime.InteropServices;

namespace RankDistill.Models.Devices;

/// <summary>
/// glibc's heap, where libtorch's CPU tensors live. By default glibc keeps up to 8 arenas per core and rarely gives
/// freed pages back, so a long process that trains and scores on many thread-pool threads keeps every stage's peak
/// (the default demo grew to 3.4 GB). Two arenas and a trim between stages give that memory back. Within a stage the
/// opposite holds: a training step frees and allocates the same large tensors (logits, activations, gradients) every
/// step, and a block glibc maps afresh (its default for large blocks: over 128 KB at first, over 32 MB once it adapts)
/// or trims on free comes back as new pages that fault in one by one, which at the demo's small widths cost more than
/// the arithmetic. Elsewhere (another C library, Windows, macOS) these calls do nothing.
/// </summary>
public static partial class NativeHeap
{
    private const int TrimThresholdParameter = -1; // M_TRIM_THRESHOLD in malloc.h
    private const int MmapMaxParameter = -4;       // M_MMAP_MAX
    private const int ArenaMaxParameter = -8;      // M_ARENA_MAX

    private static int _configured;

    /// <summary>
    /// Once a process, as early as possible (arenas already made stay): caps glibc's arenas at two, and keeps freed
    /// blocks in the heap for the next step to reuse (no block of its own mapped per large tensor, no trim on free).
    /// <see cref="ReleaseFreed"/> gives the freed memory back between stages. A thread outside the main arena still gets
    /// blocks over 64 MB mapped, since glibc's other arenas grow in 64 MB heaps.
    /// </summary>
    public static void Configure()
    {
        if (Interlocked.Exchange(ref _configured, 1) != 0)
            return;
        Call(() => mallopt(ArenaMaxParameter, 2));
        Call(() => mallopt(MmapMaxParameter, 0));
        Call(() => mallopt(TrimThresholdParameter, int.MaxValue));
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
