using System.CommandLine;
using OrleansSync.Client.Cli;
using OrleansSync.Projects;
using OrleansSync.Tasks;
using Spectre.Console;

namespace OrleansSync.Client.Projects;

/// <summary><c>orleanssync project add|schedule|list|show|remove|pause|resume</c>.</summary>
public static class ProjectCommand
{
    private static readonly Argument<string> IdArgument = new("id") { Description = "The upstream project id (with or without 'b.')." };

    public static Command Create() => new("project", "Configure the upstream projects the cluster mirrors.")
    {
        CreateAdd(),
        CreateSchedule(),
        CreateList(),
        CreateShow(),
        CreateRemove(),
        CreatePause("pause", paused: true, "Pause a project: no run starts, scheduled or asked for, until it is resumed."),
        CreatePause("resume", paused: false, "Resume a paused project."),
    };

    private static Command CreateAdd()
    {
        var source = new Option<string?>("--source") { Description = "The source kind the project reads: acc (the default, the ACC-shaped REST API) or postgres (tables of another PostgreSQL database); the cluster refuses a kind it does not know, naming those it does." };
        var baseUrl = new Option<string?>("--base-url") { Description = "acc: the upstream's base URL, e.g. https://developer.api.autodesk.com (https; plain http only for loopback hosts)." };
        var clientId = new Option<string?>("--client-id") { Description = "acc: the OAuth client id." };
        var secretEnv = new Option<string?>("--client-secret-env")
        {
            Description = "acc: the environment variable that holds the client secret on every silo; silos resolve only declared names (ORLEANSSYNC_SECRET_*). The secret itself is never stored.",
        };
        var userId = new Option<string?>("--user-id") { Description = "acc: sent as x-user-id on reviews calls." };
        var streams = new Option<string?>("--streams") { Description = "acc: comma-separated streams (default: workflows,reviews,review_versions,review_progress)." };
        var connEnv = new Option<string?>("--source-conn-env")
        {
            Description = "postgres: the environment variable that holds the source database's connection string on every silo (a declared secret, ORLEANSSYNC_SECRET_*). The string itself is never stored or shown.",
        };
        var tables = new Option<string?>("--tables") { Description = "postgres: comma-separated source tables, schema.table, quoted as in SQL for mixed case (public.orders,sales.\"Order Items\")." };
        var mode = new Option<string?>("--mode") { Description = "postgres: how the tables are read: snapshot (the default), cursor (incremental by --cursor-column; deletes are not seen), or cdc (a snapshot consistent with a replication slot, then every change streamed)." };
        var cursorColumn = new Option<string?>("--cursor-column") { Description = "postgres, --mode cursor: the column of every listed table that grows with each insert and update (e.g. updated_at), quoted as in SQL for mixed case." };
        var targetSchema = new Option<string?>("--target-schema") { Description = "postgres: the schema of the cluster's database the tables land in (default: mirror_<project id>)." };
        var every = new Option<string?>("--every") { Description = "Sync on a schedule, e.g. 15m, 6h, 1d." };
        var command = new Command("add", "Add a project, or change its settings.")
        {
            IdArgument, source, baseUrl, clientId, secretEnv, userId, streams, connEnv, tables, mode, targetSchema, every, cursorColumn,
        };
        command.SetAction(async (parse, ct) =>
        {
            var context = CliContext.From(parse);
            var id = parse.GetValue(IdArgument)!;
            // Refused here too, before a URL with a password in it leaves this machine.
            if (parse.GetValue(baseUrl) is { } url)
            {
                _ = UpstreamBaseUrl.Parse(url);
            }

            if (parse.GetValue(streams) is not null && parse.GetValue(tables) is not null)
            {
                throw CliException.BadInput("--streams and --tables both given: an acc project takes --streams, a postgres project --tables.");
            }

            var spec = new ProjectSpec(
                ProjectIds.Normalize(id),
                // Empty: the cluster's default kind. The kinds, and which settings each needs, are the cluster's to know.
                parse.GetValue(source) ?? "",
                parse.GetValue(baseUrl) ?? "",
                parse.GetValue(clientId) ?? "",
                parse.GetValue(secretEnv) ?? "",
                parse.GetValue(userId),
                parse.GetValue(tables) is { } tableList ? SplitTables(tableList) : SplitList(parse.GetValue(streams)),
                parse.GetValue(every) is { } text ? Durations.Parse(text, "--every") : null,
                parse.GetValue(connEnv),
                parse.GetValue(mode),
                parse.GetValue(targetSchema),
                parse.GetValue(cursorColumn));
            await using var connection = await context.ConnectAsync(ct);
            var view = await connection.Client.GetGrain<IProjectGrain>(spec.ProjectId).ConfigureAsync(spec, ct);
            Write(context, view);
            return ExitCodes.Ok;
        });
        return command;
    }

