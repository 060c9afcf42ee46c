using OrleansSync.Backfills;
using OrleansSync.Client.Cli;
using OrleansSync.Client.Connection;
using OrleansSync.Client.Tasks;
using Spectre.Console;

namespace OrleansSync.Client.Backfills;

/// <summary>
/// Live progress of a backfill until every day has ended: Spectre bars (the whole backfill, then each started day) on a
/// terminal, one plain line per change otherwise. Calls that fail while a gateway goes away are retried.
/// </summary>
public sealed class BackfillDisplay(CliOutput output, IClusterClient client, ClientSettings settings)
{
    private static readonly TimeSpan PollInterval = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan OutageLimit = TimeSpan.FromMinutes(2);
    private readonly Dictionary<string, string> _lastLines = new(StringComparer.Ordinal);

    public async Task<BackfillReport> WatchAsync(string backfillId, CancellationToken cancellationToken)
    {
        if (output.Json)
        {
            return await PollAsync(backfillId, static _ => { }, cancellationToken);
        }

        if (!output.Console.Profile.Capabilities.Interactive)
        {
            return await PollAsync(backfillId, WritePlain, cancellationToken);
        }

        BackfillReport result = null!;
        await output.Console.Progress()
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new SpinnerColumn())
            .StartAsync(async progress =>
            {
                var whole = progress.AddTask("backfill", maxValue: 100);
                var bars = new Dictionary<string, ProgressTask>(StringComparer.Ordinal);
                result = await PollAsync(
                    backfillId,
                    report =>
                    {
                        whole.Description = Markup.Escape(Whole(report));
                        whole.Value = report.Percent;
                        foreach (var day in report.Days.Where(static d => d.Status != "pending"))
                        {
                            if (!bars.TryGetValue(day.Day, out var bar))
                            {
                                bar = bars[day.Day] = progress.AddTask(day.Day, maxValue: 100);
                            }

                            bar.Description = Markup.Escape(Describe(day));
                            bar.Value = day.Status is "running" or "waiting" or "queued" or "paused" ? day.Percent ?? 0 : 100;
                        }
                    },
                    cancellationToken);
            });
        return result;
    }

    private async Task<BackfillReport> PollAsync(string backfillId, Action<BackfillReport> onUpdate, CancellationToken cancellationToken)
    {
        var lastSuccess = DateTimeOffset.UtcNow;
        while (true)
        {
            try
            {
                var view = await client.GetGrain<IBackfillGrain>(backfillId).GetAsync(cancellationToken)
                    ?? throw CliException.BadInput($"Backfill {backfillId} is no longer known.");
                var report = await BackfillReport.ReadAsync(settings, view, DateTimeOffset.UtcNow, cancellationToken);
                lastSuccess = DateTimeOffset.UtcNow;
                onUpdate(report);
                if (view.IsFinished)
                {
                    return report;
                }
            }
            catch (Exception e) when (e is not (OperationCanceledException or CliException or InvalidRequestException))
            {
                if (DateTimeOffset.UtcNow - lastSuccess > OutageLimit)
                {
                    throw CliException.Unreachable($"Lost the cluster for over {OutageLimit.TotalMinutes:0} minutes while watching backfill {backfillId}: {e.Message}", e);
                }
            }

            await Task.Delay(PollInterval, cancellationToken);
        }
    }

    private void WritePlain(BackfillReport report)
    {
        foreach (var (key, line) in report.Days.Select(static d => (d.Day, Describe(d))).Append(("*", Whole(report))))
        {
            if (!_lastLines.TryGetValue(key, out var last) || last != line)
            {
                _lastLines[key] = line;
                output.Console.WriteLine(line);
            }
        }
    }

    private static string Whole(BackfillReport report) =>
        $"backfill {report.BackfillId} {report.Status} {report.Percent:0}%" + (report.Eta is null ? "" : $" eta {TaskCells.Remaining(report.Eta, DateTimeOffset.UtcNow)}");

    private static string Describe(BackfillReport.DayReport day) =>
        $"{day.Day} {day.Status,-9}" + (day.Percent is { } p ? $" {p:0}%" : "") + (day.RecordsPerSecond is { } rate ? $" {rate:0.0}/s" : "")
        + (day.Eta is null ? "" : $" eta {TaskCells.Remaining(day.Eta, DateTimeOffset.UtcNow)}") + $" read {day.RecordsRead}" + (day.Tasks > 1 ? $" task {day.Tasks}" : "");
}
