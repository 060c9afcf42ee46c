using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using OrleansSync.Progress;

namespace OrleansSync.Tasks;

/// <summary>
/// When membership declares a silo dead, wakes the tasks that were running, queued or waiting on it (as
/// <c>sync.progress</c> last saw them): a call re-activates each on a live silo, and its activation resumes the
/// stream from its checkpoint. Without it they would wait for their watchdog reminder (<c>WatchdogPeriod</c>, a
/// minute). One silo does it: the live one with the lowest address, the same on every silo's view of membership;
/// if it dies too, the watchdog is still there.
/// </summary>
public sealed partial class DeadSiloTaskWaker(
    IClusterMembershipService membership,
    ILocalSiloDetails local,
    IGrainFactory grains,
    ProgressTable progress,
    TimeProvider time,
    ILogger<DeadSiloTaskWaker> logger) : BackgroundService
{
    private static readonly TimeSpan RetryDelay = TimeSpan.FromSeconds(2);
    private const int Attempts = 5;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        // Silos already dead when this one started were handled (or not) by the cluster of their day.
        HashSet<SiloAddress>? known = null;
        try
        {
            await foreach (var snapshot in membership.MembershipUpdates.WithCancellation(stoppingToken))
            {
                var dead = snapshot.Members.Values.Where(static m => m.Status == SiloStatus.Dead).ToList();
                if (known is null)
                {
                    known = [.. dead.Select(static m => m.SiloAddress)];
                    continue;
                }

                foreach (var silo in dead.Where(m => known.Add(m.SiloAddress)))
                {
                    var waker = snapshot.Members.Values
                        .Where(static m => m.Status == SiloStatus.Active)
                        .Select(static m => m.SiloAddress)
                        .Order()
                        .FirstOrDefault();
                    if (waker == local.SiloAddress)
                    {
                        _ = WakeAsync(silo.Name, stoppingToken);
                    }
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // The silo is stopping.
        }
    }

    private async Task WakeAsync(string deadSilo, CancellationToken cancellationToken)
    {
        try
        {
            var tasks = await progress.UnfinishedOnAsync(deadSilo, cancellationToken);
            LogInformationWaking(logger, tasks.Count, deadSilo);
            await Parallel.ForEachAsync(tasks, new ParallelOptions { MaxDegreeOfParallelism = 8, CancellationToken = cancellationToken }, WakeOneAsync);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // The watchdog reminders remain: each task resumes at its next tick.
            LogWarningNotWoken(logger, e, deadSilo);
        }
    }

    private async ValueTask WakeOneAsync(string taskId, CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                // Any call activates it; its activation resumes the run if the task is unfinished.
                await grains.GetGrain<ISyncTaskGrain>(taskId).GetAsync(cancellationToken);
                return;
            }
            catch (Exception e) when (e is not OperationCanceledException && attempt < Attempts)
            {
                // The directory may still point at the dead silo for a moment.
                await Task.Delay(RetryDelay, time, cancellationToken);
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Waking {Count} unfinished task(s) of dead silo {Silo}")]
    private static partial void LogInformationWaking(ILogger logger, int count, string silo);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not wake the tasks of dead silo {Silo}; their watchdogs will")]
    private static partial void LogWarningNotWoken(ILogger logger, Exception error, string silo);
}