    private static Command CreateSchedule()
    {
        var every = new Option<string?>("--every") { Description = "Sync every period, e.g. 15m, 6h, 1d or 01:30:00; a new or changed schedule runs at once." };
        var off = new Option<bool>("--off") { Description = "Remove the schedule: the project then syncs only when asked." };
        var command = new Command("schedule", "Set or remove a project's schedule.") { IdArgument, every, off };
        command.SetAction(async (parse, ct) =>
        {
            var context = CliContext.From(parse);
            var id = parse.GetValue(IdArgument)!;
            var text = parse.GetValue(every);
            var period = (text, parse.GetValue(off)) switch
            {
                (null, false) => throw CliException.BadInput($"Neither --every nor --off given: say what to do with the schedule of {id}, e.g. --every 15m, or --off."),
                (not null, true) => throw CliException.BadInput("--every and --off contradict each other: give one of them."),
                ({ } given, false) => Durations.Parse(given, "--every"),
                (null, true) => (TimeSpan?)null,
            };
            await using var connection = await context.ConnectAsync(ct);
            var view = await connection.Client.GetGrain<IProjectGrain>(ProjectIds.Normalize(id)).ScheduleAsync(period, ct);
            Write(context, view);
            return ExitCodes.Ok;
        });
        return command;
    }

    private static Command CreateList()
    {
        var command = new Command("list", "List the configured projects.");
        command.SetAction(async (parse, ct) =>
        {
            var context = CliContext.From(parse);
            await using var connection = await context.ConnectAsync(ct);
            var ids = await connection.Client.GetGrain<IProjectCatalogGrain>(IProjectCatalogGrain.Key).ListAsync(ct);
            var views = new List<ProjectView>();
            foreach (var id in ids)
            {
                if (await connection.Client.GetGrain<IProjectGrain>(id).GetAsync(ct) is { } view)
                {
                    views.Add(view);
                }
            }

            if (context.Output.Json)
            {
                context.Output.WriteJson(new { projects = views });
                return ExitCodes.Ok;
            }

            var table = new Table().AddColumns("Project", "Source", "Streams", "Every", "Last run", "Status");
            foreach (var view in views)
            {
                // An ACC project is known by its upstream's root; a PostgreSQL one by its kind and mode (its connection is a secret).
                var source = view.Spec.SourceConnectionVariable is null ? view.Spec.BaseUrl : $"{view.Spec.Source} {view.Spec.Mode}";
                table.AddRow(
                    Markup.Escape(view.Spec.ProjectId), Markup.Escape(source), Markup.Escape(string.Join(",", view.Spec.Streams)),
                    view.Spec.Every?.ToString() ?? "-", view.LastRun?.RunId ?? "-",
                    view.CurrentRun is not null ? "running" : view.LastRun?.Status.ToText() ?? "never run");
            }

            context.Output.Console.Write(table);
            return ExitCodes.Ok;
        });
        return command;
    }

    private static Command CreateShow()
    {
        var command = new Command("show", "Show one project.") { IdArgument };
        command.SetAction(async (parse, ct) =>
        {
            var context = CliContext.From(parse);
            var id = parse.GetValue(IdArgument)!;
            await using var connection = await context.ConnectAsync(ct);
            var project = connection.Client.GetGrain<IProjectGrain>(ProjectIds.Normalize(id));
            var view = await project.GetAsync(ct)
                ?? throw CliException.BadInput($"No project '{id}': 'orleanssync project list' shows the configured ones.");
            var standing = await project.StandingAsync(ct) ?? [];
            if (context.Output.Json)
            {
                context.Output.WriteJson(view, "streams", standing);
                return ExitCodes.Ok;
            }

            Write(context, view);
            ProjectStandingTable.Write(context.Output.Console, standing);
            return ExitCodes.Ok;
        });
        return command;
    }

