using System.CommandLine;

namespace OrleansSync.Benchmarks.Runner;

/// <summary>
/// <c>OrleansSync.Benchmarks &lt;scenario&gt; [--quick]</c>: one sub-command per <see cref="IScenario"/> found in this
/// assembly. Exit codes: 0 the scenario ran (targets met or not: the result says), 1 it failed, 2 bad usage.
/// </summary>
public static class ScenarioCli
{
    private static readonly Option<bool> QuickOption = new("--quick")
    {
        Description = "The CI smoke variant: small sizes and short jobs, well under a minute; its figures are no measurement.",
        Recursive = true,
    };

    /// <summary>The command that runs every scenario.</summary>
    public const string AllCommand = "all";

    public static IReadOnlyList<IScenario> Scenarios { get; } = typeof(IScenario).Assembly.GetTypes()
        .Where(static t => t is { IsClass: true, IsAbstract: false } && typeof(IScenario).IsAssignableFrom(t))
        .Select(static t => (IScenario)Activator.CreateInstance(t)!)
        .OrderBy(static s => s.Name, StringComparer.Ordinal)
        .ToList();

    public static RootCommand CreateRoot()
    {
        var root = new RootCommand("OrleansSync benchmarks: each scenario prints one JSON result (one line) and one Markdown table row.");
        root.Options.Add(QuickOption);
        foreach (var scenario in Scenarios)
        {
            var command = new Command(scenario.Name, scenario.Description);
            command.SetAction((parse, ct) => RunScenarioAsync(scenario, parse.GetValue(QuickOption), ct));
            root.Subcommands.Add(command);
        }

        var all = new Command(AllCommand, "Every scenario in turn, in this one process (with --quick: the CI smoke run); exit 1 if any failed.");
        all.SetAction(async (parse, ct) =>
        {
            var failed = 0;
            foreach (var scenario in Scenarios)
            {
                // One failing scenario does not hide what the others show.
                failed += await RunScenarioAsync(scenario, parse.GetValue(QuickOption), ct) == 0 ? 0 : 1;
            }

            return failed == 0 ? 0 : 1;
        });
        root.Subcommands.Add(all);
        return root;
    }

    public static async Task<int> RunAsync(string[] args, CancellationToken cancellationToken)
    {
        var parse = CreateRoot().Parse(args);
        // A root without a scenario is a parse error too ("required command was not provided").
        if (parse.Errors.Count > 0)
        {
            foreach (var error in parse.Errors)
            {
                await Console.Error.WriteLineAsync($"error: {error.Message}");
            }

            await Console.Error.WriteLineAsync($"Name a scenario: {string.Join(", ", Scenarios.Select(static s => s.Name))}. Run with --help for what each measures.");
            return 2;
        }

        return await parse.InvokeAsync(new InvocationConfiguration { EnableDefaultExceptionHandler = false }, cancellationToken);
    }

    private static async Task<int> RunScenarioAsync(IScenario scenario, bool quick, CancellationToken cancellationToken)
    {
        ScenarioResult result;
        try
        {
            result = await scenario.RunAsync(quick, cancellationToken);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            await Console.Error.WriteLineAsync($"{scenario.Name}: cancelled");
            return 1;
        }
        catch (Exception e)
        {
            await Console.Error.WriteLineAsync($"{scenario.Name} failed: {e}");
            return 1;
        }

        Console.WriteLine();
        foreach (var target in result.Targets)
        {
            Console.WriteLine($"target{(result.Quick ? " (quick, not judged)" : string.Empty)}: {target.Describe()}");
        }

        foreach (var note in result.Notes)
        {
            Console.WriteLine($"note: {note}");
        }

        Console.WriteLine();
        Console.WriteLine(result.ToJson());
        Console.WriteLine();
        Console.WriteLine(ScenarioResult.MarkdownHeader);
        Console.WriteLine(result.ToMarkdownRow());
        return 0;
    }
}
