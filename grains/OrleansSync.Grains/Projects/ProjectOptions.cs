using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Options;
using OrleansSync.Resilience;

namespace OrleansSync.Projects;

/// <summary>Section <c>OrleansSync:Projects</c>, validated at start.</summary>
public sealed class ProjectOptions
{
    public const string Section = "OrleansSync:Projects";

    /// <summary>
    /// The shortest <c>--every</c> accepted. Schedules are reminders, whose floor in Orleans is one minute;
    /// tests lower both to exercise schedules in seconds.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "1.00:00:00")]
    public TimeSpan MinimumEvery { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>
    /// The largest share of its period by which a project's ticks are offset (drawn per project when its schedule is
    /// set), so that many projects scheduled together do not all start in the same second.
    /// </summary>
    [Range(0.0, 0.5)]
    public double ScheduleJitter { get; set; } = 0.1;

    /// <summary>The project's breaker (<c>OrleansSync:Projects:Breaker</c>): it opens after this many consecutive failed runs.</summary>
    [ValidateObjectMembers]
    public BreakerOptions Breaker { get; set; } = new() { Failures = 3, OpenTime = TimeSpan.FromMinutes(5), MaxOpenTime = TimeSpan.FromHours(6) };

    /// <summary>The longest wait between two tries of a run's bookkeeping step (history rows, starting tasks, finishing).</summary>
    [Range(typeof(TimeSpan), "00:00:00.010", "01:00:00")]
    public TimeSpan BookkeepingMaxDelay { get; set; } = TimeSpan.FromSeconds(30);
}

/// <summary>Checks the <see cref="RangeAttribute"/>s above (and the breaker's) at start, without reflection.</summary>
[OptionsValidator]
public sealed partial class ProjectOptionsValidator : IValidateOptions<ProjectOptions>;
