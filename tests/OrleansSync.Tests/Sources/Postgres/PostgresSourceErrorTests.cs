using OrleansSync.Projects;
using OrleansSync.Tasks;
using OrleansSync.Tests.Infrastructure;

namespace OrleansSync.Tests.Sources.Postgres;

/// <summary>
/// Bad input to a PostgreSQL source: what the silo can know at <c>project add</c> is refused there (exit 2, one line
/// naming the table or setting, nothing stored); what it cannot (a table dropped later) makes the task wait with
/// backoff, naming the table, and nothing is lost once the source is fixed.
/// </summary>
[Collection(PostgresSourceCollection.Name)]
public sealed class PostgresSourceErrorTests(PostgresSourceFixture fixture)
{
    private const string Tables = """
        CREATE TABLE public.good (id integer PRIMARY KEY, note text);
        INSERT INTO public.good VALUES (1, 'one'), (2, 'two');
        CREATE TABLE public.keyless (id integer, note text);
        CREATE SCHEMA other;
        CREATE TABLE other.good (id integer PRIMARY KEY);
        CREATE TYPE public.mood AS ENUM ('sad', 'happy');
        CREATE TABLE public.moody (id integer PRIMARY KEY, mood public.mood);
        CREATE VIEW public.good_view AS SELECT * FROM public.good;
        CREATE TABLE public.posix_keyed (code text COLLATE "POSIX" PRIMARY KEY);
        CREATE TABLE public.docs (id integer PRIMARY KEY, doc json, spot point, tags int[], "Changed At" timestamptz);
        """;

    public static TheoryData<string[], string[]> Refusals => new()
    {
        { ["--tables", "public.keyless"], ["public.keyless", "no primary key"] },
        { ["--tables", "public.missing"], ["public.missing", "does not exist"] },
        { ["--tables", "public.\"Good\""], ["public.\"Good\"", "does not exist"] },
        { ["--tables", "public.moody"], ["mood", "public.moody", "cannot hold"] },
        { ["--tables", "public.good_view"], ["public.good_view", "not a table"] },
        { ["--tables", "public.posix_keyed"], ["code", "public.posix_keyed", "collation c:POSIX:"] },
        { ["--tables", "public.good,other.good"], ["public.good", "other.good", "--target-schema"] },
        { ["--tables", "good"], ["'good'", "--tables", "schema"] },
        { ["--tables", "public.\"unclosed"], ["--tables", "not closed"] },
        { ["--tables", "public.good", "--mode", "cursor"], ["--mode cursor", "needs --cursor-column", "public.good"] },
        { ["--tables", "public.good", "--mode", "cursor", "--cursor-column", "changed_at"], ["public.good", "no column changed_at", "--cursor-column"] },
        { ["--tables", "public.docs", "--mode", "cursor", "--cursor-column", "Changed At"], ["'Changed At'", "--cursor-column", "not a column name"] },
        { ["--tables", "public.good,public.docs", "--mode", "cursor", "--cursor-column", "\"Changed At\""], ["public.good", "no column \"Changed At\""] },
        { ["--tables", "public.docs", "--mode", "cursor", "--cursor-column", "doc"], ["doc", "public.docs", "type json", "cannot order"] },
        { ["--tables", "public.docs", "--mode", "cursor", "--cursor-column", "spot"], ["spot", "public.docs", "type point", "cannot order"] },
        { ["--tables", "public.docs", "--mode", "cursor", "--cursor-column", "tags"], ["tags", "public.docs", "integer[]", "an array"] },
        { ["--tables", "public.good", "--cursor-column", "id"], ["--cursor-column id", "--mode cursor", "snapshot"] },
        { ["--tables", "public.good", "--target-schema", "Bad-Schema"], ["--target-schema", "Bad-Schema"] },
        { ["--tables", "public.good", "--target-schema", "sync"], ["--target-schema", "sync"] },
        { ["--tables", "public.good", "--base-url", "https://example.com"], ["--base-url", "acc"] },
    };

    [Theory]
    [MemberData(nameof(Refusals))]
    public async Task ProjectAdd_BadTableOrSetting_ExitsTwoNamingIt(string[] flags, string[] named)
    {
        var ct = TestContext.Current.CancellationToken;
        await using var source = await SourceDatabase.CreateAsync(ct);
        await source.ExecuteAsync(Tables, ct);
        var project = PostgresSnapshotTests.NewProject();

        var result = await CliAsync(["project", "add", project, "--source", "postgres", "--source-conn-env", source.Variable, .. flags]);

        AssertRefused(result, named);
        Assert.Equal(2, (await CliAsync("project", "show", project)).ExitCode);
    }

