using System.Globalization;

namespace OrleansSync.Client.Tasks;

/// <summary>How task lists and <c>watch</c> print a <c>sync.progress</c> value; '-' where it is unknown (null).</summary>
public static class TaskCells
{
    public static string Percent(double? percent) => percent is { } p ? p.ToString("0.0", CultureInfo.InvariantCulture) + "%" : "-";

    public static string Rate(double? recordsPerSecond) => recordsPerSecond is { } r ? r.ToString("0.0", CultureInfo.InvariantCulture) : "-";

    /// <summary>The time left until <paramref name="eta"/>, e.g. <c>1h02m</c>, <c>3m05s</c>, <c>12s</c>; <c>0s</c> once due.</summary>
    public static string Remaining(DateTimeOffset? eta, DateTimeOffset now)
    {
        if (eta is not { } at)
        {
            return "-";
        }

        var left = at - now;
        return left <= TimeSpan.Zero ? "0s"
            : left.TotalHours >= 1 ? string.Create(CultureInfo.InvariantCulture, $"{(int)left.TotalHours}h{left.Minutes:00}m")
            : left.TotalMinutes >= 1 ? string.Create(CultureInfo.InvariantCulture, $"{left.Minutes}m{left.Seconds:00}s")
            : string.Create(CultureInfo.InvariantCulture, $"{left.Seconds}s");
    }

    public static string Text(string? value) => string.IsNullOrEmpty(value) ? "-" : value;
}
