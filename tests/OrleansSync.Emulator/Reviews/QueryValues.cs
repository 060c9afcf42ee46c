using Microsoft.Extensions.Primitives;

namespace OrleansSync.Emulator.Reviews;

/// <summary>Helpers for ACC's list filters, which come as comma lists and may be repeated.</summary>
internal static class QueryValues
{
    public static List<string> Split(StringValues values)
    {
        var items = new List<string>();
        foreach (var value in values)
        {
            if (value is null)
            {
                continue;
            }

            foreach (var part in value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            {
                items.Add(part);
            }
        }

        return items;
    }
}
