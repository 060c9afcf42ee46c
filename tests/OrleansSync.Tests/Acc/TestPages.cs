using System.Globalization;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using OrleansSync.Sources.Acc.Client;

namespace OrleansSync.Tests.Acc;

/// <summary>Pages of a made-up reviews list, two a page, for feeding <c>AccPageTrail</c> and hostile upstreams.</summary>
internal static class TestPages
{
    public static readonly Uri List = new("https://acc.example/construction/reviews/v1/projects/p1/reviews?limit=2");

    public static Uri At(int offset) => new(List, $"?limit=2&offset={offset}");

    /// <summary>A page of <paramref name="records"/> empty records.</summary>
    public static SourcePage Page(int offset, int? total, Uri? next, int records = 1) =>
        new([.. Enumerable.Repeat(JsonDocument.Parse("{}").RootElement, records)], offset, total, next, 1, null);

    /// <summary>The offset a request asks for; 0 when it names none.</summary>
    public static int Offset(HttpContext context) =>
        int.TryParse(context.Request.Query["offset"], NumberStyles.None, CultureInfo.InvariantCulture, out var offset) ? offset : 0;
}
