namespace OrleansSync.Emulator.Data;

/// <summary>Builds the start dataset from a seed and sizes.</summary>
internal static class DatasetGenerator
{
    /// <summary>Generated reviews are created within this span after <see cref="Timestamps.Base"/>.</summary>
    private const long CreationSpan = 270 * Timestamps.Day;

    /// <summary>The longest a generated review stays untouched after its creation.</summary>
    private const long UpdateSpan = 30 * Timestamps.Day;

    /// <summary>Later than every generated timestamp, so that the first mutation is the newest record.</summary>
    public const long ClockStart = Timestamps.Base + CreationSpan + UpdateSpan + Timestamps.Day;

    public static Dataset Generate(DatasetOptions options, string? accountId)
    {
        var seed = unchecked((ulong)options.Seed);
        var factory = new RecordFactory(seed);
        accountId ??= DeterministicRandom.For(seed, Salts.Account).NextGuid();
        var projects = new List<ProjectState>(options.Projects);
        for (var p = 0; p < options.Projects; p++)
        {
            var project = factory.NewProject(DeterministicRandom.For(seed, Salts.Project, (ulong)p), accountId, p);
            var workflows = GenerateWorkflows(factory, DeterministicRandom.For(seed, Salts.Workflows, (ulong)p), options);
            var reviews = GenerateReviews(factory, DeterministicRandom.For(seed, Salts.Reviews, (ulong)p), options, workflows);
            projects.Add(new ProjectState(project, workflows, reviews));
        }

        return new Dataset(seed, accountId, projects, factory, ClockStart);
    }

    private static List<Workflow> GenerateWorkflows(RecordFactory factory, DeterministicRandom rng, DatasetOptions options)
    {
        var count = options.WorkflowsPerProject;
        var inactive = rng.Sample(count, Share(count, options.InactiveWorkflowShare));
        var workflows = new List<Workflow>(count);
        for (var i = 0; i < count; i++)
        {
            var createdAt = Timestamps.Base - rng.NextLong(60 * Timestamps.Day);
            var updatedAt = createdAt + rng.NextLong(Timestamps.Base + (200 * Timestamps.Day) - createdAt);
            workflows.Add(factory.NewWorkflow(rng, !inactive.Contains(i), createdAt, updatedAt));
        }

        // Creation order, as ACC lists workflows by default.
        workflows.Sort((a, b) => a.CreatedAt != b.CreatedAt ? a.CreatedAt.CompareTo(b.CreatedAt) : string.CompareOrdinal(a.Id, b.Id));
        return workflows;
    }

    private static List<Review> GenerateReviews(
        RecordFactory factory,
        DeterministicRandom rng,
        DatasetOptions options,
        List<Workflow> workflows)
    {
        var count = options.ReviewsPerProject;
        var archived = rng.Sample(count, Share(count, options.ArchivedShare));

        // Sequence ids follow creation time, as they do upstream.
        var created = new long[count];
        for (var i = 0; i < count; i++)
        {
            created[i] = Timestamps.Base + rng.NextLong(CreationSpan);
        }

        Array.Sort(created);
        var reviews = new List<Review>(count);
        for (var i = 0; i < count; i++)
        {
            var roll = rng.Next(100);
            var status = roll switch
            {
                < 50 => "OPEN",
                < 85 => "CLOSED",
                < 95 => "VOID",
                _ => "FAILED",
            };
            var updatedAt = created[i] + 1 + rng.NextLong(UpdateSpan);
            reviews.Add(factory.NewReview(
                rng,
                rng.Pick(workflows),
                i + 1,
                created[i],
                updatedAt,
                status,
                archived.Contains(i),
                options.VersionsPerReview,
                options.ProgressStepsPerReview));
        }

        return reviews;
    }

    private static int Share(int count, double share) => (int)Math.Round(count * share, MidpointRounding.AwayFromZero);
}
