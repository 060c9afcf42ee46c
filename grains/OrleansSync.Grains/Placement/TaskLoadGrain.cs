using Microsoft.Extensions.Options;
using OrleansSync.Security;

namespace OrleansSync.Placement;

/// <summary>Keeps the last report of each silo; a silo not heard from for ten refresh periods drops out.</summary>
public sealed class TaskLoadGrain(TimeProvider time, IOptions<TaskPlacementOptions> options) : Grain, ITaskLoadGrain
{
    /// <summary>Far above any silo's run slots plus its queue.</summary>
    private const int MaxLoad = 1_000_000;

    private readonly Dictionary<SiloAddress, (int Load, DateTimeOffset At)> _loads = [];

    public Task<Dictionary<SiloAddress, int>> ReportAsync(SiloAddress silo, int load, CancellationToken cancellationToken = default)
    {
        GrainInput.Required(silo, "The reporting silo");
        GrainInput.Count(load, "The silo's task load", MaxLoad);
        var now = time.GetUtcNow();
        _loads[silo] = (load, now);
        var oldest = now - (options.Value.LoadRefreshPeriod * 10);
        foreach (var gone in _loads.Where(e => e.Value.At < oldest).Select(static e => e.Key).ToList())
        {
            _loads.Remove(gone);
        }

        return Task.FromResult(_loads.ToDictionary(static e => e.Key, static e => e.Value.Load));
    }
}
