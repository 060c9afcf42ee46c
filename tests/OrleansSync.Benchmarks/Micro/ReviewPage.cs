using System.Text.Json;
using OrleansSync.Emulator;

namespace OrleansSync.Benchmarks.Micro;

/// <summary>A page of review records exactly as the ACC emulator serves them, parsed as the ACC client parses a page.</summary>
public static class ReviewPage
{
    /// <summary>ACC's page size for reviews.</summary>
    public const int Size = 50;

    public static async Task<JsonElement[]> LoadAsync(int seed, CancellationToken cancellationToken)
    {
        await using var emulator = await AccEmulator.StartAsync(
            new EmulatorOptions
            {
                Dataset = { Seed = seed, Projects = 1, ReviewsPerProject = Size, WorkflowsPerProject = 3, VersionsPerReview = 1, ProgressStepsPerReview = 1 },
                RateLimits = RateLimitOptions.Unlimited,
            },
            cancellationToken);
        using var dump = JsonDocument.Parse(await emulator.DumpAsync(emulator.ProjectIds[0], cancellationToken));
        // The dump nests each review's record as the API returns it; a page is {"results":[...]}.
        var records = dump.RootElement.GetProperty("projects")[0].GetProperty("reviews").EnumerateArray().Select(static r => r.GetProperty("record").GetRawText());
        using var page = JsonDocument.Parse($"{{\"results\":[{string.Join(',', records)}]}}");
        var results = page.RootElement.GetProperty("results").Clone();
        return [.. results.EnumerateArray()];
    }
}
