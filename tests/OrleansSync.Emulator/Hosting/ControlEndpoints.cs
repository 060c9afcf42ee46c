using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using OrleansSync.Emulator.Faults;
using OrleansSync.Emulator.Json;
using OrleansSync.Emulator.RateLimiting;

namespace OrleansSync.Emulator.Hosting;

/// <summary>
/// The emulator's own endpoints under <c>/__</c>: no auth, no quota, no faults, not counted in the stats.
/// </summary>
internal static class ControlEndpoints
{
    private const int MaxMutationsPerCall = 1_000_000;

    public static void MapControlEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapGet("/__stats", (ControlPlane control) => Results.Json(control.Stats(), ControlJsonContext.Default.StatsSnapshot));
        app.MapPost("/__stats/reset", (ControlPlane control) =>
        {
            control.ResetStats();
            return Results.Json(control.Stats(), ControlJsonContext.Default.StatsSnapshot);
        });
        app.MapPost("/__mutate", (int? n, ControlPlane control) =>
        {
            var count = n ?? 1;
            return count is < 1 or > MaxMutationsPerCall
                ? ApiErrors.BadRequest($"n must be from 1 to {MaxMutationsPerCall}.")
                : Results.Json(control.Mutate(count), ControlJsonContext.Default.MutationResult);
        });
        app.MapGet("/__faults", (ControlPlane control) => Results.Json(FaultView.Of(control.Faults), ControlJsonContext.Default.FaultView));
        app.MapPost("/__faults", async (HttpRequest request, ControlPlane control) =>
        {
            var (patch, error) = await ReadAsync(request, ControlJsonContext.Default.FaultPatch);
            var errors = patch is null ? [error!] : control.ApplyFaults(patch);
            return errors.Count > 0
                ? ApiErrors.BadRequest(string.Join("; ", errors))
                : Results.Json(FaultView.Of(control.Faults), ControlJsonContext.Default.FaultView);
        });
        app.MapGet("/__limits", (ControlPlane control) => Results.Json(LimitsView.Of(control.Limiter.Options), ControlJsonContext.Default.LimitsView));
        app.MapPost("/__limits", async (HttpRequest request, ControlPlane control) =>
        {
            var (patch, error) = await ReadAsync(request, ControlJsonContext.Default.LimitsPatch);
            var errors = patch is null ? [error!] : control.ApplyLimits(patch);
            return errors.Count > 0
                ? ApiErrors.BadRequest(string.Join("; ", errors))
                : Results.Json(LimitsView.Of(control.Limiter.Options), ControlJsonContext.Default.LimitsView);
        });
        app.MapGet("/__info", (HttpRequest request, ControlPlane control, EmulatorOptions options) =>
        {
            var data = control.Data;
            var info = new InfoView(
                $"{request.Scheme}://{request.Host.ToUriComponent()}",
                data.AccountId,
                [.. options.Clients.Select(c => c.ClientId)],
                [.. data.Projects.Select(p => p.Id)],
                options.Dataset.Seed,
                options.Dataset);
            return Results.Json(info, ControlJsonContext.Default.InfoView);
        });
    }

    /// <summary>An empty body reads as an empty patch.</summary>
    private static async Task<(T? Value, string? Error)> ReadAsync<T>(HttpRequest request, JsonTypeInfo<T> type)
        where T : new()
    {
        if (request.ContentLength == 0)
        {
            return (new T(), null);
        }

        try
        {
            var value = await JsonSerializer.DeserializeAsync(request.Body, type, request.HttpContext.RequestAborted);
            return value is null ? (default, "the body must be a JSON object") : (value, null);
        }
        catch (JsonException e)
        {
            return (default, $"invalid JSON body: {e.Message}");
        }
    }
}
