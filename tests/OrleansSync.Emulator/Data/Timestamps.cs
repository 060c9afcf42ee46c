using System.Globalization;

namespace OrleansSync.Emulator.Data;

/// <summary>
/// Records keep times as Unix milliseconds: ACC's precision, cheap to compare, and exact to format
/// as <c>2024-11-06T01:42:17.476Z</c>.
/// </summary>
internal static class Timestamps
{
    /// <summary>2024-01-01T00:00:00.000Z: the fixed origin of the generated data, so a seed always means the same dates.</summary>
    public const long Base = 1_704_067_200_000;

    public const long Second = 1000;
    public const long Minute = 60 * Second;
    public const long Hour = 60 * Minute;
    public const long Day = 24 * Hour;

    private const string Pattern = "yyyy-MM-dd'T'HH:mm:ss.fff'Z'";

    public static string ToText(long unixMs) =>
        DateTime.UnixEpoch.AddMilliseconds(unixMs).ToString(Pattern, CultureInfo.InvariantCulture);

    public static int Format(long unixMs, Span<char> destination)
    {
        DateTime.UnixEpoch.AddMilliseconds(unixMs).TryFormat(destination, out var written, Pattern, CultureInfo.InvariantCulture);
        return written;
    }

    public static string ToDate(long unixMs) =>
        DateTime.UnixEpoch.AddMilliseconds(unixMs).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    /// <summary>Parses an ISO 8601 instant; a value without an offset is taken as UTC.</summary>
    public static bool TryParse(string text, out long unixMs)
    {
        if (DateTimeOffset.TryParse(
                text,
                CultureInfo.InvariantCulture,
                DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal,
                out var value))
        {
            unixMs = value.ToUnixTimeMilliseconds();
            return true;
        }

        unixMs = 0;
        return false;
    }
}
