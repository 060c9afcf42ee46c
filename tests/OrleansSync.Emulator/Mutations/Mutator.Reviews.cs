using OrleansSync.Emulator.Data;

namespace OrleansSync.Emulator.Mutations;

internal sealed partial class Mutator
{
    /// <summary>Finishes an open review: closed (approved), void or failed, with its progress and files to match.</summary>
    private MutationChange ChangeStatus(ProjectState project, DeterministicRandom rng, long now)
    {
        if (PickOpen(project, rng) is not { } review)
        {
            return UpdateReview(project, rng, now);
        }

        var roll = rng.Next(10);
        var status = roll < 7 ? "CLOSED" : roll < 9 ? "VOID" : "FAILED";
        var workflow = project.FindWorkflow(review.WorkflowId)!;
        var progress = (ProgressStep[])review.Progress.Clone();
        if (progress.Length > 0 && progress[0].Status is "CLAIMED" or "UNCLAIMED")
        {
            var actor = status == "VOID" ? null : progress[0].ClaimedBy ?? rng.Pick(data.Factory.People);
            progress[0] = progress[0] with
            {
                ClaimedBy = actor,
                ActionBy = actor,
                EndTime = now,
                Status = status == "VOID" ? "VOID" : "SUBMITTED",
            };
        }

        var versions = status != "CLOSED"
            ? review.Versions
            : [.. review.Versions.Select(v =>
            {
                var decision = rng.Pick(workflow.ApprovalStatusOptions);
                return v with { ApproveStatus = new ApproveStatus(decision.Id, decision.Label, decision.Value) };
            })];
        var closed = status == "CLOSED";
        return Save(
            project,
            review with
            {
                Status = status,
                CurrentStepId = null,
                CurrentStepDueDate = null,
                FinishedAt = now,
                ApprovedBy = closed ? rng.Pick(data.Factory.People) : null,
                ApprovedAt = closed ? now : null,
                ClaimedBy = [],
                Candidates = Candidates.None,
                Versions = versions,
                Progress = progress,
                UpdatedAt = now,
            },
            MutationKinds.ReviewStatusChanged);
    }

    /// <summary>Submits an open review's current step and opens the next one.</summary>
    private MutationChange AddProgress(ProjectState project, DeterministicRandom rng, long now)
    {
        if (PickOpen(project, rng) is not { } review)
        {
            return UpdateReview(project, rng, now);
        }

        var workflow = project.FindWorkflow(review.WorkflowId)!;
        var progress = data.Factory.AdvanceProgress(rng, workflow, review.Progress, now);
        var current = progress[0];
        return Save(
            project,
            review with
            {
                Progress = progress,
                CurrentStepId = current.StepId,
                CurrentStepDueDate = now + (rng.Next(1, 15) * Timestamps.Day),
                ClaimedBy = current.ClaimedBy is { } claimer ? [claimer] : [],
                Candidates = current.Candidates,
                UpdatedAt = now,
            },
            MutationKinds.ProgressAdded);
    }

    /// <summary>A new round of files replaces the old one.</summary>
    private MutationChange ReplaceVersions(ProjectState project, DeterministicRandom rng, long now)
    {
        var review = rng.Pick(project.Reviews);
        var workflow = project.FindWorkflow(review.WorkflowId)!;
        var versions = data.Factory.NewVersions(
            rng,
            workflow,
            Math.Max(1, sizes.VersionsPerReview),
            review.Status,
            round: 2 + data.MutationCount);
        return Save(project, review with { Versions = versions, UpdatedAt = now }, MutationKinds.VersionsReplaced);
    }

    private static Review? PickOpen(ProjectState project, DeterministicRandom rng)
    {
        var reviews = project.Reviews;
        var start = rng.Next(reviews.Count);
        for (var i = 0; i < reviews.Count; i++)
        {
            var candidate = reviews[(start + i) % reviews.Count];
            if (candidate.Status == "OPEN")
            {
                return candidate;
            }
        }

        return null;
    }
}
