using Microsoft.Extensions.Logging;

namespace RankDistill.Durable.Worker;

/// <summary>
/// Takes work items while it has free slots and runs each on the thread pool. When a poll finds
/// nothing it waits for an in-process wake-up or a back-off that doubles from the minimum to the
/// maximum poll interval.
/// </summary>
internal sealed class DispatchLoop<T>(
    string name,
    int concurrency,
    Func<int, CancellationToken, Task<IReadOnlyList<T>>> lockNext,
    Func<T, CancellationToken, Task> process,
    Func<Task> armWakeUp,
    DurableTaskWorkerOptions options,
    TimeProvider time,
    ILogger logger)
    where T : class
{
    public async Task RunAsync(CancellationToken stopping)
    {
        using var slots = new SemaphoreSlim(concurrency, concurrency);
        var running = new HashSet<Task>();
        var delay = options.MinPollInterval;
        try
        {
            while (!stopping.IsCancellationRequested)
            {
                await slots.WaitAsync(stopping);
                var free = 1;
                while (slots.Wait(0))
                    free++;
                var wakeUp = armWakeUp();
                IReadOnlyList<T> items = [];
                try
                {
                    items = await lockNext(free, stopping);
                }
                catch (OperationCanceledException) when (stopping.IsCancellationRequested)
                {
                    break;
                }
                catch (Exception e)
                {
                    logger.PollFailed(name, e);
                }
                if (free > items.Count)
                    slots.Release(free - items.Count);
                if (items.Count > 0)
                {
                    delay = options.MinPollInterval;
                    foreach (var item in items)
                        Start(item);
                    continue;
                }
                await Task.WhenAny(wakeUp, Task.Delay(delay, time, stopping));
                delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, options.MaxPollInterval.Ticks));
            }
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
        }
        void Start(T item)
        {
            var work = Task.Run(async () =>
            {
                try
                {
                    await process(item, stopping);
                }
                finally
                {
                    slots.Release();
                }
            }, CancellationToken.None);
            lock (running)
                running.Add(work);
            _ = work.ContinueWith(t =>
            {
                lock (running)
                    running.Remove(t);
            }, TaskScheduler.Default);
        }

        Task[] left;
        lock (running)
            left = [.. running];
        await Task.WhenAll(left).ContinueWith(_ => { }, TaskScheduler.Default);
    }
}
