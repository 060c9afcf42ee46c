namespace OrleansSync.Emulator.Reviews;

/// <summary>One field of a <c>sort</c> parameter.</summary>
internal readonly record struct SortKey(string Field, bool Descending)
{
    /// <summary>
    /// Parses <c>sort=name,createdAt desc</c> or <c>sort=-createdAt</c> against the fields the endpoint allows.
    /// </summary>
    public static bool TryParse(string? text, IReadOnlyList<string> allowed, out List<SortKey> keys, out string error)
    {
        keys = [];
        error = string.Empty;
        if (string.IsNullOrWhiteSpace(text))
        {
            return true;
        }

        foreach (var raw in text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var descending = false;
            var field = raw;
            if (field.StartsWith('-'))
            {
                descending = true;
                field = field[1..];
            }
            else if (field.EndsWith(" desc", StringComparison.OrdinalIgnoreCase))
            {
                descending = true;
                field = field[..^5].TrimEnd();
            }
            else if (field.EndsWith(" asc", StringComparison.OrdinalIgnoreCase))
            {
                field = field[..^4].TrimEnd();
            }

            var match = allowed.FirstOrDefault(a => a.Equals(field, StringComparison.OrdinalIgnoreCase));
            if (match is null)
            {
                error = $"Invalid sort field '{field}'. Allowed: {string.Join(", ", allowed)}.";
                return false;
            }

            keys.Add(new SortKey(match, descending));
        }

        return true;
    }
}
