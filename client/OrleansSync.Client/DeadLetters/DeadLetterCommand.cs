using System.CommandLine;
using System.Globalization;
using OrleansSync.Client.Cli;
using OrleansSync.Client.Database;
using OrleansSync.Schema.Reads;
using Spectre.Console;

namespace OrleansSync.Client.DeadLetters;

/// <summary><c>orleanssync deadletter list</c>: the records syncs could not mirror, from <c>sync.dead_letters</c>.</summary>
public static class DeadLetterCommand
{
    private const int MaxLimit = 10_000;
    private const int ReasonWidth = 60;

    // The grains' StreamNames, which the client cannot reference: it sees the abstractions only.
    private static readonly string[] Streams = ["workflows", "reviews", "review_versions", "review_progress", "projects"];

    public static Command Create() => new("deadletter", "Inspect the records syncs could not mirror.")
    {
        CreateList(),
    };

    private static Command CreateList()
    {
        var project = new Option<string?>("--project") { Description = "Only this project's (with or without 'b.')." };
        var stream = new Option<string?>("--stream") { Description = $"Only this stream: {string.Join(", ", Streams)}, or a postgres project's table (schema.table)." };
        var resolved = new Option<bool>("--resolved") { Description = "Also the resolved ones (their record landed later); without it, only open ones." };
        var limit = new Option<int>("--limit") { Description = $"At most this many (1 to {MaxLimit}).", DefaultValueFactory = static _ => 100 };
        var command = new Command("list", "List open dead letters, most recently seen first; --json includes each record as received.") { project, stream, resolved, limit };
        command.SetAction(async (parse, ct) =>
        {
            var context = CliContext.From(parse);
            var projectId = ProjectFilter(parse.GetValue(project));
            var streamName = StreamFilter(parse.GetValue(stream));
            var count = parse.GetValue(limit);
            if (count is < 1 or > MaxLimit)
            {
                throw CliException.BadInput($"--limit {count} is out of range: give 1 to {MaxLimit}.");
            }

            var rows = await ListQuery.ReadAsync(
                context.Settings(), (dataSource, c) => DeadLetterRows.ListAsync(dataSource, projectId, streamName, parse.GetValue(resolved), count, c), ct);
            if (context.Output.Json)
            {
                context.Output.WriteJson(new { deadLetters = rows });
            }
            else
            {
                WriteTable(context.Output.Console, rows);
            }

            return ExitCodes.Ok;
        });
        return command;
    }

    private static string? ProjectFilter(string? text)
    {
        if (text is null)
        {
            return null;
        }

        return string.IsNullOrWhiteSpace(text) || ProjectIds.Normalize(text) is not { Length: > 0 } id
            ? throw CliException.BadInput($"--project '{text}' is not a project id: give one as 'project list' shows it, with or without 'b.'.")
            : id;
    }

    private static string? StreamFilter(string? text)
    {
        if (text is null)
        {
            return null;
        }

        var name = text.Trim();
        if (Streams.Contains(name.ToLowerInvariant(), StringComparer.Ordinal))
        {
            return name.ToLowerInvariant();
        }

        // A postgres project's streams are its tables, as 'project show' lists them (schema.table): the cluster knows them, not this client.
        return name.Contains('.', StringComparison.Ordinal) && !name.Any(char.IsControl)
            ? name
            : throw CliException.BadInput($"--stream '{text}' is not a stream: give one of {string.Join(", ", Streams)}, or a postgres project's table as 'project show' lists it (schema.table).");
    }

    private static void WriteTable(IAnsiConsole console, List<DeadLetterRows.Row> rows)
    {
        if (rows.Count == 0)
        {
            console.WriteLine("No dead letters.");
            return;
        }

        var table = new Table().AddColumns("Last seen (UTC)", "Project", "Stream", "Record", "Reason", "Seen", "First seen (UTC)", "Task", "Resolved (UTC)");
        foreach (var row in rows)
        {
            table.AddRow(
                Time(row.LastSeenAt), Markup.Escape(row.ProjectId), Markup.Escape(row.Stream), Markup.Escape(row.RecordKey ?? "-"),
                Markup.Escape(Shorten(row.Reason)), row.Occurrences.ToString("N0", CultureInfo.InvariantCulture), Time(row.FirstSeenAt),
                Markup.Escape(row.TaskId ?? "-"), row.ResolvedAt is { } at ? Time(at) : "-");
        }

        console.Write(table);
        console.WriteLine("'--json' shows the full reasons and each record as received.");
    }

    private static string Shorten(string reason)
    {
        var line = reason.ReplaceLineEndings(" ");
        return line.Length <= ReasonWidth ? line : string.Concat(line.AsSpan(0, ReasonWidth - 1), "…");
    }

    private static string Time(DateTimeOffset value) => value.ToString("u", CultureInfo.InvariantCulture);
}
