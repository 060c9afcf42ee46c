using OrleansSync.Emulator.Data;

namespace OrleansSync.Emulator.Reviews;

/// <summary>
/// ACC's date filter: <c>start..end</c> in ISO 8601, either side may be empty; a single instant means from then on.
/// Both ends are inclusive.
/// </summary>
internal static class TimeRange
{
    public static bool TryParse(string? text, out long? from, out long? to, out string error)
    {
        from = null;
        to = null;
        error = string.Empty;
        text ??= string.Empty;
        var separator = text.IndexOf("..", StringComparison.Ordinal);
        var start = separator < 0 ? text : text[..separator];
        var end = separator < 0 ? string.Empty : text[(separator + 2)..];
        if (separator < 0 && start.Length == 0)
        {
            error = "Invalid date range '': use start..end in ISO 8601, e.g. 2024-01-01T00:00:00.000Z..";
            return false;
        }

        if (start.Length > 0)
        {
            if (!Timestamps.TryParse(start, out var value))
            {
                error = $"Invalid date '{start}': use ISO 8601, e.g. 2024-01-01T00:00:00.000Z.";
                return false;
            }

            from = value;
        }

        if (end.Length > 0)
        {
            if (!Timestamps.TryParse(end, out var value))
            {
                error = $"Invalid date '{end}': use ISO 8601, e.g. 2024-01-01T00:00:00.000Z.";
                return false;
            }

            to = value;
        }

        return true;
    }
}
