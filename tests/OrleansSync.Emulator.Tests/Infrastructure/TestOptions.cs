namespace OrleansSync.Emulator.Tests.Infrastructure;

/// <summary>Small datasets on a free port, so each emulator starts in milliseconds.</summary>
internal static class TestOptions
{
    public static EmulatorOptions Small(int seed = 7, RateLimitOptions? limits = null, FaultSettings? faults = null)
    {
        return new EmulatorOptions
        {
            Port = 0,
            Dataset = new DatasetOptions
            {
                Seed = seed,
                Projects = 2,
                ReviewsPerProject = 120,
                WorkflowsPerProject = 6,
                VersionsPerReview = 2,
                ProgressStepsPerReview = 3,
                ArchivedShare = 0.25,
                InactiveWorkflowShare = 0.34,
            },
            RateLimits = limits ?? RateLimitOptions.Unlimited,
            Faults = faults ?? new FaultSettings(),
        };
    }
}
