namespace OrleansSync.RateBudget;

/// <param name="Project">The project the slot was granted to.</param>
/// <param name="DueIn">From when the grain answered; zero or less: at once.</param>
[GenerateSerializer, Immutable, Alias("OrleansSync.RateBudget.LeasedSlot")]
public sealed record class LeasedSlot([property: Id(0)] string Project, [property: Id(1)] TimeSpan DueIn);
