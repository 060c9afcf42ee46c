namespace OrleansSync.Emulator.Mutations;

/// <summary>The kinds of change <c>POST /__mutate</c> applies.</summary>
public static class MutationKinds
{
    public const string ReviewUpdated = "reviewUpdated";
    public const string ReviewStatusChanged = "reviewStatusChanged";
    public const string ReviewArchived = "reviewArchived";
    public const string ReviewUnarchived = "reviewUnarchived";
    public const string ReviewCreated = "reviewCreated";
    public const string ProgressAdded = "progressAdded";
    public const string VersionsReplaced = "versionsReplaced";
    public const string WorkflowToggled = "workflowToggled";

    public static IReadOnlyList<string> All { get; } =
    [
        ReviewUpdated, ReviewStatusChanged, ReviewArchived, ReviewUnarchived, ReviewCreated, ProgressAdded,
        VersionsReplaced, WorkflowToggled,
    ];
}
