using System.Globalization;
using OrleansSync.Emulator.Faults;

namespace OrleansSync.Emulator.Stats;

/// <summary>
/// Upstream calls since start or the last reset, by endpoint (<c>GET /construction/reviews/v1/projects/{projectId}/reviews</c>)
/// and status code. The emulator's own <c>/__</c> endpoints are not counted. <c>InjectedOutages</c> counts calls
/// answered by <see cref="FaultSettings.OutageStatus"/>; <c>InjectedHostile</c> the hostile answers served, by the
/// kind's JSON name (<c>html200</c>), every kind listed.
/// </summary>
public sealed record StatsSnapshot(
    long Total,
    IReadOnlyDictionary<string, long> ByStatus,
    IReadOnlyDictionary<string, EndpointStats> Endpoints,
    long QuotaRejections,
    long InjectedThrottles,
    long InjectedServerErrors,
    long InjectedOutages,
    IReadOnlyDictionary<string, long> InjectedHostile)
{
    /// <summary>Calls to <paramref name="endpoint"/>, of one status code or of all.</summary>
    public long Count(string endpoint, int? status = null)
    {
        if (!Endpoints.TryGetValue(endpoint, out var stats))
        {
            return 0;
        }

        return status is { } code ? stats.ByStatus.GetValueOrDefault(code.ToString(CultureInfo.InvariantCulture)) : stats.Total;
    }

    /// <summary>Hostile answers of one kind served.</summary>
    public long CountHostile(HostileKind kind) => InjectedHostile.GetValueOrDefault(HostileNames.Of(kind));

    /// <summary>Calls of one status code, all endpoints together.</summary>
    public long CountStatus(int status) => ByStatus.GetValueOrDefault(status.ToString(CultureInfo.InvariantCulture));
}

/// <summary>Calls to one endpoint.</summary>
public sealed record EndpointStats(long Total, IReadOnlyDictionary<string, long> ByStatus);
