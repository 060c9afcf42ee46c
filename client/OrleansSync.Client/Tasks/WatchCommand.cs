using System.CommandLine;
using OrleansSync.Client.Cli;
using OrleansSync.Client.Connection;
using OrleansSync.Schema.Reads;
using OrleansSync.Tasks;
using Spectre.Console;

namespace OrleansSync.Client.Tasks;

/// <summary>
/// <c>orleanssync watch</c>: the tasks running across the cluster, from <c>sync.progress</c> (the same rows as
/// <c>task list --status running</c>), refreshed each second: a live table on a terminal, one plain line per task
/// whose row changed otherwise, one JSON snapshot with <c>--json</c>.
/// </summary>
public static class WatchCommand
{
    private const int MaxTasks = 10_000;

    public static Command Create()
    {
        var once = new Option<bool>("--once") { Description = "Print the running tasks once and exit." };
        var interval = new Option<double>("--interval") { Description = "Seconds between refreshes.", DefaultValueFactory = static _ => 1 };
        var command = new Command("watch", "Live view of the tasks running across the cluster (Ctrl+C to stop).") { once, interval };
        command.SetAction(async (parse, ct) =>
        {
            var context = CliContext.From(parse);
            var seconds = parse.GetValue(interval);
            if (seconds is < 0.1 or > 3600)
            {
                throw CliException.BadInput($"--interval {seconds} is out of range: give 0.1 to 3600 seconds.");
            }

            var settings = context.Settings();
            if (context.Output.Json)
            {
                context.Output.WriteJson(new { tasks = await ReadAsync(settings, ct) });
                return ExitCodes.Ok;
            }

            try
            {
                if (context.Output.Console.Profile.Capabilities.Interactive && !parse.GetValue(once))
                {
                    await LiveAsync(context, settings, TimeSpan.FromSeconds(seconds), ct);
                }
                else
                {
                    await PlainAsync(context, settings, parse.GetValue(once), TimeSpan.FromSeconds(seconds), ct);
                }
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                // Ctrl+C is how a watch ends.
            }

            return ExitCodes.Ok;
        });
        return command;
    }

    private static async Task<List<ProgressRows.Row>> ReadAsync(ClientSettings settings, CancellationToken cancellationToken)
    {
        var rows = await TaskListQuery.RunAsync(settings, project: null, SyncTaskStatus.Running.ToText(), MaxTasks, cancellationToken);
        return [.. rows.OrderBy(static r => r.ProjectId, StringComparer.Ordinal).ThenBy(static r => r.Stream, StringComparer.Ordinal).ThenBy(static r => r.TaskId, StringComparer.Ordinal)];
    }

    private static async Task LiveAsync(CliContext context, ClientSettings settings, TimeSpan interval, CancellationToken cancellationToken)
    {
        var table = Table([], DateTimeOffset.UtcNow);
        await context.Output.Console.Live(table).StartAsync(async live =>
        {
            while (true)
            {
                live.UpdateTarget(Table(await ReadAsync(settings, cancellationToken), DateTimeOffset.UtcNow));
                await Task.Delay(interval, cancellationToken);
            }
        });
    }

    private static async Task PlainAsync(CliContext context, ClientSettings settings, bool once, TimeSpan interval, CancellationToken cancellationToken)
    {
        var last = new Dictionary<string, string>(StringComparer.Ordinal);
        while (true)
        {
            var now = DateTimeOffset.UtcNow;
            var rows = await ReadAsync(settings, cancellationToken);
            foreach (var row in rows)
            {
                var line = Line(row, now);
                if (!last.TryGetValue(row.TaskId, out var previous) || previous != line)
                {
                    context.Output.Console.WriteLine($"{now:HH:mm:ss} {line}");
                }

                last[row.TaskId] = line;
            }

            if (once)
            {
                if (rows.Count == 0)
                {
                    context.Output.Console.WriteLine("No task is running.");
                }

                return;
            }

            foreach (var gone in last.Keys.Except(rows.Select(static r => r.TaskId)).ToList())
            {
                last.Remove(gone);
            }

            await Task.Delay(interval, cancellationToken);
        }
    }

    private static Table Table(List<ProgressRows.Row> rows, DateTimeOffset now)
    {
        var table = new Table().AddColumns("Project", "Stream", "Kind", "Silo", "%", "Records/s", "ETA", "Breaker");
        foreach (var row in rows)
        {
            table.AddRow(
                Markup.Escape(row.ProjectId), Markup.Escape(row.Stream), Markup.Escape(row.Kind), Markup.Escape(TaskCells.Text(row.Silo)),
                TaskCells.Percent(row.Percent), TaskCells.Rate(row.RecordsPerSecond), TaskCells.Remaining(row.Eta, now), Breaker(row.Breaker));
        }

        table.Caption = new TableTitle($"{rows.Count} running task(s), {now:u}; Ctrl+C to stop");
        return table;
    }

    private static string Breaker(string breaker) => breaker switch
    {
        "open" => "[red]open[/]",
        "halfopen" => "[yellow]half-open[/]",
        _ => Markup.Escape(TaskCells.Text(breaker)),
    };

    /// <summary>One task as a plain line: <c>project stream kind silo percent rate eta breaker</c>, '-' where unknown.</summary>
    private static string Line(ProgressRows.Row row, DateTimeOffset now) =>
        $"{row.ProjectId} {row.Stream} {row.Kind} silo={TaskCells.Text(row.Silo)} {TaskCells.Percent(row.Percent)} {TaskCells.Rate(row.RecordsPerSecond)} rec/s eta={TaskCells.Remaining(row.Eta, now)} breaker={TaskCells.Text(row.Breaker)}";
}
