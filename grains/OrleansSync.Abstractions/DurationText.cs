using System.Globalization;
using System.Text.RegularExpressions;

namespace OrleansSync;

/// <summary>Durations as people write them, for the CLI and the HTTP API alike: <c>90s</c>, <c>15m</c>, <c>6h</c>, <c>1d</c>, or <c>01:30:00</c>.</summary>
public static partial class DurationText
{
    /// <summary>The hint both front ends give with a duration they could not read.</summary>
    public const string Examples = "write e.g. 15m, 6h, 1d or 01:30:00";

    /// <summary>Reads a positive duration; false for anything else.</summary>
    public static bool TryParse(string? text, out TimeSpan duration)
    {
        duration = default;
        if (string.IsNullOrWhiteSpace(text))
        {
            return false;
        }

        var match = Short().Match(text);
        if (match.Success)
        {
            var amount = double.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture);
            var unit = match.Groups[2].Value switch
            {
                "s" => TimeSpan.FromSeconds(1),
                "m" => TimeSpan.FromMinutes(1),
                "h" => TimeSpan.FromHours(1),
                _ => TimeSpan.FromDays(1),
            };
            // Beyond TimeSpan's range (about 29,000 years) is no duration either.
            if (amount <= 0 || amount * unit.Ticks >= TimeSpan.MaxValue.Ticks)
            {
                return false;
            }

            duration = TimeSpan.FromTicks((long)(amount * unit.Ticks));
            return true;
        }

        return TimeSpan.TryParse(text, CultureInfo.InvariantCulture, out duration) && duration > TimeSpan.Zero;
    }

    [GeneratedRegex("^([0-9]+(?:\\.[0-9]+)?)([smhd])$")]
    private static partial Regex Short();
}
