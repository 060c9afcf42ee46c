using OrleansSync.Security;

namespace OrleansSync.Placement;

/// <summary>
/// The cluster's task load board (one activation, key 0): every silo reports its running and queued tasks and gets
/// everyone's back. Soft state only: if it moves, the next round of reports rebuilds it.
/// </summary>
[Alias("OrleansSync.Placement.ITaskLoadGrain")]
public interface ITaskLoadGrain : IGrainWithIntegerKey
{
    /// <summary>Records <paramref name="silo"/>'s load and returns the load of every silo heard from recently.</summary>
    [Alias("Report"), SiloOnly]
    Task<Dictionary<SiloAddress, int>> ReportAsync(SiloAddress silo, int load, CancellationToken cancellationToken = default);
}