    [Fact]
    public async Task ProjectAdd_SourceUnreachable_ExitsTwoNamingTheVariable()
    {
        var port = FreePorts.Take(1)[0];
        var variable = NewVariable($"Host=127.0.0.1;Port={port};Database=nowhere;Username=nobody;Password=unused");

        var result = await CliAsync("project", "add", PostgresSnapshotTests.NewProject(), "--source", "postgres", "--source-conn-env", variable, "--tables", "public.good");

        AssertRefused(result, [variable, "could not be reached"]);
    }

    [Fact]
    public async Task ProjectAdd_LoginRefused_ExitsTwoNamingTheVariableNotThePassword()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var source = await SourceDatabase.CreateAsync(ct);
        var password = $"wrong-{Guid.NewGuid():N}";
        var variable = NewVariable(new Npgsql.NpgsqlConnectionStringBuilder(source.ConnectionString) { Password = password }.ConnectionString);

        var result = await CliAsync("project", "add", PostgresSnapshotTests.NewProject(), "--source", "postgres", "--source-conn-env", variable, "--tables", "public.good");

        AssertRefused(result, [variable, "refused the login"]);
        Assert.DoesNotContain(password, result.StdErr + result.StdOut, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ProjectAdd_ExistingMirrorDiffers_ExitsTwoNamingTheColumn()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var source = await SourceDatabase.CreateAsync(ct);
        await source.ExecuteAsync(Tables, ct);
        var project = PostgresSnapshotTests.NewProject();
        var schema = $"m_{project}";
        await using (var command = fixture.Cluster.Database.DataSource.CreateCommand($"CREATE SCHEMA {schema}; CREATE TABLE {schema}.good (id integer PRIMARY KEY, note varchar(5))"))
        {
            await command.ExecuteNonQueryAsync(ct);
        }

        var result = await CliAsync("project", "add", project, "--source", "postgres", "--source-conn-env", source.Variable, "--tables", "public.good", "--target-schema", schema);

        AssertRefused(result, [$"{schema}.good", "note", "character varying(5)", "text"]);
    }

    [Fact]
    public async Task Sync_TableDroppedAfterAdd_TaskWaitsNamingItThenMirrorsOnceItIsBack()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var source = await SourceDatabase.CreateAsync(ct);
        await source.ExecuteAsync(Tables, ct);
        var project = PostgresSnapshotTests.NewProject();
        Assert.Equal(0, (await CliAsync("project", "add", project, "--source", "postgres", "--source-conn-env", source.Variable, "--tables", "public.good", "--target-schema", $"m_{project}")).ExitCode);
        await source.ExecuteAsync("ALTER TABLE public.good RENAME TO gone", ct);

        var started = await fixture.Cluster.Client.GetGrain<IProjectGrain>(project).SyncAsync(new SyncRequest(null, Full: false, "test"), ct);
        var task = fixture.Cluster.Client.GetGrain<ISyncTaskGrain>(Assert.Single(started.Run.Tasks).TaskId);
        TaskView? waiting = null;
        await Eventually.UntilAsync(
            async () => (waiting = await task.GetAsync(ct)) is { Status: SyncTaskStatus.Waiting, Errors.Count: > 0 },
            TimeSpan.FromSeconds(60),
            "the task waiting after the source table went",
            ct);
        Assert.Contains("public.good", waiting!.Errors[^1].Message, StringComparison.Ordinal);
        Assert.Contains("does not exist", waiting.Errors[^1].Message, StringComparison.Ordinal);

        await source.ExecuteAsync("ALTER TABLE public.gone RENAME TO good; INSERT INTO public.good VALUES (3, 'three')", ct);
        await Eventually.UntilAsync(
            async () => (await task.GetAsync(ct))?.Status == SyncTaskStatus.Succeeded,
            TimeSpan.FromSeconds(60),
            "the task succeeding once the table is back",
            ct);
        await PostgresSnapshotTests.AssertMirroredAsync(fixture, source, $"m_{project}", "public", "good", ct);
    }

    private static void AssertRefused(Infrastructure.Cli.Result result, string[] named)
    {
        Assert.True(result.ExitCode == 2, $"exit {result.ExitCode}: {result.StdOut} {result.StdErr}");
        var line = Assert.Single(result.StdErr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith("error: ", line, StringComparison.Ordinal);
        foreach (var text in named)
        {
            Assert.Contains(text, line, StringComparison.Ordinal);
        }
    }

    private static string NewVariable(string value)
    {
        var variable = $"ORLEANSSYNC_SECRET_PGBAD_{Guid.NewGuid():N}"[..40].ToUpperInvariant();
        Environment.SetEnvironmentVariable(variable, value);
        return variable;
    }

    private Task<Infrastructure.Cli.Result> CliAsync(params string[] args) =>
        Infrastructure.Cli.RunAsync(fixture.Cluster.CliEnvironment(), TestContext.Current.CancellationToken, args);
}
