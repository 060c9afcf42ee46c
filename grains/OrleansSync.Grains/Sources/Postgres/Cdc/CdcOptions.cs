using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Options;

namespace OrleansSync.Sources.Postgres.Cdc;

/// <summary>How change capture applies what its slot streams. Bound from <see cref="Section"/>.</summary>
public sealed class CdcOptions
{
    public const string Section = "OrleansSync:Postgres:Cdc";

    /// <summary>Changes applied in one mirror transaction at most: a larger source transaction lands in several (memory stays bounded), its end with the checkpoint.</summary>
    [Range(1, 1_000_000)]
    public int BatchRows { get; set; } = 5_000;

    /// <summary>How long a change waits for more before it lands, at most (unless a batch fills first): the lag a source sees, traded against transactions per change.</summary>
    [Range(typeof(TimeSpan), "00:00:00.001", "00:01:00")]
    public TimeSpan FlushDelay { get; set; } = TimeSpan.FromMilliseconds(200);

    /// <summary>How often a task whose source is quiet says it is alive (and moves its slot past WAL it has no part in).</summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "00:10:00")]
    public TimeSpan IdleReport { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Bytes of WAL a task's slot may keep on the source before the task says so loudly (a warning, once per crossing, and in task show): a slot left behind fills the source's disk.</summary>
    [Range(1L, long.MaxValue)]
    public long MaxSlotLag { get; set; } = 1L << 30;
}

[OptionsValidator]
public sealed partial class CdcOptionsValidator : IValidateOptions<CdcOptions>;
