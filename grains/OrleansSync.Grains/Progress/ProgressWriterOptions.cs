using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Options;

namespace OrleansSync.Progress;

/// <summary>Section <c>OrleansSync:Progress</c>: how stale running progress in PostgreSQL may be. Validated at start.</summary>
public sealed class ProgressWriterOptions
{
    public const string Section = "OrleansSync:Progress";

    /// <summary>Buffered reports that force a write.</summary>
    [Range(1, 100_000)]
    public int FlushEvery { get; set; } = 50;

    /// <summary>The longest a running report waits in the buffer.</summary>
    [Range(typeof(TimeSpan), "00:00:00.010", "00:10:00")]
    public TimeSpan FlushInterval { get; set; } = TimeSpan.FromSeconds(2);
}

[OptionsValidator]
public sealed partial class ProgressWriterOptionsValidator : IValidateOptions<ProgressWriterOptions>;
