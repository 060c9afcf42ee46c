namespace OrleansSync.Tests.Infrastructure;

/// <summary>
/// Test classes that run after all others, one at a time, with the machine to themselves: they sum a process-wide
/// meter that other tests' in-process silos would add to, or bound waits of a second or less (a body timeout, a
/// coalescing window, a rate) that two cores shared with another cluster would stretch.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class RunsAloneCollection
{
    public const string Name = "runs alone";
}
