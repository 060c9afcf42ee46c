using OrleansSync.Security;

namespace OrleansSync.Projects;

public sealed class ProjectCatalogGrain(
    [PersistentState("catalog", GrainStorage.Name)] IPersistentState<ProjectCatalogState> state) : Grain, IProjectCatalogGrain
{
    public async Task AddAsync(string projectId, CancellationToken cancellationToken = default)
    {
        GrainInput.Text(projectId, "The project id");
        if (state.State.ProjectIds.Add(projectId))
        {
            await state.WriteStateAsync(cancellationToken);
        }
    }

    public async Task RemoveAsync(string projectId, CancellationToken cancellationToken = default)
    {
        GrainInput.Text(projectId, "The project id");
        if (state.State.ProjectIds.Remove(projectId))
        {
            await state.WriteStateAsync(cancellationToken);
        }
    }

    public Task<IReadOnlyList<string>> ListAsync(CancellationToken cancellationToken = default) =>
        Task.FromResult<IReadOnlyList<string>>([.. state.State.ProjectIds.Order(StringComparer.Ordinal)]);
}

[GenerateSerializer, Alias("OrleansSync.Projects.ProjectCatalogState")]
public sealed class ProjectCatalogState
{
    [Id(0)]
    public HashSet<string> ProjectIds { get; set; } = new(StringComparer.Ordinal);
}
