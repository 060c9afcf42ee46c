using System.CommandLine;
using System.Diagnostics;
using OrleansSync.Client.Cli;
using OrleansSync.Client.Database;
using OrleansSync.Client.Tasks;
using OrleansSync.Cluster;
using Orleans.Runtime.Placement;
using OrleansSync.Diagnostics;
using OrleansSync.Schema.Reads;
using Spectre.Console;

namespace OrleansSync.Client.Cluster;

/// <summary>
/// <c>orleanssync cluster</c>: the silos membership knows of, their running tasks and upstream latency, the progress
/// writers' counters, each credential's rate budget, each streaming task's replication lag (red over
/// <c>MaxSlotLag</c>), and optionally a probe through each silo.
/// </summary>
public static class ClusterCommand
{
    private static readonly Option<bool> AllOption = new("--all") { Description = "Include silos declared dead." };

    private static readonly Option<bool> CheckOption = new("--check")
    {
        Description = "Also place a probe grain on every Active silo, persist its state, and report each silo's answer.",
    };

    public static Command Create()
    {
        var command = new Command("cluster", "Show the cluster's silos and their status.") { AllOption, CheckOption };
        command.SetAction(static (parse, ct) => RunAsync(CliContext.From(parse), ct));
        return command;
    }

    private static async Task<int> RunAsync(CliContext context, CancellationToken cancellationToken)
    {
        await using var connection = await context.ConnectAsync(cancellationToken);
        var (tasksBySilo, streaming) = await ListQuery.ReadAsync(
            context.Settings(), static async (dataSource, ct) => (await TaskCountsBySilo.ReadAsync(dataSource, ct), await StreamingTaskIds.ReadAsync(dataSource, ct)), cancellationToken);
        var report = await ClusterReport.ReadAsync(connection.Client, tasksBySilo, streaming, context.Parse.GetValue(AllOption), cancellationToken);
        var probes = context.Parse.GetValue(CheckOption) ? await ProbeAsync(connection.Client, cancellationToken) : null;
        if (context.Output.Json)
        {
            context.Output.WriteJson(new { silos = report.Silos, progressWriters = report.ProgressWriters, rateBudgets = report.RateBudgets, replicationLags = report.ReplicationLags, probes });
        }
        else
        {
            Render(context.Output.Console, report, probes);
        }

        return probes is null || probes.All(static p => p.Ok) ? ExitCodes.Ok : ExitCodes.SyncFailed;
    }

    /// <summary>
    /// One probe per Active silo, placed on it with a placement hint (a fresh key per silo incarnation, so the hint
    /// decides where it activates): each silo must activate a grain, persist its state and answer.
    /// </summary>
    private static async Task<List<ProbeView>> ProbeAsync(IClusterClient client, CancellationToken cancellationToken)
    {
        var hosts = await client.GetGrain<IManagementGrain>(0).GetDetailedHosts(onlyActive: true, cancellationToken);
        var probes = new List<ProbeView>();
        foreach (var host in hosts.Where(static h => h.Status == SiloStatus.Active))
        {
            var key = $"cluster-check/{host.SiloAddress.ToParsableString()}";
            var clock = Stopwatch.StartNew();
            try
            {
                RequestContext.Set(IPlacementDirector.PlacementHintKey, host.SiloAddress);
                var result = await client.GetGrain<IClusterProbeGrain>(key).ProbeAsync(cancellationToken);
                var onTarget = result.Silo == host.SiloAddress.ToParsableString();
                probes.Add(new ProbeView(key, onTarget, host.SiloName, result.SiloName, result.Writes, clock.Elapsed.TotalMilliseconds,
                    onTarget ? null : $"placed on {result.SiloName} instead"));
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                probes.Add(new ProbeView(key, false, host.SiloName, null, null, clock.Elapsed.TotalMilliseconds, e.Message.Split('\n')[0]));
            }
            finally
            {
                RequestContext.Clear();
            }
        }

        return probes;
    }

    private static void Render(IAnsiConsole console, ClusterView report, List<ProbeView>? probes)
    {
        var (silos, writers, budgets) = (report.Silos, report.ProgressWriters, report.RateBudgets);
        var table = new Table().AddColumns("Silo", "Name", "Status", "Gateway", "Running", "Queued", "Started (UTC)", "Alive (UTC)");
        foreach (var silo in silos)
        {
            var status = silo.Status == "Active" ? $"[green]{silo.Status}[/]" : $"[yellow]{silo.Status}[/]";
            table.AddRow(
                Markup.Escape(silo.Address), Markup.Escape(silo.Name), status, silo.GatewayPort.ToString(System.Globalization.CultureInfo.InvariantCulture),
                silo.RunningTasks.ToString(System.Globalization.CultureInfo.InvariantCulture),
                silo.QueuedTasks.ToString(System.Globalization.CultureInfo.InvariantCulture),
                silo.StartTime.ToString("u", System.Globalization.CultureInfo.InvariantCulture), silo.IAmAliveTime.ToString("u", System.Globalization.CultureInfo.InvariantCulture));
        }

        console.Write(table);
        foreach (var silo in silos.Where(static s => s.Latency is not null || s.LatencyError is not null))
        {
            console.MarkupLine(Markup.Escape($"upstream latency on {silo.Name}: {UpstreamLatencyQuery.Describe(silo.Latency, silo.LatencyError)}"));
        }

        console.MarkupLine(Markup.Escape(string.Create(
            System.Globalization.CultureInfo.InvariantCulture,
            $"progress writers: {writers.Updates} updates received, {writers.RowsWritten} rows written in {writers.Statements} statements, {writers.Pending} pending")));
        foreach (var line in budgets.SelectMany(RateBudgetQuery.Describe))
        {
            console.MarkupLine(Markup.Escape(line));
        }

        RenderLags(console, report.ReplicationLags);

        if (probes is null)
        {
            return;
        }

        foreach (var probe in probes)
        {
            var outcome = probe.Ok ? "[green]ok[/]" : "[red]failed[/]";
            var detail = probe.Error is null ? "" : Markup.Escape($" ({probe.Error})");
            console.MarkupLine($"probe on {Markup.Escape(probe.TargetSilo)}: {outcome} in {probe.Milliseconds.ToString("0.0", System.Globalization.CultureInfo.InvariantCulture)} ms{detail}");
        }
    }

    /// <summary>
    /// One line per streaming task with its lag behind its source, the loud part first (so no wrapping splits it):
    /// <c>OVER MaxSlotLag</c> in bold red when over.
    /// </summary>
    private static void RenderLags(IAnsiConsole console, IReadOnlyList<StreamLagView> lags)
    {
        foreach (var lag in lags)
        {
            var what = $"replication lag of {lag.Stream} in {lag.ProjectId} ({lag.Status} on {lag.Silo ?? "-"}, task {lag.TaskId})";
            console.MarkupLine(lag switch
            {
                { Lag: { OverLimit: true } over } => $"[bold red]OVER MaxSlotLag[/] {Markup.Escape(string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{what}: {LagMarkup.Text(over)}, limit {over.Limit:N0} bytes"))}",
                { Lag: { } under } => Markup.Escape($"{what}: {LagMarkup.Text(under)}"),
                _ => $"[yellow]{Markup.Escape($"replication lag of task {lag.TaskId} not known: {lag.Error}")}[/]",
            });
        }
    }

    private sealed record class ProbeView(string Key, bool Ok, string TargetSilo, string? SiloName, long? Writes, double Milliseconds, string? Error);
}
