using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Options;

namespace OrleansSync.Progress;

/// <summary>
/// Section <c>OrleansSync:Progress</c>: how stale running progress in PostgreSQL may be, N updates or T seconds,
/// whichever comes first. Validated at start.
/// </summary>
public sealed class ProgressWriterOptions
{
    public const string Section = "OrleansSync:Progress";

    /// <summary>N: a task's row is written at most once per this many of its reports.</summary>
    [Range(1, 100_000)]
    public int EveryUpdates { get; set; } = 5;

    /// <summary>T: the longest a report waits unwritten.</summary>
    [Range(typeof(TimeSpan), "00:00:00.010", "00:10:00")]
    public TimeSpan FlushInterval { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>How often the writer looks for due rows: a row is at most T plus this stale.</summary>
    public TimeSpan Tick => FlushInterval < TimeSpan.FromMilliseconds(250) ? FlushInterval : TimeSpan.FromMilliseconds(250);
}

[OptionsValidator]
public sealed partial class ProgressWriterOptionsValidator : IValidateOptions<ProgressWriterOptions>;
