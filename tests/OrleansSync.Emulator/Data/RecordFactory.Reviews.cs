namespace OrleansSync.Emulator.Data;

internal sealed partial class RecordFactory
{
    /// <summary>
    /// A review consistent with its status: open reviews have a current step and candidates, finished ones a
    /// <c>finishedAt</c>, closed ones an approver, archived ones who archived them and when.
    /// </summary>
    public Review NewReview(
        DeterministicRandom rng,
        Workflow workflow,
        int sequenceId,
        long createdAt,
        long updatedAt,
        string status,
        bool archived,
        int versionCount,
        int progressCount)
    {
        var open = status == "OPEN";
        long? finishedAt = open ? null : createdAt + rng.NextLong(updatedAt - createdAt + 1);
        var progress = NewProgress(rng, workflow, progressCount, status, createdAt, finishedAt ?? updatedAt);
        var current = open && progress.Length > 0 ? progress[0] : null;
        return new Review
        {
            Id = rng.NextGuid(),
            SequenceId = sequenceId,
            Name = $"{rng.Pick(TextPools.ReviewNames)} #{sequenceId}",
            Status = status,
            CurrentStepId = open ? current?.StepId ?? workflow.Steps[0].Id : null,
            CurrentStepDueDate = open ? updatedAt + (rng.Next(1, 15) * Timestamps.Day) + rng.NextLong(Timestamps.Day) : null,
            CreatedBy = rng.Pick(People),
            CreatedAt = createdAt,
            UpdatedAt = updatedAt,
            FinishedAt = finishedAt,
            Archived = archived,
            ArchivedBy = archived ? rng.Pick(People) : null,
            ArchivedAt = archived ? updatedAt : null,
            ApprovedBy = status == "CLOSED" ? rng.Pick(People) : null,
            ApprovedAt = status == "CLOSED" ? finishedAt : null,
            WorkflowId = workflow.Id,
            ClaimedBy = current?.ClaimedBy is { } claimer ? [claimer] : [],
            Candidates = open ? current?.Candidates ?? NewCandidates(rng) : Candidates.None,
            Versions = NewVersions(rng, workflow, versionCount, status, 1),
            Progress = progress,
        };
    }

    /// <summary>Progress newest first; steps follow the workflow's steps in order, wrapping around.</summary>
    public ProgressStep[] NewProgress(DeterministicRandom rng, Workflow workflow, int count, string status, long start, long end)
    {
        var steps = new ProgressStep[count];
        for (var i = 0; i < count; i++)
        {
            var definition = workflow.Steps[i % workflow.Steps.Length];
            var stepStatus = i < count - 1
                ? "SUBMITTED"
                : status switch
                {
                    "OPEN" => rng.Chance(0.5) ? "CLAIMED" : "UNCLAIMED",
                    "VOID" => "VOID",
                    _ => "SUBMITTED",
                };
            var claimedBy = stepStatus is "UNCLAIMED" or "VOID" ? null : rng.Pick(People);
            steps[count - 1 - i] = new ProgressStep(
                definition.Id,
                definition.Name,
                claimedBy,
                stepStatus == "SUBMITTED" ? claimedBy : null,
                definition.Candidates,
                stepStatus is "SUBMITTED" or "VOID" ? start + ((end - start) * (i + 1) / count) : null,
                stepStatus == "SUBMITTED" ? rng.Pick(TextPools.Notes) : null,
                stepStatus);
        }

        return steps;
    }

    /// <summary>The next step of an open review: the current one is submitted, the next one opens.</summary>
    public ProgressStep[] AdvanceProgress(DeterministicRandom rng, Workflow workflow, ProgressStep[] progress, long now)
    {
        var next = progress.Length % workflow.Steps.Length;
        var definition = workflow.Steps[next];
        var claimed = rng.Chance(0.5) ? rng.Pick(People) : null;
        var opened = new ProgressStep(
            definition.Id,
            definition.Name,
            claimed,
            null,
            definition.Candidates,
            null,
            null,
            claimed is null ? "UNCLAIMED" : "CLAIMED");
        var result = new ProgressStep[progress.Length + 1];
        result[0] = opened;
        progress.CopyTo(result, 1);
        if (progress.Length > 0 && progress[0].Status is "CLAIMED" or "UNCLAIMED")
        {
            var actor = progress[0].ClaimedBy ?? rng.Pick(People);
            result[1] = progress[0] with
            {
                ClaimedBy = actor,
                ActionBy = actor,
                EndTime = now,
                Notes = rng.Pick(TextPools.Notes),
                Status = "SUBMITTED",
            };
        }

        return result;
    }

    /// <summary>The files of one review round; approvals are set only once the review is closed.</summary>
    public ReviewVersion[] NewVersions(DeterministicRandom rng, Workflow workflow, int count, string status, int round)
    {
        var versions = new ReviewVersion[count];
        for (var i = 0; i < count; i++)
        {
            var lineage = rng.NextToken(22, UrnAlphabet);
            var name = rng.Pick(TextPools.FileNames);
            var decision = status == "CLOSED" ? rng.Pick(workflow.ApprovalStatusOptions) : null;
            var copied = decision is { Value: "APPROVED" } && workflow.CopyFilesOptions.Enabled;
            versions[i] = new ReviewVersion(
                $"urn:adsk.wipprod:fs.file:vf.{lineage}?version={round + rng.Next(0, 4)}",
                $"urn:adsk.wipprod:dm.lineage:{lineage}",
                name,
                decision is null ? ApproveStatus.Pending : new ApproveStatus(decision.Id, decision.Label, decision.Value),
                name,
                [.. workflow.AttachedAttributes.Select(a => new CustomAttribute(a.Id, a.Name, a.Type, rng.Pick(TextPools.AttributeValues)))],
                copied ? $"urn:adsk.wipprod:fs.file:vf.{rng.NextToken(22, UrnAlphabet)}?version=1" : null);
        }

        return versions;
    }
}
