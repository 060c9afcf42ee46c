namespace OrleansSync.Tasks;

/// <summary>One failure a task met (it may have recovered). Messages never hold secrets.</summary>
[GenerateSerializer, Immutable, Alias("OrleansSync.Tasks.TaskError")]
public sealed record class TaskError([property: Id(0)] DateTimeOffset At, [property: Id(1)] int Attempt, [property: Id(2)] string Message);
