namespace OrleansSync.Tasks;

/// <summary>
/// A control request (cancel, pause, resume) the task carried out but could not write to its grain state: were its
/// silo to stop now, another silo would load the task as it was before. So the request is not reported done; the
/// message says what happened and to ask again. The CLI exits 1 with it.
/// </summary>
[GenerateSerializer, Alias("OrleansSync.Tasks.TaskNotSavedException")]
public sealed class TaskNotSavedException : Exception
{
    public TaskNotSavedException()
    {
    }

    public TaskNotSavedException(string message)
        : base(message)
    {
    }

    public TaskNotSavedException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
