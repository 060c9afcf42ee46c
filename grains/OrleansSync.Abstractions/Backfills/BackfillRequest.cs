namespace OrleansSync.Backfills;

/// <summary>A request to backfill a project over UTC days <paramref name="From"/> to <paramref name="To"/>, both included.</summary>
/// <param name="ProjectId">The project, with or without <c>b.</c>.</param>
/// <param name="From">The first UTC day.</param>
/// <param name="To">The last UTC day (inclusive).</param>
/// <param name="Trigger">Who asked: <c>cli</c>, <c>http</c>.</param>
[GenerateSerializer, Immutable, Alias("OrleansSync.Backfills.BackfillRequest")]
public sealed record class BackfillRequest(
    [property: Id(0)] string ProjectId,
    [property: Id(1)] DateOnly From,
    [property: Id(2)] DateOnly To,
    [property: Id(3)] string Trigger);
