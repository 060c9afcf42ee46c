using OrleansSync.Emulator.Data;
using OrleansSync.Emulator.Faults;

namespace OrleansSync.Emulator.Mutations;

/// <summary>
/// Applies deterministic changes: the n-th mutation of a seed is always the same change, stamped on the upstream's
/// wall clock minus its replication lag (<see cref="FaultSettings.ReplicationLagMs"/>), so the same seed, clock and
/// calls give the same data. Every change gives its record an updatedAt later than its last one. Children
/// count as changes of their review: a new progress step or new versions bump the review's updatedAt, as upstream.
/// </summary>
internal sealed partial class Mutator(Dataset data, DatasetOptions sizes, TimeProvider time, FaultState faults)
{
    public MutationResult Apply(int count)
    {
        return data.Write(() =>
        {
            var changes = new List<MutationChange>(count);
            // One millisecond apart, in order: a batch is a run of commits.
            var stamp = Stamp();
            for (var i = 0; i < count && data.Projects.Count > 0; i++)
            {
                var (now, rng) = data.NextMutation(stamp + i);
                changes.Add(ApplyOne(rng.Pick(data.Projects), rng, now));
            }

            var byKind = MutationKinds.All.ToDictionary(
                kind => kind,
                kind => (IReadOnlyList<string>)[.. changes.Where(c => c.Kind == kind).Select(c => c.Id)]);
            return new MutationResult(changes.Count, Timestamps.ToText(data.Clock), byKind, changes);
        });
    }

    /// <summary>Now on the store's clock, less the replication lag: when the change was written where it is served from.</summary>
    private long Stamp() => time.GetUtcNow().ToUnixTimeMilliseconds() - faults.Settings.ReplicationLagMs;

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

    /// <summary>
    /// Archives one review now (unarchives it when archived), as a mutation, and with <paramref name="andCreate"/>
    /// creates a review too, in the same write; false when there is no such review.
    /// </summary>
    public bool ToggleArchived(string projectId, string reviewId, bool andCreate = false) => data.Write(() =>
    {
        if (data.FindProject(projectId) is not { } project || project.FindReview(reviewId) is not { } review)
        {
            return false;
        }

        var (now, rng) = data.NextMutation(Stamp());
        ToggleArchived(project, review, rng, now);
        if (andCreate)
        {
            CreateReview(project, rng, now);
        }

        return true;
    });

    private MutationChange ToggleArchived(ProjectState project, DeterministicRandom rng, long now) =>
        ToggleArchived(project, rng.Pick(project.Reviews), rng, now);

    private MutationChange ToggleArchived(ProjectState project, Review review, DeterministicRandom rng, long now)
    {
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
        return new MutationChange(MutationKinds.ReviewCreated, project.Id, review.Id, Timestamps.ToText(data.Stamped(now)));
    }

    private MutationChange ToggleWorkflow(ProjectState project, DeterministicRandom rng, long now)
    {
        var workflow = rng.Pick(project.Workflows);
        var updatedAt = data.Stamped(Math.Max(now, workflow.UpdatedAt + 1));
        project.Replace(workflow with { Status = workflow.Status == "ACTIVE" ? "INACTIVE" : "ACTIVE", UpdatedAt = updatedAt });
        return new MutationChange(MutationKinds.WorkflowToggled, project.Id, workflow.Id, Timestamps.ToText(updatedAt));
    }

    /// <summary>Stores a changed review; its updatedAt never goes back, whatever the lag did since its last change.</summary>
    private MutationChange Save(ProjectState project, Review review, string kind)
    {
        var previous = project.FindReview(review.Id)!.UpdatedAt;
        var saved = review.UpdatedAt > previous ? review : review with { UpdatedAt = previous + 1 };
        project.Replace(saved);
        return new MutationChange(kind, project.Id, saved.Id, Timestamps.ToText(data.Stamped(saved.UpdatedAt)));
    }
}
