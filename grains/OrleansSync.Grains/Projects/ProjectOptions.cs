namespace OrleansSync.Projects;

/// <summary>Section <c>OrleansSync:Projects</c>.</summary>
public sealed class ProjectOptions
{
    public const string Section = "OrleansSync:Projects";

    /// <summary>
    /// The shortest <c>--every</c> accepted. Schedules are reminders, whose floor in Orleans is one minute;
    /// tests lower both to exercise schedules in seconds.
    /// </summary>
    public TimeSpan MinimumEvery { get; set; } = TimeSpan.FromMinutes(1);
}
