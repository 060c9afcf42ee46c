using System.Collections.Concurrent;
using OrleansSync.Emulator.Data;

namespace OrleansSync.Emulator.Reviews;

/// <summary>
/// Filtered and sorted lists by query, valid until the next write. A client walking nextUrl asks the same query
/// page after page; on a project of 100k reviews, filtering and sorting once instead of per page keeps the
/// emulator far faster than the quota it imposes.
/// </summary>
internal sealed class ListCache
{
    private const int MaxEntries = 64;

    private readonly ConcurrentDictionary<string, (long Version, object Items)> _entries = new(StringComparer.Ordinal);

    /// <summary>Call under the dataset's read lock, so that the version and the computed list agree.</summary>
    public List<T> GetOrAdd<T>(Dataset data, string key, Func<List<T>> compute)
    {
        var version = data.Version;
        if (_entries.TryGetValue(key, out var entry) && entry.Version == version && entry.Items is List<T> cached)
        {
            return cached;
        }

        var items = compute();
        if (_entries.Count >= MaxEntries)
        {
            _entries.Clear();
        }

        _entries[key] = (version, items);
        return items;
    }

    /// <summary>The project and every query parameter but the page's own.</summary>
    public static string KeyOf(string kind, ProjectState project, IQueryCollection query)
    {
        var parts = query
            .Where(p => !p.Key.Equals("limit", StringComparison.OrdinalIgnoreCase) && !p.Key.Equals("offset", StringComparison.OrdinalIgnoreCase))
            .OrderBy(p => p.Key, StringComparer.Ordinal)
            .Select(p => $"{p.Key}={p.Value}");
        return $"{kind}|{project.Id}|{string.Join('&', parts)}";
    }
}
