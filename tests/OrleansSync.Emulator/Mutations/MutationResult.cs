namespace OrleansSync.Emulator.Mutations;

/// <summary>What a batch of mutations changed.</summary>
/// <param name="Applied">Mutations applied.</param>
/// <param name="Clock">The logical time of the last one; every changed record has this updatedAt or an earlier one of the batch.</param>
/// <param name="ByKind">Changed ids per kind (review ids, or workflow ids for <c>workflowToggled</c>); every kind is present.</param>
/// <param name="Changes">Each change in order, with its project and new updatedAt.</param>
public sealed record MutationResult(
    int Applied,
    string Clock,
    IReadOnlyDictionary<string, IReadOnlyList<string>> ByKind,
    IReadOnlyList<MutationChange> Changes);

/// <summary>One change.</summary>
/// <param name="Kind">One of <see cref="MutationKinds.All"/>.</param>
/// <param name="ProjectId">The project, without the <c>b.</c> prefix.</param>
/// <param name="Id">The review id, or the workflow id for <c>workflowToggled</c>.</param>
/// <param name="UpdatedAt">The record's new updatedAt.</param>
public sealed record MutationChange(string Kind, string ProjectId, string Id, string UpdatedAt);
