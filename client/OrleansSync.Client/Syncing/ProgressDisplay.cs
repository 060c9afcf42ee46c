using System.Globalization;
using OrleansSync.Client.Cli;
using OrleansSync.Client.Tasks;
using OrleansSync.Projects;
using OrleansSync.Tasks;
using Spectre.Console;

namespace OrleansSync.Client.Syncing;

/// <summary>Live progress of a run: Spectre bars on a terminal, one plain line per change otherwise (logs, CI).</summary>
public sealed class ProgressDisplay(CliOutput output)
{
    private readonly Dictionary<string, string> _lastLines = new(StringComparer.Ordinal);

    public async Task<(RunView Run, IReadOnlyList<TaskView> Tasks)> RunAsync(RunWatcher watcher, CancellationToken cancellationToken)
    {
        if (output.Json)
        {
            return await watcher.WatchAsync(static (_, _) => Task.CompletedTask, cancellationToken);
        }

        if (!output.Console.Profile.Capabilities.Interactive)
        {
            return await watcher.WatchAsync((_, tasks) => WritePlainAsync(tasks), cancellationToken);
        }

        (RunView, IReadOnlyList<TaskView>) result = default;
        await output.Console.Progress()
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new SpinnerColumn())
            .StartAsync(async progress =>
            {
                var bars = new Dictionary<string, ProgressTask>(StringComparer.Ordinal);
                result = await watcher.WatchAsync(
                    (_, tasks) =>
                    {
                        foreach (var task in tasks)
                        {
                            if (!bars.TryGetValue(task.Spec.TaskId, out var bar))
                            {
                                bar = bars[task.Spec.TaskId] = progress.AddTask(task.Spec.Stream, maxValue: 100);
                            }

                            bar.Description = Markup.Escape(Describe(task));
                            bar.Value = task.IsTerminal ? 100 : task.Progress.Percent ?? 0;
                            bar.IsIndeterminate = !task.IsTerminal && task.Progress.Percent is null;
                        }

                        return Task.CompletedTask;
                    },
                    cancellationToken);
            });
        return result;
    }

    public void WriteSummary(RunView run, IReadOnlyList<TaskView> tasks)
    {
        var table = new Table().AddColumns("Stream", "Status", "Read", "Inserted", "Updated", "Unchanged", "Dead letters", "Deleted", "Calls", "Seconds");
        foreach (var taskRef in run.Tasks)
        {
            if (tasks.FirstOrDefault(t => t.Spec.TaskId == taskRef.TaskId) is not { } task)
            {
                table.AddRow(taskRef.Stream, $"{taskRef.Status.ToText()} (not started)", "-", "-", "-", "-", "-", "-", "-", "-");
                continue;
            }

            var p = task.Progress;
            var seconds = ((task.FinishedAt ?? task.UpdatedAt) - (task.StartedAt ?? task.UpdatedAt)).TotalSeconds;
            table.AddRow(
                task.Spec.Stream, task.Status.ToText(), Number(p.RecordsRead), Number(p.Inserted), Number(p.Updated),
                Number(p.Unchanged), Number(p.DeadLettered), Number(p.Deleted), Number(p.Calls), seconds.ToString("0.0", CultureInfo.InvariantCulture));
        }

        output.Console.Write(table);
        output.Console.MarkupLineInterpolated($"Run {run.RunId}: {run.Status.ToText()}");
        foreach (var failed in tasks.Where(static t => t.Status == SyncTaskStatus.Failed))
        {
            output.Console.MarkupLineInterpolated($"[red]{failed.Spec.Stream}[/]: {failed.Errors.LastOrDefault()?.Message ?? "failed"}");
        }
    }

    private Task WritePlainAsync(IReadOnlyList<TaskView> tasks)
    {
        foreach (var task in tasks)
        {
            var line = Describe(task);
            if (!_lastLines.TryGetValue(task.Spec.TaskId, out var last) || last != line)
            {
                _lastLines[task.Spec.TaskId] = line;
                output.Console.WriteLine(line);
            }
        }

        return Task.CompletedTask;
    }

    private static string Describe(TaskView task)
    {
        var p = task.Progress;
        var percent = p.Percent is { } value ? $" {value:0}%" : "";
        var pace = task.RecordsPerSecond is { } rate ? string.Create(CultureInfo.InvariantCulture, $" {rate:0.#} rec/s") : "";
        var eta = task.Eta is null ? "" : $" eta {TaskCells.Remaining(task.Eta, DateTimeOffset.UtcNow)}";
        return $"{task.Spec.Stream,-16} {task.Status.ToText(),-9}{percent} read {p.RecordsRead} (+{p.Inserted} ~{p.Updated} ={p.Unchanged} !{p.DeadLettered} -{p.Deleted}) pages {p.Pages} calls {p.Calls}{pace}{eta}"
            + (task.Attempts > 1 ? $" attempt {task.Attempts}" : "");
    }

    private static string Number(long value) => value.ToString("N0", CultureInfo.InvariantCulture);
}
