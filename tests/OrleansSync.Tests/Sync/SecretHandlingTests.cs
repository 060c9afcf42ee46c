using Npgsql;
using NpgsqlTypes;
using OrleansSync.Emulator;
using OrleansSync.Projects;
using OrleansSync.Tasks;
using OrleansSync.Tests.Infrastructure;

namespace OrleansSync.Tests.Sync;

/// <summary>The client secret lives in each silo's environment only: never in logs, CLI output, grain state or tables.</summary>
public sealed class SecretHandlingTests
{
    [Fact]
    public async Task Sync_WithSecretFromVariable_SecretAppearsNowhere()
    {
        var ct = TestContext.Current.CancellationToken;
        var secret = $"s3cret-{Guid.NewGuid():N}";
        await using var emulator = await AccEmulator.StartAsync(
            new EmulatorOptions
            {
                Dataset = { Seed = 31, Projects = 1, ReviewsPerProject = 30, WorkflowsPerProject = 3 },
                Clients = [new EmulatorClient("secret-test-client", secret)],
                RateLimits = RateLimitOptions.Unlimited,
                // A malformed record and a bad token both put text in logs and tables: none of it may carry the secret.
                Faults = new FaultSettings { MalformedRate = 0.1, TokenTtlSeconds = 2 },
            },
            ct);
        await using var cluster = await ProcessCluster.StartAsync(silos: 2, ct, new Dictionary<string, string?> { ["ORLEANSSYNC_SECRET_LEAK_TEST"] = secret });
        var projectId = emulator.ProjectIds[0];
        await using (var connection = await cluster.ConnectAsync(ct))
        {
            await connection.Client.GetGrain<IProjectGrain>(projectId).ConfigureAsync(
                new ProjectSpec(projectId, "acc", emulator.BaseUrl.AbsoluteUri, "secret-test-client", "ORLEANSSYNC_SECRET_LEAK_TEST", "u1", [], null), ct);
            var (run, tasks) = await SyncDriver.SyncToEndAsync(connection.Client, projectId, full: false, ct);
            Assert.True(run.Status == SyncTaskStatus.Succeeded, SyncDriver.Describe(tasks));
        }

        var environment = cluster.CliEnvironment();
        var show = await Infrastructure.Cli.RunAsync(environment, ct, "project", "show", projectId, "--json");
        var list = await Infrastructure.Cli.RunAsync(environment, ct, "task", "list", "--json");

        Assert.Equal(0, show.ExitCode);
        Assert.Contains("ORLEANSSYNC_SECRET_LEAK_TEST", show.StdOut, StringComparison.Ordinal);
        Assert.DoesNotContain(secret, show.StdOut + show.StdErr + list.StdOut + list.StdErr, StringComparison.Ordinal);
        foreach (var silo in cluster.Silos)
        {
            Assert.DoesNotContain(secret, await File.ReadAllTextAsync(silo.LogPath, ct), StringComparison.Ordinal);
        }

        Assert.Equal(0, await CountContainingAsync(cluster.Database, "SELECT count(*) FROM orleansstorage WHERE position(@bytes in payloadbinary) > 0", secret, ct));
        Assert.Equal(0, await CountContainingAsync(cluster.Database, "SELECT count(*) FROM sync.progress WHERE position(@text in coalesce(last_error, '')) > 0", secret, ct));
        Assert.Equal(0, await CountContainingAsync(cluster.Database, "SELECT count(*) FROM sync.dead_letters WHERE position(@text in raw || reason) > 0", secret, ct));
        Assert.Equal(0, await CountContainingAsync(cluster.Database, "SELECT count(*) FROM sync.runs WHERE position(@text in coalesce(error, '')) > 0", secret, ct));
    }

    private static async Task<long> CountContainingAsync(TestDatabase database, string sql, string secret, CancellationToken ct)
    {
        await using var command = database.DataSource.CreateCommand(sql);
        command.Parameters.Add(new NpgsqlParameter("bytes", NpgsqlDbType.Bytea) { Value = System.Text.Encoding.UTF8.GetBytes(secret) });
        command.Parameters.Add(new NpgsqlParameter("text", NpgsqlDbType.Text) { Value = secret });
        return (long)(await command.ExecuteScalarAsync(ct))!;
    }
}
