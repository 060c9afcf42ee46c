namespace OrleansSync.RateBudget;

/// <param name="Project">The upstream project id, or <c>""</c> for calls of no project (token, admin lists).</param>
/// <param name="Callers">Callers of that project waiting for a slot.</param>
[GenerateSerializer, Immutable, Alias("OrleansSync.RateBudget.ProjectDemand")]
public sealed record class ProjectDemand([property: Id(0)] string Project, [property: Id(1)] int Callers);
