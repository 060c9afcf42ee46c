namespace OrleansSync.Sources.Acc.Client;

/// <summary>How long and how large one body may be; see <see cref="AccBody"/>.</summary>
internal readonly record struct AccBodyLimits(TimeSpan Timeout, int MaxBytes, TimeProvider Time)
{
    public static AccBodyLimits From(AccSourceOptions options, TimeProvider time) => new(options.BodyTimeout, options.MaxBodyBytes, time);
}
