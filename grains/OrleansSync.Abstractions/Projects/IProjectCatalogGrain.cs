using OrleansSync.Security;

namespace OrleansSync.Projects;

/// <summary>The list of project ids (one catalog per cluster, key <see cref="Key"/>).</summary>
[Alias("OrleansSync.Projects.IProjectCatalogGrain")]
public interface IProjectCatalogGrain : IGrainWithStringKey
{
    const string Key = "all";

    [Alias("Add"), SiloOnly]
    Task AddAsync(string projectId, CancellationToken cancellationToken = default);

    [Alias("Remove"), SiloOnly]
    Task RemoveAsync(string projectId, CancellationToken cancellationToken = default);

    [Alias("List")]
    Task<IReadOnlyList<string>> ListAsync(CancellationToken cancellationToken = default);
}
