using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Options;

namespace OrleansSync.Retention;

/// <summary>Section <c>OrleansSync:Retention</c>: how long finished bookkeeping is kept. Validated at start.</summary>
public sealed class RetentionOptions
{
    public const string Section = "OrleansSync:Retention";

    /// <summary>Finished tasks' progress rows, finished runs and resolved dead letters older than this are deleted.</summary>
    [Range(typeof(TimeSpan), "01:00:00", "3650.00:00:00")]
    public TimeSpan Keep { get; set; } = TimeSpan.FromDays(30);

    /// <summary>How often the cleaning runs (a reminder: at least a minute).</summary>
    [Range(typeof(TimeSpan), "00:01:00", "7.00:00:00")]
    public TimeSpan Period { get; set; } = TimeSpan.FromHours(1);
}

[OptionsValidator]
public sealed partial class RetentionOptionsValidator : IValidateOptions<RetentionOptions>;