    private static Command CreateRemove()
    {
        var command = new Command("remove", "Remove a project's settings, and its replication slots and publications on a postgres source (mirrored rows stay).") { IdArgument };
        command.SetAction(async (parse, ct) =>
        {
            var context = CliContext.From(parse);
            var id = ProjectIds.Normalize(parse.GetValue(IdArgument)!);
            await using var connection = await context.ConnectAsync(ct);
            var leftOnSource = await connection.Client.GetGrain<IProjectGrain>(id).RemoveAsync(ct);
            if (context.Output.Json)
            {
                context.Output.WriteJson(new { removed = id, leftOnSource });
            }
            else
            {
                context.Output.Console.MarkupLineInterpolated($"Removed project {id}.");
            }

            if (leftOnSource is not null)
            {
                await context.Output.Error.WriteLineAsync(leftOnSource);
            }

            return ExitCodes.Ok;
        });
        return command;
    }

    private static Command CreatePause(string name, bool paused, string description)
    {
        var command = new Command(name, description) { IdArgument };
        command.SetAction(async (parse, ct) =>
        {
            var context = CliContext.From(parse);
            await using var connection = await context.ConnectAsync(ct);
            var view = await connection.Client.GetGrain<IProjectGrain>(ProjectIds.Normalize(parse.GetValue(IdArgument)!)).SetPausedAsync(paused, ct);
            Write(context, view);
            return ExitCodes.Ok;
        });
        return command;
    }

    private static void Write(CliContext context, ProjectView view)
    {
        if (context.Output.Json)
        {
            context.Output.WriteJson(view);
            return;
        }

        var grid = new Grid().AddColumns(2);
        grid.AddRow("Project", Markup.Escape(view.Spec.ProjectId));
        grid.AddRow("Source", Markup.Escape(view.Spec.Source));
        if (view.Spec.SourceConnectionVariable is { } variable)
        {
            grid.AddRow("Connection variable", Markup.Escape(variable));
            grid.AddRow("Mode", Markup.Escape(view.Spec.CursorColumn is { } cursor ? $"{view.Spec.Mode} by {cursor}" : view.Spec.Mode ?? "-"));
            grid.AddRow("Target schema", Markup.Escape(view.Spec.TargetSchema ?? "-"));
            grid.AddRow("Tables", Markup.Escape(string.Join(", ", view.Spec.Streams)));
        }
        else
        {
            grid.AddRow("Base URL", Markup.Escape(view.Spec.BaseUrl));
            grid.AddRow("Client id", Markup.Escape(view.Spec.ClientId));
            grid.AddRow("Secret variable", Markup.Escape(view.Spec.ClientSecretVariable));
            grid.AddRow("User id", Markup.Escape(view.Spec.UserId ?? "-"));
            grid.AddRow("Streams", Markup.Escape(string.Join(", ", view.Spec.Streams)));
        }

        grid.AddRow("Every", view.Spec.Every?.ToString() ?? "manual");
        if (view.Schedule is { } schedule)
        {
            grid.AddRow("Next tick", $"{schedule.NextTickAt:u} (jitter {schedule.Jitter.TotalSeconds:0.###} s)");
            grid.AddRow("Last tick", schedule.LastTickAt is { } tick ? $"{tick:u}" : "-");
            grid.AddRow("Last catch-up", schedule.LastCatchUp is { } catchUp
                ? Markup.Escape($"{catchUp.At:u} ({catchUp.RunId ?? "skipped"}): {catchUp.Reason}")
                : "-");
        }

        grid.AddRow("Paused", view.Paused ? "yes" : "no");
        grid.AddRow("Current run", view.CurrentRun?.RunId ?? "-");
        grid.AddRow("Last run", view.LastRun is { } last ? $"{last.RunId} {last.Status.ToText()}" : "-");
        grid.AddRow("Breaker", Markup.Escape(BreakerText.Describe(view.Breaker)));
        grid.AddRow("Last skipped", view.LastSkip is { } skip ? Markup.Escape($"{skip.At:u} ({skip.Trigger}): {skip.Reason}") : "-");
        context.Output.Console.Write(grid);
    }

    /// <summary>
    /// Splits <c>--tables</c> at the commas outside double quotes: a quoted table name may hold a comma. The names are
    /// the cluster's to parse.
    /// </summary>
    public static IReadOnlyList<string> SplitTables(string list)
    {
        var tables = new List<string>();
        var (start, quoted) = (0, false);
        for (var i = 0; i <= list.Length; i++)
        {
            if (i == list.Length || (list[i] == ',' && !quoted))
            {
                if (list[start..i].Trim() is { Length: > 0 } table)
                {
                    tables.Add(table);
                }

                start = i + 1;
            }
            else if (list[i] == '"')
            {
                quoted = !quoted;
            }
        }

        return tables;
    }

    public static IReadOnlyList<string> SplitList(string? list) =>
        list is null ? [] : [.. list.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)];
}
