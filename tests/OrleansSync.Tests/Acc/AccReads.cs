using System.Text.Json;
using OrleansSync.Sources.Acc.Client;

namespace OrleansSync.Tests.Acc;

/// <summary>Reading whole lists and comparing records by id and raw text.</summary>
internal static class AccReads
{
    public static async Task<List<SourcePage>> PagesAsync(AccTestHost host, Uri firstPage, CancellationToken cancellationToken)
    {
        var pages = new List<SourcePage>();
        await foreach (var page in host.Client.ReadAllAsync(host.Connection, firstPage, cancellationToken))
        {
            pages.Add(page);
        }

        return pages;
    }

    public static async Task<List<JsonElement>> RecordsAsync(AccTestHost host, Uri firstPage, CancellationToken cancellationToken) =>
        [.. (await PagesAsync(host, firstPage, cancellationToken)).SelectMany(p => p.Records)];

    public static string Id(JsonElement record) => record.GetProperty("id").GetString()!;

    /// <summary>Same records, each byte for byte as upstream sent it (ignoring order; ids must be unique).</summary>
    public static void AssertSameRecords(IEnumerable<JsonElement> expected, IEnumerable<JsonElement> actual, Func<JsonElement, string> key)
    {
        var want = expected.ToDictionary(key, e => e.GetRawText());
        var got = actual.ToList();
        Assert.Equal(got.Count, got.Select(key).Distinct().Count());
        Assert.Equal(want.Count, got.Count);
        Assert.All(got, record => Assert.Equal(want[key(record)], record.GetRawText()));
    }

    /// <summary>Same records in the same order, byte for byte (for lists without ids, such as progress steps).</summary>
    public static void AssertSameSequence(IEnumerable<JsonElement> expected, IEnumerable<JsonElement> actual) =>
        Assert.Equal(expected.Select(e => e.GetRawText()), actual.Select(e => e.GetRawText()));
}
