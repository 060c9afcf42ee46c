using System.Globalization;
using OrleansSync.Client.Cli;

namespace OrleansSync.Client.Tasks;

/// <summary>How task lists and <c>watch</c> print a <c>sync.progress</c> value; '-' where it is unknown (null).</summary>
public static class TaskCells
{
    public static string Percent(double? percent) => percent is { } p ? p.ToString("0.0", CultureInfo.InvariantCulture) + "%" : "-";

    public static string Rate(double? recordsPerSecond) => recordsPerSecond is { } r ? r.ToString("0.0", CultureInfo.InvariantCulture) : "-";

    /// <summary>The time left until <paramref name="eta"/>, e.g. <c>1h02m</c>, <c>3m05s</c>, <c>12s</c>; <c>0s</c> once due.</summary>
    public static string Remaining(DateTimeOffset? eta, DateTimeOffset now) => eta switch
    {
        null => "-",
        { } at when at <= now => "0s",
        { } at => Durations.Format(at - now),
    };

    public static string Text(string? value) => string.IsNullOrEmpty(value) ? "-" : value;
}
