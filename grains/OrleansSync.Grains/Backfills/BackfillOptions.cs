using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Options;

namespace OrleansSync.Backfills;

/// <summary>Section <c>OrleansSync:Backfills</c>, validated at start.</summary>
public sealed class BackfillOptions
{
    public const string Section = "OrleansSync:Backfills";

    /// <summary>Days of one backfill that run at once (each is a task, placed like any other); the next starts when one ends.</summary>
    [Range(1, 1000)]
    public int MaxParallelDays { get; set; } = 4;
}

/// <summary>Checks the <see cref="RangeAttribute"/>s above at start, without reflection.</summary>
[OptionsValidator]
public sealed partial class BackfillOptionsValidator : IValidateOptions<BackfillOptions>;
