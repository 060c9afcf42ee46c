using System.Text.RegularExpressions;
using OrleansSync.Projects;

namespace OrleansSync.Silo.Api;

/// <summary>
/// The body of <c>POST /api/v1/projects</c>: the project's id, its source, and optionally a schedule. The cluster
/// checks it by the rules <c>orleanssync project add</c> follows (declared secrets, https upstreams, a reachable
/// postgres source); its refusals name this body's fields.
/// </summary>
/// <param name="Id">The upstream project id (with or without 'b.').</param>
/// <param name="Source">Where the project reads from.</param>
/// <param name="Every">Sync on a schedule, e.g. <c>10m</c>; absent for none.</param>
public sealed record class ProjectBody(string? Id, ProjectSourceBody? Source, string? Every = null);

/// <summary>
/// A project's source. <c>acc</c> takes <c>baseUrl</c>, <c>clientId</c>, <c>clientSecretEnv</c>, and optionally
/// <c>userId</c> and <c>streams</c>; <c>postgres</c> takes <c>connEnv</c>, <c>tables</c>, and optionally <c>mode</c>,
/// <c>cursorColumn</c> and <c>targetSchema</c>. A field of the other kind is refused.
/// </summary>
public sealed record class ProjectSourceBody(
    string? Kind,
    string? BaseUrl = null,
    string? ClientId = null,
    string? ClientSecretEnv = null,
    string? UserId = null,
    IReadOnlyList<string>? Streams = null,
    string? ConnEnv = null,
    IReadOnlyList<string>? Tables = null,
    string? Mode = null,
    string? CursorColumn = null,
    string? TargetSchema = null);

internal static partial class ProjectBodies
{
    private const string Acc = "acc";
    private const string Postgres = "postgres";

    // The cluster's rules speak in the CLI's flags; the API answers in its own fields.
    private static readonly Dictionary<string, string> FieldOfFlag = new(StringComparer.Ordinal)
    {
        ["--source-conn-env"] = "source.connEnv",
        ["--source"] = "source.kind",
        ["--base-url"] = "source.baseUrl",
        ["--client-id"] = "source.clientId",
        ["--client-secret-env"] = "source.clientSecretEnv",
        ["--user-id"] = "source.userId",
        ["--streams"] = "source.streams",
        ["--tables"] = "source.tables",
        ["--mode"] = "source.mode",
        ["--cursor-column"] = "source.cursorColumn",
        ["--target-schema"] = "source.targetSchema",
        ["--every"] = "every",
    };

    /// <summary>The spec the body asks for, or what is wrong with it.</summary>
    public static (ProjectSpec? Spec, string? Problem) ToSpec(ProjectBody body)
    {
        if (string.IsNullOrWhiteSpace(body.Id) || ProjectIds.Normalize(body.Id) is not { Length: > 0 } id)
        {
            return (null, "'id' is missing or empty: give the upstream project id.");
        }

        if (body.Source is not { } source)
        {
            return (null, $"'source' is missing: give {{\"kind\": \"{Acc}\", …}} or {{\"kind\": \"{Postgres}\", …}}.");
        }

        var wrongKind = source.Kind switch
        {
            Acc => Given(("connEnv", source.ConnEnv), ("tables", source.Tables), ("mode", source.Mode), ("cursorColumn", source.CursorColumn), ("targetSchema", source.TargetSchema)),
            Postgres => Given(("baseUrl", source.BaseUrl), ("clientId", source.ClientId), ("clientSecretEnv", source.ClientSecretEnv), ("userId", source.UserId), ("streams", source.Streams)),
            _ => null,
        };
        if (wrongKind is not null)
        {
            return (null, $"'source.{wrongKind}' is not a setting of a {source.Kind} source: leave it out, or give the kind it belongs to.");
        }

        TimeSpan? every = null;
        if (body.Every is { } text)
        {
            if (!DurationText.TryParse(text, out var period))
            {
                return (null, $"'every' '{text}' is not a duration: {DurationText.Examples}.");
            }

            every = period;
        }

        return (new ProjectSpec(
            id,
            source.Kind ?? "",
            source.BaseUrl ?? "",
            source.ClientId ?? "",
            source.ClientSecretEnv ?? "",
            source.UserId,
            (source.Kind == Postgres ? source.Tables : source.Streams) ?? [],
            every,
            source.ConnEnv,
            source.Mode,
            source.TargetSchema,
            source.CursorColumn), null);
    }

    /// <summary>A refusal of the cluster's, with the CLI's flags it names put as this API's fields.</summary>
    public static string InApiTerms(string message) =>
        Flag().Replace(message, static m => FieldOfFlag.TryGetValue(m.Value, out var field) ? $"'{field}'" : m.Value);

    private static string? Given(params (string Name, object? Value)[] fields) =>
        fields.FirstOrDefault(static f => f.Value is not null).Name;

    // Longest first, so --source-conn-env is not read as --source.
    [GeneratedRegex("--source-conn-env|--client-secret-env|--target-schema|--cursor-column|--base-url|--client-id|--user-id|--streams|--tables|--source|--every|--mode")]
    private static partial Regex Flag();
}
