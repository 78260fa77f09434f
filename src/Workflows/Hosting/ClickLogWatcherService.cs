using RankDistill.Workflows.Orchestrations;

namespace RankDistill.Workflows.Hosting;

/// <summary>
/// Runs <see cref="ClickLogWatcher.ScanAsync"/> at start and then every <see cref="PipelineOptions.WatchInterval"/>
/// until the host stops. A failed scan (storage down) is logged and tried again at the next tick; it never stops the host.
/// </summary>
public sealed class ClickLogWatcherService(ClickLogWatcher watcher, PipelineOptions options, TimeProvider time, ILogger<ClickLogWatcherService> logger)
    : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        logger.WatchStarted(watcher.StoreDescription, options.WatchInterval);
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await watcher.ScanAsync(stoppingToken);
            }
            catch (Exception e) when (e is not OperationCanceledException || !stoppingToken.IsCancellationRequested)
            {
                logger.WatchFailed(e, watcher.StoreDescription, options.WatchInterval);
            }
            try
            {
                await Task.Delay(options.WatchInterval, time, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }
}
