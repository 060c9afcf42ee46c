using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace OrleansSync.Placement;

/// <summary>
/// While the silo is active, reports its task load to the board every <see cref="TaskPlacementOptions.LoadRefreshPeriod"/>
/// and keeps the answer for placement. A failed round (the board moving with its silo) is skipped: placement goes on
/// with the last view.
/// </summary>
public sealed partial class TaskLoadPublisher(
    TaskSlots slots,
    TaskLoadView view,
    IGrainFactory grains,
    ILocalSiloDetails local,
    IOptions<TaskPlacementOptions> options,
    ILogger<TaskLoadPublisher> logger) : SiloBackgroundLoop
{

    protected override async Task LoopAsync(CancellationToken cancellationToken)
    {
        var period = options.Value.LoadRefreshPeriod;
        using var timer = new PeriodicTimer(period);
        var board = grains.GetGrain<ITaskLoadGrain>(0);
        try
        {
            do
            {
                try
                {
                    using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
                    deadline.CancelAfter(period * 5);
                    var (running, queued) = slots.Counts;
                    view.Update(await board.ReportAsync(local.SiloAddress, running + queued, deadline.Token));
                }
                catch (Exception e) when (!cancellationToken.IsCancellationRequested)
                {
                    LogDebugReportFailed(logger, e);
                }
            }
            while (await timer.WaitForNextTickAsync(cancellationToken));
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // The silo is stopping.
        }
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Task load report skipped; placement uses the last view")]
    private static partial void LogDebugReportFailed(ILogger logger, Exception exception);
}
