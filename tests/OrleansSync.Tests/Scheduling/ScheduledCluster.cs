using OrleansSync.Emulator;
using OrleansSync.Projects;
using OrleansSync.Tests.Infrastructure;
using OrleansSync.Tests.Sync;

namespace OrleansSync.Tests.Scheduling;

/// <summary>One row of <c>sync.runs</c>, as the scheduling tests read them.</summary>
public sealed record class RunRow(string RunId, string ProjectId, string Trigger, string Status, string? Reason, DateTimeOffset StartedAt, DateTimeOffset? DueAt);

/// <summary>
/// An emulator with small projects (a handful of reviews each, so that many sync fast) and real silo processes that
/// accept schedules of seconds: <c>OrleansSync:Projects:MinimumEvery</c> also lowers Orleans' reminder floor
/// (<c>UseReminderFloorFromConfiguration</c>).
/// </summary>
public sealed class ScheduledCluster : IAsyncDisposable
{
    private ScheduledCluster(AccEmulator emulator, ProcessCluster cluster)
    {
        Emulator = emulator;
        Cluster = cluster;
    }

    public AccEmulator Emulator { get; }

    public ProcessCluster Cluster { get; }

    public static async Task<ScheduledCluster> StartAsync(int projects, int silos, CancellationToken ct, int latencyMs = 0, IReadOnlyDictionary<string, string?>? settings = null)
    {
        var emulator = await AccEmulator.StartAsync(
            new EmulatorOptions
            {
                Dataset = { Seed = 61, Projects = projects, ReviewsPerProject = 5, WorkflowsPerProject = 1, VersionsPerReview = 1, ProgressStepsPerReview = 1 },
                RateLimits = RateLimitOptions.Unlimited,
                Faults = new FaultSettings { LatencyMs = latencyMs },
            },
            ct);
        try
        {
            var environment = new Dictionary<string, string?>(settings ?? new Dictionary<string, string?>())
            {
                [SyncDriver.SecretVariable] = emulator.DefaultClient.ClientSecret,
                ["OrleansSync__Projects__MinimumEvery"] = "00:00:01",
                ["OrleansSync__Tasks__WatchdogPeriod"] = "00:00:03",
                ["OrleansSync__Tasks__RetryBaseDelay"] = "00:00:00.200",
                ["OrleansSync__Progress__FlushInterval"] = "00:00:00.500",
            };
            // Thirty projects at once would take much of a stock PostgreSQL's 100 connections, shared with other test runs.
            return new ScheduledCluster(emulator, await ProcessCluster.StartAsync(silos, ct, environment, siloPoolSize: 10));
        }
        catch
        {
            await emulator.DisposeAsync();
            throw;
        }
    }

    /// <summary>Adds every emulator project and schedules it (each runs at once), all at the same time.</summary>
    public async Task<IReadOnlyList<ProjectView>> ScheduleAllAsync(IClusterClient client, TimeSpan every, CancellationToken ct) =>
        await Task.WhenAll(Emulator.ProjectIds.Select(async id =>
        {
            await SyncDriver.AddProjectAsync(client, Emulator, id, ct);
            return await client.GetGrain<IProjectGrain>(id).ScheduleAsync(every, ct);
        }));

    public Task<List<RunRow>> RunsAsync(CancellationToken ct) =>
        Cluster.Database.ListAsync(
            "SELECT run_id, project_id, trigger, status, reason, started_at, due_at FROM sync.runs ORDER BY started_at",
            static r => new RunRow(
                r.GetString(0), r.GetString(1), r.GetString(2), r.GetString(3), r.IsDBNull(4) ? null : r.GetString(4),
                r.GetFieldValue<DateTimeOffset>(5), r.IsDBNull(6) ? null : r.GetFieldValue<DateTimeOffset>(6)),
            ct);

    /// <summary>Polls <c>sync.runs</c> until every project's runs satisfy <paramref name="done"/>; returns them.</summary>
    public async Task<List<RunRow>> WaitForEveryProjectAsync(Func<List<RunRow>, bool> done, TimeSpan timeout, string what, CancellationToken ct)
    {
        List<RunRow> rows = [];
        try
        {
            await Eventually.UntilAsync(
                async () =>
                {
                    rows = await RunsAsync(ct);
                    return Emulator.ProjectIds.All(id => done([.. rows.Where(r => r.ProjectId == id)]));
                },
                timeout,
                what,
                ct);
        }
        catch (TimeoutException e)
        {
            var late = Emulator.ProjectIds.Where(id => !done([.. rows.Where(r => r.ProjectId == id)])).ToList();
            throw new TimeoutException($"{e.Message}; {late.Count} project(s) short, e.g. {late.FirstOrDefault()}: {Describe(rows.Where(r => r.ProjectId == late.FirstOrDefault()))}", e);
        }

        return rows;
    }

    public static string Describe(IEnumerable<RunRow> rows) =>
        string.Join("; ", rows.Select(static r => $"{r.Trigger}/{r.Status} started {r.StartedAt:HH:mm:ss.fff} due {r.DueAt:HH:mm:ss.fff} {r.Reason}"));

    public string LogTails() => string.Join("\n", Cluster.Silos.Select(static s => $"--- {s.Name} (exited: {s.HasExited}):\n{s.LogTail(40)}"));

    public async ValueTask DisposeAsync()
    {
        await Cluster.DisposeAsync();
        await Emulator.DisposeAsync();
    }
}
