using System.Globalization;

namespace OrleansSync.Emulator.Paging;

/// <summary>The <c>limit</c> and <c>offset</c> of a list call.</summary>
internal readonly record struct PageRequest(int Limit, int Offset)
{
    /// <summary>Reviews API rule: limit 1–50, default 50; anything else is a 400.</summary>
    public static bool TryParseReviews(IQueryCollection query, out PageRequest page, out string error)
    {
        return TryParse(query, defaultLimit: 50, maxLimit: 50, clampLimit: false, out page, out error);
    }

    /// <summary>Admin API rule: limit default 20, at most 200, larger values clamped.</summary>
    public static bool TryParseAdmin(IQueryCollection query, out PageRequest page, out string error)
    {
        return TryParse(query, defaultLimit: 20, maxLimit: 200, clampLimit: true, out page, out error);
    }

    private static bool TryParse(
        IQueryCollection query,
        int defaultLimit,
        int maxLimit,
        bool clampLimit,
        out PageRequest page,
        out string error)
    {
        page = default;
        var limit = defaultLimit;
        if (query.TryGetValue("limit", out var limitText))
        {
            if (!int.TryParse(limitText[0], NumberStyles.None, CultureInfo.InvariantCulture, out limit) || limit < 1)
            {
                error = $"Invalid limit '{limitText[0]}': it must be an integer from 1 to {maxLimit}.";
                return false;
            }

            if (limit > maxLimit)
            {
                if (!clampLimit)
                {
                    error = $"Invalid limit '{limitText[0]}': it must be an integer from 1 to {maxLimit}.";
                    return false;
                }

                limit = maxLimit;
            }
        }

        var offset = 0;
        if (query.TryGetValue("offset", out var offsetText)
            && !int.TryParse(offsetText[0], NumberStyles.None, CultureInfo.InvariantCulture, out offset))
        {
            error = $"Invalid offset '{offsetText[0]}': it must be an integer of 0 or more.";
            return false;
        }

        page = new PageRequest(limit, offset);
        error = string.Empty;
        return true;
    }
}
