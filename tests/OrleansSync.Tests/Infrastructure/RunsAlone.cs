namespace OrleansSync.Tests.Infrastructure;

/// <summary>
/// Test classes that must not share the machine with any other test, so they run one at a time after the others
/// (which run two at once): they stop the PostgreSQL server every test uses, sum a counter across the whole process
/// (in-process silos of every cluster share its meters), or time one run against another on the same machine.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class RunsAlone
{
    public const string Name = "runs alone";
}
