using System.Globalization;

namespace OrleansSync.Backfills;

/// <summary>Backfill ids, day task ids and the range rules the CLI and the grain share.</summary>
public static class BackfillIds
{
    /// <summary>The most days one backfill may span; a longer history is backfilled in several.</summary>
    public const int MaxDays = 1000;

    /// <summary>How days are written on the command line, in task ids and in checkpoint scopes.</summary>
    public const string DayFormat = "yyyy-MM-dd";

    /// <summary>A new id: sortable by start time, unique across callers starting in the same millisecond.</summary>
    public static string New(DateTimeOffset now) =>
        $"bf-{now.UtcDateTime:yyyyMMdd'T'HHmmssfff}Z-{Convert.ToHexStringLower(System.Security.Cryptography.RandomNumberGenerator.GetBytes(3))}";

    /// <summary>The task of a day's <paramref name="attempt"/>-th run (1 for the first, 2 for its first retry).</summary>
    public static string DayTask(string projectId, string backfillId, DateOnly day, int attempt) =>
        $"{projectId}:backfill:{backfillId}:{Day(day)}" + (attempt > 1 ? $"#{attempt.ToString(CultureInfo.InvariantCulture)}" : "");

    public static string Day(DateOnly day) => day.ToString(DayFormat, CultureInfo.InvariantCulture);

    /// <summary>Parses a UTC day as written on the command line (YYYY-MM-DD).</summary>
    public static bool TryParseDay(string? text, out DateOnly day) =>
        DateOnly.TryParseExact(text?.Trim(), DayFormat, CultureInfo.InvariantCulture, DateTimeStyles.None, out day);

    /// <summary>Why a range may not be backfilled (what to fix), or null when it may.</summary>
    /// <param name="from">The first day.</param>
    /// <param name="to">The last day, included.</param>
    /// <param name="today">Today, UTC: a day after it has nothing updated yet.</param>
    public static string? RangeProblem(DateOnly from, DateOnly to, DateOnly today)
    {
        if (from > to)
        {
            return $"--from {Day(from)} is after --to {Day(to)}: give the earlier day first (both are included).";
        }

        if (to > today)
        {
            return $"--to {Day(to)} is after today ({Day(today)}, UTC): nothing can have been updated on a later day.";
        }

        var days = to.DayNumber - from.DayNumber + 1;
        return days > MaxDays
            ? $"{Day(from)} to {Day(to)} spans {days} days; a backfill spans at most {MaxDays}: split the range into several backfills."
            : null;
    }
}
