using System.Diagnostics.Metrics;
using System.Text.Json;
using OrleansSync.Tests.Infrastructure;

namespace OrleansSync.Tests.Sources.Postgres.Cdc;

/// <summary>
/// A capture's replication lag, in bytes and seconds, in <c>task show</c>, <c>project show</c>, <c>cluster</c>, the
/// task's <c>sync.progress</c> row and the silo's metrics, loud over <c>MaxSlotLag</c>.
/// </summary>
[Collection(PostgresCdcCollection.Name)]
public sealed class PostgresCdcLagTests(PostgresCdcFixture fixture)
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task TaskShow_TaskPausedWhileRowsAreWritten_LagGrowsAndIsReportedLoudlyOverTheLimit()
    {
        var ct = TestContext.Current.CancellationToken;
        var source = await SourceDatabase.CreateOnAsync(fixture.Server, ct);
        await source.ExecuteAsync("CREATE TABLE public.lagging (id integer PRIMARY KEY, note text);", ct);
        var (project, _) = await PostgresCdcTests.AddAsync(fixture, source, "public.lagging", ct);
        try
        {
            var taskId = (await PostgresCdcTests.StartStreamingAsync(fixture, project, ["public.lagging"], ct))["public.lagging"];
            Assert.Equal(0, (await CliAsync("task", "pause", taskId)).ExitCode);
            await Eventually.UntilAsync(async () => (await ShowAsync(taskId)).GetProperty("status").GetString() == "Paused", Patience, "the task paused", ct);
            var before = (await ShowAsync(taskId)).GetProperty("lag");

            // Twice the limit and more of row data alone, so of WAL; the slot stays where the paused task left it.
            await source.ExecuteAsync($"INSERT INTO public.lagging SELECT i, repeat('x', 100) FROM generate_series(1, {(PostgresCdcFixture.MaxSlotLag * 2 / 100) + 1}) AS i;", ct);
            var written = await source.Database.ScalarAsync<string>("SELECT (pg_current_wal_lsn() - confirmed_flush_lsn)::bigint::text FROM pg_replication_slots WHERE slot_name LIKE 'orleanssync\\_' || @p || '\\_%'", ct, ("p", project));

            var lag = (await Eventually.ValueAsync(
                async () => (await ShowAsync(taskId)).GetProperty("lag") is { ValueKind: JsonValueKind.Object } l && l.GetProperty("bytes").GetUInt64() >= ulong.Parse(written!, System.Globalization.CultureInfo.InvariantCulture) ? new[] { l } : null,
                Patience,
                "the lag to show the WAL written while paused",
                ct))[0];
            Assert.True(lag.GetProperty("bytes").GetUInt64() > before.GetProperty("bytes").GetUInt64() + (ulong)PostgresCdcFixture.MaxSlotLag, $"{before} then {lag}");
            Assert.True(lag.GetProperty("seconds").GetDouble() > 0, lag.ToString());
            Assert.True(lag.GetProperty("overLimit").GetBoolean(), lag.ToString());
            var text = await CliAsync("task", "show", taskId);
            Assert.Contains("OVER MaxSlotLag", text.StdOut, StringComparison.Ordinal);
            // project show gives it per table, beside the table's checkpoint.
            var shown = await CliAsync("project", "show", project, "--json");
            Assert.True(shown.ExitCode == 0, shown.StdErr);
            using (var document = JsonDocument.Parse(shown.StdOut))
            {
                var table = Assert.Single(document.RootElement.GetProperty("streams").EnumerateArray());
                Assert.Equal(taskId, table.GetProperty("taskId").GetString());
                Assert.StartsWith("streaming: applied up to LSN ", table.GetProperty("position").GetString(), StringComparison.Ordinal);
                Assert.True(table.GetProperty("lag").GetProperty("overLimit").GetBoolean(), table.ToString());
            }

            var shownText = await CliAsync("project", "show", project);
            Assert.True(shownText.ExitCode == 0, shownText.StdErr);
            Assert.Contains("OVER", shownText.StdOut, StringComparison.Ordinal);
            // cluster lists it among the streaming tasks, asked now; task list has it from the task's progress row.
            var bytesWritten = long.Parse(written!, System.Globalization.CultureInfo.InvariantCulture);
            var listed = (await Eventually.ValueAsync(() => ClusterLagAsync(taskId), Patience, "the task's lag in cluster --json", ct))[0];
            Assert.Equal(project, listed.GetProperty("projectId").GetString());
            Assert.Equal("public.lagging", listed.GetProperty("stream").GetString());
            Assert.Equal("paused", listed.GetProperty("status").GetString());
            Assert.True(listed.GetProperty("lag").GetProperty("bytes").GetInt64() >= bytesWritten, listed.ToString());
            Assert.True(listed.GetProperty("lag").GetProperty("overLimit").GetBoolean(), listed.ToString());
            var clusterText = await CliAsync("cluster");
            Assert.True(clusterText.ExitCode == 0, clusterText.StdErr);
            Assert.Contains("OVER MaxSlotLag replication lag of public.lagging", clusterText.StdOut, StringComparison.Ordinal);
            var row = (await Eventually.ValueAsync(() => StoredLagAsync(project, taskId, bytesWritten), Patience, "the lag in the task's sync.progress row", ct))[0];
            Assert.True(row.GetProperty("lagOverLimit").GetBoolean(), row.ToString());
            Assert.Equal(PostgresCdcFixture.MaxSlotLag, row.GetProperty("lagLimit").GetInt64());
            Assert.True(ReadGauge("orleanssync.cdc.lag_bytes", "public.lagging") >= (double)PostgresCdcFixture.MaxSlotLag * 2, "the lag gauge");

            // Resumed, the task applies what it missed and the lag falls back under the limit.
            Assert.Equal(0, (await CliAsync("task", "resume", taskId)).ExitCode);
            await Eventually.UntilAsync(async () => (await ShowAsync(taskId)).GetProperty("lag") is { ValueKind: JsonValueKind.Object } l && !l.GetProperty("overLimit").GetBoolean(), Patience, "the lag back under the limit", ct);
        }
        finally
        {
            await PostgresCdcTests.EndAsync(fixture, project);
        }
    }

    /// <summary>The gauge's value for <paramref name="stream"/> on this fixture's silo, read now.</summary>
    private double ReadGauge(string instrument, string stream)
    {
        var scopes = fixture.Cluster.MeterFactories();
        double? value = null;
        using var listener = new MeterListener
        {
            InstrumentPublished = (published, l) =>
            {
                if (published.Meter.Name == "OrleansSync" && published.Name == instrument && published.Meter.Scope is { } scope && scopes.Contains(scope))
                {
                    l.EnableMeasurementEvents(published);
                }
            },
        };
        listener.SetMeasurementEventCallback<double>((_, v, tags, _) =>
        {
            foreach (var tag in tags)
            {
                if (tag.Key == "stream" && (string?)tag.Value == stream)
                {
                    value = Math.Max(value ?? 0, v);
                }
            }
        });
        listener.Start();
        listener.RecordObservableInstruments();
        return value ?? -1;
    }

    /// <summary><paramref name="taskId"/>'s entry in <c>cluster --json</c>'s replication lags, once it is over the limit.</summary>
    private async Task<JsonElement[]?> ClusterLagAsync(string taskId)
    {
        var shown = await CliAsync("cluster", "--json");
        Assert.True(shown.ExitCode == 0, shown.StdOut + shown.StdErr);
        using var document = JsonDocument.Parse(shown.StdOut);
        return document.RootElement.GetProperty("replicationLags").EnumerateArray()
            .Where(l => l.GetProperty("taskId").GetString() == taskId && l.GetProperty("lag") is { ValueKind: JsonValueKind.Object } lag && lag.GetProperty("overLimit").GetBoolean())
            .Select(static l => l.Clone())
            .ToArray() is [var found] ? [found] : null;
    }

    /// <summary><paramref name="taskId"/>'s row in <c>task list --json</c>, once its stored lag is at least <paramref name="bytes"/>.</summary>
    private async Task<JsonElement[]?> StoredLagAsync(string project, string taskId, long bytes)
    {
        var listed = await CliAsync("task", "list", "--project", project, "--json");
        Assert.True(listed.ExitCode == 0, listed.StdOut + listed.StdErr);
        using var document = JsonDocument.Parse(listed.StdOut);
        var row = Assert.Single(document.RootElement.GetProperty("tasks").EnumerateArray(), r => r.GetProperty("taskId").GetString() == taskId);
        return row.GetProperty("lagBytes") is { ValueKind: JsonValueKind.Number } stored && stored.GetInt64() >= bytes ? [row.Clone()] : null;
    }

    private async Task<JsonElement> ShowAsync(string taskId)
    {
        var shown = await CliAsync("task", "show", taskId, "--json");
        Assert.True(shown.ExitCode == 0, shown.StdOut + shown.StdErr);
        return JsonDocument.Parse(shown.StdOut).RootElement.Clone();
    }

    private Task<Infrastructure.Cli.Result> CliAsync(params string[] args) =>
        Infrastructure.Cli.RunAsync(fixture.Cluster.CliEnvironment(), TestContext.Current.CancellationToken, args);
}
