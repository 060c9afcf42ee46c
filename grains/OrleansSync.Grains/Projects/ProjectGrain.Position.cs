using OrleansSync.Sources;

namespace OrleansSync.Projects;

/// <summary>Where a streaming project's source is now: what <c>sync --wait</c> waits for its tasks to reach.</summary>
public sealed partial class ProjectGrain
{
    public async Task<ulong?> SourcePositionAsync(CancellationToken cancellationToken = default)
    {
        var spec = RequireSpec();
        try
        {
            // Read here, on a silo: the source's connection string is a declared secret of the silos' environment.
            return await kinds.Of(spec.Source).PositionAsync(spec, silo.Name, cancellationToken);
        }
        catch (SourceException e)
        {
            throw new SyncRefusedException($"Project {ProjectId}: {e.Message} The wait needs the source's position; the run goes on.");
        }
    }
}
