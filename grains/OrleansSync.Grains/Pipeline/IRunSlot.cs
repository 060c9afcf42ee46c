namespace OrleansSync.Pipeline;

/// <summary>
/// The run slot a run holds on its silo. A run that waits for another task (review children for the reviews list)
/// gives it back meanwhile, so that the task it waits for can have one: slots held by waiting followers while their
/// leader waits in line for one would wait for each other for good.
/// </summary>
public interface IRunSlot
{
    /// <summary>Gives the slot back while the run waits; nothing when it holds none.</summary>
    ValueTask GiveBackAsync();

    /// <summary>Takes a slot again before the run works on, waiting in line when none is free; nothing when it holds one.</summary>
    ValueTask TakeAgainAsync(CancellationToken cancellationToken);
}
