namespace OrleansSync.Emulator;

/// <summary>
/// The seed and sizes of the generated dataset. The same values always give byte-identical records.
/// </summary>
public sealed class DatasetOptions
{
    public int Seed { get; set; } = 42;

    public int Projects { get; set; } = 3;

    public int ReviewsPerProject { get; set; } = 200;

    public int WorkflowsPerProject { get; set; } = 5;

    public int VersionsPerReview { get; set; } = 3;

    public int ProgressStepsPerReview { get; set; } = 3;

    /// <summary>Share (0..1) of each project's reviews that start archived.</summary>
    public double ArchivedShare { get; set; } = 0.1;

    /// <summary>Share (0..1) of each project's workflows that start INACTIVE.</summary>
    public double InactiveWorkflowShare { get; set; } = 0.2;

    internal IEnumerable<string> Validate()
    {
        if (Projects < 0)
        {
            yield return "projects must be 0 or more";
        }

        if (ReviewsPerProject < 0)
        {
            yield return "reviews per project must be 0 or more";
        }

        // A review always points at a workflow of its project.
        if (WorkflowsPerProject < 1)
        {
            yield return "workflows per project must be 1 or more";
        }

        if (VersionsPerReview < 0)
        {
            yield return "versions per review must be 0 or more";
        }

        if (ProgressStepsPerReview < 0)
        {
            yield return "progress steps per review must be 0 or more";
        }

        if (ArchivedShare is < 0 or > 1 || double.IsNaN(ArchivedShare))
        {
            yield return "archived share must be between 0 and 1";
        }

        if (InactiveWorkflowShare is < 0 or > 1 || double.IsNaN(InactiveWorkflowShare))
        {
            yield return "inactive workflow share must be between 0 and 1";
        }
    }
}
