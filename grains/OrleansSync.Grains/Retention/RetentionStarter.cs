using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace OrleansSync.Retention;

/// <summary>Makes sure the retention reminder exists once this silo has joined; retried until it does.</summary>
public sealed partial class RetentionStarter(IGrainFactory grains, TimeProvider time, ILogger<RetentionStarter> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        for (var attempt = 1; !stoppingToken.IsCancellationRequested; attempt++)
        {
            try
            {
                await grains.GetGrain<IRetentionGrain>(0).EnsureScheduledAsync(stoppingToken);
                return;
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                LogWarningNotScheduled(logger, e, attempt);
                await Task.Delay(TimeSpan.FromSeconds(Math.Min(60, 2 * attempt)), time, stoppingToken);
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not schedule retention (attempt {Attempt}); trying again")]
    private static partial void LogWarningNotScheduled(ILogger logger, Exception error, int attempt);
}
