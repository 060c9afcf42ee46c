using OrleansSync.Emulator.Data;

namespace OrleansSync.Emulator.Mutations;

/// <summary>
/// Applies deterministic changes: the n-th mutation of a seed is always the same change at the same logical time,
/// and every change gives its record an updatedAt later than anything before it. Children count as changes of
/// their review: a new progress step or new versions bump the review's updatedAt, as upstream.
/// </summary>
internal sealed partial class Mutator(Dataset data, DatasetOptions sizes)
{
    public MutationResult Apply(int count)
    {
        return data.Write(() =>
        {
            var changes = new List<MutationChange>(count);
            for (var i = 0; i < count && data.Projects.Count > 0; i++)
            {
                var (now, rng) = data.NextMutation();
                changes.Add(ApplyOne(rng.Pick(data.Projects), rng, now));
            }

            var byKind = MutationKinds.All.ToDictionary(
                kind => kind,
                kind => (IReadOnlyList<string>)[.. changes.Where(c => c.Kind == kind).Select(c => c.Id)]);
            return new MutationResult(changes.Count, Timestamps.ToText(data.Clock), byKind, changes);
        });
    }

    private MutationChange ApplyOne(ProjectState project, DeterministicRandom rng, long now)
    {
        var roll = rng.Next(100);
        if (roll >= 95)
        {
            return ToggleWorkflow(project, rng, now);
        }

        if (project.Reviews.Count == 0)
        {
            return CreateReview(project, rng, now);
        }

        return roll switch
        {
            < 25 => UpdateReview(project, rng, now),
            < 40 => ChangeStatus(project, rng, now),
            < 55 => ToggleArchived(project, rng, now),
            < 70 => CreateReview(project, rng, now),
            < 85 => AddProgress(project, rng, now),
            _ => ReplaceVersions(project, rng, now),
        };
    }

    private MutationChange UpdateReview(ProjectState project, DeterministicRandom rng, long now)
    {
        var review = rng.Pick(project.Reviews);
        var renamed = rng.Chance(0.5)
            ? review with { Name = $"{rng.Pick(TextPools.ReviewNames)} #{review.SequenceId} (rev {data.MutationCount})" }
            : review;
        return Save(project, renamed with { UpdatedAt = now }, MutationKinds.ReviewUpdated);
    }

    private MutationChange ToggleArchived(ProjectState project, DeterministicRandom rng, long now)
    {
        var review = rng.Pick(project.Reviews);
        return review.Archived
            ? Save(project, review with { Archived = false, ArchivedBy = null, ArchivedAt = null, UpdatedAt = now }, MutationKinds.ReviewUnarchived)
            : Save(project, review with { Archived = true, ArchivedBy = rng.Pick(data.Factory.People), ArchivedAt = now, UpdatedAt = now }, MutationKinds.ReviewArchived);
    }

    private MutationChange CreateReview(ProjectState project, DeterministicRandom rng, long now)
    {
        var active = project.Workflows.Where(w => w.Status == "ACTIVE").ToList();
        var workflow = active.Count > 0 ? rng.Pick(active) : rng.Pick(project.Workflows);
        var review = data.Factory.NewReview(
            rng,
            workflow,
            project.NextSequenceId,
            now,
            now,
            "OPEN",
            archived: false,
            sizes.VersionsPerReview,
            progressCount: 1);
        project.Add(review);
        return new MutationChange(MutationKinds.ReviewCreated, project.Id, review.Id, Timestamps.ToText(now));
    }

    private MutationChange ToggleWorkflow(ProjectState project, DeterministicRandom rng, long now)
    {
        var workflow = rng.Pick(project.Workflows);
        project.Replace(workflow with { Status = workflow.Status == "ACTIVE" ? "INACTIVE" : "ACTIVE", UpdatedAt = now });
        return new MutationChange(MutationKinds.WorkflowToggled, project.Id, workflow.Id, Timestamps.ToText(now));
    }

    private static MutationChange Save(ProjectState project, Review review, string kind)
    {
        project.Replace(review);
        return new MutationChange(kind, project.Id, review.Id, Timestamps.ToText(review.UpdatedAt));
    }
}
