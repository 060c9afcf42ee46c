using System.Globalization;
using OrleansSync.Projects;
using OrleansSync.Client.Tasks;
using OrleansSync.Tasks;
using Spectre.Console;

namespace OrleansSync.Client.Projects;

/// <summary><c>project show</c>'s table of streams: each mirror's rows and checkpoint, its task, and the task's lag.</summary>
internal static class ProjectStandingTable
{
    public static void Write(IAnsiConsole console, IReadOnlyList<StreamStanding> standing)
    {
        // A kind without a mirror per stream (acc) has nothing to add to the task list.
        if (!standing.Any(static s => s.Mirror is not null))
        {
            return;
        }

        // Each mirror is the table's name in the target schema (shown above); task ids are in --json and task list.
        var table = new Table().AddColumns("Table", "Mirror rows", "Position", "Task", "Lag");
        foreach (var stream in standing)
        {
            table.AddRow(
                Markup.Escape(stream.Stream),
                stream.Rows is { } rows ? (stream.RowsEstimated ? "~" : "") + rows.ToString("N0", CultureInfo.InvariantCulture) : "-",
                Markup.Escape(stream.Position ?? "-"),
                stream.Status?.ToText() ?? "-",
                LagMarkup.Cell(stream.Lag));
        }

        console.Write(table);
    }
}
