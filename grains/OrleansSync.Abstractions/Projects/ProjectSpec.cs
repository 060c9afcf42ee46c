namespace OrleansSync.Projects;

/// <summary>What a user configures for one upstream project.</summary>
/// <param name="ProjectId">The upstream project id, without the <c>b.</c> prefix.</param>
/// <param name="Source">
/// The source kind (<c>project add --source</c>), as a silo's source kinds name it; stored normalised. Empty asks for
/// the default kind, <c>acc</c>, the kind of every project stored before projects could name another.
/// </param>
/// <param name="BaseUrl">The upstream's base URL, e.g. <c>https://developer.api.autodesk.com</c>.</param>
/// <param name="ClientId">The OAuth client id.</param>
/// <param name="ClientSecretVariable">
/// The name of the environment variable that holds the client secret on every silo. The secret itself is never
/// stored, shown or sent through the cluster: each silo reads it from its own environment when a task runs.
/// </param>
/// <param name="UserId">Sent as <c>x-user-id</c> on reviews calls (2-legged tokens need it).</param>
/// <param name="Streams">The streams to sync: an <c>acc</c> project's (see <c>StreamNames</c> in the grains), a <c>postgres</c> project's tables (<c>--tables</c>, <c>schema.table</c>).</param>
/// <param name="Every">The schedule; null for manual syncs only.</param>
/// <param name="SourceConnectionVariable">
/// A <c>postgres</c> source: the name of the declared environment variable holding the source database's connection
/// string on every silo (<c>--source-conn-env</c>); like the client secret, the value is never stored, shown or sent.
/// Null for other kinds, and in every project stored before PostgreSQL sources.
/// </param>
/// <param name="Mode">A <c>postgres</c> source's mode (<c>--mode</c>: snapshot or cursor); null for other kinds.</param>
/// <param name="TargetSchema">A <c>postgres</c> source's schema in the cluster's database that its tables land in (<c>--target-schema</c>); null for other kinds.</param>
/// <param name="CursorColumn">
/// A <c>postgres</c> source in cursor mode: the column of every listed table that grows with each insert and update
/// (<c>--cursor-column</c>), stored as SQL names it (bare in lower case, else quoted); null in every other mode and kind.
/// </param>
[GenerateSerializer, Immutable, Alias("OrleansSync.Projects.ProjectSpec")]
public sealed record class ProjectSpec(
    [property: Id(0)] string ProjectId,
    [property: Id(1)] string Source,
    [property: Id(2)] string BaseUrl,
    [property: Id(3)] string ClientId,
    [property: Id(4)] string ClientSecretVariable,
    [property: Id(5)] string? UserId,
    [property: Id(6)] IReadOnlyList<string> Streams,
    [property: Id(7)] TimeSpan? Every,
    [property: Id(8)] string? SourceConnectionVariable = null,
    [property: Id(9)] string? Mode = null,
    [property: Id(10)] string? TargetSchema = null,
    [property: Id(11)] string? CursorColumn = null);
